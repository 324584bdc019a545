/**
 * The connector: how a client gets and keeps a session. It opens a connection, negotiates the era,
 * falls back to the transport's fallback when the handshake is refused as an older server would,
 * remembers the era for reconnections (and, with an `McpEraCache`, for other clients of the same
 * server), reconnects on a schedule when a connection dies, and drops a session the server said
 * expired (sending a request that is safe to repeat once more on a new one).
 *
 * Each session lives in a child scope of the client's, closed when the connection is lost, the
 * session expires or the client closes. One attempt to connect is shared by every caller waiting
 * for it: a caller that is interrupted stops waiting, not connecting.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import type * as PubSub from "effect/PubSub"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import type { ConnectionState } from "../McpClient.ts"
import type * as McpEraCache from "../McpEraCache.ts"
import { ClientClosed, ConnectionClosed, McpTransportError } from "../McpError.ts"
import type { McpError } from "../McpError.ts"
import * as McpSchema from "../McpSchema.ts"
import type * as McpTransport from "../McpTransport.ts"
import * as Engine from "./engine.ts"
import type * as Handlers from "./handlers.ts"
import { isHttpRefusal, negotiate } from "./negotiate.ts"
import type { VersionPreference } from "./negotiate.ts"
import type { Reply, RequestOptions, Session } from "./session.ts"
import * as Telemetry from "./telemetry.ts"
import * as ToolTable from "./toolTable.ts"

/**
 * What the client learnt about the server when the session opened.
 */
export interface SessionInfo {
  readonly era: Session["era"]
  readonly protocolVersion: string
  readonly serverInfo: McpSchema.Implementation
  readonly capabilities: McpSchema.ServerCapabilities
  readonly instructions: string | undefined
  readonly discovery: McpSchema.DiscoverResult | undefined
}

/**
 * A negotiated session, with the scope its connection lives in.
 */
export interface Connected {
  readonly session: Session
  readonly info: SessionInfo
  readonly scope: Scope.Closeable
  /** Fails with the reason when the connection is gone. */
  readonly closed: Effect.Effect<never, McpTransportError>
  /** The tools this session listed, for routing calls to them. */
  readonly tools: ToolTable.ToolTable
}

/**
 * Options of {@link make}.
 */
export interface Options {
  readonly transport: McpTransport.Service
  readonly handlers: Handlers.Handlers
  readonly notifications: PubSub.PubSub<Engine.Notification>
  readonly observe: (message: Engine.ServerMessage) => void
  readonly preference: VersionPreference
  /** The application's memory of eras, shared by its clients (`McpEraCache`). */
  readonly eras: McpEraCache.Service | undefined
  readonly clientInfo: McpSchema.Implementation
  readonly initializationTimeout: Duration.Duration | undefined
  readonly discoveryTimeout: Duration.Duration | undefined
  readonly logLevel: McpSchema.LoggingLevel | undefined
  readonly maxInputRounds: number
  readonly maxMalformed: number
  readonly reconnect: Schedule.Schedule<unknown, McpError> | false | undefined
  /** `McpTelemetry`'s wrapper of each session, when installed. */
  readonly instrumentation?: Telemetry.Instrumentation | undefined
}

/** Sets the state of a connection attempt, except that a reconnecting client stays reconnecting between its attempts. */
const settle = (state: SubscriptionRef.SubscriptionRef<ConnectionState>, next: ConnectionState) =>
  SubscriptionRef.update(state, (now) => now._tag === "Reconnecting" && next._tag !== "Connected" ? now : next)

/** A reconnection that gave up: logged, and disconnected with its last error (or the loss that started it). */
const gaveUp = (
  state: SubscriptionRef.SubscriptionRef<ConnectionState>,
  cause: Cause.Cause<McpError>,
  lost: McpError
) =>
  Effect.logWarning("MCP: could not reconnect to the server").pipe(
    Effect.annotateLogs("mcp.cause", Cause.pretty(cause)),
    Effect.andThen(
      SubscriptionRef.set(state, {
        _tag: "Disconnected",
        error: Option.getOrElse(Cause.findErrorOption(cause), () => lost)
      })
    )
  )

