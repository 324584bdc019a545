/**
 * Turns the handler services in the context (logging, progress, sampling, elicitation, roots,
 * messages) into what the engine needs: the capabilities to advertise, the server-request handlers,
 * and an observer that feeds the client's dispatcher fiber.
 *
 * A service that is not provided adds no capability and no handler, so the server's request for it is
 * answered "method not found" at once.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Queue from "effect/Queue"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import type * as Scope from "effect/Scope"
import type { McpHandlerError } from "../McpError.ts"
import * as McpLogging from "../McpLogging.ts"
import * as McpMessages from "../McpMessages.ts"
import * as McpProgress from "../McpProgress.ts"
import * as McpRoots from "../McpRoots.ts"
import * as McpSchema from "../McpSchema.ts"
import * as McpElicitation from "./elicitation.ts"
import type { HandlerError, RequestHandler, ServerMessage } from "./engine.ts"
import { handlerError } from "./engine.ts"
import * as McpSampling from "./sampling.ts"

/**
 * What the client installs for the services in its context.
 */
export interface Handlers {
  readonly capabilities: McpSchema.ClientCapabilities
  readonly requests: ReadonlyMap<string, RequestHandler>
  /** Hands a server message to the dispatcher fiber. */
  readonly observe: (message: ServerMessage) => void
  readonly progress: McpProgress.Service | undefined
  readonly roots: McpRoots.Service | undefined
  /** Records the server's name, for the handlers' context and log annotations. */
  readonly setServerName: (name: string) => void
}

const fromHandlerError = (error: McpHandlerError): HandlerError =>
  handlerError(error.code, error.description, error.data)

const decodeParams = <S extends Schema.Decoder<unknown>>(schema: S) => {
  const decode = Schema.decodeUnknownEffect(schema)
  return (params: unknown): Effect.Effect<S["Type"], HandlerError, S["DecodingServices"]> =>
    Effect.mapError(
      decode(params ?? {}),
      (error) => handlerError(McpSchema.ErrorCode.InvalidParams, SchemaIssue.makeFormatterDefault()(error.issue))
    )
}

const decodeCreateMessage = decodeParams(McpSchema.CreateMessageRequestParams)

/**
 * Checks a handler's answer against the wire schema before it is sent: a handler that built an
 * invalid value (through a cast, a NaN, a content value of the wrong type) answers with an internal
 * error instead of sending the server something it cannot read.
 */
const checkResult = <S extends Schema.Codec<unknown, unknown>>(schema: S, what: string) => {
  const is = Schema.is(schema)
  return <A>(result: A): Effect.Effect<A, HandlerError> =>
    is(result)
      ? Effect.succeed(result)
      : Effect.fail(
        handlerError(McpSchema.ErrorCode.InternalError, `The client's ${what} handler answered with an invalid result`)
      )
}

const checkSamplingShape = checkResult(McpSchema.CreateMessageResult, "sampling")
const checkElicitResult = checkResult(McpSchema.ElicitResult, "elicitation")

const hasToolUse = (result: McpSchema.CreateMessageResult): boolean =>
  (Array.isArray(result.content) ? result.content : [result.content]).some((block) =>
    (block as { readonly type: string }).type === "tool_use"
  )

const checkSamplingResult = (
  request: McpSchema.CreateMessageRequestParams,
  result: McpSchema.CreateMessageResult
): Effect.Effect<McpSchema.CreateMessageResult, HandlerError> =>
  request.tools === undefined && hasToolUse(result)
    ? Effect.fail(
      handlerError(
        McpSchema.ErrorCode.InternalError,
        "The client's sampling handler used a tool the request did not offer"
      )
    )
    : checkSamplingShape(result)
const decodeElicit = decodeParams(McpSchema.ElicitRequestParams)
const decodeLogMessage = Schema.decodeUnknownOption(McpSchema.LoggingMessageNotificationParams)

/** How long closing the client waits for the dispatcher to hand on the messages already received. */
const DRAIN = "1 second"

