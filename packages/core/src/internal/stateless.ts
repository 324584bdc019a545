/**
 * The stateless era (2026-07-28): no handshake and no session. Every request names the revision, the
 * client's capabilities and info in `params._meta`; `server/discover` says what the server offers; a
 * server that needs input answers `resultType: "input_required"` and the client sends the same request
 * again, with a new id, the answers and the server's `requestState` as it came (multi-round-trip
 * requests). The answers come from the same handler layers that serve server requests in the stateful
 * era, so one handler serves both.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import {
  InputFailed,
  InputLimit,
  InvalidResult,
  McpProtocolError,
  McpTimeoutError,
  McpVersionError
} from "../McpError.ts"
import type { McpError } from "../McpError.ts"
import * as McpSchema from "../McpSchema.ts"
import type { Engine, RequestHandler } from "./engine.ts"
import { capabilityCheck, decodeResult, removedIn, withRoute } from "./session.ts"
import type { Reply, RequestOptions, Session } from "./session.ts"

/** The methods whose results may be `input_required`. */
const INPUT_METHODS: ReadonlySet<string> = new Set(["tools/call", "prompts/get", "resources/read"])

const decodeDiscover = decodeResult(McpSchema.DiscoverResult)
const decodeInputRequired = decodeResult(McpSchema.InputRequiredResult)

/**
 * Options of {@link connect}.
 */
export interface Options {
  readonly protocolVersion: McpSchema.StatelessProtocolVersion
  readonly clientInfo: McpSchema.Implementation
  readonly capabilities: McpSchema.ClientCapabilities
  /** How long `server/discover` may take. */
  readonly timeout: Duration.Duration | undefined
  /** The least severe log level to ask for on every request; none means no log messages. */
  readonly logLevel: McpSchema.LoggingLevel | undefined
  /** The handlers that answer input requests (the same that answer server requests). */
  readonly handlers: ReadonlyMap<string, RequestHandler>
  /** The most `input_required` rounds one call may take. */
  readonly maxInputRounds: number
}

/**
 * The capabilities a stateless request declares: 2026-07-28 has no `tasks` capability (tasks are an
 * extension) and no `roots.listChanged` (there is no notification to send).
 */
const statelessCapabilities = (capabilities: McpSchema.ClientCapabilities): McpSchema.ClientCapabilities => {
  const { extensions, roots, tasks: _tasks, ...rest } = capabilities
  // the client awaits (or hands out) every task a server chooses to create
  const withTasks = { ...rest, extensions: { ...extensions, [McpSchema.TASKS_EXTENSION]: {} } }
  return roots === undefined ? withTasks : { ...withTasks, roots: {} }
}

const serverInfoOf = (raw: Record<string, unknown>): McpSchema.Implementation | undefined => {
  const meta = raw._meta
  if (typeof meta !== "object" || meta === null) return undefined
  const info = (meta as Record<string, unknown>)[McpSchema.MetaKey.serverInfo]
  return typeof info === "object" && info !== null && typeof (info as { name?: unknown }).name === "string" &&
      typeof (info as { version?: unknown }).version === "string"
    ? info as McpSchema.Implementation
    : undefined
}

/**
 * The discovery result of a stateless session, for `McpClient.session`.
 */
export interface Discovered {
  readonly result: McpSchema.DiscoverResult
}

/**
 * Opens a stateless session: `server/discover`, checked. Fails with the server's error as it came
 * (the caller decides whether it means "not a stateless server").
 */