/**
 * The client's way to its session.
 */
export interface Connector {
  /** The connection's state, as it changes. */
  readonly state: SubscriptionRef.SubscriptionRef<ConnectionState>
  /** The current session, opening one when there is none. */
  readonly connected: Effect.Effect<Connected, McpError>
  /**
   * Runs `f` on the current session: at once when one is open (no effect to wait on), otherwise once
   * `connected` gives one, that wait wrapped in `restore` (so that it may be interrupted under a mask).
   */
  readonly use: <A, E>(
    f: (connected: Connected) => Effect.Effect<A, E>,
    restore?: <B, F>(effect: Effect.Effect<B, F>) => Effect.Effect<B, F>
  ) => Effect.Effect<A, E | McpError>
  /**
   * Checks the capability, then sends on the current session. When the server says the session
   * expired, that session is dropped, a new one is opened, and a request that is safe to repeat is
   * sent once more.
   */
  readonly send: (
    method: string,
    params: object | undefined,
    options: RequestOptions
  ) => Effect.Effect<Reply, McpError>
  /** {@link send} on a session the caller already holds. */
  readonly sendOn: (
    connected: Connected,
    method: string,
    params: object | undefined,
    options: RequestOptions
  ) => Effect.Effect<Reply, McpError>
}

/**
 * Builds the connector of a client whose scope is the current one.
 */
