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
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Predicate from "effect/Predicate"
import * as PubSub from "effect/PubSub"
import * as Result from "effect/Result"
import type * as Schedule from "effect/Schedule"
import type * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import * as Connector from "./internal/connector.ts"
import * as Deadline from "./internal/deadline.ts"
import type * as Engine from "./internal/engine.ts"
import * as Handlers from "./internal/handlers.ts"
import type { VersionPreference } from "./internal/negotiate.ts"
import * as Pagination from "./internal/pagination.ts"
import * as ResultCache from "./internal/resultCache.ts"
import { decodeResult } from "./internal/session.ts"
import type * as Session from "./internal/session.ts"
import * as Subscribe from "./internal/subscribe.ts"
import type * as Tasks from "./internal/tasks.ts"
import * as Telemetry from "./internal/telemetry.ts"
import * as ToolCalls from "./internal/toolCalls.ts"
import * as McpCache from "./McpCache.ts"
import * as McpEraCache from "./McpEraCache.ts"
import type { McpError, McpToolError } from "./McpError.ts"
import * as McpSchema from "./McpSchema.ts"
import { McpTransport } from "./McpTransport.ts"
import type { Era } from "./McpTransport.ts"

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
 * The state of a client's connection. `Disconnected` without an error is a client that has not
 * connected yet (`connect: "lazy"`); with one, a connection that failed or was lost and is not being
 * reconnected (the next operation tries again).
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type ConnectionState =
  | { readonly _tag: "Connecting" }
  | { readonly _tag: "Connected" }
  | { readonly _tag: "Reconnecting"; readonly error: McpError }
  | { readonly _tag: "Disconnected"; readonly error: McpError | undefined }

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
   * The state of the connection: the current one first, then each change (`Connecting`,
   * `Connected`, `Reconnecting` after a lost connection with its error, `Disconnected` when it was
   * lost and is not being reconnected). Since 0.3.0.
   */
  readonly connection: Stream.Stream<ConnectionState>
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
  /**
   * How long connecting may take: the whole negotiation, the `"auto"` probe included, fails with
   * `McpTimeoutError` after it. Default: 30 seconds.
   */
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
   * How long the `"auto"` probe (`server/discover`) waits alone for an answer. After that the
   * `initialize` handshake is sent beside it, and whichever the server answers first decides the era:
   * a server that ignores the probe is taken for a stateful one at once, and a slow server of either
   * era is still taken for what it is. The `initializationTimeout` bounds both. Default: 5 seconds.
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
   * How many messages in a row that are not JSON-RPC (not JSON, a wrong envelope, an unknown id) the
   * client takes from a server before it gives up on the connection with `MalformedMessage`. A valid
   * message starts the count again. The first few of a run are logged one by one, the rest summed up
   * in one line. Default: 100.
   */
  readonly maxMalformedMessages?: number | undefined
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
const decodeReadResource = decodeResult(McpSchema.ReadResourceResult)
const decodeGetPrompt = decodeResult(McpSchema.GetPromptResult)
const decodeComplete = decodeResult(McpSchema.CompleteResult)

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
  const notifications = yield* Effect.acquireRelease(PubSub.unbounded<Engine.Notification>(), PubSub.shutdown)
  const defaultTimeout = Deadline.resolve(options?.timeout, Duration.minutes(5))
  const initializationTimeout = Deadline.resolve(options?.initializationTimeout, Duration.seconds(30))
  const handlers = yield* Handlers.make(options?.capabilities)
  const clientId = yield* ClientId
  const cache = yield* ResultCache.make({
    cache: yield* McpCache.McpCache,
    namespace: options?.cacheKey ?? clientId,
    clientId,
    credentialsId: transport.credentialsId,
    notifications
  })
  const observeCache = cache.observe
  const connector = yield* Connector.make({
    transport,
    handlers,
    notifications,
    observe: observeCache === undefined ? handlers.observe : (message) => {
      observeCache(message)
      handlers.observe(message)
    },
    preference: options?.protocolVersion ?? "auto",
    eras: yield* McpEraCache.McpEraCache,
    clientInfo: options?.clientInfo ?? defaultClientInfo,
    initializationTimeout,
    discoveryTimeout: Deadline.resolve(options?.discoveryTimeout, Duration.seconds(5)),
    logLevel: options?.logLevel,
    maxInputRounds: options?.maxInputRounds ?? 16,
    maxMalformed: options?.maxMalformedMessages ?? 100,
    reconnect: options?.reconnect,
    instrumentation: yield* Telemetry.CurrentInstrumentation
  })
  if (options?.connect !== "lazy") yield* connector.connected

  const progressHandler = handlers.progress
  const requestOptions = (method: string, given: RequestOptions | undefined): Session.RequestOptions => ({
    timeout: Deadline.resolve(given?.timeout, defaultTimeout),
    meta: given?.meta,
    // the call's own handler wins over the client-level one
    onProgress: given?.onProgress ??
      (progressHandler === undefined ? undefined : (progress) => progressHandler.handle(progress, { method }))
  })
  /** Sends on the current session; `name` is what the request is about (routed by HTTP in 2026-07-28). */
  /** The session options of a request; `name` is what it is about (routed by HTTP in 2026-07-28). */
  const sessionOptions = (method: string, given: RequestOptions | undefined, name: string | undefined) =>
    name === undefined ? requestOptions(method, given) : { ...requestOptions(method, given), name }
  const sendRaw = (method: string, params: object | undefined, given: RequestOptions | undefined, name?: string) =>
    Effect.map(connector.send(method, params, sessionOptions(method, given, name)), (reply) => reply.result)
  const sendCached = (method: string, params: object, given: RequestOptions | undefined, name?: string) =>
    Effect.flatMap(connector.connected, (c) =>
      cache.through(
        c.session.era,
        method,
        params,
        connector.sendOn(c, method, params, sessionOptions(method, given, name))
      ))

  const toolCalls = yield* ToolCalls.make({
    connector,
    handlers: handlers.requests,
    requestOptions,
    defaultTimeout
  })
  const listings = makeListings(sendCached, connector, options?.maxPages ?? 1000)
  return McpClient.of({
    [TypeId]: TypeId,
    ...notificationStreams(notifications),
    ...listings,
    ...toolCalls,
    callTool: toolCalls.callTool as McpClient["Service"]["callTool"],
    subscribe: (filter, subscribeOptions) =>
      Subscribe.stream({
        filter,
        current: connector.connected,
        notifications,
        retry: subscribeOptions?.retry ?? Subscribe.defaultRetry
      }),
    session: Effect.map(connector.connected, (c) => c.info),
    connection: Stream.changesWith(SubscriptionRef.changes(connector.state), (a, b) => a._tag === b._tag),
    ping: (options) => Effect.asVoid(sendRaw("ping", undefined, options)),
    readResource: (uri, options) => Effect.map(listings.readResourceRaw(uri, options), (result) => result.contents),
    subscribeResource: (uri, options) => Effect.asVoid(sendRaw("resources/subscribe", { uri }, options)),
    unsubscribeResource: (uri, options) => Effect.asVoid(sendRaw("resources/unsubscribe", { uri }, options)),
    getPrompt: (name, args, options) =>
      sendRaw("prompts/get", args === undefined ? { name } : { name, arguments: promptArguments(args) }, options, name)
        .pipe(Effect.flatMap((raw) => decodeGetPrompt("prompts/get", raw))),
    complete: (ref, argument, options) =>
      sendRaw(
        "completion/complete",
        options?.context === undefined ? { ref, argument } : { ref, argument, context: { arguments: options.context } },
        options
      ).pipe(
        Effect.flatMap((raw) => decodeComplete("completion/complete", raw)),
        Effect.map((result) => result.completion)
      ),
    setLoggingLevel: (level, options) => Effect.asVoid(sendRaw("logging/setLevel", { level }, options)),
    request: (method, params, result, options) =>
      Effect.flatMap(sendRaw(method, params, options), (raw) => decodeResult(result)(method, raw))
  })
})

