/**
 * Many servers as one client. A router holds one {@link McpClient} per server, each over its own
 * transport layer (so its own era, keep-alive, reconnect schedule, timeout and auth), and offers the
 * `McpClient` service over all of them, so that a program written for one server runs unchanged.
 *
 * Behind one server nothing is renamed. Behind several, tools and prompts are named `{server}_{name}`
 * and resources and templates `{scheme}://{server}/{rest}` (FastMCP's convention); calls, reads and
 * prompt gets are routed back and un-prefixed. Listings are merged. Notifications carry the name of
 * their server (`server`), and so do log entries (`McpLogging`); the handler layers are shared.
 *
 * Servers connect concurrently (a `connect: "lazy"` one on first use). One that fails is skipped with a
 * warning and retried on a `Schedule`; a call routed to it fails at once with
 * `McpTransportError(ServerUnavailable)` naming it. Building the router fails only when every server
 * failed, or when two servers claim one name. `status` is a `SubscriptionRef` of each server's state.
 *
 * A server whose connection dies after it was ready shows `Restarting` while its own client reconnects
 * (on its `reconnect` schedule) and `Ready` again after; a client that gives up makes it `Failed`, and
 * the router starts it over on its `retry` schedule. What a router leaves out: `request` routes only by
 * a `name` or `uri` parameter; `subscribe` listens on the servers ready when it starts.
 *
 * **Example** (A router over an in-process server and a child process)
 *
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { McpClient, McpInMemoryTransport, McpRouter } from "@effect-mcp/core"
 *
 * declare const Notes: McpInMemoryTransport.ServerLayer
 * declare const Search: McpInMemoryTransport.ServerLayer
 *
 * const RouterLive = McpRouter.layer({
 *   servers: {
 *     notes: { transport: McpInMemoryTransport.layer(Notes) },
 *     search: { transport: McpInMemoryTransport.layer(Search), client: { timeout: "10 seconds" } }
 *   }
 * })
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* McpClient.McpClient
 *   const tools = yield* client.listTools() // notes_add, search_query, …
 *   return yield* client.callTool("notes_add", { text: "hello" })
 * }).pipe(Effect.provide(RouterLive))
 * ```
 *
 * @stability experimental
 * @since 0.3.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as PubSub from "effect/PubSub"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import * as Listings from "./internal/routerListings.ts"
import * as Member from "./internal/routerMember.ts"
import * as Names from "./internal/routerNames.ts"
import * as Routes from "./internal/routerRoutes.ts"
import * as McpClient from "./McpClient.ts"
import { type McpError, McpTransportError, ServerUnavailable } from "./McpError.ts"
import * as McpLogging from "./McpLogging.ts"
import type * as McpSchema from "./McpSchema.ts"
import type { McpTransport } from "./McpTransport.ts"

// -----------------------------------------------------------------------------
// Models
// -----------------------------------------------------------------------------

/**
 * The state of one server behind a router: `Idle` (lazy, not used yet), `Connecting` (first attempt),
 * `Ready` (with what it negotiated), `Failed` (its last error; a retry is scheduled), `Restarting` (a
 * retry is under way).
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type ServerStatus = Member.ServerStatus

/**
 * A notification, with the name of the server that sent it.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type Notification = Member.RoutedNotification

/**
 * One server of a router: its transport layer (with its own auth, environment and headers provided)
 * and the options of its client.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface ServerOptions<E = never, R = never> {
  readonly transport: Layer.Layer<McpTransport, E, R>
  /** The client's options; `connect: "lazy"` connects on the first operation that needs the server. */
  readonly client?: McpClient.Options | undefined
  /** Whether the server offers a tool (`includeTools`/`excludeTools`). Default: every tool. */
  readonly tools?: ((tool: string) => boolean) | undefined
}

/**
 * Options of {@link make} and {@link layer}.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Options<E = never, R = never> {
  /** The servers, by name (the prefix of their tools), in the order listings are merged. */
  readonly servers: Readonly<Record<string, ServerOptions<E, R>>>
  /** When a failed server is tried again. Default: from 1 second, doubling, at most 1 minute apart, forever. */
  readonly retry?: Schedule.Schedule<unknown, McpError> | undefined
}

