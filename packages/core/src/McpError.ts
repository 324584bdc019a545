/**
 * The typed errors of an MCP client.
 *
 * Each error is a `Schema.TaggedError`, so it can be yielded, caught by tag, encoded and compared.
 * `McpTransportError` and `McpProtocolError` carry a tagged `reason`: catch the error broadly with
 * `Effect.catchTag`, or one reason with `Effect.catchReason`.
 *
 * **Example** (Recovering from one reason)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { McpError } from "@effect-mcp/core"
 *
 * declare const call: Effect.Effect<string, McpError.McpTransportError>
 *
 * call.pipe(Effect.catchReason("McpTransportError", "ConnectionClosed", () => Effect.succeed("offline")))
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import { McpAuthError } from "./McpAuthError.ts"
import { CallToolResult } from "./McpSchema.ts"

/**
 * The type id that marks the client's errors (not their reasons).
 *
 * @stability experimental
 * @category type ids
 * @since 0.3.0
 */
export const TypeId = "~@effect-mcp/core/McpError"

// -----------------------------------------------------------------------------
// McpTransportError
// -----------------------------------------------------------------------------

/**
 * The connection to the server ended (the server closed its side, the process exited, the stream
 * ended) while the client still needed it. `streamEnded` says a request's own reply stream ended or
 * broke before its response: the server stopped working on it (a request safe to repeat is then sent
 * again in 2026-07-28, which has no resumption).
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class ConnectionClosed extends Schema.TaggedError<ConnectionClosed>(
  "@effect-mcp/core/McpError/ConnectionClosed"
)("ConnectionClosed", {
  description: Schema.optional(Schema.String),
  cause: Schema.optional(Schema.Defect()),
  streamEnded: Schema.optional(Schema.Boolean),
  /** The system's code for why, when there is one: `ECONNREFUSED`, `ENOTFOUND`, a TLS error's code. */
  code: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return this.description === undefined
      ? "The connection to the MCP server closed"
      : `The connection to the MCP server closed: ${this.description}`
  }
}

