/**
 * The era seam. A `Session` is what the client talks to once a connection is open: it knows the
 * negotiated revision, what the server offers, and how a request travels in that era. Client
 * operations only ever call `Session.request` and `Session.check`, so a new era is a new
 * `connect…` function here, not a change to the operations.
 *
 * - The stateful era (2024-11-05 … 2025-11-25), implemented by {@link connectStateful}: the
 *   `initialize` handshake, `notifications/initialized`, then plain requests; interruption sends
 *   `notifications/cancelled`.
 * - The stateless era (2026-07-28), implemented in `stateless.ts`: `server/discover` instead of the
 *   handshake, the `io.modelcontextprotocol/*` `_meta` keys added to every request by `request`,
 *   `input_required` rounds looped inside `request`, and `check` refusing the removed methods.
 *
 * {@link negotiate} picks the era: pinned, or (`"auto"`) by probing with `server/discover` and falling
 * back to `initialize` as the specification's era detection says.
 *
 * @internal
 */
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import { InvalidResult, McpCapabilityError, McpProtocolError, McpVersionError } from "../McpError.ts"
import type { McpError } from "../McpError.ts"
import type * as McpSchema from "../McpSchema.ts"
import {
  ErrorCode,
  InitializeResult,
  isStatefulProtocolVersion,
  LATEST_STATEFUL_PROTOCOL_VERSION,
  STATEFUL_PROTOCOL_VERSIONS
} from "../McpSchema.ts"
import type { Era } from "../McpTransport.ts"
import type { Engine, RequestOptions as EngineRequestOptions } from "./engine.ts"

export type { Era } from "../McpTransport.ts"

/**
 * Options of a request in a session: the engine's, with what the transport routes it by beside the
 * era (what it is about, and for `tools/call` the tool as listed).
 */
export interface RequestOptions extends Omit<EngineRequestOptions, "route"> {
  readonly name?: string | undefined
  readonly tool?: McpSchema.Tool | undefined
}

/**
 * The result of a request, and whether it answers the request alone (complete in one round, so that
 * a cache may keep it).
 */
export interface Reply {
  readonly result: Record<string, unknown>
  readonly cacheable: boolean
}

/**
 * An open, negotiated session with a server.
 */
export interface Session {
  readonly era: Era
  readonly protocolVersion: string
  readonly serverInfo: McpSchema.Implementation
  readonly capabilities: McpSchema.ServerCapabilities
  readonly instructions: string | undefined
  /** Sends a request in this era's way and returns the raw result object. */
  readonly request: (
    method: string,
    params: object | undefined,
    options?: RequestOptions
  ) => Effect.Effect<Reply, McpError>
  /** Sends a notification, if the era has it. */
  readonly notify: (method: string, params?: object) => Effect.Effect<void, McpError>
  /**
   * Why the negotiated revision or the server's capabilities do not allow the method, if they do not. A plain
   * value rather than an effect: it runs before every request.
   */
  readonly check: (method: string) => McpCapabilityError | undefined
}

/**
 * The server capability each client→server method needs in the stateful era.
 */
const requiredCapability: Record<
  string,
  (capabilities: McpSchema.ServerCapabilities, protocolVersion: string) => boolean
> = {
  "tools/list": (c) => c.tools !== undefined,
  "tools/call": (c) => c.tools !== undefined,
  "resources/list": (c) => c.resources !== undefined,
  "resources/templates/list": (c) => c.resources !== undefined,
  "resources/read": (c) => c.resources !== undefined,
  "resources/subscribe": (c) => c.resources?.subscribe === true,
  "resources/unsubscribe": (c) => c.resources?.subscribe === true,
  "prompts/list": (c) => c.prompts !== undefined,
  "prompts/get": (c) => c.prompts !== undefined,
  // 2024-11-05 had completion without a capability for it
  "completion/complete": (c, version) => version === "2024-11-05" || c.completions !== undefined,
  "logging/setLevel": (c) => c.logging !== undefined,
  "tasks/list": (c) => c.tasks?.["list"] !== undefined,
  "tasks/get": (c) => c.tasks !== undefined,
  "tasks/result": (c) => c.tasks !== undefined,
  "tasks/cancel": (c) => c.tasks?.["cancel"] !== undefined
}

const capabilityName: Record<string, string> = {
  "resources/subscribe": "resources.subscribe",
  "resources/unsubscribe": "resources.subscribe",
  "completion/complete": "completions",
  "tasks/list": "tasks.list",
  "tasks/cancel": "tasks.cancel"
}

/**
 * Checks a method against the server's capabilities.
 */
export const capabilityCheck =
  (capabilities: McpSchema.ServerCapabilities, protocolVersion: string) =>
  (method: string): McpCapabilityError | undefined => {
    const allowed = requiredCapability[method]
    return allowed === undefined || allowed(capabilities, protocolVersion)
      ? undefined
      : new McpCapabilityError({
        method,
        capability: capabilityName[method] ?? method.split("/")[0]!,
        protocolVersion
      })
  }

/** The methods 2026-07-28 removed, with what replaces each. */
const removedInStateless: Record<string, string> = {
  ping: "a stateless server has no connection to check: any request (listTools, say) shows it answers",
  "logging/setLevel": "set the client's logLevel option: it is sent in every request's _meta",
  "resources/subscribe": "use client.subscribe, which runs subscriptions/listen",
  "resources/unsubscribe": "end the client.subscribe stream",
  "tasks/result": "tasks are the io.modelcontextprotocol/tasks extension: use the task handle",
  "tasks/list": "tasks are the io.modelcontextprotocol/tasks extension, which has no listing",
  "notifications/roots/list_changed": "roots are sent with each input request"
}

