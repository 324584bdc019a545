/**
 * The Streamable HTTP transport (revisions 2025-03-26 … 2025-11-25), on Effect's `HttpClient`.
 *
 * Each message is one POST with `Accept: application/json, text/event-stream`. The answer to a request
 * is a JSON body or an SSE stream that may carry the server's requests and notifications before the
 * response: it becomes that request's reply stream, so closing it early cancels the request. The
 * session id (`Mcp-Session-Id`) the server gives with its answer to a message whose route opens a
 * session (`initialize`) is sent back on every later request, with `MCP-Protocol-Version` once
 * negotiated. Once the first message of the negotiated session went out (`notifications/initialized`),
 * a GET stream carries the server's unsolicited messages (405 means the server has none). A dropped SSE stream is resumed
 * with `Last-Event-ID` after the server's `retry` delay. A 404 to a request with a session id means the
 * session expired: it fails with `SessionExpired`, and the client opens a new session. Closing the
 * connection sends DELETE for the session.
 *
 * A server that refuses `initialize` with 400, 404 or 405 is tried with the legacy HTTP+SSE transport
 * at the same URL (the service's `fallback`), unless `sseFallback: false`.
 *
 * Credentials written into the URL (`https://user:password@host/mcp`) are sent as HTTP Basic
 * authorization and taken out of the URL, so that no error or log shows them; an `authorization`
 * header configured or given by `McpAuth` wins over them. A request that cannot be made says why in
 * plain words (nothing listening, a host that does not resolve, a TLS failure), with the system's code
 * on the `ConnectionClosed` reason.
 *
 * Transient failures (a connection that could not be made or was reset, 502, 503, 504) are retried on
 * a `Schedule` for the messages whose route says they may be sent again (everything but `tools/call`,
 * `initialize` and notifications). Authorization comes from the `McpAuth` hook of core: its headers
 * go on every request, and it decides whether a 401/403 is retried.
 *
 * **Revision 2026-07-28.** A request whose route is in the stateless era is sent with the route's
 * revision in `MCP-Protocol-Version` and the routing headers `Mcp-Method`, `Mcp-Name` (the route's
 * name: the tool or prompt name, the resource URI, the task id) and `Mcp-Param-{Name}` for each
 * argument the route's tool marks with `x-mcp-header`. Tools whose annotations are invalid cannot be
 * routed (the service's `unroutable`), and the client leaves them out of its listings, as the
 * specification requires of HTTP clients. There is no session, GET stream, DELETE or resumption in
 * that era: those parts only run once a stateful handshake opened a session. A 4xx answer whose body
 * is a JSON-RPC error becomes that request's error, so the client can read the codes the era
 * detection and corrections rely on. Closing a request's response stream cancels it.
 *
 * **Example** (A remote server)
 *
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Layer } from "effect"
 * import { McpClient } from "@effect-mcp/core"
 * import { McpHttpTransport } from "@effect-mcp/transport-http"
 *
 * const ClientLive = McpClient.layer().pipe(
 *   Layer.provide(McpHttpTransport.layer({ url: "https://example.com/mcp" })),
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import { HttpStatus, McpTransportError } from "@effect-mcp/core/McpError"
import { excerpt, fromReplies, isResponseTo, parseFrame } from "@effect-mcp/core/McpTransport"
import type {
  McpConnection,
  McpTransport,
  NotificationMessage,
  OutgoingMessage,
  RequestMessage,
  Route,
  Service
} from "@effect-mcp/core/McpTransport"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import type * as Layer from "effect/Layer"
import * as Predicate from "effect/Predicate"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Client from "./internal/client.ts"
import * as Headers from "./internal/headers.ts"
import * as Listen from "./internal/listen.ts"
import * as Replies from "./internal/replies.ts"
import * as Routing from "./internal/routing.ts"
import * as HttpSession from "./internal/session.ts"
import * as McpSseTransport from "./McpSseTransport.ts"

/**
 * Options of {@link layer}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** The MCP endpoint. */
  readonly url: string | URL
  /** Headers sent with every request (after authorization's, which they cannot override). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** How long to wait for the response headers of each HTTP request. Default: 30 seconds. */
  readonly timeout?: Duration.Input | undefined
  /** Retries of transient failures for requests that are safe to repeat; `false` for none. Default: 3, from 200 ms, doubling. */
  readonly retry?: Schedule.Schedule<unknown, McpTransportError> | false | undefined
  /** Resumptions of one dropped SSE stream before giving up. Default: 3. */
  readonly maxResumptions?: number | undefined
  /** The delay before resuming when the server gave no `retry`. Default: 1 second. */
  readonly reconnectDelay?: Duration.Input | undefined
  /** Open the GET stream for the server's unsolicited messages. Default: true. */
  readonly listen?: boolean | undefined
  /**
   * When the server refuses `initialize` with 400, 404 or 405 (it does not speak Streamable HTTP),
   * try the legacy HTTP+SSE transport at the same URL, as the specification's backwards
   * compatibility section says. Default: true.
   */
  readonly sseFallback?: boolean | undefined
}

