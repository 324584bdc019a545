/**
 * One server behind a router: its connection loop and its state. The loop connects (a client and its
 * transport in a scope of their own), and when that fails publishes the error, logs a warning and
 * tries again on the router's `Schedule`. A lazy member starts on its first use. `client` hands out
 * the connected client, waits for a connection in progress, or fails at once with `ServerUnavailable`.
 */
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as PubSub from "effect/PubSub"
import type * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import * as McpClient from "../McpClient.ts"
import { ConnectionClosed, isMcpError, type McpError, McpTransportError, ServerUnavailable } from "../McpError.ts"
import * as McpLogging from "../McpLogging.ts"
import type { McpTransport } from "../McpTransport.ts"
import * as Telemetry from "./telemetry.ts"

/**
 * The state of one server: not started yet (lazy), connecting for the first time, ready (with what it
 * negotiated), failed (with its last error; a retry is scheduled), or trying again after a failure.
 */
export type ServerStatus =
  | { readonly _tag: "Idle" }
  | { readonly _tag: "Connecting" }
  | { readonly _tag: "Ready"; readonly session: McpClient.ServerSession }
  | { readonly _tag: "Failed"; readonly error: McpError; readonly attempts: number }
  | { readonly _tag: "Restarting"; readonly error: McpError; readonly attempt: number }

/** A notification, tagged with the name of the server that sent it. */
export interface RoutedNotification extends McpClient.Notification {
  readonly server: string
}

/** A server behind the router. */
export interface Member {
  readonly name: string
  /** Whether the server offers a tool (its `includeTools` / `excludeTools`). */
  readonly allowsTool: (tool: string) => boolean
  /** Starts connecting, when the member is idle. */
  readonly start: Effect.Effect<void>
  /** The connected client: waits for a first connection, fails at once when the server is down. */
  readonly client: Effect.Effect<McpClient.McpClient["Service"], McpError>
  /** The connected client, if the server is ready now. */
  readonly current: () => McpClient.McpClient["Service"] | undefined
}

/** What a member needs from the router. */
export interface Shared {
  readonly scope: Scope.Scope
  readonly context: Context.Context<never>
  readonly status: SubscriptionRef.SubscriptionRef<Readonly<Record<string, ServerStatus>>>
  readonly notifications: PubSub.PubSub<RoutedNotification>
  readonly retry: Schedule.Schedule<unknown, McpError>
  readonly logging: McpLogging.Service
}

/** How to reach one server. */
export interface Spec<E, R> {
  readonly name: string
  readonly transport: Layer.Layer<McpTransport, E, R>
  readonly client: McpClient.Options | undefined
  readonly allowsTool: (tool: string) => boolean
}

/** A failure to build the transport is a transport error, kept as its cause. */
const toMcpError = (error: unknown): McpError =>
  isMcpError(error) && error._tag !== "McpToolError" ? error : new McpTransportError({
    reason: new ConnectionClosed({ description: "the transport could not be built", cause: error })
  })