/**
 * The error for a method the negotiated revision does not have, if it is one.
 */
export const removedIn = (method: string, protocolVersion: string): McpCapabilityError | undefined => {
  const hint = removedInStateless[method]
  return hint === undefined ? undefined : new McpCapabilityError({
    method,
    capability: method,
    protocolVersion,
    removed: true,
    hint
  })
}

/**
 * Decodes a raw result with a schema, turning a mismatch into `McpProtocolError(InvalidResult)`.
 */
export const decodeResult = <S extends Schema.Decoder<unknown>>(schema: S) => {
  const decode = Schema.decodeUnknownEffect(schema)
  return (method: string, raw: unknown): Effect.Effect<S["Type"], McpProtocolError, S["DecodingServices"]> =>
    Effect.mapError(decode(raw), (error) =>
      new McpProtocolError({
        method,
        reason: new InvalidResult({ issue: SchemaIssue.makeFormatterDefault()(error.issue) })
      }))
}

const decodeInitializeResult = decodeResult(InitializeResult)

/** The `supported` list of an "unsupported protocol version" error (-32602), if it is one. */
const unsupportedVersionData = (error: McpProtocolError): ReadonlyArray<string> | undefined => {
  const reason = error.reason
  if (reason._tag !== "RpcError" || reason.code !== ErrorCode.InvalidParams) return undefined
  const data = reason.data
  if (typeof data !== "object" || data === null || Array.isArray(data)) return undefined
  const supported = (data as { readonly supported?: unknown }).supported
  return Array.isArray(supported) && supported.every((v) => typeof v === "string") ? supported : undefined
}

/**
 * The client capabilities as the offered revision spells them: elicitation is 2025-06-18 and later
 * (form only, as `{}`, until 2025-11-25 added modes); URL elicitation, sampling's `tools` and `context`
 * and tasks are 2025-11-25.
 */
export const capabilitiesFor = (
  protocolVersion: string,
  capabilities: McpSchema.ClientCapabilities
): McpSchema.ClientCapabilities => {
  if (protocolVersion >= "2025-11-25") return capabilities
  const { elicitation, sampling, tasks: _tasks, ...rest } = capabilities
  const older: Record<string, unknown> = { ...rest }
  if (sampling !== undefined) older.sampling = {}
  if (elicitation !== undefined && protocolVersion >= "2025-06-18" && elicitation.form !== undefined) {
    older.elicitation = {}
  }
  return older as McpSchema.ClientCapabilities
}

/**
 * The engine's options of a session request: its route is the session's, with the request's name and
 * tool.
 */
export const withRoute = (
  route: { readonly era: Era; readonly protocolVersion: string },
  options: RequestOptions | undefined
): EngineRequestOptions | undefined =>
  options === undefined
    ? { route }
    : {
      ...options,
      route: options.name === undefined && options.tool === undefined
        ? route
        : { ...route, name: options.name, tool: options.tool }
    }

const uncacheable = (result: Record<string, unknown>): Reply => ({ result, cacheable: false })

/**
 * Opens a stateful session: `initialize`, check the answered revision, `notifications/initialized`.
 */
export const connectStateful = Effect.fnUntraced(function*(engine: Engine, options: {
  readonly clientInfo: McpSchema.Implementation
  readonly capabilities: McpSchema.ClientCapabilities
  readonly timeout: Duration.Duration | undefined
  readonly protocolVersion?: McpSchema.StatefulProtocolVersion | undefined
}): Effect.fn.Return<Session, McpError> {
  const offer = (protocolVersion: string) =>
    engine.request("initialize", {
      protocolVersion,
      capabilities: capabilitiesFor(protocolVersion, options.capabilities),
      clientInfo: options.clientInfo
    }, { timeout: options.timeout, cancellable: false, route: { era: "stateful", opensSession: true } })
  const requested = options.protocolVersion ?? LATEST_STATEFUL_PROTOCOL_VERSION
  const raw = yield* offer(requested).pipe(
    Effect.catchTag("McpProtocolError", (error): Effect.Effect<Record<string, unknown>, McpError> => {
      // A server that refuses the offered revision answers -32602 with the ones it supports: offer the
      // newest of those this client speaks, once.
      const supported = unsupportedVersionData(error)
      if (supported === undefined) return Effect.fail(error)
      const retry = STATEFUL_PROTOCOL_VERSIONS.find((version) => version !== requested && supported.includes(version))
      return retry === undefined
        ? Effect.fail(
          new McpVersionError({ requested, received: supported.join(", "), supported: STATEFUL_PROTOCOL_VERSIONS })
        )
        : offer(retry)
    })
  )
  // check the revision before the shape: a revision this client does not speak may have another shape
  if (typeof raw.protocolVersion === "string" && !isStatefulProtocolVersion(raw.protocolVersion)) {
    return yield* new McpVersionError({
      requested,
      received: raw.protocolVersion,
      supported: STATEFUL_PROTOCOL_VERSIONS
    })
  }
  const result = yield* decodeInitializeResult("initialize", raw)
  const protocolVersion = result.protocolVersion
  const capabilities = result.capabilities
  const route = { era: "stateful", protocolVersion } as const
  yield* engine.notify("notifications/initialized", undefined, route)
  return {
    era: "stateful",
    protocolVersion,
    serverInfo: result.serverInfo,
    capabilities,
    instructions: result.instructions,
    request: (method, params, requestOptions) =>
      Effect.map(engine.request(method, params, withRoute(route, requestOptions)), uncacheable),
    notify: (method, params) => engine.notify(method, params, route),
    check: capabilityCheck(capabilities, protocolVersion)
  }
})
