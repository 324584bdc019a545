/**
 * The one service a transport implements: open a connection that moves JSON-RPC messages.
 *
 * A transport knows nothing of MCP methods or sessions. What it may need to carry a message is given
 * beside it as a {@link Route}: the method, the protocol era and revision, whether it opens a
 * session, whether it is safe to send again, and the tool a call is for (Streamable HTTP mirrors
 * these into headers). Nothing is parsed back out of the JSON.
 *
 * A transport is a `Layer` that provides {@link McpTransport}; the client calls `connect` once per
 * session, inside the session's `Scope`. What `connect` reuses is the transport's choice: a stdio
 * transport with keep-alive reuses the process its layer started, an in-memory transport starts a
 * fresh server, an HTTP transport opens a new session. Closing the session's scope closes the
 * connection. What the transport knows of itself beyond connections (the credentials its requests
 * carry, the older transport to fall back to, the tools it cannot route) is on the service.
 *
 * Two shapes of connection meet the one {@link McpConnection} interface:
 *
 * - **channel** transports (stdio, in-memory, a WebSocket) write every message and deliver every
 *   message from the server on one stream: they implement {@link McpChannel} and are adapted by
 *   {@link fromChannel};
 * - **request-scoped** transports (Streamable HTTP) implement `request` themselves: the messages
 *   received in reply to one request (an HTTP response body, JSON or SSE) are handed to that
 *   request's {@link Exchange}, and interrupting the request closes its reply on the wire.
 *
 * @stability experimental
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { ConnectionClosed, MalformedMessage, McpTransportError } from "./McpError.ts"
import type { RequestId, Tool } from "./McpSchema.ts"

/**
 * A JSON-RPC request the client writes.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface RequestMessage {
  readonly jsonrpc: "2.0"
  readonly id: RequestId
  readonly method: string
  readonly params?: object
}

/**
 * A JSON-RPC notification the client writes.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface NotificationMessage {
  readonly jsonrpc: "2.0"
  readonly method: string
  readonly params?: object
}

/**
 * A JSON-RPC message the client writes: a request, a notification, or a response to a server request.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type OutgoingMessage =
  | RequestMessage
  | NotificationMessage
  | { readonly jsonrpc: "2.0"; readonly id: RequestId; readonly result: object }
  | {
    readonly jsonrpc: "2.0"
    readonly id: RequestId | null
    readonly error: { readonly code: number; readonly message: string; readonly data?: unknown }
  }

/**
 * The protocol era a message is sent in: `"stateful"` for the `initialize` revisions (2024-11-05 …
 * 2025-11-25), `"stateless"` for 2026-07-28.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type Era = "stateful" | "stateless"

/**
 * What a transport may need to carry a message, given by the client beside it.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Route {
  /** The method of the request or notification; for a response, the method of the request it answers. */
  readonly method: string
  readonly era: Era
  /**
   * The revision the message is sent in. Unset while the stateful handshake is under way, and on
   * responses and cancellations in a stateful session (the session's revision applies).
   */
  readonly protocolVersion?: string | undefined
  /** The message opens a new session (the stateful handshake): whatever session there was is dropped. */
  readonly opensSession?: boolean | undefined
  /** The message may be sent again after a transient failure: the server acts on it at most once. */
  readonly repeatable?: boolean | undefined
  /** What the request is about: the tool or prompt name, the resource URI, the task id. */
  readonly name?: string | undefined
  /** For `tools/call`: the tool as the server listed it, when it was listed. */
  readonly tool?: Tool | undefined
}

/**
 * What a request-scoped transport hands the messages of one request's reply to.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Exchange {
  /**
   * Takes one message received in reply to the request: a server request, a notification, the
   * response (a frame that is not JSON as its `MalformedMessage`). Fails when the client gives up on
   * the connection (too many malformed messages in a row).
   */
  readonly reply: (message: unknown) => Effect.Effect<void, McpTransportError>
  /**
   * Completes once the request is settled, answered or given up on (a timeout): a transport still
   * reading its reply stops then, which cancels the exchange on the wire.
   */
  readonly settled: Effect.Effect<void>
}

