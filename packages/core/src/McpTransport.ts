/**
 * The one service a transport implements: open a connection that moves JSON-RPC messages.
 *
 * A transport knows nothing of MCP methods, sessions or protocol revisions. It is a `Layer` that
 * provides {@link McpTransport}; the client calls `connect` once per session, inside the session's
 * `Scope`. What `connect` reuses is the transport's choice: a stdio transport with keep-alive reuses
 * the process its layer started, an in-memory transport starts a fresh server, an HTTP transport opens
 * a new session. Closing the session's scope closes the connection.
 *
 * Two shapes of connection fit behind the same interface:
 *
 * - **channel** transports (stdio, in-memory, a WebSocket) write every message with `send` and
 *   deliver every message from the server on `incoming`; the client matches responses by id;
 * - **request-scoped** transports (Streamable HTTP) also implement `request`: the messages received
 *   in reply to one request (an HTTP response body, JSON or SSE) come back as that request's stream,
 *   ending after its response. Closing that stream early cancels the request on the wire.
 *
 * @stability experimental
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { McpTransportError } from "./McpError.ts"
import { MalformedMessage } from "./McpError.ts"
import type { RequestId } from "./McpSchema.ts"

/**
 * A JSON-RPC message the client writes: a request, a notification, or a response to a server request.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type OutgoingMessage =
  | { readonly jsonrpc: "2.0"; readonly id: RequestId; readonly method: string; readonly params?: object }
  | { readonly jsonrpc: "2.0"; readonly method: string; readonly params?: object }
  | { readonly jsonrpc: "2.0"; readonly id: RequestId; readonly result: object }
  | {
    readonly jsonrpc: "2.0"
    readonly id: RequestId | null
    readonly error: { readonly code: number; readonly message: string; readonly data?: unknown }
  }

/**
 * One open connection to a server.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface McpConnection {
  /**
   * Writes one message. Channel transports deliver the answer to a request on `incoming`.
   */
  readonly send: (message: OutgoingMessage) => Effect.Effect<void, McpTransportError>
  /**
   * Request-scoped transports only: sends a request and streams the messages received in reply to it
   * (server requests, notifications, then the response), ending after the response. Interrupting the
   * stream cancels the exchange. A stream that ends without the response must fail.
   */
  readonly request?: ((message: OutgoingMessage) => Stream.Stream<unknown, McpTransportError>) | undefined
  /**
   * Every message the server sends outside a request's stream, already parsed from JSON (validated by
   * the client). Ends when the server closes the connection; fails when the connection breaks.
   */
  readonly incoming: Stream.Stream<unknown, McpTransportError>
  /**
   * An opaque id of the credentials requests go out with (a SHA-256 of the authorization headers,
   * never the headers), so that a cache keeps results a server marked `private` apart per
   * credentials. Transports without credentials leave it out.
   */
  readonly credentialsId?: Effect.Effect<string> | undefined
  /**
   * The connection to try instead when the server refuses this transport's handshake as a server of
   * an older transport would (Streamable HTTP: `initialize` refused with 400, 404 or 405; the
   * fallback is the legacy HTTP+SSE transport at the same URL). Opened in the same scope.
   */
  readonly fallback?: Effect.Effect<McpConnection, McpTransportError, Scope.Scope> | undefined
  /**
   * Told of a result the client took from its cache instead of asking the server, so that the
   * transport learns from it as if it had carried it (Streamable HTTP: the `x-mcp-header`
   * annotations of a `tools/list` result).
   */
  readonly observeResult?: ((method: string, result: Record<string, unknown>) => void) | undefined
}

/**
 * The transport service: opens connections.
 *
 * @stability experimental
 * @category services
 * @since 0.1.0
 */
export class McpTransport extends Context.Service<McpTransport, {
  /**
   * Opens a connection that lives until the surrounding `Scope` closes.
   */
  readonly connect: Effect.Effect<McpConnection, McpTransportError, Scope.Scope>
}>()("@effect-mcp/core/McpTransport") {}

/**
 * Encodes a message as one line of newline-delimited JSON (the stdio framing).
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const encodeLine = (message: OutgoingMessage): string => JSON.stringify(message) + "\n"

/**
 * Parses one frame of text (a line, an SSE `data` field, an HTTP body) into a JSON value, or says why
 * it is not JSON. Blank frames are not messages: callers skip them before parsing.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const parseFrame = (text: string): Result.Result<unknown, MalformedMessage> =>
  Result.try({
    try: () => JSON.parse(text) as unknown,
    catch: (cause) =>
      new MalformedMessage({
        description: cause instanceof Error ? cause.message : "not JSON",
        excerpt: excerpt(text)
      })
  })

/**
 * The first 200 characters of a text, for error messages and logs.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const excerpt = (text: string): string => text.length > 200 ? `${text.slice(0, 200)}…` : text

/**
 * Logs a frame that is not JSON (at warning level, with an excerpt) instead of failing the connection:
 * one bad line never takes down the requests around it.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const reportMalformed = (error: MalformedMessage): Effect.Effect<void> =>
  Effect.logWarning("MCP: ignored a malformed message from the server").pipe(
    Effect.annotateLogs({ "mcp.reason": error.description, "mcp.message": error.excerpt })
  )

/**
 * Turns a stream of newline-delimited JSON chunks (text or UTF-8 bytes, split anywhere) into parsed
 * messages. Blank lines are skipped; lines that are not JSON are logged and skipped.
 *
 * @stability experimental
 * @category combinators
 * @since 0.1.0
 */
export const decodeNdjson = <E, R>(chunks: Stream.Stream<string | Uint8Array, E, R>): Stream.Stream<unknown, E, R> =>
  Stream.suspend(() => {
    const decoder = new TextDecoder()
    return chunks.pipe(
      Stream.map((chunk) => typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true })),
      Stream.splitLines,
      Stream.filterMapEffect((line): Effect.Effect<Result.Result<unknown, void>> => {
        if (line.trim().length === 0) return Effect.succeed(Result.failVoid)
        const parsed = parseFrame(line)
        return Result.isSuccess(parsed)
          ? Effect.succeed(Result.succeed(parsed.success))
          : Effect.as(reportMalformed(parsed.failure), Result.failVoid)
      })
    )
  })