type ClientService = McpClient.McpClient["Service"]

/**
 * The router service: the `McpClient` service, with notifications tagged by server, and the state of
 * each server.
 *
 * @stability experimental
 * @category services
 * @since 0.3.0
 */
export interface Service extends ClientService {
  /** Every notification of every server, with the server's name. */
  readonly notifications: Stream.Stream<Notification>
  /** Each server's state, by name: a program can show health or exit with a code from it. */
  readonly status: SubscriptionRef.SubscriptionRef<Readonly<Record<string, ServerStatus>>>
  /** The servers' names, in order. */
  readonly servers: ReadonlyArray<string>
}

/**
 * The router service.
 *
 * @stability experimental
 * @category services
 * @since 0.3.0
 */
export class McpRouter extends Context.Service<McpRouter, Service>()("@effect-mcp/core/McpRouter") {}

// -----------------------------------------------------------------------------
// Errors
// -----------------------------------------------------------------------------

/**
 * No server connected: every one failed its first attempt (each with its error).
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class AllServersFailed extends Schema.TaggedError<AllServersFailed>(
  "@effect-mcp/core/McpRouter/AllServersFailed"
)("AllServersFailed", {
  failures: Schema.Array(Schema.Struct({ server: Schema.String, error: Schema.Defect() }))
}) {
  override get message(): string {
    const each = this.failures.map(({ error, server }) =>
      `${server}: ${typeof error === "object" && error !== null && "message" in error ? error.message : error}`
    )
    return `Every MCP server failed to connect (${each.join("; ")})`
  }
}

/**
 * Two servers offer the same prefixed name (`a` with tool `b_c` and `a_b` with tool `c`): the router
 * refuses to start rather than let one hide the other.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class NameCollision extends Schema.TaggedError<NameCollision>("@effect-mcp/core/McpRouter/NameCollision")(
  "NameCollision",
  { collisions: Schema.Array(Schema.Struct({ name: Schema.String, servers: Schema.Array(Schema.String) })) }
) {
  override get message(): string {
    const each = this.collisions.map(({ name, servers }) => `"${name}" (${servers.join(", ")})`)
    return `MCP servers claim the same names: ${each.join("; ")}; rename a server to tell them apart`
  }
}

/**
 * Why a router could not start.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type McpRouterErrorReason = AllServersFailed | NameCollision

/**
 * A router could not start. `reason` says why.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class McpRouterError extends Schema.TaggedError<McpRouterError>("@effect-mcp/core/McpRouter/McpRouterError")(
  "McpRouterError",
  { reason: Schema.Union([AllServersFailed, NameCollision]) }
) {
  override readonly cause = this.reason

  override get message(): string {
    return this.reason.message
  }
}

// -----------------------------------------------------------------------------
// Constructors
// -----------------------------------------------------------------------------

/**
 * The default retry of a failed server: from 1 second, doubling, at most 1 minute apart, forever.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const defaultRetry: Schedule.Schedule<unknown, McpError> = Schedule.min([
  Schedule.exponential("1 second"),
  Schedule.spaced("1 minute")
])

/**
 * Builds a router in the current `Scope`: starts every eager server concurrently, waits until each has
 * connected or failed once, and checks that no two servers claim one name.
 *
 * **Details**
 *
 * Fails with `McpRouterError`: `AllServersFailed` when no eager server connected (lazy ones are not
 * counted), `NameCollision` when two servers list the same prefixed tool or prompt name. A server that
 * failed keeps being retried on `retry` in the background, in the router's scope.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const make: <E, R>(options: Options<E, R>) => Effect.Effect<
  Service,
  McpRouterError,
  Scope.Scope | R
> = Effect.fnUntraced(function*<E, R>(
  options: Options<E, R>
): Effect.fn.Return<Service, McpRouterError, Scope.Scope | R> {
  const scope = yield* Effect.scope
  const context = yield* Effect.context<R>()
  const status = yield* SubscriptionRef.make<Readonly<Record<string, ServerStatus>>>({})
  const notifications = yield* Effect.acquireRelease(PubSub.unbounded<Notification>(), PubSub.shutdown)
  const shared: Member.Shared = {
    scope,
    context: context as Context.Context<never>,
    status,
    notifications,
    retry: options.retry ?? defaultRetry,
    logging: yield* McpLogging.McpLogging
  }
  const members = Object.entries(options.servers).map(([name, server]) =>
    Member.make(
      { name, transport: server.transport, client: server.client, allowsTool: server.tools ?? (() => true) },
      shared
    )
  )
  const eager = members.filter((_, i) => Object.values(options.servers)[i]?.client?.connect !== "lazy")
  yield* SubscriptionRef.set(status, Object.fromEntries(members.map((m) => [m.name, { _tag: "Idle" as const }])))
  yield* Effect.forEach(eager, (member) => member.start, { discard: true })
  yield* waitForFirstAttempts(status, eager)
  yield* checkNames(members)
  return makeService(members, shared)
})

/** Waits until every eager server has connected or failed once; fails when all of them failed. */
const waitForFirstAttempts = (
  status: SubscriptionRef.SubscriptionRef<Readonly<Record<string, ServerStatus>>>,
  eager: ReadonlyArray<Member.Member>
) =>
  Effect.gen(function*() {
    const settled = yield* SubscriptionRef.changes(status).pipe(
      Stream.filter((all) => eager.every((m) => all[m.name]?._tag !== "Connecting")),
      Stream.take(1),
      Stream.runHead
    )
    const all = settled._tag === "Some" ? settled.value : {}
    const failures = eager.flatMap((m) => {
      const state = all[m.name]
      // failed once: failed, or already trying again
      return state?._tag === "Failed" || state?._tag === "Restarting" ? [{ server: m.name, error: state.error }] : []
    })
    if (eager.length > 0 && failures.length === eager.length) {
      return yield* new McpRouterError({ reason: new AllServersFailed({ failures }) })
    }
  })