export const connect = Effect.fnUntraced(function*(
  engine: Engine,
  options: Options
): Effect.fn.Return<Session & Discovered, McpError> {
  const protocolVersion = options.protocolVersion
  const eraMeta: Record<string, unknown> = {
    [McpSchema.MetaKey.protocolVersion]: protocolVersion,
    [McpSchema.MetaKey.clientCapabilities]: statelessCapabilities(options.capabilities),
    [McpSchema.MetaKey.clientInfo]: options.clientInfo,
    ...(options.logLevel === undefined ? {} : { [McpSchema.MetaKey.logLevel]: options.logLevel })
  }
  const route = { era: "stateless", protocolVersion } as const
  const clock = yield* Clock.Clock

  const raw = yield* engine.request("server/discover", {}, {
    timeout: options.timeout,
    meta: eraMeta,
    // before the era is known, a cancellation could reach a server that is not yet initialized
    cancellable: false,
    route
  })
  const discovered = yield* decodeDiscover("server/discover", raw)
  if (!discovered.supportedVersions.includes(protocolVersion)) {
    return yield* new McpVersionError({
      requested: protocolVersion,
      received: discovered.supportedVersions.join(", "),
      supported: McpSchema.PROTOCOL_VERSIONS
    })
  }
  const capabilities = discovered.capabilities

  const send = sendRound(engine, route, eraMeta)
  const rounds = inputRounds({ send, clock, handlers: options.handlers, maxInputRounds: options.maxInputRounds })

  const request = (
    method: string,
    params: object | undefined,
    requestOptions?: RequestOptions
  ): Effect.Effect<Reply, McpError> =>
    Effect.suspend(() => {
      const started = clock.currentTimeMillisUnsafe()
      return Effect.flatMap(send(method, params, requestOptions), (raw) =>
        // the common answer: complete, in one round
        raw.resultType === undefined || raw.resultType === "complete"
          ? Effect.succeed({ result: raw, cacheable: true })
          : Effect.flatMap(
            checkResultType(method, raw),
            (checked) => rounds(method, params, requestOptions, started, checked)
          ))
    })

  const checkCapability = capabilityCheck(capabilities, protocolVersion)

  return {
    era: "stateless",
    protocolVersion,
    serverInfo: serverInfoOf(raw) ?? { name: "unknown", version: "unknown" },
    capabilities,
    instructions: discovered.instructions,
    result: discovered,
    request,
    // the only client notification left is notifications/cancelled, which the engine sends
    notify: (method, params) => engine.notify(method, params, route),
    check: (method) => removedIn(method, protocolVersion) ?? checkCapability(method)
  }
})

/** A function that sends one round of a request. */
type Send = (
  method: string,
  params: object | undefined,
  requestOptions: RequestOptions | undefined
) => Effect.Effect<Record<string, unknown>, McpError>

/**
 * Sends one round of a request, with the era's `_meta`. There is no resumption in this era: a reply
 * stream that ended or broke before its answer (HTTP) means the server dropped the request, so a
 * request that is safe to repeat goes out once more, with a new id and the same input answers. A slow
 * answer is not that.
 */
const sendRound = (
  engine: Engine,
  route: { readonly era: "stateless"; readonly protocolVersion: string },
  eraMeta: Record<string, unknown>
): Send => {
  const sendOnce: Send = (method, params, requestOptions) =>
    engine.request(method, params ?? {}, {
      ...withRoute(route, requestOptions),
      meta: requestOptions?.meta === undefined ? eraMeta : { ...requestOptions.meta, ...eraMeta }
    })
  return (method, params, requestOptions) =>
    !McpSchema.SAFE_TO_REPEAT_METHODS.has(method)
      ? sendOnce(method, params, requestOptions)
      : Effect.catchIf(
        sendOnce(method, params, requestOptions),
        (error) =>
          error._tag === "McpTransportError" && error.reason._tag === "ConnectionClosed" &&
          error.reason.streamEnded === true,
        () => sendOnce(method, params, requestOptions)
      )
}

/**
 * The later rounds of a multi-round-trip request: answer the input requests, send the request again
 * with the answers and the state, until the result is complete. The caller's timeout spans every
 * round, the time spent answering included.
 */
