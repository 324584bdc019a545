/**
 * The Streamable HTTP transport (revisions 2025-03-26 … 2025-11-25), on Effect's `HttpClient`.
 *
 * Each message is one POST with `Accept: application/json, text/event-stream`. The answer to a request
 * is a JSON body or an SSE stream that may carry the server's requests and notifications before the
 * response: it becomes that request's reply stream, so closing it early cancels the request. The
 * call returns with its answer, and the rest of an SSE body is read in the background (at most a
 * second, at most 32 bodies at once, never past the connection's scope), so that a server that ends
 * the response a moment after the answer keeps its keep-alive connection. The
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
// the core index, not its module paths: the front door loads it anyway, and each module path is one more file
import { type McpError, McpTransport } from "@effect-mcp/core"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import type * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
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
  /**
   * How long to wait for the response headers of an HTTP request that carries no MCP request: a
   * notification, a response to the server, the GET stream, the DELETE at close. An MCP request is
   * bounded by the client's timeout for it instead (`McpClient` `timeout`, default 5 minutes), which
   * closes its reply when it runs out: a JSON answer's headers come with its result, so a tool that
   * works longer than this still answers a call the client waits for. Default: 30 seconds.
   */
  readonly timeout?: Duration.Input | undefined
  /** Retries of transient failures for requests that are safe to repeat; `false` for none. Default: 3, from 200 ms, doubling. */
  readonly retry?: Schedule.Schedule<unknown, McpError.McpTransportError> | false | undefined
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

/**
 * The implementation, loaded on first use (it brings `effect/http` and the SSE parser).
 */
const loadStreamable = Effect.promise(() => import("./internal/streamable.ts"))

/**
 * Builds the transport service for a Streamable HTTP endpoint, from the `HttpClient` and `McpAuth` in
 * context: its connections, the credentials id of its requests, the HTTP+SSE fallback (unless
 * `sseFallback: false`), and the tools it cannot route in 2026-07-28. The implementation, and
 * `effect/http` with it, is loaded the first time this runs.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const make = (options: Options): Effect.Effect<McpTransport.Service, never, HttpClient.HttpClient> =>
  Effect.flatMap(loadStreamable, (Streamable) => Streamable.service(options))

/**
 * Opens a Streamable HTTP connection in the current scope.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const connect = (
  options: Options
): Effect.Effect<McpTransport.McpConnection, McpError.McpTransportError, Scope.Scope | HttpClient.HttpClient> =>
  Effect.flatMap(make(options), (service) => service.connect)

/**
 * Provides an `McpTransport` for a Streamable HTTP endpoint. Needs an `HttpClient`
 * (`NodeHttpClient.layerUndici` of `@effect/platform-node`, or `FetchHttpClient.layer`).
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<McpTransport.McpTransport, never, HttpClient.HttpClient> =>
  Layer.effect(McpTransport.McpTransport)(Effect.map(make(options), McpTransport.McpTransport.of))

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
): Layer.Layer<McpTransport.McpTransport, never, HttpClient.HttpClient> =>
  isSseUrl(url)
    ? McpSseTransport.layer({ url, headers: options?.headers, timeout: options?.timeout })
    : layer({ ...options, url })