export const make = Effect.fnUntraced(function*(options: Options): Effect.fn.Return<Connector, never, Scope.Scope> {
  const clientScope = yield* Effect.scope
  const state = yield* SubscriptionRef.make<ConnectionState>({ _tag: "Disconnected", error: undefined })
  const reconnect = options.reconnect === false
    ? undefined
    : options.reconnect ?? Schedule.exponential("100 millis").pipe(Schedule.upTo({ times: 5 }))
  let connections = 0
  // The era a server turned out to speak is kept for reconnections: a stateful server is not probed
  // again on every reconnect. An attempt with the remembered era that fails forgets it.
  let verdict: VersionPreference | undefined
  let current: Connected | undefined
  let connecting: Deferred.Deferred<Connected, McpError> | undefined
  // the scopes of sessions the client itself retired (expired), as opposed to the client closing
  const retired = new WeakSet<Scope.Closeable>()

  /**
   * Connects and negotiates, or, when the server refuses the handshake as a server of an older
   * transport would, does so over the transport's fallback, in the legacy era. Each connection gets
   * its own range of ids.
   */
  const negotiated = (preference: VersionPreference) => {
    const fallback = options.transport.fallback
    const over = (connection: McpTransport.McpConnection, preference: VersionPreference) =>
      // 2^32 ids per connection, 2^21 connections: every id stays a safe integer
      establish(options, connection, preference, (connections++ % 2 ** 21) * 2 ** 32)
    return Effect.flatMap(options.transport.connect, (connection) => over(connection, preference)).pipe(
      Effect.catchIf(
        (error) => fallback !== undefined && isHttpRefusal(error),
        (refusal) =>
          Effect.flatMap(fallback!.connect, (connection) => over(connection, "legacy")).pipe(
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
  }

  const memory = shared(options)

  /** One attempt, in a child scope of the client's that is closed again if the attempt fails. */
  const open = inChildScope(clientScope, (scope) =>
    Effect.gen(function*() {
      const remembered = verdict === undefined ? yield* memory.recall : undefined
      const preference = verdict ?? remembered ?? options.preference
      const { discovery, engine, session } = yield* remembered === undefined
        ? negotiated(preference)
        : memory.retried(negotiated, remembered)
      if (preference === "auto" || remembered !== undefined) {
        verdict = session.era === "stateless" ? session.protocolVersion as McpEraCache.Era : "legacy"
        yield* memory.remember(verdict)
      }
      yield* prepare(options, session)
      // when this connection dies, forget it (and reconnect, if the policy says so)
      yield* Deferred.await(engine.closed).pipe(
        Effect.catch((error) => error.reason._tag === "ClientClosed" ? Effect.void : onConnectionLost(scope, error)),
        Effect.forkIn(clientScope)
      )
      return {
        session,
        info: { ...infoOf(session), discovery },
        scope,
        closed: closedOf(engine.closed, () => retired.has(scope)),
        tools: ToolTable.make(session.era === "stateless" ? options.transport.unroutable : undefined)
      } satisfies Connected
    }))

  const onConnectionLost = (scope: Scope.Closeable, error: McpError): Effect.Effect<void> =>
    Effect.gen(function*() {
      current = undefined
      yield* Scope.close(scope, Exit.void)
      if (reconnect === undefined) return yield* SubscriptionRef.set(state, { _tag: "Disconnected", error })
      yield* SubscriptionRef.set(state, { _tag: "Reconnecting", error })
      yield* connected.pipe(Effect.retry(reconnect), Effect.catchCause((cause) => gaveUp(state, cause, error)))
    })

  // The attempt runs in a fiber of the client's scope, shared by every caller waiting for it: a caller
  // that is interrupted stops waiting, not connecting, and N callers wait for one attempt, not N.
  const connected: Effect.Effect<Connected, McpError> = Effect.suspend(() => {
    if (current !== undefined) return Effect.succeed(current)
    if (connecting !== undefined) return Deferred.await(connecting)
    const attempt = Deferred.makeUnsafe<Connected, McpError>()
    connecting = attempt
    return settle(state, { _tag: "Connecting" }).pipe(
      Effect.andThen(open),
      Effect.tap(() => SubscriptionRef.set(state, { _tag: "Connected" })),
      Effect.tapError((error) => settle(state, { _tag: "Disconnected", error })),
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

  /** Forgets an expired session (closing its connection); the next use opens a new one. */
  const sessionExpired = (expired: Connected) =>
    Effect.suspend(() => {
      if (current !== expired) return Effect.void
      current = undefined
      retired.add(expired.scope)
      return Scope.close(expired.scope, Exit.void)
    })

  const checkAndSend = (session: Session, method: string, params: object | undefined, options: RequestOptions) => {
    const refused = session.check(method)
    return refused === undefined ? session.request(method, params, options) : Effect.fail(refused)
  }

  const sendOn = (c: Connected, method: string, params: object | undefined, requestOptions: RequestOptions) =>
    Effect.catchIf(
      checkAndSend(c.session, method, params, requestOptions),
      (error): error is McpTransportError =>
        error._tag === "McpTransportError" && error.reason._tag === "SessionExpired",
      (error) =>
        Effect.andThen(
          sessionExpired(c),
          McpSchema.SAFE_TO_REPEAT_METHODS.has(method)
            ? Effect.flatMap(connected, (fresh) => checkAndSend(fresh.session, method, params, requestOptions))
            : Effect.fail(error)
        )
    )

  const use: Connector["use"] = (f, restore = identity) =>
    Effect.suspend(() => current !== undefined ? f(current) : Effect.flatMap(restore(connected), f))

  return {
    state,
    connected,
    use,
    sendOn,
    send: (method, params, requestOptions) => use((c) => sendOn(c, method, params, requestOptions))
  }
})

/**
 * When a connection ends, and why: a session the client retired (it expired) ends as a lost connection,
 * not as the client closing.
 */
const closedOf = (
  closed: Deferred.Deferred<never, McpTransportError>,
  retired: () => boolean
): Effect.Effect<never, McpTransportError> =>
  Effect.catch(Deferred.await(closed), (error) =>
    Effect.fail(
      retired() && error.reason._tag === "ClientClosed"
        ? new McpTransportError({ reason: new ConnectionClosed({ description: "the session expired" }) })
        : error
    ))

/**
 * The application's memory of eras, as one client uses it.
 */
interface Memory {
  /** The era remembered for the server, if any. */
  readonly recall: Effect.Effect<McpEraCache.Era | undefined>
  readonly remember: (era: McpEraCache.Era) => Effect.Effect<void>
  /**
   * A negotiation in the remembered era. One the server refuses (or answers as a server of another
   * era does) forgets it and negotiates as `"auto"` does, after closing the refused connection; a
   * connection that could not be made is no verdict and fails the attempt.
   */
  readonly retried: <A>(
    negotiated: (preference: VersionPreference) => Effect.Effect<A, McpError, Scope.Scope>,
    era: McpEraCache.Era
  ) => Effect.Effect<A, McpError, Scope.Scope>
}

const NO_MEMORY: Memory = {
  recall: Effect.succeed(undefined),
  remember: () => Effect.void,
  retried: (negotiated, era) => negotiated(era)
}

/**
 * The application's memory of eras (`McpEraCache`) for a client of the `"auto"` preference, keyed by
 * the server its transport names (`serverKey`); without either, nothing is remembered.
 */
const shared = (options: Options): Memory => {
  const eras = options.eras
  const key = options.transport.serverKey
  if (eras === undefined || key === undefined || options.preference !== "auto") return NO_MEMORY
  return {
    recall: eras.get(key),
    remember: (era) => eras.set(key, era),
    retried: (negotiated, era) =>
      Effect.catch(
        isolated(negotiated(era)),
        (error) =>
          error._tag === "McpTransportError" && error.reason._tag !== "HttpStatus"
            ? Effect.fail(error)
            : Effect.andThen(eras.forget(key), negotiated("auto"))
      )
  }
}

/** Runs `f` in a new child scope of `parent`, which is closed again if it fails. */
const inChildScope = <A, E, R>(
  parent: Scope.Scope,
  f: (scope: Scope.Closeable) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, Exclude<R, Scope.Scope>> =>
  Effect.flatMap(Scope.fork(parent), (scope) =>
    f(scope).pipe(
      Scope.provide(scope),
      Effect.onExit((exit) => Exit.isFailure(exit) ? Scope.close(scope, exit) : Effect.void)
    ))

/** Runs `effect` in a child scope of the current one, closed if it fails. */
const isolated = <A, E>(effect: Effect.Effect<A, E, Scope.Scope>): Effect.Effect<A, E, Scope.Scope> =>
  Effect.flatMap(Effect.scope, (outer) => inChildScope(outer, () => effect))

/** Opens an engine over a connection and negotiates a session on it. */
const establish = (
  options: Options,
  connection: McpTransport.McpConnection,
  preference: VersionPreference,
  firstId: number
) =>
  Effect.flatMap(
    Engine.make({
      connection,
      handlers: options.handlers.requests,
      notifications: options.notifications,
      observe: options.observe,
      maxMalformed: options.maxMalformed,
      firstId
    }),
    (engine) =>
      Effect.flatMap(
        negotiate(engine, {
          preference,
          clientInfo: options.clientInfo,
          capabilities: options.handlers.capabilities,
          timeout: options.initializationTimeout,
          patience: options.discoveryTimeout,
          logLevel: options.logLevel,
          handlers: options.handlers.requests,
          maxInputRounds: options.maxInputRounds,
          instrument: Telemetry.handshake(options.instrumentation)
        }),
        (negotiated) =>
          Effect.map(
            Telemetry.instrument(options.instrumentation, negotiated.session, engine.closed),
            (session) => ({ ...negotiated, session, engine })
          )
      )
  )

/**
 * After the handshake: the log level (stateful era), and the roots notifications for as long as the
 * connection lives.
 */
const prepare = Effect.fnUntraced(function*(
  options: Options,
  session: Session
): Effect.fn.Return<void, McpError, Scope.Scope> {
  options.handlers.setServerName(session.serverInfo.name)
  const logLevel = options.logLevel
  if (session.era === "stateful" && logLevel !== undefined && session.capabilities.logging !== undefined) {
    yield* session.request("logging/setLevel", { level: logLevel }, { timeout: options.initializationTimeout })
  }
  const changes = options.handlers.roots?.changes
  // the stateless era has no roots notification: every input request for roots gets the current list
  if (changes !== undefined && session.era === "stateful") {
    yield* changes.pipe(
      Stream.runForEach(() => Effect.ignore(session.notify("notifications/roots/list_changed"))),
      Effect.forkScoped
    )
  }
})

const infoOf = (session: Session): Omit<SessionInfo, "discovery"> => ({
  era: session.era,
  protocolVersion: session.protocolVersion,
  serverInfo: session.serverInfo,
  capabilities: session.capabilities,
  instructions: session.instructions
})
