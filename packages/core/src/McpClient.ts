/**
 * The MCP client: a scoped service that opens a session with one server over an {@link McpTransport}
 * and offers every client operation of the protocol.
 *
 * Acquiring the service connects and negotiates (or, with `connect: "lazy"`, the first operation
 * does); closing its `Scope` ends the session, closes the connection and interrupts every fiber the
 * client started. Requests still waiting at that moment fail with `McpTransportError(ClientClosed)`.
 *
 * **Example** (Listing and calling tools)
 *
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { McpClient } from "@effect-mcp/core"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* McpClient.McpClient
 *   const tools = yield* client.listTools()
 *   const sum = yield* client.callTool("add", { a: 1, b: 2 }, { output: Schema.Struct({ sum: Schema.Number }) })
 *   return { tools: tools.map((tool) => tool.name), sum: sum.sum }
 * })
 *
 * // program.pipe(Effect.provide(McpClient.layer({ timeout: "30 seconds" })), Effect.provide(transportLayer))
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { identity } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Predicate from "effect/Predicate"
import * as PubSub from "effect/PubSub"
import * as Queue from "effect/Queue"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import type * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Engine from "./internal/engine.ts"
import * as Handlers from "./internal/handlers.ts"
import { isHttpRefusal, negotiate } from "./internal/negotiate.ts"
import type { VersionPreference } from "./internal/negotiate.ts"
import { decodeResult } from "./internal/session.ts"
import type { Era, Session } from "./internal/session.ts"
import { tookInput } from "./internal/stateless.ts"
import * as Subscribe from "./internal/subscribe.ts"
import * as Tasks from "./internal/tasks.ts"
import * as McpCache from "./McpCache.ts"
import {
  ClientClosed,
  ConnectionClosed,
  InvalidResult,
  McpProtocolError,
  McpTimeoutError,
  McpToolError,
  McpTransportError,
  PaginationLimit
} from "./McpError.ts"
import type { McpError } from "./McpError.ts"
import * as McpSchema from "./McpSchema.ts"
import { McpTransport } from "./McpTransport.ts"
import type { McpConnection } from "./McpTransport.ts"

/**
 * The type id that marks an {@link McpClient} service.
 *
 * @stability experimental
 * @category type ids
 * @since 0.1.0
 */
export const TypeId = "~@effect-mcp/core/McpClient"

/**
 * Tells whether a value is an {@link McpClient} service.
 *
 * @stability experimental
 * @category guards
 * @since 0.1.0
 */
export const isMcpClient = (u: unknown): u is McpClient["Service"] => Predicate.hasProperty(u, TypeId)

// -----------------------------------------------------------------------------
// Models
// -----------------------------------------------------------------------------

/**
 * What the client learnt about the server when the session opened.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface ServerSession {
  /**
   * `"stateful"` for the `initialize` revisions (2024-11-05 … 2025-11-25), `"stateless"` for
   * 2026-07-28.
   */
  readonly era: Era
  /** The negotiated protocol revision. */
  readonly protocolVersion: string
  readonly serverInfo: McpSchema.Implementation
  readonly capabilities: McpSchema.ServerCapabilities
  /** The server's hint text for the model, if any. */
  readonly instructions: string | undefined
  /**
   * The server's answer to `server/discover` (stateless era only): every revision it speaks, its
   * capabilities and instructions, and its cache hints.
   */
  readonly discovery: McpSchema.DiscoverResult | undefined
}

/**
 * Which protocol revision the client speaks: `"auto"` (the default: 2026-07-28 where the server
 * speaks it, else the newest stateful revision both sides speak), `"legacy"` (the stateful
 * handshake only), or one revision, pinned.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export type ProtocolVersionOption = VersionPreference

/**
 * A notification the server sent, as the client received it.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Notification {
  readonly method: string
  readonly params: Readonly<Record<string, unknown>> | undefined
}

/**
 * A progress report for a request: `progress` (not assumed to increase), optional `total` and
 * `message`.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type Progress = McpSchema.ProgressNotificationParams

/**
 * Options every request accepts.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface RequestOptions {
  /** Overrides the client's default timeout. `"Infinity"` waits forever. */
  readonly timeout?: Duration.Input | undefined
  /** Keys merged into the request's `params._meta`. */
  readonly meta?: Readonly<Record<string, unknown>> | undefined
  /** Receives the server's progress reports for this request (a progress token is sent). */
  readonly onProgress?: ((progress: Progress) => Effect.Effect<void>) | undefined
}

/**
 * Options of the listing operations that fetch every page.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface ListOptions extends RequestOptions {
  /** The most pages to fetch before failing with `PaginationLimit`. Defaults to the client's `maxPages`. */
  readonly maxPages?: number | undefined
}

/**
 * Tool arguments: a JSON object.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ToolArguments = Readonly<Record<string, unknown>>

/**
 * Options of {@link McpClient} `callTool`.
 *
 * `task` asks a 2025-11-25 server to run the call as a task (when the server offers tasks for tool
 * calls; otherwise the call runs as usual), kept `ttl` after its creation. In 2026-07-28 the server
 * decides, and this option changes nothing on the wire. Either way a call that became a task is
 * awaited: polled at the server's interval, its input requests answered by the handler layers, its
 * result returned as the call's. Interrupting the caller cancels the task. A `timeout` bounds the call,
 * then the wait for the task; without one, a task is awaited as long as it runs.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface CallToolOptions extends RequestOptions {
  readonly task?: boolean | { readonly ttl?: Duration.Input | undefined } | undefined
}

/**
 * The state of a task, in either era (times in milliseconds).
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export type TaskInfo = Tasks.TaskInfo

/**
 * A tool call running as a task: its id, its status as a `Stream` (polled, ending with the task), its
 * result, and a way to cancel it.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export type ToolTask = Tasks.ToolTask

/**
 * What {@link McpClient} `subscribe` listens for: list changes of tools, prompts, resources, and
 * updates of the given resources.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export type SubscriptionFilter = Subscribe.Filter

/**
 * An event of {@link McpClient} `subscribe`: the server's acknowledgement (what it agreed to listen
 * for, again after each re-listen), a list change, or a resource update.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export type SubscriptionEvent = Subscribe.Event

/**
 * An event of {@link McpClient} `callToolStream`: a progress report, or the result (always last).
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ToolCallEvent =
  | { readonly _tag: "Progress"; readonly progress: Progress }
  | { readonly _tag: "Result"; readonly result: McpSchema.CallToolResult }

/**
 * A schema that decodes a tool's `structuredContent`.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type OutputSchema<A> = Schema.Decoder<A, never>

/**
 * The client service.
 *
 * @stability experimental
 * @category services
 * @since 0.1.0
 */
