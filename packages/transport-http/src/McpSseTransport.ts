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
// the core index, not its module paths: the front door loads it anyway, and each module path is one more file
import { McpError, McpTransport } from "@effect-mcp/core"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"

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
export const resolveEndpoint = (
  sseUrl: string,
  endpoint: string
): Result.Result<string, McpError.McpTransportError> => {
  const base = new URL(sseUrl)
  const resolved = URL.canParse(endpoint.trim(), sseUrl) ? new URL(endpoint.trim(), base) : undefined
  if (resolved === undefined) {
    return Result.fail(failure(`the server announced an invalid endpoint: ${McpTransport.excerpt(endpoint)}`))
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

// `internal/client.ts`'s `failure`, written here so that importing this module loads no `effect/http`
const failure = (description: string) =>
  new McpError.McpTransportError({ reason: new McpError.ConnectionClosed({ description }) })

/**
 * The implementation, loaded on first use (it brings `effect/http` and the SSE parser).
 */
const loadLegacySse = Effect.promise(() => import("./internal/legacySse.ts"))

/**
 * Builds the transport service for a legacy HTTP+SSE endpoint, from the `HttpClient` and `McpAuth` in
 * context. The implementation, and `effect/http` with it, is loaded the first time this runs.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const make = (options: Options): Effect.Effect<McpTransport.Service, never, HttpClient.HttpClient> =>
  Effect.flatMap(loadLegacySse, (LegacySse) => LegacySse.service(options))

/**
 * Opens a legacy HTTP+SSE connection in the current scope.
 *
 * @stability experimental
 * @category constructors
 * @since 0.2.0
 */
export const connect = (
  options: Options
): Effect.Effect<McpTransport.McpConnection, McpError.McpTransportError, Scope.Scope | HttpClient.HttpClient> =>
  Effect.flatMap(make(options), (service) => service.connect)

/**
 * Provides an `McpTransport` for a legacy HTTP+SSE endpoint. Needs an `HttpClient`.
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<McpTransport.McpTransport, never, HttpClient.HttpClient> =>
  Layer.effect(McpTransport.McpTransport)(Effect.map(make(options), McpTransport.McpTransport.of))