/** Lists the tools and prompts of the servers ready now, and fails when two servers claim a name. */
const checkNames = (members: ReadonlyArray<Member.Member>) =>
  Effect.gen(function*() {
    const names = Names.make(members.map((m) => m.name))
    const ready = members.filter((m) => m.current() !== undefined)
    if (names.single || ready.length < 2) return
    const listed = yield* Listings.across(ready, (client, member) =>
      Effect.map(
        Effect.all([client.listTools(), Effect.orElseSucceed(client.listPrompts(), () => [])]),
        ([tools, prompts]) =>
          [
            ...tools.filter((tool) => member.allowsTool(tool.name)).map((tool) => tool.name),
            ...prompts.map((prompt) => prompt.name)
          ].map((name) => ({ name: names.name(member.name, name), server: member.name }))
      )).pipe(Effect.orElseSucceed(() => []))
    const collisions = Names.collisions(listed.flatMap((answer) => answer.value))
    if (collisions.length > 0) return yield* new McpRouterError({ reason: new NameCollision({ collisions }) })
  })

/**
 * A router's connection, from its servers' states: connected while one server is ready, connecting
 * (or reconnecting) while one is on its way, disconnected when none is (every server failed, or the
 * lazy ones were not used yet).
 */
const connectionOf = (status: Readonly<Record<string, ServerStatus>>): McpClient.ConnectionState => {
  const states = Object.values(status)
  if (states.some((state) => state._tag === "Ready")) return { _tag: "Connected" }
  const restarting = states.find((state) => state._tag === "Restarting")
  if (restarting?._tag === "Restarting") return { _tag: "Reconnecting", error: restarting.error }
  if (states.some((state) => state._tag === "Connecting")) return { _tag: "Connecting" }
  const failed = states.find((state) => state._tag === "Failed")
  return { _tag: "Disconnected", error: failed?._tag === "Failed" ? failed.error : undefined }
}