/**
 * One open connection to a server.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface McpConnection {
  /** Writes a notification, or a response to a server request. */
  readonly send: (message: OutgoingMessage, route: Route) => Effect.Effect<void, McpTransportError>
  /**
   * Sends a request. A channel transport returns once it is written (the response comes on
   * `incoming`); a request-scoped one hands every message of the reply to the exchange and returns
   * after the response, failing when the reply ends without it. Interrupting it cancels the exchange.
   */
  readonly request: (
    message: RequestMessage,
    route: Route,
    exchange: Exchange
  ) => Effect.Effect<void, McpTransportError>
  /**
   * Tells the server the client gave up on a request, with the `notifications/cancelled` the client
   * built. A transport whose closed reply already said so (Streamable HTTP in 2026-07-28) sends
   * nothing.
   */
  readonly cancel: (notification: NotificationMessage, route: Route) => Effect.Effect<void, McpTransportError>
  /**
   * Every message the server sends outside a request's reply, already parsed from JSON (validated by
   * the client). A frame that is not JSON comes through as the `MalformedMessage` of `parseFrame`: the
   * client counts and reports it (and gives up on a server that sends nothing else). Ends when the
   * server closes the connection; fails when the connection breaks.
   */
  readonly incoming: Stream.Stream<unknown, McpTransportError>
  /**
   * Optional. Lets the client look at each message the moment it is read, before it is queued for
   * `incoming`: `take` returns true for a message it dealt with there (the response a request is
   * waiting for), which then never reaches `incoming`. A transport that reads on a fiber of its own
   * offers it to save the hand-over of every response to the client's reader. It must call `take`
   * only when nothing it read earlier is still waiting on `incoming`, so that the order of messages
   * is kept, and never again once the client's scope closed.
   */
  readonly intercept?: ((take: (message: unknown) => boolean) => void) | undefined
}

/**
 * A connection that writes every message and reads every message from one stream (stdio,
 * in-memory): the shape channel transports implement, made an {@link McpConnection} by
 * {@link fromChannel}.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface McpChannel {
  readonly send: (message: OutgoingMessage) => Effect.Effect<void, McpTransportError>
  readonly incoming: Stream.Stream<unknown, McpTransportError>
  /** See {@link McpConnection.intercept}. */
  readonly intercept?: ((take: (message: unknown) => boolean) => void) | undefined
}

/**
 * Adapts a channel to the connection interface: requests, responses and cancellations are all
 * written to it, and every answer arrives on `incoming`. Routes are not needed on a channel.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const fromChannel = (channel: McpChannel): McpConnection => ({
  send: (message) => channel.send(message),
  request: (message) => channel.send(message),
  cancel: (notification) => channel.send(notification),
  incoming: channel.incoming,
  intercept: channel.intercept
})

/**
 * A request-scoped connection as its transport writes it: each request's reply is a `Stream` (an
 * HTTP response body, JSON or SSE) that ends after the response. Made an {@link McpConnection} by
 * {@link fromReplies}.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface McpReplies {
  readonly send: (message: OutgoingMessage, route: Route) => Effect.Effect<void, McpTransportError>
  /** Sends a request and streams the messages received in reply; interrupting the stream cancels it. */
  readonly request: (message: RequestMessage, route: Route) => Stream.Stream<unknown, McpTransportError>
  readonly cancel: (notification: NotificationMessage, route: Route) => Effect.Effect<void, McpTransportError>
  readonly incoming: Stream.Stream<unknown, McpTransportError>
}

/**
 * Adapts a request-scoped connection: each message of a request's reply stream goes to its exchange,
 * the stream is closed once the request is settled, and a stream that ends without the response
 * fails with `ConnectionClosed` (`streamEnded`).
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const fromReplies = (connection: McpReplies): McpConnection => ({
  send: connection.send,
  cancel: connection.cancel,
  incoming: connection.incoming,
  request: (message, route, exchange) =>
    Effect.suspend(() => {
      const reader = readReply(message, route, exchange)
      return connection.request(message, route).pipe(
        Stream.interruptWhen(exchange.settled),
        Stream.runForEach(reader.take),
        Effect.andThen(reader.end)
      )
    })
})

/**
 * How a request-scoped transport hands a request's reply to its exchange, however it reads it (a
 * stream, or a JSON body read whole).
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface ReplyReader {
  /** Hands one message of the reply to the exchange. */
  readonly take: (message: unknown) => Effect.Effect<void, McpTransportError>
  /**
   * For when the reply is over: fails with `ConnectionClosed` (`streamEnded`) when none of its
   * messages was the response, saying what the server sent instead.
   */
  readonly end: Effect.Effect<void, McpTransportError>
}

