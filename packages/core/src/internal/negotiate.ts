/**
 * Picks the protocol era of a connection, as the specification's era detection says:
 *
 * - `"auto"`: send `server/discover`. A discovery result, or an error only a stateless server sends
 *   (-32020, -32021, -32022), means the server speaks 2026-07-28. Any other error or an HTTP refusal
 *   means it does not: the stateful handshake follows on the same connection. A server that leaves
 *   the probe unanswered for a while (`patience`) gets the handshake beside it: whichever it answers
 *   first decides, so a slow server of either era is still taken for what it is.
 * - `"legacy"` or a stateful revision: the handshake only.
 * - `"2026-07-28"`: discovery only; a server that does not speak it fails the connection.
 *
 * One deadline (`timeout`) bounds the whole negotiation, probe included.
 *
 * @internal
 */
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { McpError } from "../McpError.ts"
import { McpVersionError } from "../McpError.ts"
import * as McpSchema from "../McpSchema.ts"
import * as Deadline from "./deadline.ts"
import type { Engine, RequestHandler } from "./engine.ts"
import { connectStateful } from "./session.ts"
import type { Session } from "./session.ts"
import * as Stateless from "./stateless.ts"
import type { HandshakeMethod } from "./telemetry.ts"

/**
 * Which revision to speak: `"auto"` (the newest both sides speak), `"legacy"` (the stateful
 * handshake, newest revision first), or one revision, pinned.
 */
export type VersionPreference =
  | "auto"
  | "legacy"
  | McpSchema.StatelessProtocolVersion
  | McpSchema.StatefulProtocolVersion

/**
 * What a negotiation yields: the session, and the discovery result when the session is stateless.
 */
export interface Negotiated {
  readonly session: Session
  readonly discovery: McpSchema.DiscoverResult | undefined
}

/**
 * Options of {@link negotiate}.
 */
export interface Options {
  readonly preference: VersionPreference
  readonly clientInfo: McpSchema.Implementation
  readonly capabilities: McpSchema.ClientCapabilities
  /** How long the whole negotiation may take, probe included. */
  readonly timeout: Duration.Duration | undefined
  /** How long the `"auto"` probe waits alone before the handshake is sent beside it. */
  readonly patience: Duration.Duration | undefined
  readonly logLevel: McpSchema.LoggingLevel | undefined
  readonly handlers: ReadonlyMap<string, RequestHandler>
  readonly maxInputRounds: number
  /** Wraps each step (telemetry's span and metrics); none by default. */
  readonly instrument?:
    | ((method: HandshakeMethod, step: Effect.Effect<Negotiated, McpError>) => Effect.Effect<Negotiated, McpError>)
    | undefined
}

/** The `supported` list of an "unsupported protocol version" error (-32022). */
const supportedVersions = (error: McpError): ReadonlyArray<string> | undefined => {
  if (error._tag !== "McpProtocolError" || error.reason._tag !== "RpcError") return undefined
  if (error.reason.code !== McpSchema.ErrorCode.UnsupportedProtocolVersion) return undefined
  const data = error.reason.data as { readonly supported?: unknown } | null | undefined
  const supported = typeof data === "object" && data !== null ? data.supported : undefined
  return Array.isArray(supported) ? supported.filter((v): v is string => typeof v === "string") : []
}

/**
 * Whether a failed probe means "this server speaks the stateless era" (so no fallback): an error code
 * only stateless servers use.
 */
const isStatelessAnswer = (error: McpError): boolean =>
  error._tag === "McpProtocolError" && error.reason._tag === "RpcError" &&
  McpSchema.STATELESS_ERROR_CODES.has(error.reason.code)

/**
 * Whether an HTTP server refused a request as such (400, 404, 405): it does not know it. Not an
 * authorization failure (401, 403) or a broken server (5xx).
 */
export const isHttpRefusal = (error: McpError): boolean =>
  error._tag === "McpTransportError" && error.reason._tag === "HttpStatus" &&
  [400, 404, 405].includes(error.reason.status)

/**
 * Whether a failed probe means "not a stateless server": the server answered, but not as one (an
 * unknown method, a refusal before `initialize`, an HTTP status, a result that is not a discovery
 * result), or did not answer in time. A connection that failed is no verdict: it fails the attempt.
 */
const isStatefulAnswer = (error: McpError): boolean => {
  switch (error._tag) {
    case "McpProtocolError":
    case "McpTimeoutError":
    case "McpVersionError":
      return true
    case "McpTransportError":
      return isHttpRefusal(error)
    default:
      return false
  }
}

/**
 * Opens a session in the era the preference and the server allow, within the deadline.
 */