/** The service over the members. */
const makeService = (members: ReadonlyArray<Member.Member>, shared: Member.Shared): Service => {
  const routes = Routes.make(members)
  const { names } = routes
  const rename = renamers(names)
  const ops = listingOps(members, rename, routes)
  const all = Stream.fromPubSub(shared.notifications)
  const of = (method: string) => Stream.filter(all, (n) => n.method === method)

  const service: Service = {
    [McpClient.TypeId]: McpClient.TypeId,
    servers: members.map((m) => m.name),
    status: shared.status,
    connection: Stream.changesWith(
      Stream.map(SubscriptionRef.changes(shared.status), connectionOf),
      (a, b) => a._tag === b._tag
    ),
    notifications: all,
    toolListChanged: Stream.map(of("notifications/tools/list_changed"), () => undefined),
    resourceListChanged: Stream.map(of("notifications/resources/list_changed"), () => undefined),
    promptListChanged: Stream.map(of("notifications/prompts/list_changed"), () => undefined),
    resourceUpdated: Stream.filterMap(
      of("notifications/resources/updated"),
      (n) => typeof n.params?.uri === "string" ? Result.succeed(names.uri(n.server, n.params.uri)) : Result.failVoid
    ),
    ...ops,
    session: names.single
      ? Effect.flatMap(members[0]!.client, (client) => client.session)
      : Effect.map(Listings.across(members, (client) => client.session), mergeSessions),
    ping: (options) => Effect.asVoid(Listings.across(members, (client) => client.ping(options))),
    setLoggingLevel: (level, options) =>
      Effect.asVoid(Listings.across(members, (client) => client.setLoggingLevel(level, options))),
    callTool:
      ((name: string, args?: McpClient.ToolArguments, options?: McpClient.CallToolOptions) =>
        Effect.flatMap(routes.tool("tools/call", name), (r) => r.client.callTool(r.name, args, options))) as Service[
          "callTool"
        ],
    callToolRaw: (name, args, options) =>
      Effect.flatMap(routes.tool("tools/call", name), (r) => r.client.callToolRaw(r.name, args, options)),
    callToolTask: (name, args, options) =>
      Effect.flatMap(routes.tool("tools/call", name), (r) => r.client.callToolTask(r.name, args, options)),
    callToolStream: (name, args, options) =>
      Stream.unwrap(Effect.map(routes.tool("tools/call", name), (r) => r.client.callToolStream(r.name, args, options))),
    readResource: (uri, options) => Effect.map(ops.readResourceRaw(uri, options), (result) => result.contents),
    subscribeResource: (uri, options) =>
      Effect.flatMap(routes.uri("resources/subscribe", uri), (r) => r.client.subscribeResource(r.name, options)),
    unsubscribeResource: (uri, options) =>
      Effect.flatMap(routes.uri("resources/unsubscribe", uri), (r) => r.client.unsubscribeResource(r.name, options)),
    getPrompt: (name, args, options) =>
      Effect.flatMap(routes.prompt("prompts/get", name), (r) => r.client.getPrompt(r.name, args, options)),
    complete: (ref, argument, options) =>
      ref.type === "ref/prompt"
        ? Effect.flatMap(routes.prompt("completion/complete", ref.name), (r) =>
          r.client.complete({ ...ref, name: r.name }, argument, options))
        : Effect.flatMap(routes.uri("completion/complete", ref.uri), (r) =>
          r.client.complete({ ...ref, uri: r.name }, argument, options)),
    subscribe: (filter, options) => subscribeAll(members, names, filter, options),
    request: (method, params, result, options) =>
      Effect.flatMap(routes.request(method, params), (r) => r.client.request(method, r.params, result, options))
  }
  return service
}

/** Renames what a server listed to the router's names. */
const renamers = (names: Names.Names) => ({
  tool: (member: Member.Member, tools: ReadonlyArray<McpSchema.Tool>) =>
    tools.filter((tool) => member.allowsTool(tool.name)).map((tool) => ({
      ...tool,
      name: names.name(member.name, tool.name)
    })),
  prompt: (member: Member.Member, prompts: ReadonlyArray<McpSchema.Prompt>) =>
    prompts.map((prompt) => ({ ...prompt, name: names.name(member.name, prompt.name) })),
  resource: (member: Member.Member, resources: ReadonlyArray<McpSchema.Resource>) =>
    resources.map((resource) => ({ ...resource, uri: names.uri(member.name, resource.uri) })),
  template: (member: Member.Member, templates: ReadonlyArray<McpSchema.ResourceTemplate>) =>
    templates.map((t) => ({ ...t, uriTemplate: names.uri(member.name, t.uriTemplate) })),
  contents: (server: string, contents: ReadonlyArray<McpSchema.ResourceContents>) =>
    contents.map((content) => ({ ...content, uri: names.uri(server, content.uri) })),
  names
})