export class McpClient extends Context.Service<McpClient, {
  readonly [TypeId]: typeof TypeId
  /**
   * The negotiated session. With `connect: "lazy"` the first use connects.
   */
  readonly session: Effect.Effect<ServerSession, McpError>
  /**
   * Every notification the server sends, from the moment the stream is run.
   */
  readonly notifications: Stream.Stream<Notification>
  /**
   * Emits each time the server says its tools changed (`notifications/tools/list_changed`).
   */
  readonly toolListChanged: Stream.Stream<void>
  /**
   * Emits each time the server says its resources changed (`notifications/resources/list_changed`).
   */
  readonly resourceListChanged: Stream.Stream<void>
  /**
   * Emits each time the server says its prompts changed (`notifications/prompts/list_changed`).
   */
  readonly promptListChanged: Stream.Stream<void>
  /**
   * Emits the URI of each subscribed resource the server says was updated
   * (`notifications/resources/updated`, after `subscribeResource`).
   */
  readonly resourceUpdated: Stream.Stream<string>
  /**
   * Listens for list changes and resource updates, as a `Stream` that lives until it is stopped. In
   * 2026-07-28 this is one `subscriptions/listen` request, sent again on `retry` (default: from
   * 500 ms, doubling, at most 30 s apart, forever) when it ends; stopping the stream cancels it. In the
   * stateful revisions list changes arrive on their own and each resource URI is subscribed with
   * `resources/subscribe` on every session, and unsubscribed when the stream stops. The first event
   * (and the first after each re-listen) is `Acknowledged`, with what the server agreed to.
   *
   * **Example** (Refreshing a tool list when it changes)
   *
   * ```ts
   * import { Effect, Stream } from "effect"
   * import { McpClient } from "@effect-mcp/core"
   *
   * const watch = Effect.gen(function*() {
   *   const client = yield* McpClient.McpClient
   *   yield* client.subscribe({ tools: true }).pipe(
   *     Stream.filter((event) => event._tag === "ToolsChanged"),
   *     Stream.mapEffect(() => client.listTools()),
   *     Stream.runForEach((tools) => Effect.log(`${tools.length} tools`))
   *   )
   * })
   * ```
   */
  readonly subscribe: (
    filter: SubscriptionFilter,
    options?: { readonly retry?: Schedule.Schedule<unknown, McpError> | undefined }
  ) => Stream.Stream<SubscriptionEvent, McpError>
  /**
   * Checks that the server is alive.
   */
  readonly ping: (options?: RequestOptions) => Effect.Effect<void, McpError>
  /**
   * Lists every tool, following `nextCursor` across pages.
   */
  readonly listTools: (options?: ListOptions) => Effect.Effect<ReadonlyArray<McpSchema.Tool>, McpError>
  /**
   * Fetches one page of tools.
   */
  readonly listToolsPage: (
    cursor?: string | undefined,
    options?: RequestOptions
  ) => Effect.Effect<McpSchema.ListToolsResult, McpError>
  /**
   * Calls a tool. Fails with `McpToolError` when the tool answers `isError: true`. With `output`, decodes
   * the result's `structuredContent` with that schema and returns the decoded value.
   */
  readonly callTool: {
    <A>(
      name: string,
      args: ToolArguments | undefined,
      options: CallToolOptions & { readonly output: OutputSchema<A> }
    ): Effect.Effect<A, McpError | McpToolError>
    (
      name: string,
      args?: ToolArguments | undefined,
      options?: CallToolOptions
    ): Effect.Effect<McpSchema.CallToolResult, McpError | McpToolError>
  }
  /**
   * Calls a tool as a `Stream`: its progress reports, then its result, then the end. Fails like
   * `callTool`. Stopping the stream early cancels the call. An `onProgress` in the options still runs.
   */
  readonly callToolStream: (
    name: string,
    args?: ToolArguments | undefined,
    options?: CallToolOptions
  ) => Stream.Stream<ToolCallEvent, McpError | McpToolError>
  /**
   * Calls a tool and hands back the task it became, without waiting for it: its status as a `Stream`,
   * its result, and `cancel`. A server that answered at once gives a handle with no `taskId`, whose
   * result is that answer. Nothing cancels the task when the caller goes away: use `cancel`.
   *
   * **Example** (Following a long tool call)
   *
   * ```ts
   * import { Effect, Stream } from "effect"
   * import { McpClient } from "@effect-mcp/core"
   *
   * const research = Effect.gen(function*() {
   *   const client = yield* McpClient.McpClient
   *   const task = yield* client.callToolTask("research", { topic: "tides" }, { task: true })
   *   yield* task.status.pipe(Stream.runForEach((info) => Effect.log(info.status, info.statusMessage)))
   *   return yield* task.result
   * })
   * ```
   */
  readonly callToolTask: (
    name: string,
    args?: ToolArguments | undefined,
    options?: CallToolOptions
  ) => Effect.Effect<ToolTask, McpError>
  /**
   * Calls a tool and returns the full protocol result, `isError` included, without raising on it.
   */
  readonly callToolRaw: (
    name: string,
    args?: ToolArguments | undefined,
    options?: CallToolOptions
  ) => Effect.Effect<McpSchema.CallToolResult, McpError>
  /**
   * Lists every resource, following `nextCursor` across pages.
   */
  readonly listResources: (options?: ListOptions) => Effect.Effect<ReadonlyArray<McpSchema.Resource>, McpError>
  /**
   * Fetches one page of resources.
   */
  readonly listResourcesPage: (
    cursor?: string | undefined,
    options?: RequestOptions
  ) => Effect.Effect<McpSchema.ListResourcesResult, McpError>
  /**
   * Lists every resource template, following `nextCursor` across pages.
   */
  readonly listResourceTemplates: (
    options?: ListOptions
  ) => Effect.Effect<ReadonlyArray<McpSchema.ResourceTemplate>, McpError>
  /**
   * Fetches one page of resource templates.
   */
  readonly listResourceTemplatesPage: (
    cursor?: string | undefined,
    options?: RequestOptions
  ) => Effect.Effect<McpSchema.ListResourceTemplatesResult, McpError>
  /**
   * Reads a resource and returns its contents (text or base64 blob).
   */
  readonly readResource: (
    uri: string,
    options?: RequestOptions
  ) => Effect.Effect<ReadonlyArray<McpSchema.ResourceContents>, McpError>
  /**
   * Reads a resource and returns the full protocol result.
   */
  readonly readResourceRaw: (
    uri: string,
    options?: RequestOptions
  ) => Effect.Effect<McpSchema.ReadResourceResult, McpError>
  /**
   * Subscribes to updates of a resource (`notifications/resources/updated`).
   */
  readonly subscribeResource: (uri: string, options?: RequestOptions) => Effect.Effect<void, McpError>
  /**
   * Ends a subscription.
   */
  readonly unsubscribeResource: (uri: string, options?: RequestOptions) => Effect.Effect<void, McpError>
  /**
   * Lists every prompt, following `nextCursor` across pages.
   */
  readonly listPrompts: (options?: ListOptions) => Effect.Effect<ReadonlyArray<McpSchema.Prompt>, McpError>
  /**
   * Fetches one page of prompts.
   */
  readonly listPromptsPage: (
    cursor?: string | undefined,
    options?: RequestOptions
  ) => Effect.Effect<McpSchema.ListPromptsResult, McpError>
  /**
   * Renders a prompt. Argument values that are not strings are sent as JSON text, since prompt
   * arguments are strings on the wire.
   */
  readonly getPrompt: (
    name: string,
    args?: Readonly<Record<string, unknown>> | undefined,
    options?: RequestOptions
  ) => Effect.Effect<McpSchema.GetPromptResult, McpError>
  /**
   * Asks the server to complete an argument of a prompt or resource template.
   */
  readonly complete: (
    ref: McpSchema.CompletionReference,
    argument: { readonly name: string; readonly value: string },
    options?: RequestOptions & { readonly context?: Readonly<Record<string, string>> | undefined }
  ) => Effect.Effect<McpSchema.Completion, McpError>
  /**
   * Sets the least severe level of log messages the server sends.
   */
  readonly setLoggingLevel: (level: McpSchema.LoggingLevel, options?: RequestOptions) => Effect.Effect<void, McpError>
  /**
   * Sends any request and decodes its result with the given schema: for methods this client has no
   * operation for (extensions, newer revisions).
   */
  readonly request: <A>(
    method: string,
    params: object | undefined,
    result: Schema.Decoder<A, never>,
    options?: RequestOptions
  ) => Effect.Effect<A, McpError>
}>()("@effect-mcp/core/McpClient") {}