/**
 * Starts the dispatcher: one fiber for the client, running `dispatch` for each message the server sent,
 * in order, off the reader fiber. Closing the scope lets it finish the messages already received, for
 * at most {@link DRAIN}: the log lines a server wrote before its last answer reach their handler even
 * when the program ends right after that answer.
 */
const startDispatcher = Effect.fnUntraced(function*(
  dispatch: (message: ServerMessage) => Effect.Effect<void>
): Effect.fn.Return<(message: ServerMessage) => void, never, Scope.Scope> {
  const inbox = yield* Queue.unbounded<ServerMessage, Cause.Done>()
  const dispatcher = yield* Queue.take(inbox).pipe(
    Effect.flatMap(dispatch),
    Effect.forever,
    Effect.ignore,
    Effect.forkScoped({ startImmediately: true })
  )
  // added after the fork, so it runs before the fork's own finalizer interrupts the fiber
  yield* Effect.addFinalizer(() =>
    Queue.end(inbox).pipe(Effect.andThen(Fiber.await(dispatcher)), Effect.timeout(DRAIN), Effect.ignore)
  )
  return (message) => {
    Queue.offerUnsafe(inbox, message)
  }
})

/**
 * Reads the handler services and starts the dispatcher fiber in the current scope.
 */
export const make: (
  extraCapabilities: McpSchema.ClientCapabilities | undefined
) => Effect.Effect<Handlers, never, Scope.Scope> = Effect.fnUntraced(function*(
  extraCapabilities: McpSchema.ClientCapabilities | undefined
): Effect.fn.Return<Handlers, never, Scope.Scope> {
  const logging = yield* McpLogging.McpLogging
  const progress = yield* McpProgress.McpProgress
  const sampling = yield* McpSampling.McpSampling
  const elicitation = yield* McpElicitation.McpElicitation
  const roots = yield* McpRoots.McpRoots
  const messages = yield* McpMessages.McpMessages
  let serverName = ""

  const capabilities: Record<string, unknown> = { ...extraCapabilities }
  const requests = new Map<string, RequestHandler>()

  if (sampling !== undefined) {
    capabilities.sampling = {
      ...(sampling.capabilities.context ? { context: {} } : {}),
      ...(sampling.capabilities.tools ? { tools: {} } : {})
    }
    requests.set("sampling/createMessage", samplingHandler(sampling, () => serverName))
  }

  if (elicitation !== undefined) {
    capabilities.elicitation = {
      ...(elicitation.capabilities.form ? { form: {} } : {}),
      ...(elicitation.capabilities.url ? { url: {} } : {})
    }
    requests.set("elicitation/create", elicitationHandler(elicitation, () => serverName))
  }

  if (roots !== undefined) {
    capabilities.roots = { listChanged: roots.changes !== undefined }
    requests.set("roots/list", () => Effect.map(roots.list, (list) => ({ roots: list })))
  }

  // A user handler may fail, die, throw before returning its effect, or interrupt itself: none of it may
  // stop the dispatcher, which would silently drop every later message.
  const guard = (what: string, run: () => Effect.Effect<void>): Effect.Effect<void> =>
    Effect.catchCause(Effect.suspend(run), (cause) =>
      Effect.logWarning(`MCP: the ${what} handler failed`).pipe(
        Effect.annotateLogs("mcp.cause", Cause.pretty(cause))
      ))
  const dispatch = (message: ServerMessage): Effect.Effect<void> => {
    const observed = messages === undefined ? Effect.void : guard("message", () => messages.handle(message))
    if (message._tag !== "Notification") return observed
    if (message.method === "notifications/message") {
      const params = decodeLogMessage(message.params)
      if (params._tag === "None") {
        return Effect.andThen(
          observed,
          Effect.logWarning("MCP: ignored a malformed log message from the server").pipe(
            Effect.annotateLogs("mcp.server", serverName)
          )
        )
      }
      const entry: McpLogging.LogEntry = {
        level: params.value.level,
        logger: params.value.logger,
        data: params.value.data,
        server: serverName
      }
      return Effect.andThen(observed, guard("logging", () => logging.handle(entry)))
    }
    if (message.method === "notifications/elicitation/complete" && elicitation?.onComplete !== undefined) {
      const id = message.params?.elicitationId
      const onComplete = elicitation.onComplete
      if (typeof id === "string") return Effect.andThen(observed, guard("elicitation", () => onComplete(id)))
    }
    return observed
  }
  const observe = yield* startDispatcher(dispatch)

  return {
    capabilities: capabilities as McpSchema.ClientCapabilities,
    requests,
    observe,
    progress,
    roots,
    setServerName: (name) => {
      serverName = name
    }
  }
})

