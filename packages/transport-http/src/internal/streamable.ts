/**
 * The Streamable HTTP transport's implementation (see `McpHttpTransport` for what it does), loaded
 * when a layer or connection is first built: a program that imports the transport's module but never
 * talks HTTP loads no `effect/http`.
 *
 * @internal
 */
import { HttpStatus, McpTransportError } from "@effect-mcp/core/McpError"
import { excerpt, isResponseTo, parseFrame, readReply } from "@effect-mcp/core/McpTransport"
import type {
  Exchange,
  McpConnection,
  NotificationMessage,
  OutgoingMessage,
  ReplyReader,
  RequestMessage,
  Route,
  Service
} from "@effect-mcp/core/McpTransport"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Predicate from "effect/Predicate"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import type { Options } from "../McpHttpTransport.ts"
import * as Body from "./body.ts"
import * as Client from "./client.ts"
import * as Headers from "./headers.ts"
import * as LegacySse from "./legacySse.ts"
import * as Listen from "./listen.ts"
import * as Replies from "./replies.ts"
import * as Routing from "./routing.ts"
import * as HttpSession from "./session.ts"

const TRANSIENT_STATUS = new Set([502, 503, 504])

/**
 * Builds the transport service for a Streamable HTTP endpoint: its connections, the credentials id
 * of its requests, the HTTP+SSE fallback (unless `sseFallback: false`), and the tools it cannot
 * route in 2026-07-28.
 */
export const make = (services: Client.Services, given: Options): Service => {
  const options = Client.withUrlCredentials(given)
  const url = options.url.toString()
  const routing = Routing.make()
  return {
    connect: connectWith(services, options, routing),
    credentialsId: Headers.credentialsId(services.auth, url, options.headers),
    fallback: options.sseFallback === false
      ? undefined
      : LegacySse.make(services, { url, headers: options.headers, timeout: options.timeout }),
    unroutable: routing.unroutable,
    serverKey: url
  }
}

const connectWith = (services: Client.Services, options: Options, routing: ReturnType<typeof Routing.make>) =>
  Effect.gen(function*() {
    const url = options.url.toString()
    const reconnectDelay = Duration.toMillis(Duration.fromInputUnsafe(options.reconnectDelay ?? "1 second"))
    const client = Client.make(services, {
      headers: options.headers,
      timeout: Duration.fromInputUnsafe(options.timeout ?? "30 seconds")
    })
    const session = yield* HttpSession.make()
    const get = (headers: Readonly<Record<string, string>>) =>
      client.execute("GET", url, (base) =>
        HttpClientRequest.get(url).pipe(
          HttpClientRequest.setHeaders({ ...base, ...session.headers(undefined), ...headers })
        ))
    const replies = Replies.make({
      url,
      drains: yield* Body.makeDrains,
      maxResumptions: options.maxResumptions ?? 3,
      reconnectDelay,
      resume: (lastEventId) =>
        Effect.flatMap(
          get({ accept: "text/event-stream", "last-event-id": lastEventId }),
          (response) => Client.isOk(response) ? Effect.succeed(response) : session.statusError(response, url)
        )
    })
    const post = makePost(client, session, routing, url, retryOf(options))
    // Whether the server answered the last request with an SSE stream, as it will the next most likely.
    // Such a body is read in the request's own scope (`HttpClient.withScope`), so that reading it to
    // its end, and draining it, aborts nothing. A JSON body is read whole and needs no scope, and a
    // request without one costs less (about 10 KB less allocated per call). A guess either way is only a
    // cost: an SSE body read without the scope is aborted after its end, which keeps its connection.
    let answersWithStreams = true

    /** Sends a request and hands its reply, read from `body`, to the reader. */
    const answer = (message: RequestMessage, route: Route, reader: ReplyReader, body: Body.Body) =>
      Effect.gen(function*() {
        const response = yield* post(message, route, {
          scope: answersWithStreams ? body.scope : undefined,
          // the client's timeout for the request bounds it (see `Client.Attempt`)
          deadline: false
        })
        const stateless = route.era === "stateless"
        if (Client.isOk(response)) {
          const streamed = Client.isEventStream(response)
          answersWithStreams = streamed
          const done = (reply: unknown) => isResponseTo(reply, message.id)
          return yield* Effect.andThen(
            replies.deliver(response, { streamed, done, resumable: !stateless, body, take: reader.take }),
            reader.end
          )
        }
        // authorization failures stay HTTP statuses in every era: the JSON-RPC error of a 401 says no more
        const refused = response.status === 401 || response.status === 403
        if (!stateless || refused || response.status < 400 || response.status >= 500) {
          return yield* session.statusError(response, url)
        }
        return yield* Effect.andThen(reader.take(yield* errorBody(response, message.id, url)), reader.end)
      })

    /**
     * A request, given up once the exchange is settled (answered, or the client's timeout): the body
     * is aborted unless it was read to its end or handed to a drain.
     */
    const request = (message: RequestMessage, route: Route, exchange: Exchange) =>
      Effect.raceFirst(
        Effect.flatMap(Body.make, (body) =>
          Effect.ensuring(answer(message, route, readReply(message, route, exchange), body), body.release)),
        exchange.settled
      )

    const send = (message: OutgoingMessage, route: Route): Effect.Effect<void, McpTransportError> =>
      Effect.flatMap(post(message, route), (response) =>
        Client.isOk(response)
          // a server may answer a notification with a body; nothing in it is for us but keep it flowing
          ? Effect.ignore(response.text)
          : session.statusError(response, url))

    yield* Effect.addFinalizer(() =>
      session.active()
        ? client.execute("DELETE", url, (base) =>
          HttpClientRequest.delete(url).pipe(
            HttpClientRequest.setHeaders({ ...base, ...session.headers(undefined) })
          )).pipe(Effect.timeout("2 seconds"), Effect.ignore)
        : Effect.void
    )

    const connection: McpConnection = {
      send,
      request,
      // in 2026-07-28 closing the response stream is the cancellation: nothing more is sent
      cancel: (notification: NotificationMessage, route: Route) =>
        route.era === "stateless" ? Effect.void : send(notification, route),
      incoming: options.listen === false ? Stream.never : Listen.stream({
        url,
        session,
        replies,
        reconnectDelay,
        get: get({ accept: "text/event-stream" })
      })
    }
    return connection
  })