/**
 * The client's own scope closed while a request was still waiting for its response.
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class ClientClosed extends Schema.TaggedError<ClientClosed>("@effect-mcp/core/McpError/ClientClosed")(
  "ClientClosed",
  {}
) {
  override get message(): string {
    return "The MCP client was closed before the server answered"
  }
}

/**
 * A message could not be written to the transport.
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class SendFailed extends Schema.TaggedError<SendFailed>("@effect-mcp/core/McpError/SendFailed")(
  "SendFailed",
  {
    description: Schema.optional(Schema.String),
    cause: Schema.optional(Schema.Defect())
  }
) {
  override get message(): string {
    return this.description === undefined
      ? "Could not send a message to the MCP server"
      : `Could not send a message to the MCP server: ${this.description}`
  }
}

/**
 * The server sent something that is not a JSON-RPC message (not JSON, wrong envelope). The excerpt
 * holds at most the first 200 characters.
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class MalformedMessage extends Schema.TaggedError<MalformedMessage>(
  "@effect-mcp/core/McpError/MalformedMessage"
)("MalformedMessage", {
  description: Schema.String,
  excerpt: Schema.String
}) {
  override get message(): string {
    return `Malformed message from the MCP server (${this.description}): ${this.excerpt}`
  }
}

/**
 * The server process could not be started: the executable is missing, not executable, or the OS
 * refused. `description` carries the OS error (`ENOENT`, `EACCES`, …).
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class SpawnFailed extends Schema.TaggedError<SpawnFailed>("@effect-mcp/core/McpError/SpawnFailed")(
  "SpawnFailed",
  {
    command: Schema.String,
    description: Schema.String,
    cause: Schema.optional(Schema.Defect())
  }
) {
  override get message(): string {
    return `Could not start the MCP server ${JSON.stringify(this.command)}: ${this.description}`
  }
}

/**
 * The server process exited (or was killed) while the client needed it. Carries the exit code or
 * signal and the last lines the server wrote to stderr.
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class ProcessExited extends Schema.TaggedError<ProcessExited>("@effect-mcp/core/McpError/ProcessExited")(
  "ProcessExited",
  {
    command: Schema.String,
    exitCode: Schema.optional(Schema.Int),
    signal: Schema.optional(Schema.String),
    stderr: Schema.Array(Schema.String)
  }
) {
  override get message(): string {
    const how = this.signal !== undefined
      ? `was killed by ${this.signal}`
      : this.exitCode !== undefined
      ? `exited with code ${this.exitCode}`
      : "exited"
    const tail = this.stderr.length === 0 ? "" : `; last stderr lines:\n${this.stderr.join("\n")}`
    return `The MCP server ${JSON.stringify(this.command)} ${how}${tail}`
  }
}

/**
 * The server sent a message larger than the transport's cap. The connection is closed: what follows
 * could not be trusted to be framed right.
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class MessageTooLarge extends Schema.TaggedError<MessageTooLarge>(
  "@effect-mcp/core/McpError/MessageTooLarge"
)("MessageTooLarge", {
  maxBytes: Schema.Int
}) {
  override get message(): string {
    return `The MCP server sent a message larger than ${this.maxBytes} bytes`
  }
}

/**
 * The server answered an HTTP request with a status that is not a success. `body` holds at most the
 * first 200 characters of the response body.
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class HttpStatus extends Schema.TaggedError<HttpStatus>("@effect-mcp/core/McpError/HttpStatus")(
  "HttpStatus",
  {
    status: Schema.Int,
    url: Schema.String,
    body: Schema.String
  }
) {
  override get message(): string {
    return `The MCP server answered HTTP ${this.status} (${this.url})${this.body.length > 0 ? `: ${this.body}` : ""}`
  }
}

/**
 * The server no longer knows the session (HTTP 404 to a request with a session id). The client opens
 * a new session.
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class SessionExpired extends Schema.TaggedError<SessionExpired>(
  "@effect-mcp/core/McpError/SessionExpired"
)("SessionExpired", {
  sessionId: Schema.String
}) {
  override get message(): string {
    return `The MCP server no longer knows the session ${this.sessionId}`
  }
}

/**
 * A router sent nothing because the server the request is for is not connected: its connection failed
 * (the router retries it on its schedule) or it is reconnecting. `server` is the server's name in the
 * router's configuration; `cause` is the last error of the server, if any.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class ServerUnavailable extends Schema.TaggedError<ServerUnavailable>(
  "@effect-mcp/core/McpError/ServerUnavailable"
)("ServerUnavailable", {
  server: Schema.String,
  state: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {
  override get message(): string {
    const cause = this.cause
    const last = typeof cause === "object" && cause !== null && "message" in cause ? `: ${String(cause.message)}` : ""
    return `The MCP server "${this.server}" is not available (${this.state})${last}`
  }
}

/**
 * Why a transport failed.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type McpTransportErrorReason =
  | ConnectionClosed
  | ClientClosed
  | SendFailed
  | MalformedMessage
  | SpawnFailed
  | ProcessExited
  | MessageTooLarge
  | HttpStatus
  | SessionExpired
  | McpAuthError
  | ServerUnavailable

/**
 * The schema of {@link McpTransportErrorReason}.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const McpTransportErrorReason: Schema.Union<
  [
    typeof ConnectionClosed,
    typeof ClientClosed,
    typeof SendFailed,
    typeof MalformedMessage,
    typeof SpawnFailed,
    typeof ProcessExited,
    typeof MessageTooLarge,
    typeof HttpStatus,
    typeof SessionExpired,
    typeof McpAuthError,
    typeof ServerUnavailable
  ]
> = Schema.Union([
  ConnectionClosed,
  ClientClosed,
  SendFailed,
  MalformedMessage,
  SpawnFailed,
  ProcessExited,
  MessageTooLarge,
  HttpStatus,
  SessionExpired,
  McpAuthError,
  ServerUnavailable
])

/**
 * The transport could not carry a message: the connection closed, a write failed, or the server
 * sent garbage.
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class McpTransportError extends Schema.TaggedError<McpTransportError>(
  "@effect-mcp/core/McpError/McpTransportError"
)("McpTransportError", {
  reason: McpTransportErrorReason
}) {
  readonly [TypeId] = TypeId

  override readonly cause = this.reason

  override get message(): string {
    return this.reason.message
  }
}

// -----------------------------------------------------------------------------
// McpProtocolError
// -----------------------------------------------------------------------------

/**
 * The server answered with a JSON-RPC error.
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class RpcError extends Schema.TaggedError<RpcError>("@effect-mcp/core/McpError/RpcError")("RpcError", {
  code: Schema.Int,
  description: Schema.String,
  data: Schema.optional(Schema.Json)
}) {
  override get message(): string {
    // servers built on the official SDKs put "MCP error <code>: " in front of their own text
    const prefix = `MCP error ${this.code}:`
    const text = this.description.startsWith(prefix)
      ? this.description.slice(prefix.length).trimStart()
      : this.description
    return `${text} (code ${this.code})`
  }
}

/**
 * The server's result did not match the schema of the method (a required field is missing or has the
 * wrong type). Unknown fields never cause this.
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class InvalidResult extends Schema.TaggedError<InvalidResult>("@effect-mcp/core/McpError/InvalidResult")(
  "InvalidResult",
  {
    issue: Schema.String
  }
) {
  override get message(): string {
    return `Invalid result: ${this.issue}`
  }
}

/**
 * A paginated listing did not end within the page limit, or the server handed back a cursor it had
 * already given (a listing that would never end).
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class PaginationLimit extends Schema.TaggedError<PaginationLimit>(
  "@effect-mcp/core/McpError/PaginationLimit"
)("PaginationLimit", {
  pages: Schema.Int,
  repeatedCursor: Schema.optional(Schema.String)
}) {
  override get message(): string {
    return this.repeatedCursor === undefined
      ? `The listing did not end after ${this.pages} pages`
      : `The server repeated the cursor ${JSON.stringify(this.repeatedCursor)} after ${this.pages} pages`
  }
}

/**
 * The server kept answering `input_required` (2026-07-28) past the client's `maxInputRounds`.
 *
 * @stability experimental
 * @category errors
 * @since 0.2.0
 */