// -----------------------------------------------------------------------------
// Constructors
// -----------------------------------------------------------------------------

/**
 * The client's name and version in `initialize` when none is given.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export const defaultClientInfo: McpSchema.Implementation = { name: "effect-mcp", version: "0.1.0" }

/**
 * Options of {@link make} and {@link layer}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** The client's `clientInfo`: name, version, title, description, websiteUrl, icons. */
  readonly clientInfo?: McpSchema.Implementation | undefined
  /** How long to wait for the handshake. Default: 30 seconds. */
  readonly initializationTimeout?: Duration.Input | undefined
  /** The default timeout of every request. Default: 5 minutes. `"Infinity"` waits forever. */
  readonly timeout?: Duration.Input | undefined
  /** `"eager"` (default) connects when the service is built; `"lazy"` on the first operation. */
  readonly connect?: "eager" | "lazy" | undefined
  /** The most pages a listing fetches before failing with `PaginationLimit`. Default: 1000. */
  readonly maxPages?: number | undefined
  /**
   * Which revision to speak. `"auto"` (default) probes with `server/discover` and speaks 2026-07-28
   * where the server does, else falls back to the `initialize` handshake (then the newest stateful
   * revision both sides speak). `"legacy"` skips the probe. A revision pins it: a server that does not
   * speak it fails the connection with `McpVersionError`.
   */
  readonly protocolVersion?: ProtocolVersionOption | undefined
  /**
   * How long the `"auto"` probe waits for an answer before taking the server for a stateful one.
   * Default: the `initializationTimeout`.
   */
  readonly discoveryTimeout?: Duration.Input | undefined
  /**
   * The least severe level of log messages to ask servers for. In 2026-07-28 it goes in every
   * request's `_meta` (without it, stateless servers send no log messages); in the stateful era it is
   * sent once with `logging/setLevel` after the handshake, when the server offers logging.
   */
  readonly logLevel?: McpSchema.LoggingLevel | undefined
  /**
   * The most `input_required` rounds (2026-07-28) one call may take before it fails with
   * `InputLimit`. Default: 16.
   */
  readonly maxInputRounds?: number | undefined
  /**
   * With an `McpCache` layer: the name under which this client's results a server marked `"public"`
   * are shared with other clients of the same cache (the server's URL, say). Default: a name of this
   * client's own, so nothing is shared.
   */
  readonly cacheKey?: string | undefined
  /**
   * What to do when the connection dies while the session is open (a server process exited, a
   * connection dropped): requests in flight fail at once with the transport's error, then the client
   * reconnects (a new connection from the transport, a new handshake) on this schedule. With `false`
   * it stays disconnected until the next operation, which tries once. Default: up to 5 attempts, from
   * 100 ms apart, doubling.
   */
  readonly reconnect?: Schedule.Schedule<unknown, McpError> | false | undefined
  /**
   * Extra client capabilities to advertise: `experimental` and `extensions`. The others (sampling,
   * elicitation, roots) are advertised by the handler layers that serve them.
   */
  readonly capabilities?: Pick<McpSchema.ClientCapabilities, "experimental" | "extensions"> | undefined
}