/** The listings (merged and by page) and `resources/read`. */
const listingOps = (
  members: ReadonlyArray<Member.Member>,
  rename: ReturnType<typeof renamers>,
  routes: Routes.Routes
) => {
  const merged = <A, B>(
    ask: (c: McpClient.McpClient["Service"]) => Effect.Effect<ReadonlyArray<A>, McpError>,
    to: (m: Member.Member, items: ReadonlyArray<A>) => ReadonlyArray<B>
  ) =>
    Effect.map(
      Listings.across(members, (client, member) => Effect.map(ask(client), (items) => to(member, items))),
      (answers) => answers.flatMap((answer) => answer.value)
    )
  /** A page listing across servers, its items (under `key`) renamed by `to`. */
  const paged = <
    K extends string,
    P extends { readonly nextCursor?: string | null | undefined } & Record<K, ReadonlyArray<unknown>>
  >(
    method: string,
    key: K,
    fetch: (
      c: McpClient.McpClient["Service"],
      at: string | undefined,
      options: McpClient.RequestOptions | undefined
    ) => Effect.Effect<P, McpError>,
    to: (m: Member.Member, items: P[K]) => P[K]
  ) =>
  (cursor?: string, options?: McpClient.RequestOptions) =>
    Listings.page<P>(
      method,
      members,
      (c, at) => fetch(c, at, options),
      (m, p) => ({ ...p, [key]: to(m, p[key]) }),
      { [key]: [] } as unknown as P
    )(cursor)
  const learnTools = (m: Member.Member, tools: ReadonlyArray<McpSchema.Tool>) => {
    routes.remember("tools", m.name, tools)
    return rename.tool(m, tools)
  }
  const learnPrompts = (m: Member.Member, prompts: ReadonlyArray<McpSchema.Prompt>) => {
    routes.remember("prompts", m.name, prompts)
    return rename.prompt(m, prompts)
  }
  return {
    listTools: (options?: McpClient.ListOptions) => merged((c) => c.listTools(options), learnTools),
    listPrompts: (options?: McpClient.ListOptions) => merged((c) => c.listPrompts(options), learnPrompts),
    listResources: (options?: McpClient.ListOptions) => merged((c) => c.listResources(options), rename.resource),
    listResourceTemplates: (options?: McpClient.ListOptions) =>
      merged((c) => c.listResourceTemplates(options), rename.template),
    listToolsPage: paged<"tools", McpSchema.ListToolsResult>(
      "tools/list",
      "tools",
      (c, at, o) => c.listToolsPage(at, o),
      learnTools
    ),
    listPromptsPage: paged<"prompts", McpSchema.ListPromptsResult>(
      "prompts/list",
      "prompts",
      (c, at, o) => c.listPromptsPage(at, o),
      learnPrompts
    ),
    listResourcesPage: paged<"resources", McpSchema.ListResourcesResult>(
      "resources/list",
      "resources",
      (c, at, o) => c.listResourcesPage(at, o),
      rename.resource
    ),
    listResourceTemplatesPage: paged<"resourceTemplates", McpSchema.ListResourceTemplatesResult>(
      "resources/templates/list",
      "resourceTemplates",
      (c, at, o) => c.listResourceTemplatesPage(at, o),
      rename.template
    ),
    readResourceRaw: (uri: string, options?: McpClient.RequestOptions) =>
      Effect.flatMap(
        routes.uri("resources/read", uri),
        (r) =>
          Effect.map(r.client.readResourceRaw(r.name, options), (result) => ({
            ...result,
            contents: rename.contents(r.member.name, result.contents)
          }))
      )
  }
}