/** Builds a member; nothing starts until `start`. */
export const make = <E, R>(spec: Spec<E, R>, shared: Shared): Member => {
  const { name } = spec
  let current: McpClient.McpClient["Service"] | undefined
  let started = false
  let attempts = 0
  const statusOf = (all: Readonly<Record<string, ServerStatus>>) => all[name] ?? { _tag: "Idle" as const }
  const setStatus = (status: ServerStatus) =>
    SubscriptionRef.update(shared.status, (all) => ({ ...all, [name]: status }))
  const logging: McpLogging.Service = { handle: (entry) => shared.logging.handle({ ...entry, server: name }) }

  /** One connection: a client and its transport in a scope of their own, closed if it fails. */
  const connectOnce = Effect.gen(function*() {
    const scope = yield* Scope.fork(shared.scope, "sequential")
    return yield* Effect.gen(function*() {
      const client = yield* McpClient.connect(spec.transport, { ...spec.client, connect: "eager" })
      yield* client.notifications.pipe(
        Stream.runForEach((notification) => PubSub.publish(shared.notifications, { ...notification, server: name })),
        Effect.forkIn(scope, { startImmediately: true })
      )
      return { client, scope }
    }).pipe(
      Scope.provide(scope),
      Effect.provideService(McpLogging.McpLogging, logging),
      Effect.updateService(Telemetry.CurrentInstrumentation, (current) => Telemetry.forServer(current, name)),
      Effect.provideContext(shared.context as Context.Context<R>),
      Effect.mapError(toMcpError),
      Effect.onError(() => Scope.close(scope, Exit.void))
    )
  })

  const attempt = Effect.suspend(() => {
    const previous = statusOf(SubscriptionRef.getUnsafe(shared.status))
    attempts++
    const announce = previous._tag === "Failed"
      ? setStatus({ _tag: "Restarting", error: previous.error, attempt: attempts })
      : setStatus({ _tag: "Connecting" })
    return Effect.andThen(announce, connectOnce)
  }).pipe(
    Effect.tapError((error) =>
      Effect.andThen(
        setStatus({ _tag: "Failed", error, attempts }),
        // a warning when it first fails; its retries only at debug level
        attempts === 1
          ? Effect.logWarning(`MCP server "${name}" is skipped: ${error.message} (it will be retried)`)
          : Effect.logDebug(`MCP server "${name}" failed again (attempt ${attempts}): ${error.message}`)
      )
    )
  )

  const loop: Effect.Effect<void> = Effect.gen(function*() {
    const { client, scope } = yield* Effect.retry(attempt, shared.retry)
    const session = yield* client.session
    current = client
    yield* setStatus({ _tag: "Ready", session })
    yield* client.connection.pipe(
      Stream.runForEach((state) => follow(client, scope, state)),
      Effect.forkIn(scope)
    )
  }).pipe(Effect.ignore, Effect.annotateLogs("mcp.server", name))

  /**
   * What a ready server's client says of its connection: reconnecting is `Restarting`, connected
   * again is `Ready`; a client that gave up is `Failed`, and the router starts over with a new client
   * on its own schedule.
   */
  const follow = (
    client: McpClient.McpClient["Service"],
    scope: Scope.Closeable,
    state: McpClient.ConnectionState
  ): Effect.Effect<void> => {
    switch (state._tag) {
      case "Reconnecting":
        return setStatus({ _tag: "Restarting", error: state.error, attempt: attempts })
      case "Connected":
        return Effect.flatMap(
          Effect.option(client.session),
          (session) => session._tag === "Some" ? setStatus({ _tag: "Ready", session: session.value }) : Effect.void
        )
      case "Disconnected":
        return state.error === undefined ? Effect.void : Effect.gen(function*() {
          current = undefined
          attempts = 0
          yield* setStatus({ _tag: "Failed", error: state.error!, attempts: 1 })
          // from the router's scope: closing the client's scope ends this very fiber
          yield* Effect.forkIn(Effect.andThen(Scope.close(scope, Exit.void), loop), shared.scope)
        })
      case "Connecting":
        return Effect.void
    }
  }

  const start = Effect.suspend(() => {
    if (started) return Effect.void
    started = true
    return Effect.andThen(setStatus({ _tag: "Connecting" }), Effect.forkIn(loop, shared.scope))
  }).pipe(Effect.asVoid)

  /** Waits until the first connection is settled (ready or failed). */
  const settled = SubscriptionRef.changes(shared.status).pipe(
    Stream.map(statusOf),
    Stream.filter((status) => status._tag !== "Idle" && status._tag !== "Connecting"),
    Stream.take(1),
    Stream.runDrain
  )

  const now = Effect.suspend((): Effect.Effect<McpClient.McpClient["Service"], McpError> => {
    const status = statusOf(SubscriptionRef.getUnsafe(shared.status))
    if (status._tag === "Ready" && current !== undefined) return Effect.succeed(current)
    const error = status._tag === "Failed" || status._tag === "Restarting" ? status.error : undefined
    const state = status._tag === "Failed"
      ? `failed after ${status.attempts} attempt${status.attempts === 1 ? "" : "s"}`
      : status._tag === "Restarting"
      ? "reconnecting"
      : "not connected"
    return Effect.fail(new McpTransportError({ reason: new ServerUnavailable({ server: name, state, cause: error }) }))
  })

  const client = Effect.suspend(() => {
    const status = statusOf(SubscriptionRef.getUnsafe(shared.status))
    if (status._tag === "Idle") return Effect.andThen(Effect.andThen(start, settled), now)
    if (status._tag === "Connecting") return Effect.andThen(settled, now)
    return now
  })

  return { name, allowsTool: spec.allowsTool, start, client, current: () => current }
}