const decodeListTools = decodeResult(McpSchema.ListToolsResult)
const decodeListResources = decodeResult(McpSchema.ListResourcesResult)
const decodeListResourceTemplates = decodeResult(McpSchema.ListResourceTemplatesResult)
const decodeListPrompts = decodeResult(McpSchema.ListPromptsResult)
const decodeCallTool = decodeResult(McpSchema.CallToolResult)
const decodeReadResource = decodeResult(McpSchema.ReadResourceResult)
const decodeGetPrompt = decodeResult(McpSchema.GetPromptResult)
const decodeComplete = decodeResult(McpSchema.CompleteResult)

/** A negotiated session, with the scope its connection lives in. */
interface Connected {
  readonly session: Session
  readonly info: ServerSession
  readonly scope: Scope.Closeable
  /** Fails with the reason when the connection is gone. */
  readonly closed: Effect.Effect<never, McpTransportError>
  /** The connection's credentials id, for private cache entries. */
  readonly credentialsId: Effect.Effect<string> | undefined
  /** Tells the transport of a result taken from the cache (it may learn from results it carries). */
  readonly observeResult: ((method: string, result: Record<string, unknown>) => void) | undefined
}

/** Numbers the clients of this process, for their cache names. */
let clients = 0

const toDuration = (input: Duration.Input | undefined, fallback: Duration.Duration): Duration.Duration =>
  input === undefined ? fallback : Duration.fromInputUnsafe(input)

/** A timeout of `Infinity` is no timeout. */
const finite = (duration: Duration.Duration): Duration.Duration | undefined =>
  Duration.isFinite(duration) ? duration : undefined