/**
 * A name for a client of its own, for its cache entries: unique (a random UUID).
 */
const ClientId: Effect.Effect<string> = Effect.sync(() => `client-${crypto.randomUUID()}`)

/** The typed streams of the notifications a client receives. */
const notificationStreams = (notifications: PubSub.PubSub<Engine.Notification>) => {
  const of = (method: string) =>
    Stream.filter(Stream.fromPubSub(notifications), (notification) => notification.method === method)
  return {
    notifications: Stream.fromPubSub(notifications),
    toolListChanged: Stream.map(of("notifications/tools/list_changed"), () => undefined),
    resourceListChanged: Stream.map(of("notifications/resources/list_changed"), () => undefined),
    promptListChanged: Stream.map(of("notifications/prompts/list_changed"), () => undefined),
    resourceUpdated: Stream.filterMap(
      of("notifications/resources/updated"),
      (notification) =>
        typeof notification.params?.uri === "string" ? Result.succeed(notification.params.uri) : Result.failVoid
    )
  }
}

/**
 * The listings, page by page and across pages, and `resources/read`: the requests whose results may
 * be cached. A page of tools teaches the session the tools' routes.
 */
const makeListings = (
  sendCached: (
    method: string,
    params: object,
    options: RequestOptions | undefined,
    name?: string
  ) => Effect.Effect<Record<string, unknown>, McpError>,
  connector: Connector.Connector,
  maxPages: number
) => {
  const listToolsPage = (cursor?: string, options?: RequestOptions) =>
    sendCached("tools/list", Pagination.pageParams(cursor), options).pipe(
      Effect.flatMap((raw) => decodeListTools("tools/list", raw)),
      Effect.flatMap((page) => Effect.flatMap(connector.connected, (c) => c.tools.learn(page)))
    )
  const listResourcesPage = (cursor?: string, options?: RequestOptions) =>
    sendCached("resources/list", Pagination.pageParams(cursor), options).pipe(
      Effect.flatMap((raw) => decodeListResources("resources/list", raw))
    )
  const listResourceTemplatesPage = (cursor?: string, options?: RequestOptions) =>
    sendCached("resources/templates/list", Pagination.pageParams(cursor), options).pipe(
      Effect.flatMap((raw) => decodeListResourceTemplates("resources/templates/list", raw))
    )
  const listPromptsPage = (cursor?: string, options?: RequestOptions) =>
    sendCached("prompts/list", Pagination.pageParams(cursor), options).pipe(
      Effect.flatMap((raw) => decodeListPrompts("prompts/list", raw))
    )
  const all = <Page extends { readonly nextCursor?: string | null | undefined }, A>(
    method: string,
    fetch: (cursor: string | undefined, options: ListOptions | undefined) => Effect.Effect<Page, McpError>,
    items: (page: Page) => ReadonlyArray<A>
  ) =>
  (options?: ListOptions) => Pagination.all(method, fetch, items, options, options?.maxPages ?? maxPages)
  return {
    listToolsPage,
    listResourcesPage,
    listResourceTemplatesPage,
    listPromptsPage,
    listTools: all("tools/list", listToolsPage, (page) => page.tools),
    listResources: all("resources/list", listResourcesPage, (page) => page.resources),
    listResourceTemplates: all("resources/templates/list", listResourceTemplatesPage, (page) => page.resourceTemplates),
    listPrompts: all("prompts/list", listPromptsPage, (page) => page.prompts),
    readResourceRaw: (uri: string, options?: RequestOptions) =>
      sendCached("resources/read", { uri }, options, uri).pipe(
        Effect.flatMap((raw) => decodeReadResource("resources/read", raw))
      )
  }
}

