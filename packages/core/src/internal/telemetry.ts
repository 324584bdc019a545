/**
 * The telemetry reference, apart from `McpTelemetry`'s spans and metrics: the client reads it once
 * when it is built, without loading `effect/Metric` or the tracing code, which only `McpTelemetry.layer`
 * brings. Unset (the default), sessions are used as they are: no span, no metric, no `_meta` key.
 *
 * @internal
 */
import * as Context from "effect/Context"
import type * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { McpError, McpTransportError } from "../McpError.ts"
import type { Session } from "./session.ts"

/**
 * The requests that open a session: the stateful handshake, and the stateless era's discovery.
 */
export type HandshakeMethod = "initialize" | "server/discover"

/**
 * What `McpTelemetry.layer` installs: a wrapper of each new session (in the session's scope, which
 * closes when it ends; `closed` is its connection's end, failed with the error that lost it), a
 * wrapper of each step of the negotiation that opens one, and the name a router gave the server (set
 * by the router's member, so spans and metrics carry it).
 */
export interface Instrumentation {
  readonly server: string | undefined
  readonly session: (
    session: Session,
    server: string | undefined,
    closed: Deferred.Deferred<never, McpTransportError>
  ) => Effect.Effect<Session, never, Scope.Scope>
  readonly handshake: <A extends { readonly session: Session }>(
    method: HandshakeMethod,
    step: Effect.Effect<A, McpError>,
    server: string | undefined
  ) => Effect.Effect<A, McpError>
}

/**
 * The installed instrumentation; none by default. `McpTelemetry.layer` provides it by the same key,
 * without importing this module (keep the two keys equal).
 */
export const CurrentInstrumentation: Context.Reference<Instrumentation | undefined> = Context.Reference<
  Instrumentation | undefined
>("@effect-mcp/core/McpTelemetry", { defaultValue: () => undefined })

/**
 * The session as the client uses it: instrumented when telemetry is installed, itself otherwise.
 */
export const instrument = (
  instrumentation: Instrumentation | undefined,
  session: Session,
  closed: Deferred.Deferred<never, McpTransportError>
): Effect.Effect<Session, never, Scope.Scope> =>
  instrumentation === undefined
    ? Effect.succeed(session)
    : instrumentation.session(session, instrumentation.server, closed)

/**
 * The same instrumentation, naming the server as a router does.
 */
export const forServer = (
  instrumentation: Instrumentation | undefined,
  server: string
): Instrumentation | undefined => instrumentation === undefined ? undefined : { ...instrumentation, server }

/**
 * The negotiation's wrapper of its steps: the installed instrumentation's, naming the server as a
 * router does; none when telemetry is not installed.
 */
export const handshake = (instrumentation: Instrumentation | undefined) =>
  instrumentation === undefined
    ? undefined
    : <A extends { readonly session: Session }>(method: HandshakeMethod, step: Effect.Effect<A, McpError>) =>
      instrumentation.handshake(method, step, instrumentation.server)