/**
 * Builds a client in the current `Scope` over the `McpTransport` in the context.
 *
 * **Details**
 *
 * With `connect: "eager"` (the default) the connection is opened and the session negotiated before
 * the service is returned, so a server that cannot be reached fails here. The session lives until the
 * scope closes.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const make: (options?: Options) => Effect.Effect<
  McpClient["Service"],
  McpError,
  Scope.Scope | McpTransport
> = Effect.fnUntraced(function*(options?: Options) {
  const transport = yield* McpTransport
  const clientScope = yield* Effect.scope
  const notifications = yield* Effect.acquireRelease(
    PubSub.unbounded<Engine.Notification>(),
    PubSub.shutdown
  )
  const defaultTimeout = finite(toDuration(options?.timeout, Duration.minutes(5)))
  const initializationTimeout = finite(toDuration(options?.initializationTimeout, Duration.seconds(30)))
  const discoveryTimeout = options?.discoveryTimeout === undefined
    ? initializationTimeout
    : finite(Duration.fromInputUnsafe(options.discoveryTimeout))
  let connections = 0
  // the scopes of sessions the client itself retired (expired), as opposed to the client closing
  const retired = new WeakSet<Scope.Closeable>()
  // The era a server turned out to speak is kept for reconnections: a stateful server is not probed
  // again on every reconnect. An attempt with the remembered era that fails forgets it.
  let verdict: VersionPreference | undefined
  const maxPages = options?.maxPages ?? 1000
  const clientInfo = options?.clientInfo ?? defaultClientInfo
  const handlers = yield* Handlers.make(options?.capabilities)
  const cache = yield* McpCache.McpCache
  // Bumped (on the reader fiber, as the notification is read) each time a list changes or a resource
  // is updated: a result that was in flight meanwhile may be stale, and is not cached.
  const generations = new Map<string, number>()
  const bump = (key: string) => generations.set(key, (generations.get(key) ?? 0) + 1)
  const observe = cache === undefined ? handlers.observe : (message: Engine.ServerMessage) => {
    if (message._tag === "Notification") { for (const mark of staleBy(message)) bump(mark) }
    handlers.observe(message)
  }
  const progressHandler = handlers.progress

  let current: Connected | undefined
  let connecting: Deferred.Deferred<Connected, McpError> | undefined

  // One attempt: the connection lives in a child scope of the client's, closed again if the attempt fails
  // or is interrupted.
  const open = Effect.gen(function*() {
    const scope = yield* Scope.fork(clientScope)
    return yield* Effect.gen(function*() {
      const preference = verdict ?? options?.protocolVersion ?? "auto"
      const establish = (connection: McpConnection, preference: VersionPreference) =>
        Effect.flatMap(
          Engine.make({
            connection,
            handlers: handlers.requests,
            notifications,
            observe,
            // 2^32 ids per connection, 2^21 connections: every id stays a safe integer
            firstId: (connections++ % 2 ** 21) * 2 ** 32
          }),
          (engine) =>
            Effect.map(
              negotiate(engine, {
                preference,
                clientInfo,
                capabilities: handlers.capabilities,
                timeout: initializationTimeout,
                probeTimeout: discoveryTimeout,
                logLevel: options?.logLevel,
                handlers: handlers.requests,
                maxInputRounds: options?.maxInputRounds ?? 16,
                closeCancels: connection.request !== undefined
              }),
              (negotiated) => ({ ...negotiated, engine, connection })
            )
        )
      const first = yield* transport.connect
      const fallback = first.fallback
      const { connection, discovery, engine, session } = yield* establish(first, preference).pipe(
        // a server of an older transport (HTTP+SSE) refuses the handshake: its transport, its era
        Effect.catchIf(
          // a handshake refused as an unknown request: the server speaks another transport
          (error) => fallback !== undefined && isHttpRefusal(error),
          (refusal) =>
            Effect.flatMap(fallback!, (connection) => establish(connection, "legacy")).pipe(
              // a server that speaks neither transport: its refusal of the first says more
              Effect.catchTag("McpTransportError", () => Effect.fail(refusal))
            )
        ),
        Effect.tapError(() =>
          Effect.sync(() => {
            verdict = undefined
          })
        )
      )
      if (preference === "auto") {
        verdict = session.era === "stateless"
          ? session.protocolVersion as VersionPreference
          : "legacy"
      }
      handlers.setServerName(session.serverInfo.name)
      if (session.era === "stateful" && options?.logLevel !== undefined && session.capabilities.logging !== undefined) {
        yield* session.request("logging/setLevel", { level: options.logLevel }, { timeout: initializationTimeout })
      }
      // when this connection dies, forget it (and reconnect, if the policy says so)
      yield* Deferred.await(engine.closed).pipe(
        Effect.catch((error) => error.reason._tag === "ClientClosed" ? Effect.void : onConnectionLost(scope)),
        Effect.forkIn(clientScope)
      )
      const changes = handlers.roots?.changes
      // the stateless era has no roots notification: every input request for roots gets the current list
      if (changes !== undefined && session.era === "stateful") {
        // tell the server each time the roots change, for as long as this connection lives
        yield* changes.pipe(
          Stream.runForEach(() => Effect.ignore(session.notify("notifications/roots/list_changed"))),
          Effect.forkScoped
        )
      }
      const info: ServerSession = {
        era: session.era,
        protocolVersion: session.protocolVersion,
        serverInfo: session.serverInfo,
        capabilities: session.capabilities,
        instructions: session.instructions,
        discovery
      }
      return {
        session,
        info,
        scope,
        // a session the client retired (it expired) ends as a lost connection, not as the client closing
        closed: Effect.catch(Deferred.await(engine.closed), (error) =>
          Effect.fail(
            retired.has(scope) && error.reason._tag === "ClientClosed"
              ? new McpTransportError({ reason: new ConnectionClosed({ description: "the session expired" }) })
              : error
          )),
        credentialsId: connection.credentialsId,
        observeResult: connection.observeResult
      }
    }).pipe(
      Scope.provide(scope),
      Effect.onExit((exit) => Exit.isFailure(exit) ? Scope.close(scope, exit) : Effect.void)
    )
  })

  const reconnect = options?.reconnect === false
    ? undefined
    : options?.reconnect ?? Schedule.exponential("100 millis").pipe(Schedule.upTo({ times: 5 }))

  const onConnectionLost = (scope: Scope.Closeable): Effect.Effect<void> =>
    Effect.gen(function*() {
      current = undefined
      yield* Scope.close(scope, Exit.void)
      if (reconnect === undefined) return
      yield* connected.pipe(
        Effect.retry(reconnect),
        Effect.catchCause((cause) =>
          Effect.logWarning("MCP: could not reconnect to the server").pipe(
            Effect.annotateLogs("mcp.cause", Cause.pretty(cause))
          )
        )
      )
    })

  // The attempt runs in a fiber of the client's scope, shared by every caller waiting for it: a caller
  // that is interrupted stops waiting, not connecting, and N callers wait for one attempt, not N.
  const connected = Effect.suspend(() => {
    if (current !== undefined) return Effect.succeed(current)
    if (connecting !== undefined) return Deferred.await(connecting)
    const attempt = Deferred.makeUnsafe<Connected, McpError>()
    connecting = attempt
    return open.pipe(
      Effect.onExit((exit) =>
        Effect.suspend(() => {
          connecting = undefined
          if (Exit.isSuccess(exit)) current = exit.value
          return Deferred.done(
            attempt,
            Exit.hasInterrupts(exit) ? Exit.fail(new McpTransportError({ reason: new ClientClosed() })) : exit
          )
        })
      ),
      Effect.forkIn(clientScope),
      Effect.andThen(Deferred.await(attempt))
    )
  })

  if (options?.connect !== "lazy") yield* connected

  const toEngineOptions = (method: string, requestOptions: RequestOptions | undefined): Engine.RequestOptions => ({
    timeout: requestOptions?.timeout === undefined
      ? defaultTimeout
      : finite(Duration.fromInputUnsafe(requestOptions.timeout)),
    meta: requestOptions?.meta,
    // the call's own handler wins over the client-level one
    onProgress: requestOptions?.onProgress ??
      (progressHandler === undefined ? undefined : (progress) => progressHandler.handle(progress, { method }))
  })

  const sendOn = (
    session: Session,
    method: string,
    params: object | undefined,
    requestOptions: RequestOptions | undefined
  ) => Effect.andThen(session.check(method), session.request(method, params, toEngineOptions(method, requestOptions)))

  const sendOnce = (method: string, params: object | undefined, requestOptions: RequestOptions | undefined) =>
    Effect.flatMap(connected, (c) => sendOn(c.session, method, params, requestOptions))

  /**
   * Checks the capability, then sends: a method the server lacks fails before anything is sent. When
   * the server says the session expired, that session (the one the request went out on, not whatever
   * is current by then) is dropped, a new one is opened, and a request that is safe to repeat is sent
   * once more.
   */
  const send = (method: string, params: object | undefined, requestOptions: RequestOptions | undefined) =>
    Effect.flatMap(connected, (c) =>
      Effect.catchIf(
        sendOn(c.session, method, params, requestOptions),
        (error): error is McpTransportError =>
          error._tag === "McpTransportError" && error.reason._tag === "SessionExpired",
        (error) =>
          Effect.andThen(
            sessionExpired(c),
            McpSchema.SAFE_TO_REPEAT_METHODS.has(method) ? sendOnce(method, params, requestOptions) : Effect.fail(error)
          )
      ))

  const clientId = `client-${++clients}-${Math.random().toString(36).slice(2)}`
  const namespace = options?.cacheKey ?? clientId

  /**
   * Sends a request whose result may be cached: from the cache while fresh (private entries under the
   * connection's credentials, public ones under the namespace), else from the server, then kept for
   * as long as the server's hints allow.
   */
  const sendCached = (method: string, params: object, requestOptions: RequestOptions | undefined) =>
    cache === undefined ? send(method, params, requestOptions) : Effect.flatMap(connected, (c) => {
      // only the stateless revision gives hints
      if (c.session.era !== "stateless") return send(method, params, requestOptions)
      const request = requestKey(method, params)
      const publicKey = `${namespace}${SEPARATOR}public${SEPARATOR}${request}`
      return Effect.gen(function*() {
        // a public entry needs no credentials id (a digest of the authorization headers)
        const publicHit = yield* cache.get(publicKey)
        const credentials = publicHit !== undefined || c.credentialsId === undefined
          ? clientId
          : yield* c.credentialsId
        const privateKey = `${namespace}${SEPARATOR}private:${credentials}${SEPARATOR}${request}`
        const hit = publicHit ?? (yield* cache.get(privateKey))
        if (hit !== undefined) {
          c.observeResult?.(method, hit as Record<string, unknown>)
          return hit as Record<string, unknown>
        }
        // marks only grow: a change to either sum means a notification made this request stale meanwhile
        const generation = () => (generations.get(method) ?? 0) + (generations.get(request) ?? 0)
        const before = generation()
        const raw = yield* send(method, params, requestOptions)
        const complete = raw.resultType === undefined || raw.resultType === "complete"
        const stale = generation() !== before
        if (complete && !stale && !tookInput.has(raw) && typeof raw.ttlMs === "number") {
          yield* cache.set(raw.cacheScope === "public" ? publicKey : privateKey, raw, raw.ttlMs)
        }
        return raw
      })
    })

  if (cache !== undefined) {
    // list changes and resource updates drop the cached requests they make stale
    const namespacePrefix = namespace + SEPARATOR
    // a key is namespace, scope, request: the request starts after the scope's separator
    const requestOf = (key: string) => key.slice(key.indexOf(SEPARATOR, namespacePrefix.length) + 1)
    yield* Stream.fromPubSub(notifications).pipe(
      Stream.runForEach((notification) => {
        const marks = staleBy(notification)
        return marks.length === 0 ?
          Effect.void :
          cache.invalidate((key) =>
            key.startsWith(namespacePrefix) && marks.some((mark) => covers(mark, requestOf(key)))
          )
      }),
      Effect.forkIn(clientScope)
    )
  }

  /** Forgets an expired session (closing its connection); the next use opens a new one. */
  const sessionExpired = (expired: Connected) =>
    Effect.suspend(() => {
      if (current !== expired) return Effect.void
      current = undefined
      retired.add(expired.scope)
      return Scope.close(expired.scope, Exit.void)
    })

  const pageParams = (cursor: string | undefined): object => cursor === undefined ? {} : { cursor }

  const paginate = <Page extends { readonly nextCursor?: string | null | undefined }, A>(
    method: string,
    fetch: (cursor: string | undefined, options: RequestOptions | undefined) => Effect.Effect<Page, McpError>,
    items: (page: Page) => ReadonlyArray<A>,
    listOptions: ListOptions | undefined
  ): Effect.Effect<ReadonlyArray<A>, McpError> =>
    Effect.gen(function*() {
      const limit = listOptions?.maxPages ?? maxPages
      const all: Array<A> = []
      const seen = new Set<string>()
      let cursor: string | undefined
      for (let pages = 1;; pages++) {
        const page = yield* fetch(cursor, listOptions)
        for (const item of items(page)) all.push(item)
        const next = page.nextCursor
        if (next === undefined || next === null) return all
        if (seen.has(next)) {
          return yield* new McpProtocolError({
            method,
            reason: new PaginationLimit({ pages, repeatedCursor: next })
          })
        }
        if (pages >= limit) {
          return yield* new McpProtocolError({ method, reason: new PaginationLimit({ pages }) })
        }
        seen.add(next)
        cursor = next
      }
    })

  const listToolsPage = (cursor?: string, requestOptions?: RequestOptions) =>
    sendCached("tools/list", pageParams(cursor), requestOptions).pipe(
      Effect.flatMap((raw) => decodeListTools("tools/list", raw))
    )
  const listResourcesPage = (cursor?: string, requestOptions?: RequestOptions) =>
    sendCached("resources/list", pageParams(cursor), requestOptions).pipe(
      Effect.flatMap((raw) => decodeListResources("resources/list", raw))
    )
  const listResourceTemplatesPage = (cursor?: string, requestOptions?: RequestOptions) =>
    sendCached("resources/templates/list", pageParams(cursor), requestOptions).pipe(
      Effect.flatMap((raw) => decodeListResourceTemplates("resources/templates/list", raw))
    )
  const listPromptsPage = (cursor?: string, requestOptions?: RequestOptions) =>
    sendCached("prompts/list", pageParams(cursor), requestOptions).pipe(
      Effect.flatMap((raw) => decodeListPrompts("prompts/list", raw))
    )

  const callToolParams = (name: string, args: ToolArguments | undefined, callOptions: CallToolOptions | undefined) => {
    const task = callOptions?.task
    if (task === undefined || task === false) return Effect.succeed({ name, arguments: args ?? {} })
    return Effect.map(connected, (c): object => {
      // only a stateful server that offers tasks for tool calls is asked for one
      const offered = c.session.era === "stateful" &&
        (c.session.capabilities.tasks as { readonly requests?: { readonly tools?: { readonly call?: unknown } } })
            ?.requests?.tools?.call !== undefined
      if (!offered) return { name, arguments: args ?? {} }
      const ttl = task === true || task.ttl === undefined
        ? undefined
        : Duration.toMillis(Duration.fromInputUnsafe(task.ttl))
      return { name, arguments: args ?? {}, task: ttl === undefined ? {} : { ttl } }
    })
  }

  /**
   * Sends `tools/call`; the answer is a result, or a task (then the handle of that task). `restore`
   * marks what may be interrupted: under `callToolRaw`'s mask, an answer that is a task is always
   * handed on, so the task is never lost to an interruption that lands just after it arrived.
   */
  const startToolCall = (
    name: string,
    args: ToolArguments | undefined,
    callOptions: CallToolOptions | undefined,
    restore: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R> = identity
  ) =>
    Effect.flatMap(
      restore(callToolParams(name, args, callOptions)),
      (params) =>
        Effect.flatMap(restore(send("tools/call", params, callOptions)), (raw) =>
          // the common answer first: a plain result, checked by hand
          isPlainToolResult(raw)
            ? Effect.succeed<McpSchema.CallToolResult | ToolTask>(raw)
            : Tasks.isTask(raw)
            ? Effect.flatMap(restore(connected), (c) =>
              Tasks.make(raw, {
                session: c.session,
                current: Effect.map(connected, (current) => current.session),
                handlers: handlers.requests,
                timeout: defaultTimeout,
                // the wait is bounded (and the task cancelled) by awaitTask, not by the request
                resultTimeout: undefined,
                defaultPollInterval: Duration.seconds(1)
              }))
            : decodeCallTool("tools/call", raw))
    )

  /** Waits for a task's result; interrupting the wait, or its timeout, cancels the task (once). */
  const awaitTask = (
    task: ToolTask,
    callOptions: CallToolOptions | undefined,
    restore: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  ) => {
    let cancelled = false
    const cancel = Effect.suspend(() => {
      if (cancelled) return Effect.void
      cancelled = true
      return Effect.asVoid(Effect.forkIn(Effect.ignore(task.cancel), clientScope))
    })
    const waiting = task.result.pipe(Effect.onInterrupt(() => cancel))
    const timeout = callOptions?.timeout === undefined
      ? undefined
      : finite(Duration.fromInputUnsafe(callOptions.timeout))
    // the timeout interrupts the wait, which cancels the task
    const timed = timeout === undefined ? waiting : Effect.timeoutOrElse(waiting, {
      duration: timeout,
      orElse: () =>
        Effect.fail(new McpTimeoutError({ method: "tools/call", timeoutMillis: Duration.toMillis(timeout) }))
    })
    return restore(timed).pipe(Effect.onInterrupt(() => cancel))
  }

  const callToolRaw = (name: string, args?: ToolArguments, callOptions?: CallToolOptions) =>
    Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(
        startToolCall(name, args, callOptions, restore),
        (answer) => "content" in answer ? Effect.succeed(answer) : awaitTask(answer, callOptions, restore)
      )
    )

  const callToolTask = (name: string, args?: ToolArguments, callOptions?: CallToolOptions) =>
    Effect.map(startToolCall(name, args, callOptions), (answer): ToolTask => {
      if ("content" in answer) {
        return {
          taskId: undefined,
          created: undefined,
          status: Stream.empty,
          result: Effect.succeed(answer),
          cancel: Effect.void
        }
      }
      // the caller's timeout bounds each wait for the result (the task is left running: see `cancel`)
      const timeout = callOptions?.timeout === undefined
        ? undefined
        : finite(Duration.fromInputUnsafe(callOptions.timeout))
      return timeout === undefined ? answer : {
        ...answer,
        result: Effect.timeoutOrElse(answer.result, {
          duration: timeout,
          orElse: () =>
            Effect.fail(new McpTimeoutError({ method: "tools/call", timeoutMillis: Duration.toMillis(timeout) }))
        })
      }
    })

  // output schemas are compiled once each, not once per call
  const outputDecoders = new WeakMap<
    OutputSchema<unknown>,
    (method: string, raw: unknown) => Effect.Effect<unknown, McpProtocolError>
  >()

  const callTool = (
    name: string,
    args?: ToolArguments,
    callOptions?: CallToolOptions & { readonly output?: OutputSchema<unknown> }
  ): Effect.Effect<unknown, McpError | McpToolError> =>
    Effect.flatMap(callToolRaw(name, args, callOptions), (result): Effect.Effect<unknown, McpError | McpToolError> => {
      if (result.isError === true) return Effect.fail(new McpToolError({ tool: name, result }))
      const output = callOptions?.output
      if (output === undefined) return Effect.succeed(result)
      if (result.structuredContent === undefined) {
        return Effect.fail(
          new McpProtocolError({
            method: "tools/call",
            reason: new InvalidResult({ issue: `tool ${name} returned no structuredContent to decode` })
          })
        )
      }
      let decode = outputDecoders.get(output)
      if (decode === undefined) {
        decode = decodeResult(output)
        outputDecoders.set(output, decode)
      }
      return decode("tools/call", result.structuredContent)
    })

  const readResourceRaw = (uri: string, requestOptions?: RequestOptions) =>
    sendCached("resources/read", { uri }, requestOptions).pipe(
      Effect.flatMap((raw) => decodeReadResource("resources/read", raw))
    )

  const getPrompt = (name: string, args?: Readonly<Record<string, unknown>>, requestOptions?: RequestOptions) =>
    send(
      "prompts/get",
      args === undefined ? { name } : { name, arguments: serializePromptArguments(args) },
      requestOptions
    )
      .pipe(Effect.flatMap((raw) => decodeGetPrompt("prompts/get", raw)))

  const complete = (
    ref: McpSchema.CompletionReference,
    argument: { readonly name: string; readonly value: string },
    completeOptions?: RequestOptions & { readonly context?: Readonly<Record<string, string>> | undefined }
  ) =>
    send(
      "completion/complete",
      completeOptions?.context === undefined
        ? { ref, argument }
        : { ref, argument, context: { arguments: completeOptions.context } },
      completeOptions
    ).pipe(
      Effect.flatMap((raw) => decodeComplete("completion/complete", raw)),
      Effect.map((result) => result.completion)
    )

  const notificationsOf = (method: string) =>
    Stream.filter(Stream.fromPubSub(notifications), (notification) => notification.method === method)

  const callToolStream = (name: string, args?: ToolArguments, callOptions?: CallToolOptions) =>
    Stream.callback<ToolCallEvent, McpError | McpToolError>((queue) =>
      callTool(name, args, {
        ...callOptions,
        onProgress: (progress) =>
          Effect.andThen(
            callOptions?.onProgress === undefined ? Effect.void : callOptions.onProgress(progress),
            Queue.offer(queue, { _tag: "Progress", progress })
          )
      }).pipe(
        Effect.flatMap((result) => Queue.offer(queue, { _tag: "Result", result: result as McpSchema.CallToolResult })),
        Effect.andThen(Queue.end(queue)),
        Effect.catch((error) => Queue.fail(queue, error))
      )
    )

  return McpClient.of({
    [TypeId]: TypeId,
    toolListChanged: Stream.map(notificationsOf("notifications/tools/list_changed"), () => undefined),
    resourceListChanged: Stream.map(notificationsOf("notifications/resources/list_changed"), () => undefined),
    promptListChanged: Stream.map(notificationsOf("notifications/prompts/list_changed"), () => undefined),
    resourceUpdated: Stream.filterMap(
      notificationsOf("notifications/resources/updated"),
      (notification) =>
        typeof notification.params?.uri === "string" ? Result.succeed(notification.params.uri) : Result.failVoid
    ),
    callToolStream,
    subscribe: (filter, subscribeOptions) =>
      Subscribe.stream({
        filter,
        current: connected,
        notifications,
        retry: subscribeOptions?.retry ?? Subscribe.defaultRetry
      }),
    session: Effect.map(connected, (c) => c.info),
    notifications: Stream.fromPubSub(notifications),
    ping: (requestOptions) => Effect.asVoid(send("ping", undefined, requestOptions)),
    listTools: (listOptions) => paginate("tools/list", listToolsPage, (page) => page.tools, listOptions),
    listToolsPage,
    callTool: callTool as McpClient["Service"]["callTool"],
    callToolRaw,
    callToolTask,
    listResources: (listOptions) =>
      paginate("resources/list", listResourcesPage, (page) => page.resources, listOptions),
    listResourcesPage,
    listResourceTemplates: (listOptions) =>
      paginate(
        "resources/templates/list",
        listResourceTemplatesPage,
        (page) => page.resourceTemplates,
        listOptions
      ),
    listResourceTemplatesPage,
    readResource: (uri, requestOptions) =>
      Effect.map(readResourceRaw(uri, requestOptions), (result) => result.contents),
    readResourceRaw,
    subscribeResource: (uri, requestOptions) => Effect.asVoid(send("resources/subscribe", { uri }, requestOptions)),
    unsubscribeResource: (uri, requestOptions) => Effect.asVoid(send("resources/unsubscribe", { uri }, requestOptions)),
    listPrompts: (listOptions) => paginate("prompts/list", listPromptsPage, (page) => page.prompts, listOptions),
    listPromptsPage,
    getPrompt,
    complete,
    setLoggingLevel: (level, requestOptions) => Effect.asVoid(send("logging/setLevel", { level }, requestOptions)),
    request: (method, params, result, requestOptions) =>
      Effect.flatMap(send(method, params, requestOptions), (raw) => decodeResult(result)(method, raw))
  })
})