export class InputLimit extends Schema.TaggedError<InputLimit>("@effect-mcp/core/McpError/InputLimit")(
  "InputLimit",
  {
    rounds: Schema.Int
  }
) {
  override get message(): string {
    return `The server still asked for input after ${this.rounds} rounds`
  }
}

/**
 * The client could not answer an input request of an `input_required` result (2026-07-28): no handler
 * layer serves its method, or the handler failed. The request was not sent again.
 *
 * @stability experimental
 * @category errors
 * @since 0.2.0
 */
export class InputFailed extends Schema.TaggedError<InputFailed>("@effect-mcp/core/McpError/InputFailed")(
  "InputFailed",
  {
    key: Schema.String,
    request: Schema.String,
    code: Schema.Int,
    description: Schema.String
  }
) {
  override get message(): string {
    return `Could not answer the server's ${this.request} input request "${this.key}": ${this.description} (code ${this.code})`
  }
}

/**
 * The task that was to produce the result was cancelled (by this client or by the server).
 *
 * @stability experimental
 * @category errors
 * @since 0.2.0
 */
export class TaskCancelled extends Schema.TaggedError<TaskCancelled>("@effect-mcp/core/McpError/TaskCancelled")(
  "TaskCancelled",
  {
    taskId: Schema.String,
    statusMessage: Schema.optional(Schema.String)
  }
) {
  override get message(): string {
    return `Task ${this.taskId} was cancelled${this.statusMessage === undefined ? "" : `: ${this.statusMessage}`}`
  }
}