const inputRounds = (context: {
  readonly send: Send
  readonly clock: Clock.Clock
  readonly handlers: ReadonlyMap<string, RequestHandler>
  readonly maxInputRounds: number
}) =>
(
  method: string,
  params: object | undefined,
  requestOptions: RequestOptions | undefined,
  started: number,
  first: Record<string, unknown>
): Effect.Effect<Reply, McpError> =>
  Effect.gen(function*() {
    const timeoutMillis = requestOptions?.timeout === undefined ? undefined : Duration.toMillis(requestOptions.timeout)
    const deadline = timeoutMillis === undefined ? undefined : started + timeoutMillis
    const remaining = () =>
      deadline === undefined ? undefined : Math.max(0, deadline - context.clock.currentTimeMillisUnsafe())
    const timedOut = new McpTimeoutError({ method, timeoutMillis: timeoutMillis ?? 0 })
    let raw = first
    for (let round = 1;; round++) {
      // a result that came after input rounds answers one user's input: it is never cached
      if (!isInputRequired(raw)) return { result: raw, cacheable: round === 1 }
      if (!INPUT_METHODS.has(method)) {
        return yield* new McpProtocolError({
          method,
          reason: new InvalidResult({ issue: `${method} may not answer input_required` })
        })
      }
      if (round > context.maxInputRounds) {
        return yield* new McpProtocolError({ method, reason: new InputLimit({ rounds: context.maxInputRounds }) })
      }
      const required = yield* decodeInputRequired(method, raw)
      const answering = answerInputs(context.handlers, method, required.inputRequests)
      const left = remaining()
      const inputResponses = yield* left === undefined
        ? answering
        : Effect.timeoutOrElse(answering, { duration: left, orElse: () => Effect.fail(timedOut) })
      const next: Record<string, unknown> = { ...params }
      if (inputResponses !== undefined) next.inputResponses = inputResponses
      if (required.requestState !== undefined) next.requestState = required.requestState
      const again = remaining()
      if (again === 0) return yield* timedOut
      raw = yield* context.send(
        method,
        next,
        again === undefined ? requestOptions : { ...requestOptions, timeout: Duration.millis(again) }
      ).pipe(
        // a later round's deadline is what was left of the caller's: report the caller's timeout
        Effect.catchTag("McpTimeoutError", () => Effect.fail(timedOut))
      )
      raw = yield* checkResultType(method, raw)
    }
  })

const isInputRequired = (raw: Record<string, unknown>): boolean => raw.resultType === "input_required"

/** `resultType` is `complete`, `input_required` or (tasks extension) `task`; missing means complete. */
const checkResultType = (
  method: string,
  raw: Record<string, unknown>
): Effect.Effect<Record<string, unknown>, McpProtocolError> => {
  const type = raw.resultType
  return type === undefined || type === "complete" || type === "input_required" || type === "task"
    ? Effect.succeed(raw)
    : Effect.fail(
      new McpProtocolError({
        method,
        reason: new InvalidResult({ issue: `unknown resultType ${JSON.stringify(type)}` })
      })
    )
}

/**
 * Answers input requests (of an `input_required` result or a waiting task) with the handler of each
 * one's method, one after the other. `method` names the request they belong to, for errors.
 */
export const answerInputs = (
  handlers: ReadonlyMap<string, RequestHandler>,
  method: string,
  inputRequests:
    | Readonly<Record<string, { readonly method: string; readonly params?: Record<string, unknown> | undefined }>>
    | undefined
): Effect.Effect<Record<string, object> | undefined, McpProtocolError> =>
  inputRequests === undefined ? Effect.succeed(undefined) : Effect.gen(function*() {
    const responses: Record<string, object> = {}
    for (const [key, input] of Object.entries(inputRequests)) {
      const handler = handlers.get(input.method)
      if (handler === undefined) {
        return yield* new McpProtocolError({
          method,
          reason: new InputFailed({
            key,
            request: input.method,
            code: McpSchema.ErrorCode.MethodNotFound,
            description: "no handler layer serves it"
          })
        })
      }
      responses[key] = yield* Effect.mapError(
        Effect.suspend(() => handler(input.params, { requestId: key })),
        (error) =>
          new McpProtocolError({
            method,
            reason: new InputFailed({ key, request: input.method, code: error.code, description: error.message })
          })
      )
    }
    return responses
  })