const SEPARATOR = "\u0000"

/** A cacheable request, as cache keys and staleness marks name it: its method and params. */
const requestKey = (method: string, params: object): string => `${method}${SEPARATOR}${JSON.stringify(params)}`

/**
 * What a notification makes stale, as marks: a method (every page of a listing) or a request key (the
 * read of one resource).
 */
const staleBy = (notification: Engine.Notification): ReadonlyArray<string> => {
  switch (notification.method) {
    case "notifications/tools/list_changed":
      return ["tools/list"]
    case "notifications/prompts/list_changed":
      return ["prompts/list"]
    case "notifications/resources/list_changed":
      return ["resources/list", "resources/templates/list"]
    case "notifications/resources/updated": {
      const uri = notification.params?.uri
      return typeof uri === "string" ? [requestKey("resources/read", { uri })] : []
    }
    default:
      return []
  }
}

/** Whether a staleness mark covers a request key. */
const covers = (mark: string, request: string): boolean => request === mark || request.startsWith(mark + SEPARATOR)

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * The common tool result, checked by hand: text blocks without annotations, an optional boolean
 * `isError`, an optional object `_meta`. Every such value is a valid `CallToolResult` (results arrive
 * parsed from JSON, so every field is JSON), and it is the hot path, so the Schema decoder is skipped
 * for it. Anything else, or anything in doubt, goes through the decoder.
 */