/**
 * A router found no server for a request: the tool or prompt name has no known server prefix, the
 * resource URI names no server, the name is claimed by two servers, or the request carries nothing to
 * route by. Nothing was sent.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class NoRoute extends Schema.TaggedError<NoRoute>("@effect-mcp/core/McpError/NoRoute")("NoRoute", {
  name: Schema.String,
  description: Schema.String
}) {
  override get message(): string {
    return `No server to route "${this.name}" to: ${this.description}`
  }
}

/**
 * Why the server's answer could not be used.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type McpProtocolErrorReason =
  | RpcError
  | InvalidResult
  | PaginationLimit
  | InputLimit
  | InputFailed
  | TaskCancelled
  | NoRoute

/**
 * The schema of {@link McpProtocolErrorReason}.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const McpProtocolErrorReason: Schema.Union<
  [
    typeof RpcError,
    typeof InvalidResult,
    typeof PaginationLimit,
    typeof InputLimit,
    typeof InputFailed,
    typeof TaskCancelled,
    typeof NoRoute
  ]
> = Schema.Union([RpcError, InvalidResult, PaginationLimit, InputLimit, InputFailed, TaskCancelled, NoRoute])

/**
 * The server answered, but not with a usable result: a JSON-RPC error, a result that does not decode,
 * or a listing that never ends.
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class McpProtocolError extends Schema.TaggedError<McpProtocolError>(
  "@effect-mcp/core/McpError/McpProtocolError"
)("McpProtocolError", {
  method: Schema.String,
  reason: McpProtocolErrorReason
}) {
  readonly [TypeId] = TypeId

  override readonly cause = this.reason

  override get message(): string {
    return `${this.method}: ${this.reason.message}`
  }
}

// -----------------------------------------------------------------------------
// Other errors
// -----------------------------------------------------------------------------

/**
 * A request did not complete within its timeout. The client told the server it gave up
 * (`notifications/cancelled`) before failing.
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class McpTimeoutError extends Schema.TaggedError<McpTimeoutError>("@effect-mcp/core/McpError/McpTimeoutError")(
  "McpTimeoutError",
  {
    method: Schema.String,
    timeoutMillis: Schema.Finite
  }
) {
  readonly [TypeId] = TypeId

  override get message(): string {
    return `${this.method} timed out after ${this.timeoutMillis} ms`
  }
}

/**
 * A tool answered with `isError: true`. `result` is the full protocol result; `message` is its text.
 * Only the decoding `callTool` raises it; `callToolRaw` returns the result.
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class McpToolError extends Schema.TaggedError<McpToolError>("@effect-mcp/core/McpError/McpToolError")(
  "McpToolError",
  {
    tool: Schema.String,
    result: CallToolResult
  }
) {
  readonly [TypeId] = TypeId

  override get message(): string {
    const text = this.result.content.flatMap((block) => block.type === "text" ? [block.text] : []).join("\n")
    return text.length > 0 ? `Tool ${this.tool} failed: ${text}` : `Tool ${this.tool} failed`
  }
}

/**
 * The server did not advertise the capability a method needs, or the negotiated revision does not
 * have the method (`removed: true`, with a `hint` at what replaces it). Nothing was sent.
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class McpCapabilityError extends Schema.TaggedError<McpCapabilityError>(
  "@effect-mcp/core/McpError/McpCapabilityError"
)("McpCapabilityError", {
  method: Schema.String,
  capability: Schema.String,
  protocolVersion: Schema.String,
  removed: Schema.optional(Schema.Boolean),
  hint: Schema.optional(Schema.String)
}) {
  readonly [TypeId] = TypeId

  override get message(): string {
    if (this.removed === true) {
      const hint = this.hint === undefined ? "" : `: ${this.hint}`
      return `${this.method} does not exist in protocol ${this.protocolVersion}, which the server negotiated${hint}`
    }
    return `${this.method} needs the server capability "${this.capability}", which the server did not advertise (protocol ${this.protocolVersion})`
  }
}

/**
 * Client and server have no protocol revision in common.
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class McpVersionError extends Schema.TaggedError<McpVersionError>("@effect-mcp/core/McpError/McpVersionError")(
  "McpVersionError",
  {
    requested: Schema.String,
    received: Schema.String,
    supported: Schema.Array(Schema.String),
    /** What the server did instead, in plain words, and what to try. */
    description: Schema.optional(Schema.String)
  }
) {
  readonly [TypeId] = TypeId

  override get message(): string {
    const why = this.description ?? `it speaks ${this.received}`
    return `The server does not speak protocol ${this.requested}: ${why} (this client speaks ${
      this.supported.join(", ")
    })`
  }
}

/**
 * The error a handler of a server request (sampling, elicitation, roots) fails with to answer the
 * server with a JSON-RPC error of its choosing. Any other failure of a handler is answered with
 * `-32603` (internal error) and its message.
 *
 * @stability experimental
 * @category errors
 * @since 0.1.0
 */
export class McpHandlerError extends Schema.TaggedError<McpHandlerError>("@effect-mcp/core/McpError/McpHandlerError")(
  "McpHandlerError",
  {
    code: Schema.Int,
    description: Schema.String,
    data: Schema.optional(Schema.Json)
  }
) {
  override get message(): string {
    return `${this.description} (code ${this.code})`
  }
}

/**
 * Turns any failure of a handler into the JSON-RPC error the server receives: an `McpHandlerError` as
 * is, anything else as an internal error (-32603) with its message.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const toHandlerError = (error: unknown): McpHandlerError =>
  error instanceof McpHandlerError ? error : new McpHandlerError({
    code: -32603,
    description: error instanceof Error ? error.message : typeof error === "string" ? error : "the handler failed"
  })

/**
 * Any error an MCP client operation can fail with (apart from `McpToolError`, which only the decoding
 * `callTool` raises).
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type McpError =
  | McpTransportError
  | McpProtocolError
  | McpTimeoutError
  | McpCapabilityError
  | McpVersionError

/**
 * Tells whether a value is one of this module's errors.
 *
 * @stability experimental
 * @category guards
 * @since 0.1.0
 */
export const isMcpError = (u: unknown): u is McpError | McpToolError => Predicate.hasProperty(u, TypeId)