/**
 * The reader of one request's reply, as {@link fromReplies} reads each reply stream: for a
 * transport that implements {@link McpConnection} itself.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const readReply = (message: RequestMessage, route: Route, exchange: Exchange): ReplyReader => {
  let answered = false
  // the last message that was not the answer: what the server said instead, for the error
  let other: unknown = undefined
  return {
    take: (reply) => {
      if (!answered && isResponseTo(reply, message.id)) answered = true
      else other = reply
      return exchange.reply(reply)
    },
    end: Effect.suspend(() =>
      answered ? Effect.void : Effect.fail(
        new McpTransportError({
          reason: new ConnectionClosed({ description: unanswered(route.method, other), streamEnded: true })
        })
      )
    )
  }
}

/** Why a request's answer ended without its response, in plain words. */
const unanswered = (method: string, other: unknown): string => {
  if (other === undefined) return `the server's answer to ${method} ended before its response`
  const isMessage = typeof other === "object" && other !== null && "jsonrpc" in other && "method" in other
  if (isMessage) return `the server's answer to ${method} ended before its response`
  const text = other instanceof MalformedMessage ? other.excerpt : excerpt(JSON.stringify(other) ?? String(other))
  return `the server answered ${method} with something that is not a JSON-RPC response: ${text}`
}

/**
 * Tells whether a message is the response to the request with the given id.
 *
 * @stability experimental
 * @category guards
 * @since 0.3.0
 */
export const isResponseTo = (message: unknown, id: RequestId): boolean =>
  typeof message === "object" && message !== null && !("method" in message) &&
  (message as { readonly id?: unknown }).id === id

/**
 * The transport service.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Service {
  /** Opens a connection that lives until the surrounding `Scope` closes. */
  readonly connect: Effect.Effect<McpConnection, McpTransportError, Scope.Scope>
  /**
   * An opaque id of the credentials requests go out with (a SHA-256 of the authorization headers,
   * never the headers), so that a cache keeps results a server marked `private` apart per
   * credentials. Transports without credentials leave it out.
   */
  readonly credentialsId?: Effect.Effect<string, McpTransportError> | undefined
  /**
   * The transport to try when the server refuses this one's handshake as a server of an older
   * transport would (Streamable HTTP: `initialize` refused with 400, 404 or 405; the fallback is the
   * legacy HTTP+SSE transport at the same URL).
   */
  readonly fallback?: Service | undefined
  /**
   * Why calls to a tool cannot be routed over this transport in 2026-07-28, if they cannot
   * (Streamable HTTP: its `x-mcp-header` annotations are invalid). The client leaves such tools out of
   * its listings, as the specification requires.
   */
  readonly unroutable?: ((tool: Tool) => string | undefined) | undefined
  /**
   * What tells this transport's server apart from others, for an `McpEraCache` shared by clients
   * (Streamable HTTP: its endpoint URL, without credentials). Transports whose every connection may be
   * a different server (stdio: a process each) leave it out.
   */
  readonly serverKey?: string | undefined
}

/**
 * The transport service: opens connections.
 *
 * @stability experimental
 * @category services
 * @since 0.1.0
 */
export class McpTransport extends Context.Service<McpTransport, Service>()("@effect-mcp/core/McpTransport") {}

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
 * The first 200 characters of a text, as error messages and logs quote what a server sent.
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export const excerpt = (text: string): string => text.length > 200 ? `${text.slice(0, 200)}…` : text

/**
 * Turns a stream of newline-delimited JSON chunks (text or UTF-8 bytes, split anywhere) into parsed
 * messages. Blank lines are skipped; a line that is not JSON comes through as the `MalformedMessage`
 * that says why, for the client to count and report.
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
      Stream.filterMap((line): Result.Result<unknown, void> => {
        if (line.trim().length === 0) return Result.failVoid
        const parsed = parseFrame(line)
        return Result.succeed(Result.isSuccess(parsed) ? parsed.success : parsed.failure)
      })
    )
  })
