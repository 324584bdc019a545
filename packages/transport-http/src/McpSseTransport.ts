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
import * as McpAuth from "@effect-mcp/core/McpAuth"
import { ConnectionClosed, HttpStatus, McpTransportError } from "@effect-mcp/core/McpError"
import { excerpt, McpTransport, parseFrame, reportMalformed } from "@effect-mcp/core/McpTransport"
import type { McpConnection } from "@effect-mcp/core/McpTransport"
import type * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
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

const failure = (description: string, cause?: unknown) =>
  new McpTransportError({ reason: new ConnectionClosed({ description, cause }) })

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
    return Result.fail(failure(`the server announced an invalid endpoint: ${excerpt(endpoint)}`))
  }
  if (resolved.username !== "" || resolved.password !== "") {
    return Result.fail(failure("the server announced an endpoint with credentials in it; refused"))
  }
  if (resolved.origin !== base.origin) {
    return Result.fail(
      failure(`the server announced an endpoint on another origin (${resolved.origin}); refused`)
    )
  }
  return Result.succeed(resolved.toString())
}

/**
 * Opens a legacy HTTP+SSE connection in the current scope.
 *
 * @stability experimental
 * @category constructors
 * @since 0.2.0
 */
export const connect = Effect.fnUntraced(function*(
  options: Options
): Effect.fn.Return<McpConnection, McpTransportError, Scope.Scope | HttpClient.HttpClient> {
  const client = yield* HttpClient.HttpClient
  const auth = yield* McpAuth.McpAuth
  return yield* connectWith(client, auth, options)
})

const connectWith = Effect.fnUntraced(function*(
  client: HttpClient.HttpClient,
  auth: McpAuth.Service,
  options: Options
): Effect.fn.Return<McpConnection, McpTransportError, Scope.Scope> {
  const url = options.url.toString()
  const timeout = Duration.fromInputUnsafe(options.timeout ?? "30 seconds")
  const headersFor = (target: string) => Headers.authorized(auth, target, options.headers)
  const httpError = (cause: HttpClientError.HttpClientError) => failure(`HTTP request to ${url} failed`, cause)

  const response = yield* Effect.flatMap(headersFor(url), (headers) =>
    client.execute(
      HttpClientRequest.get(url).pipe(HttpClientRequest.setHeaders({ ...headers, accept: "text/event-stream" }))
    )).pipe(
      Effect.mapError(httpError),
      Effect.timeoutOrElse({ duration: timeout, orElse: () => Effect.fail(failure(`no response from ${url}`)) })
    )
  if (response.status < 200 || response.status >= 300) {
    const body = yield* Effect.orElseSucceed(response.text, () => "")
    return yield* new McpTransportError({
      reason: new HttpStatus({ status: response.status, url, body: excerpt(body) })
    })
  }

  const endpoint = yield* Deferred.make<string, McpTransportError>()
  const inbox = yield* Queue.unbounded<unknown, McpTransportError | Cause.Done>()
  // The reader: the endpoint first, then every message, for the life of the connection.
  yield* Sse.decode()(Stream.mapError(response.stream, httpError)).pipe(
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
      if (Result.isFailure(parsed)) return reportMalformed(parsed.failure)
      return Effect.sync(() => {
        Queue.offerUnsafe(inbox, parsed.success)
      })
    }),
    Effect.matchEffect({
      onFailure: (error) => Effect.andThen(Deferred.fail(endpoint, error), Queue.fail(inbox, error)),
      onSuccess: () => {
        const closed = failure("the server closed the SSE stream")
        return Effect.andThen(Deferred.fail(endpoint, closed), Queue.end(inbox))
      }
    }),
    Effect.forkScoped
  )

  const postUrl = yield* Deferred.await(endpoint).pipe(
    Effect.timeoutOrElse({
      duration: timeout,
      orElse: () => Effect.fail(failure(`the server at ${url} sent no endpoint event`))
    })
  )

  const postOnce = (message: unknown) =>
    Effect.flatMap(headersFor(postUrl), (headers) =>
      client.execute(
        HttpClientRequest.post(postUrl).pipe(
          HttpClientRequest.setHeaders(headers),
          HttpClientRequest.bodyText(JSON.stringify(message), "application/json")
        )
      ).pipe(
        Effect.mapError(httpError),
        // a POST the server never answers must not hold the caller: answers come on the stream anyway
        Effect.timeoutOrElse({
          duration: timeout,
          orElse: () => Effect.fail(failure(`no response from ${postUrl} within ${Duration.format(timeout)}`))
        })
      ))

  const connection: McpConnection = {
    send: (message) =>
      Effect.gen(function*() {
        let posted = yield* postOnce(message)
        if (posted.status === 401 || posted.status === 403) {
          const retry = yield* auth.onChallenge({
            status: posted.status,
            url: postUrl,
            wwwAuthenticate: posted.headers["www-authenticate"]
          })
          if (retry) {
            yield* Effect.ignore(posted.text)
            posted = yield* postOnce(message)
          }
        }
        const body = yield* Effect.orElseSucceed(posted.text, () => "")
        if (posted.status < 200 || posted.status >= 300) {
          return yield* new McpTransportError({
            reason: new HttpStatus({ status: posted.status, url: postUrl, body: excerpt(body) })
          })
        }
      }),
    incoming: Stream.fromQueue(inbox)
  }
  return connection
})

/**
 * Provides an `McpTransport` for a legacy HTTP+SSE endpoint. Needs an `HttpClient`.
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<McpTransport, never, HttpClient.HttpClient> =>
  Layer.effect(McpTransport)(
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const auth = yield* McpAuth.McpAuth
      return McpTransport.of({ connect: connectWith(client, auth, options) })
    })
  )