export const negotiate = (engine: Engine, options: Options): Effect.Effect<Negotiated, McpError> => {
  const steps = makeSteps(engine, options)
  const preference = options.preference
  if (preference === "legacy") return Deadline.within(steps.stateful(), "initialize", options.timeout)
  if (McpSchema.isStatefulProtocolVersion(preference)) {
    return Deadline.within(steps.stateful(preference), "initialize", options.timeout)
  }
  if (McpSchema.isStatelessProtocolVersion(preference)) {
    return Deadline.within(pinned(steps, preference), "server/discover", options.timeout)
  }
  return Deadline.within(auto(steps, options.patience), "initialize", options.timeout)
}

interface Steps {
  readonly stateful: (protocolVersion?: McpSchema.StatefulProtocolVersion) => Effect.Effect<Negotiated, McpError>
  readonly stateless: (protocolVersion: McpSchema.StatelessProtocolVersion) => Effect.Effect<Negotiated, McpError>
}

/** The two ways to open a session, each instrumented as its request; the negotiation's deadline bounds them. */
const makeSteps = (engine: Engine, options: Options): Steps => {
  const instrument = options.instrument ?? ((_method, step) => step)
  return {
    stateful: (protocolVersion) =>
      instrument(
        "initialize",
        Effect.map(
          connectStateful(engine, {
            clientInfo: options.clientInfo,
            capabilities: options.capabilities,
            timeout: undefined,
            protocolVersion
          }),
          (session): Negotiated => ({ session, discovery: undefined })
        )
      ),
    stateless: (protocolVersion) =>
      instrument(
        "server/discover",
        Effect.map(
          Stateless.connect(engine, { ...options, protocolVersion, timeout: undefined }),
          (session): Negotiated => ({ session, discovery: session.result })
        )
      )
  }
}

/** A pinned stateless revision: discovery only, offered once more when the server names it in a -32022. */
const pinned = (steps: Steps, preference: McpSchema.StatelessProtocolVersion) =>
  Effect.catch(steps.stateless(preference), (error) => {
    const supported = supportedVersions(error)
    // a server may refuse a first request for reasons of its own: it named the pinned revision, so
    // offer it once more
    if (supported?.includes(preference) === true) return steps.stateless(preference)
    if (supported !== undefined) {
      return Effect.fail(
        new McpVersionError({
          requested: preference,
          received: supported.join(", "),
          supported: McpSchema.PROTOCOL_VERSIONS
        })
      )
    }
    // a server that answered, but not as a stateless one, does not speak the pinned revision
    return Effect.fail(
      isStatefulAnswer(error) && !isStatelessAnswer(error) && error._tag !== "McpTimeoutError"
        ? new McpVersionError({
          requested: preference,
          received: "a stateful revision",
          supported: McpSchema.PROTOCOL_VERSIONS,
          description: `it answered server/discover as a server of the stateful revisions (2024-11-05 … ` +
            `2025-11-25) does (${error.message}). Leave protocolVersion unset ("auto") to speak its revision`
        })
        : error
    )
  })

/**
 * `"auto"`: the probe, and after `patience` without its answer the handshake beside it (one
 * handshake, shared by both paths). A handshake the server refuses leaves the decision to the probe.
 */
const auto = (steps: Steps, patience: Duration.Duration | undefined) =>
  Effect.flatMap(Effect.cached(steps.stateful()), (handshake) => {
    const alongside = patience === undefined
      ? Effect.never
      : Effect.andThen(Effect.sleep(patience), Effect.catch(handshake, () => Effect.never))
    return Effect.raceFirst(probe(steps, handshake), alongside)
  })

/** The probe and what its answer means; a stateful verdict goes on with the (shared) handshake. */
const probe = (steps: Steps, handshake: Effect.Effect<Negotiated, McpError>) =>
  Effect.catch(
    steps.stateless(McpSchema.LATEST_PROTOCOL_VERSION),
    (error): Effect.Effect<Negotiated, McpError> => {
      const supported = supportedVersions(error)
      if (supported !== undefined) {
        // a stateless server refused the revision: offer the newest both sides speak, once (it may be
        // the one just refused: a server may refuse a first request for reasons of its own)
        const modern = McpSchema.STATELESS_PROTOCOL_VERSIONS.find((v) => supported.includes(v))
        if (modern !== undefined) return steps.stateless(modern)
        const legacy = McpSchema.STATEFUL_PROTOCOL_VERSIONS.find((v) => supported.includes(v))
        if (legacy !== undefined) return steps.stateful(legacy)
        return Effect.fail(
          new McpVersionError({
            requested: McpSchema.LATEST_PROTOCOL_VERSION,
            received: supported.join(", "),
            supported: McpSchema.PROTOCOL_VERSIONS
          })
        )
      }
      if (isStatelessAnswer(error) || !isStatefulAnswer(error)) return Effect.fail(error)
      return Effect.andThen(
        Effect.logDebug("MCP: the server does not speak 2026-07-28; opening a stateful session").pipe(
          Effect.annotateLogs("mcp.probe", error.message)
        ),
        handshake
      )
    }
  )