/** One `ServerSession` for several servers: the router's own name, the merged capabilities. */
const mergeSessions = (answers: ReadonlyArray<Listings.Answer<McpClient.ServerSession>>): McpClient.ServerSession => {
  const sessions = answers.map((answer) => answer.value)
  const versions = [...new Set(sessions.map((session) => session.protocolVersion))]
  const instructions = answers.flatMap(({ server, value }) =>
    value.instructions === undefined ? [] : [`${server}: ${value.instructions}`]
  )
  return {
    era: sessions.every((session) => session.era === "stateless") ? "stateless" : "stateful",
    protocolVersion: versions.join(", "),
    serverInfo: { name: "effect-mcp-router", version: "0.3.0", title: answers.map((a) => a.server).join(", ") },
    capabilities: Object.assign({}, ...sessions.map((session) => session.capabilities)),
    instructions: instructions.length === 0 ? undefined : instructions.join("\n\n"),
    discovery: undefined
  }
}

/** `subscribe` on every ready server at once, each with its share of the resource URIs. */
const subscribeAll = (
  members: ReadonlyArray<Member.Member>,
  names: Names.Names,
  filter: McpClient.SubscriptionFilter,
  options: Parameters<McpClient.McpClient["Service"]["subscribe"]>[1]
): Stream.Stream<McpClient.SubscriptionEvent, McpError> => {
  const uris = new Map<string, Array<string>>()
  for (const uri of filter.resourceUris ?? []) {
    const resolved = names.resolveUri(uri)
    if (Result.isSuccess(resolved)) {
      uris.set(resolved.success.server, [...(uris.get(resolved.success.server) ?? []), resolved.success.name])
    }
  }
  const streams = members.flatMap((member) => {
    const client = member.current()
    if (client === undefined) return []
    const own = { ...filter, resourceUris: uris.get(member.name) ?? [] }
    return [
      client.subscribe(own, options).pipe(
        Stream.map((event) =>
          event._tag === "ResourceUpdated" ? { ...event, uri: names.uri(member.name, event.uri) } : event
        ),
        Stream.catch((error) =>
          Stream.fromEffect(Effect.logWarning(`MCP server "${member.name}": subscription ended: ${error.message}`))
            .pipe(Stream.drain)
        )
      )
    ]
  })
  return streams.length === 0
    ? Stream.fail(
      new McpTransportError({
        reason: new ServerUnavailable({ server: members.map((m) => m.name).join(", "), state: "no server is ready" })
      })
    )
    : Stream.mergeAll(streams, { concurrency: "unbounded" })
}

/**
 * Provides the router as both {@link McpRouter} and `McpClient`, so that a program written against
 * `McpClient` runs over every server unchanged.
 *
 * **Example** (Health from `status`)
 *
 * ```ts
 * import { Console, Effect, Schedule, SubscriptionRef } from "effect"
 * import { McpInMemoryTransport, McpRouter } from "@effect-mcp/core"
 *
 * declare const Notes: McpInMemoryTransport.ServerLayer
 * declare const Search: McpInMemoryTransport.ServerLayer
 *
 * const health = Effect.gen(function*() {
 *   const router = yield* McpRouter.McpRouter
 *   const status = yield* SubscriptionRef.get(router.status)
 *   const down = Object.entries(status).filter(([, state]) => state._tag !== "Ready")
 *   yield* Console.log(down.length === 0 ? "all servers ready" : `down: ${down.map(([name]) => name).join(", ")}`)
 * }).pipe(
 *   Effect.provide(McpRouter.layer({
 *     servers: {
 *       notes: { transport: McpInMemoryTransport.layer(Notes) },
 *       search: { transport: McpInMemoryTransport.layer(Search) }
 *     },
 *     retry: Schedule.spaced("10 seconds")
 *   }))
 * )
 * ```
 *
 * @stability experimental
 * @category layers
 * @since 0.3.0
 */
export const layer = <E, R>(options: Options<E, R>): Layer.Layer<McpRouter | McpClient.McpClient, McpRouterError, R> =>
  Layer.effectContext(
    Effect.map(
      make(options),
      (router) => Context.make(McpRouter, router).pipe(Context.add(McpClient.McpClient, router))
    )
  )