const TRANSIENT_STATUS = new Set([502, 503, 504])

/**
 * Builds the transport service for a Streamable HTTP endpoint: its connections, the credentials id
 * of its requests, the HTTP+SSE fallback (unless `sseFallback: false`), and the tools it cannot
 * route in 2026-07-28.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
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
      : McpSseTransport.make(services, { url, headers: options.headers, timeout: options.timeout }),
    unroutable: routing.unroutable
  }
}

/**
 * Opens a Streamable HTTP connection in the current scope.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const connect = (
  options: Options
): Effect.Effect<McpConnection, McpTransportError, Scope.Scope | HttpClient.HttpClient> =>
  Effect.flatMap(Client.service(make, options), (service) => service.connect)

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
      maxResumptions: options.maxResumptions ?? 3,
      reconnectDelay,
      resume: (lastEventId) =>
        Effect.flatMap(
          get({ accept: "text/event-stream", "last-event-id": lastEventId }),
          (response) => Client.isOk(response) ? Effect.succeed(response) : session.statusError(response, url)
        )
    })
    const post = makePost(client, session, routing, url, retryOf(options))

    const request = (message: RequestMessage, route: Route): Stream.Stream<unknown, McpTransportError> =>
      Stream.unwrap(Effect.gen(function*() {
        const response = yield* post(message, route)
        const stateless = route.era === "stateless"
        if (Client.isOk(response)) {
          return replies.messages(response, (reply) => isResponseTo(reply, message.id), !stateless)
        }
        // authorization failures stay HTTP statuses in every era: the JSON-RPC error of a 401 says no more
        const refused = response.status === 401 || response.status === 403
        if (!stateless || refused || response.status < 400 || response.status >= 500) {
          return yield* session.statusError(response, url)
        }
        return Stream.succeed(yield* errorBody(response, message.id, url))
      }))

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

    return fromReplies({
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
    })
  })

const retryOf = (options: Options) =>
  options.retry === false
    ? undefined
    : options.retry ?? Schedule.exponential("200 millis").pipe(Schedule.upTo({ times: 3 }))

/**
 * POSTs a message with its session and routing headers. Transient failures (and 502, 503, 504) are
 * retried on the schedule when the route says the message may be sent again.
 */
const makePost = (
  client: Client.Client,
  session: HttpSession.Session,
  routing: ReturnType<typeof Routing.make>,
  url: string,
  retry: Schedule.Schedule<unknown, McpTransportError> | undefined
) =>
(message: OutgoingMessage, route: Route): Effect.Effect<HttpClientResponse.HttpClientResponse, McpTransportError> =>
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
      )).pipe(
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
 * Provides an `McpTransport` for a Streamable HTTP endpoint. Needs an `HttpClient`
 * (`NodeHttpClient.layerUndici` of `@effect/platform-node`, or `FetchHttpClient.layer`).
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<McpTransport, never, HttpClient.HttpClient> =>
  Client.layer(make, options)

/**
 * Tells whether a URL names a legacy HTTP+SSE endpoint: its path ends in `/sse`.
 *
 * @stability experimental
 * @category guards
 * @since 0.1.0
 */
export const isSseUrl = (url: string | URL): boolean => {
  const text = url.toString()
  // a URL that does not parse is no SSE URL: its requests fail with a typed error
  return URL.canParse(text) && new URL(text).pathname.replace(/\/+$/, "").endsWith("/sse")
}

/**
 * Provides the transport a URL implies: the legacy HTTP+SSE transport for a path ending in `/sse`,
 * Streamable HTTP otherwise (FastMCP's inference).
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layerUrl = (
  url: string | URL,
  options?: Omit<Options, "url">
): Layer.Layer<McpTransport, never, HttpClient.HttpClient> =>
  isSseUrl(url)
    ? McpSseTransport.layer({ url, headers: options?.headers, timeout: options?.timeout })
    : layer({ ...options, url })