const retryOf = (options: Options) =>
  options.retry === false
    ? undefined
    : options.retry ?? Schedule.exponential("200 millis").pipe(Schedule.upTo({ times: 3 }))

/**
 * POSTs a message with its session and routing headers. Transient failures (and 502, 503, 504) are
 * retried on the schedule when the route says the message may be sent again. `attempt` says how each
 * try is sent (`Client.Attempt`).
 */
const makePost = (
  client: Client.Client,
  session: HttpSession.Session,
  routing: ReturnType<typeof Routing.make>,
  url: string,
  retry: Schedule.Schedule<unknown, McpTransportError> | undefined
) =>
(
  message: OutgoingMessage,
  route: Route,
  attempt?: Client.Attempt
): Effect.Effect<HttpClientResponse.HttpClientResponse, McpTransportError> =>
  Effect.suspend(() => {
    session.sending(route)
    const once = client.attempt("POST", url, (headers) =>
      HttpClientRequest.post(url).pipe(
        HttpClientRequest.setHeaders({
          ...headers,
          ...session.headers(route),
          ...("id" in message && "method" in message ? routing.headers(route, message) : {}),
          accept: "application/json, text/event-stream"
        }),
        HttpClientRequest.bodyText(JSON.stringify(message), "application/json")
      ), attempt).pipe(
        Effect.flatMap((response) =>
          TRANSIENT_STATUS.has(response.status)
            ? Effect.flatMap(
              Effect.flip(Client.statusError(response, url)),
              (error) => Effect.fail<Client.Transient>({ _tag: "Transient", error })
            )
            : Effect.succeed(response)
        )
      )
    const retried = retry === undefined || route.repeatable !== true
      ? once
      : Effect.retry(once, {
        schedule: retry as Schedule.Schedule<unknown, McpTransportError | Client.Transient>,
        while: (error) => !(error instanceof McpTransportError)
      })
    return Effect.tap(
      Effect.mapError(retried, Client.untransient),
      (response) => Effect.sync(() => session.sent(route, response))
    )
  })

/**
 * The JSON-RPC error in the body of a 4xx answer to a stateless request, as that request's response
 * (its id is the request's: the answer can only be to it), or the status as a transport error.
 */
const errorBody = (response: HttpClientResponse.HttpClientResponse, id: RequestMessage["id"], url: string) =>
  Effect.gen(function*() {
    const body = yield* Effect.orElseSucceed(response.text, () => "")
    const parsed = parseFrame(body)
    const error = Result.isSuccess(parsed) && Predicate.isObject(parsed.success) ? parsed.success.error : undefined
    if (Predicate.isObject(error) && typeof error.code === "number" && typeof error.message === "string") {
      return { jsonrpc: "2.0", id, error } as unknown
    }
    return yield* new McpTransportError({
      reason: new HttpStatus({ status: response.status, url: Client.shown(url), body: excerpt(body) })
    })
  })

/**
 * The service of {@link make}, from the `HttpClient` and `McpAuth` in context.
 */
export const service = (options: Options): Effect.Effect<Service, never, HttpClient.HttpClient> =>
  Client.service(make, options)