const isPlainToolResult = (raw: Record<string, unknown>): raw is McpSchema.CallToolResult => {
  const content = raw.content
  if (!Array.isArray(content)) return false
  for (const block of content) {
    if (!isObject(block) || block.type !== "text" || typeof block.text !== "string") return false
    if (block.annotations !== undefined || (block._meta !== undefined && !isObject(block._meta))) return false
  }
  return (raw.isError === undefined || typeof raw.isError === "boolean") &&
    (raw._meta === undefined || isObject(raw._meta))
}

/**
 * Prompt arguments are strings on the wire: other values are sent as their JSON text.
 */
const serializePromptArguments = (args: Readonly<Record<string, unknown>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined) continue
    out[key] = typeof value === "string" ? value : JSON.stringify(value)
  }
  return out
}

/**
 * Provides an {@link McpClient} whose session lives as long as the layer.
 *
 * **Example** (A client over an in-process server)
 *
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { McpClient, McpInMemoryTransport } from "@effect-mcp/core"
 *
 * declare const ServerLayer: McpInMemoryTransport.ServerLayer
 *
 * const ClientLive = McpClient.layer({ timeout: "30 seconds" }).pipe(
 *   Layer.provide(McpInMemoryTransport.layer(ServerLayer))
 * )
 * ```
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = (options?: Options): Layer.Layer<McpClient, McpError, McpTransport> =>
  Layer.effect(McpClient)(make(options))