/** Answers `sampling/createMessage` with the sampling layer, refusing tools it did not declare. */
const samplingHandler =
  (sampling: McpSampling.Service, serverName: () => string): RequestHandler => (params, { requestId }) =>
    Effect.flatMap(decodeCreateMessage(params), (request) =>
      // a client that did not declare sampling.tools MUST refuse a request with tools
      (request.tools !== undefined || request.toolChoice !== undefined) && !sampling.capabilities.tools
        ? Effect.fail(handlerError(McpSchema.ErrorCode.InvalidParams, "This client does not support tools in sampling"))
        : sampling.createMessage(request, { requestId, server: serverName() }).pipe(
          Effect.mapError(fromHandlerError),
          Effect.flatMap((result) => checkSamplingResult(request, result))
        ))

/** Answers `elicitation/create` with the elicitation layer, in the modes it declared. */
const elicitationHandler =
  (elicitation: McpElicitation.Service, serverName: () => string): RequestHandler => (params, { requestId }) =>
    Effect.flatMap(decodeElicit(params), (decoded): Effect.Effect<object, HandlerError> => {
      const context = { requestId, server: serverName() }
      return decoded.mode === "url"
        ? elicitUrl(elicitation, decoded as McpSchema.ElicitUrlRequestParams, context)
        : elicitForm(elicitation, decoded as McpSchema.ElicitFormRequestParams, context)
    })

const elicitUrl = (
  elicitation: McpElicitation.Service,
  url: McpSchema.ElicitUrlRequestParams,
  context: { readonly requestId: McpSchema.RequestId; readonly server: string }
): Effect.Effect<object, HandlerError> =>
  !elicitation.capabilities.url
    ? Effect.fail(handlerError(McpSchema.ErrorCode.InvalidParams, "This client does not support URL elicitation"))
    : elicitation.elicit({
      _tag: "Url",
      message: url.message,
      url: url.url,
      elicitationId: url.elicitationId,
      params: url
    }, context).pipe(
      Effect.mapError(fromHandlerError),
      // in URL mode, accept is consent only: no content goes back
      Effect.map((result): McpSchema.ElicitResult =>
        result.content === undefined
          ? result
          : { action: result.action, ...(result._meta === undefined ? {} : { _meta: result._meta }) }
      )
    )

const elicitForm = (
  elicitation: McpElicitation.Service,
  form: McpSchema.ElicitFormRequestParams,
  context: { readonly requestId: McpSchema.RequestId; readonly server: string }
): Effect.Effect<object, HandlerError> =>
  !elicitation.capabilities.form
    ? Effect.fail(handlerError(McpSchema.ErrorCode.InvalidParams, "This client does not support form elicitation"))
    : elicitation.elicit({
      _tag: "Form",
      message: form.message,
      requestedSchema: form.requestedSchema,
      defaults: McpElicitation.defaultsOf(form.requestedSchema),
      params: form
    }, context).pipe(
      Effect.map((result) => McpElicitation.applyDefaults(form.requestedSchema, result)),
      Effect.mapError(fromHandlerError),
      Effect.flatMap(checkElicitResult)
    )
