/**
 * The HTTP+SSE transport of revision 2024-11-05 (deprecated by the specification, still served by many
 * servers).
 *
 * The client GETs the SSE URL and waits for the `endpoint` event, whose data is the URI to POST
 * messages to (resolved against the SSE URL; an endpoint on another origin is refused, since it would
 * receive the client's credentials). Every message from the server, responses included, arrives as a
 * `message` event on the GET stream; POSTs are answered 202. The connection ends when the GET stream
 * does.
 *
 * **Example** (A legacy server)
 *
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Layer } from "effect"
 * import { McpClient } from "@effect-mcp/core"
 * import { McpSseTransport } from "@effect-mcp/transport-http"
 *
 * const ClientLive = McpClient.layer().pipe(
 *   Layer.provide(McpSseTransport.layer({ url: "http://127.0.0.1:8000/sse" })),
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import type { McpTransportError } from "@effect-mcp/core/McpError"
import { excerpt, fromChannel, parseFrame } from "@effect-mcp/core/McpTransport"
import type { McpConnection, McpTransport, OutgoingMessage, Service } from "@effect-mcp/core/McpTransport"
import type * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import type * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Client from "./internal/client.ts"
import * as Headers from "./internal/headers.ts"
import * as Sse from "./internal/sse.ts"

/**
 * Options of {@link layer}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** The SSE URL (conventionally ending in `/sse`). */
  readonly url: string | URL
  /** Headers sent with every request (after authorization's). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** How long to wait for the stream to open and for the `endpoint` event. Default: 30 seconds. */
  readonly timeout?: Duration.Input | undefined
}

/**
 * Resolves the `endpoint` event's URI against the SSE URL, refusing another origin.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const resolveEndpoint = (sseUrl: string, endpoint: string): Result.Result<string, McpTransportError> => {
  const base = new URL(sseUrl)
  const resolved = URL.canParse(endpoint.trim(), sseUrl) ? new URL(endpoint.trim(), base) : undefined
  if (resolved === undefined) {
    return Result.fail(Client.failure(`the server announced an invalid endpoint: ${excerpt(endpoint)}`))
  }
  if (resolved.username !== "" || resolved.password !== "") {
    return Result.fail(Client.failure("the server announced an endpoint with credentials in it; refused"))
  }
  if (resolved.origin !== base.origin) {
    return Result.fail(
      Client.failure(`the server announced an endpoint on another origin (${resolved.origin}); refused`)
    )
  }
  return Result.succeed(resolved.toString())
}

/**
 * Builds the transport service for a legacy HTTP+SSE endpoint.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const make = (services: Client.Services, given: Options): Service => {
  const options = Client.withUrlCredentials(given)
  return {
    connect: connectWith(services, options),
    credentialsId: Headers.credentialsId(services.auth, options.url.toString(), options.headers)
  }
}

/**
 * Opens a legacy HTTP+SSE connection in the current scope.
 *
 * @stability experimental
 * @category constructors
 * @since 0.2.0
 */
export const connect = (
  options: Options
): Effect.Effect<McpConnection, McpTransportError, Scope.Scope | HttpClient.HttpClient> =>
  Effect.flatMap(Client.service(make, options), (service) => service.connect)

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
 * Provides an `McpTransport` for a legacy HTTP+SSE endpoint. Needs an `HttpClient`.
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<McpTransport, never, HttpClient.HttpClient> =>
  Client.layer(make, options)
