/**
 * The legacy HTTP+SSE transport's implementation (see `McpSseTransport` for what it does), loaded when
 * a layer or connection is first built, or by the Streamable HTTP transport for its fallback.
 *
 * @internal
 */
import type { McpTransportError } from "@effect-mcp/core/McpError"
import { excerpt, fromChannel, parseFrame } from "@effect-mcp/core/McpTransport"
import type { McpConnection, OutgoingMessage, Service } from "@effect-mcp/core/McpTransport"
import type * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Queue from "effect/Queue"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { type Options, resolveEndpoint } from "../McpSseTransport.ts"
import * as Client from "./client.ts"
import * as Headers from "./headers.ts"
import * as Sse from "./sse.ts"

/**
 * Builds the transport service for a legacy HTTP+SSE endpoint.
 */
export const make = (services: Client.Services, given: Options): Service => {
  const options = Client.withUrlCredentials(given)
  return {
    connect: connectWith(services, options),
    credentialsId: Headers.credentialsId(services.auth, options.url.toString(), options.headers)
  }
}

const connectWith = Effect.fnUntraced(function*(
  services: Client.Services,
  options: Options
): Effect.fn.Return<McpConnection, McpTransportError, Scope.Scope> {
  const url = options.url.toString()
  const timeout = Duration.fromInputUnsafe(options.timeout ?? "30 seconds")
  const client = Client.make(services, { headers: options.headers, timeout })
  const response = yield* client.execute(
    "GET",
    url,
    (headers) =>
      HttpClientRequest.get(url).pipe(HttpClientRequest.setHeaders({ ...headers, accept: "text/event-stream" }))
  )
  if (!Client.isOk(response)) return yield* Client.statusError(response, url)
  if (!Client.isEventStream(response)) return yield* notAnEventStream(response, url)
  const endpoint = yield* Deferred.make<string, McpTransportError>()
  const inbox = yield* Queue.unbounded<unknown, McpTransportError | Cause.Done>()
  yield* readStream(url, response, endpoint, inbox)
  const postUrl = yield* Deferred.await(endpoint).pipe(
    Effect.timeoutOrElse({
      duration: timeout,
      orElse: () => Effect.fail(Client.failure(`the server at ${Client.shown(url)} sent no endpoint event`))
    })
  )
  return fromChannel({
    send: (message: OutgoingMessage) =>
      Effect.flatMap(
        client.execute("POST", postUrl, (headers) =>
          HttpClientRequest.post(postUrl).pipe(
            HttpClientRequest.setHeaders(headers),
            HttpClientRequest.bodyText(JSON.stringify(message), "application/json")
          )),
        // answers come on the stream: the body of the POST is read only to free its connection
        (posted) => Client.isOk(posted) ? Effect.ignore(posted.text) : Client.statusError(posted, postUrl)
      ),
    incoming: Stream.fromQueue(inbox)
  })
})

/** A GET answered with something else than an SSE stream (an HTML page, JSON): not an SSE endpoint. */
const notAnEventStream = (response: HttpClientResponse.HttpClientResponse, url: string) =>
  Effect.flatMap(Effect.orElseSucceed(response.text, () => ""), (body) =>
    Effect.fail(
      Client.failure(
        `${Client.shown(url)} answered with ${response.headers["content-type"] ?? "no content type"}, not an SSE ` +
          "stream (text/event-stream): it is not an HTTP+SSE endpoint. A Streamable HTTP server is reached at " +
          `its MCP URL (often …/mcp), with McpHttpTransport. The answer began: ${excerpt(body.trim())}`
      )
    ))

/**
 * The reader of the SSE stream, in a fiber of the current scope: the endpoint first, then every
 * message, for the life of the connection.
 */
const readStream = (
  url: string,
  response: HttpClientResponse.HttpClientResponse,
  endpoint: Deferred.Deferred<string, McpTransportError>,
  inbox: Queue.Queue<unknown, McpTransportError | Cause.Done>
) =>
  Sse.decode()(Stream.mapError(response.stream, (error) => Client.requestFailed(url, error))).pipe(
    Stream.runForEach((item) => {
      if (item._tag !== "Event") return Effect.void
      if (item.event === "endpoint") {
        const resolved = resolveEndpoint(url, item.data)
        return Result.isSuccess(resolved)
          ? Deferred.succeed(endpoint, resolved.success)
          : Deferred.fail(endpoint, resolved.failure)
      }
      if (item.event !== "message" || item.data.trim().length === 0) return Effect.void
      const parsed = parseFrame(item.data)
      return Effect.sync(() => {
        Queue.offerUnsafe(inbox, Result.isSuccess(parsed) ? parsed.success : parsed.failure)
      })
    }),
    Effect.matchEffect({
      onFailure: (error) => Effect.andThen(Deferred.fail(endpoint, error), Queue.fail(inbox, error)),
      onSuccess: () =>
        Effect.andThen(Deferred.fail(endpoint, Client.failure("the server closed the SSE stream")), Queue.end(inbox))
    }),
    Effect.forkScoped
  )

/**
 * The service of {@link make}, from the `HttpClient` and `McpAuth` in context.
 */
export const service = (options: Options): Effect.Effect<Service, never, HttpClient.HttpClient> =>
  Client.service(make, options)