/**
 * Prompt arguments are strings on the wire: other values are sent as their JSON text.
 */
const promptArguments = (args: Readonly<Record<string, unknown>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined) continue
    out[key] = typeof value === "string" ? value : JSON.stringify(value)
  }
  return out
}

/**
 * Builds a client and its transport together, both in the caller's `Scope`: the usual way to hold
 * one or more clients in a program without layers.
 *
 * **When to use**
 *
 * `McpClient.make(...).pipe(Effect.provide(transportLayer))` releases the transport as soon as `make`
 * returns (`Effect.provide` builds a layer for the effect it wraps, and only for it), so the client's
 * next call finds its transport gone. `connect` builds the layer into the caller's scope instead: the
 * client and its transport live until that scope closes.
 *
 * **Example** (Two clients in one program)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { McpClient, McpInMemoryTransport } from "@effect-mcp/core"
 *
 * declare const Weather: McpInMemoryTransport.ServerLayer
 * declare const Calendar: McpInMemoryTransport.ServerLayer
 *
 * const program = Effect.gen(function*() {
 *   const weather = yield* McpClient.connect(McpInMemoryTransport.layer(Weather))
 *   const calendar = yield* McpClient.connect(McpInMemoryTransport.layer(Calendar), { timeout: "10 seconds" })
 *   return [yield* weather.listTools(), yield* calendar.listTools()]
 * }).pipe(Effect.scoped)
 * ```
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const connect = <E, R>(
  transport: Layer.Layer<McpTransport, E, R>,
  options?: Options
): Effect.Effect<McpClient["Service"], McpError | E, Scope.Scope | R> =>
  Effect.flatMap(Layer.build(transport), (context) => Effect.provide(make(options), context))

/**
 * Provides an {@link McpClient} whose session lives as long as the layer.
 *
 * **Example** (A client over an in-process server)
 *
 * ```ts
 * import { Layer } from "effect"
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
