/**
 * What the server sends, as one connection's engine reads it: responses complete the pending
 * requests, progress goes to the request it is for, server requests are answered by the handlers
 * (each in a fiber of its own, interrupted when the server cancels it), notifications are published.
 * A message that is not valid JSON-RPC is logged and skipped, never failing the requests around it;
 * a response that can be matched to a request still releases its caller.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as PubSub from "effect/PubSub"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import { InvalidResult, MalformedMessage, McpProtocolError, RpcError } from "../McpError.ts"
import type { McpTimeoutError, McpTransportError } from "../McpError.ts"
import type * as McpMessages from "../McpMessages.ts"
import type { ProgressNotificationParams, RequestId } from "../McpSchema.ts"
import { ErrorCode } from "../McpSchema.ts"
import type { McpConnection, OutgoingMessage, Route } from "../McpTransport.ts"
import * as IdTable from "./idTable.ts"
import * as Malformed from "./malformed.ts"

/**
 * A notification from the server, as published to subscribers.
 */
export interface Notification {
  readonly method: string
  readonly params: Record<string, unknown> | undefined
}

/**
 * What a handler of a server request may fail with: it becomes the JSON-RPC error of the reply.
 */
export interface HandlerError {
  readonly code: number
  readonly message: string
  readonly data?: unknown
}

/**
 * Answers one kind of server request. `params` is the raw `params` object (validate before use).
 */
export type RequestHandler = (
  params: Record<string, unknown> | undefined,
  context: { readonly requestId: RequestId }
) => Effect.Effect<object, HandlerError>

/**
 * Builds the JSON-RPC error a request handler fails with.
 */
export const handlerError = (code: number, message: string, data?: unknown): HandlerError =>
  data === undefined ? { code, message } : { code, message, data }

/**
 * Errors a single request can fail with at the engine level.
 */
export type RequestError = McpTransportError | McpProtocolError | McpTimeoutError

/**
 * A request waiting for its response.
 */
export interface Pending {
  readonly method: string
  readonly route: Route
  readonly deferred: Deferred.Deferred<Record<string, unknown>, RequestError>
  /**
   * Progress reports waiting for the caller's fiber, which runs the caller's handler. Ended when the
   * request completes. Only allocated when the caller asked for progress.
   */
  readonly progress: Queue.Queue<ProgressNotificationParams, Cause.Done> | undefined
}

/**
 * The reading side of one connection, and its table of pending requests.
 */
export interface Inbound {
  readonly pending: IdTable.IdTable<Pending>
  /** Set once the connection is gone: new requests fail with it at once. */
  readonly closedWith: McpTransportError | undefined
  readonly closed: Deferred.Deferred<never, McpTransportError>
  /** Handles one message (or a batch) the server sent. */
  readonly handle: (message: unknown) => Effect.Effect<void, McpTransportError>
  /**
   * Handles the message at once if it is the plain response of a request without progress, and says
   * whether it did: the path of most responses, with no effect to run (see `McpConnection.intercept`).
   */
  readonly take: (message: unknown) => boolean
  readonly complete: (entry: Pending, result: Effect.Effect<Record<string, unknown>, RequestError>) => void
  /** Fails every pending request, and every later one, with the reason the connection is gone. */
  readonly failAll: (error: McpTransportError) => void
  /** Forgets a request the caller gave up on; a reply that still comes is then expected, not malformed. */
  readonly abandon: (id: RequestId) => void
}

/** A JSON-RPC id: a string or an integer. */
const isId = (u: unknown): u is RequestId => typeof u === "string" || (typeof u === "number" && Number.isInteger(u))

/** How many ids of abandoned requests to remember, so their late replies are not reported as errors. */
const ABANDONED_IDS = 256

/**
 * Builds the reading side of a connection. Server-request handlers run in fibers of the current scope.
 */
export const make = Effect.fnUntraced(function*(options: {
  readonly connection: McpConnection
  readonly handlers: ReadonlyMap<string, RequestHandler>
  readonly notifications: PubSub.PubSub<Notification>
  readonly observe?: ((message: McpMessages.ServerMessage) => void) | undefined
  readonly serverName?: string | undefined
  /** Malformed messages in a row before the connection is given up on. */
  readonly maxMalformed: number
}): Effect.fn.Return<Inbound, never, Scope.Scope> {
  const pending = IdTable.make<Pending>()
  const abandoned = new Set<RequestId>()
  const closed = yield* Deferred.make<never, McpTransportError>()
  const serverRequests = yield* makeServerRequests(options)
  const malformed = Malformed.make({
    serverName: () => options.serverName ?? "",
    limit: options.maxMalformed,
    fail: (error) => inbound.failAll(error)
  })
  const report = malformed.report
  /** A valid message ends a run of malformed ones. */
  const valid = <E>(effect: Effect.Effect<void, E>): Effect.Effect<void, E> =>
    malformed.inRun() ? Effect.andThen(malformed.endRun, effect) : effect

  const complete = (entry: Pending, result: Effect.Effect<Record<string, unknown>, RequestError>): void => {
    Deferred.doneUnsafe(entry.deferred, result)
    if (entry.progress !== undefined) Queue.endUnsafe(entry.progress)
  }

  const inbound: {
    -readonly [K in keyof Inbound]: Inbound[K]
  } = {
    pending,
    closedWith: undefined,
    closed,
    complete,
    failAll: (error) => {
      if (inbound.closedWith !== undefined) return
      inbound.closedWith = error
      Deferred.doneUnsafe(closed, Effect.fail(error))
      pending.forEach((entry) => complete(entry, Effect.fail(error)))
      pending.clear()
    },
    abandon: (id) => {
      pending.delete(id)
      abandoned.add(id)
      if (abandoned.size > ABANDONED_IDS) abandoned.delete(abandoned.values().next().value!)
    },
    handle: (message) => handle(message),
    take: (message) => !malformed.inRun() && takePlainResponse(pending, message, complete)
  }

  /** Completes a request with its answer; a run of malformed messages it ends is summed up first. */
  const settle = (entry: Pending, exit: Exit.Exit<Record<string, unknown>, RequestError>): Effect.Effect<void> => {
    if (!malformed.inRun()) {
      complete(entry, exit)
      return Effect.void
    }
    return Effect.andThen(malformed.endRun, Effect.sync(() => complete(entry, exit)))
  }

  const onResponse = (message: Record<string, unknown>, id: RequestId): Effect.Effect<void, McpTransportError> => {
    const entry = pending.get(id)
    if (entry === undefined) {
      if (abandoned.delete(id)) {
        return valid(
          Effect.logDebug("MCP: ignored the late reply to an abandoned request").pipe(
            Effect.annotateLogs("mcp.requestId", String(id))
          )
        )
      }
      return report("response to an unknown request id", message)
    }
    pending.delete(id)
    if (Predicate.isObject(message.result)) return settle(entry, Exit.succeed(message.result))
    const error = rpcErrorOf(message)
    if (error !== undefined) {
      return settle(entry, Exit.fail(new McpProtocolError({ method: entry.method, reason: error })))
    }
    complete(
      entry,
      invalidResult(
        entry.method,
        `the response has neither a result object nor an error object: ${Malformed.describe(message)}`
      )
    )
    return report("response without a valid result or error", message)
  }

  const onNotification = (method: string, params: Record<string, unknown> | undefined): Effect.Effect<void> => {
    options.observe?.({ _tag: "Notification", method, params })
    if (method === "notifications/progress" && params !== undefined && isId(params.progressToken)) {
      // progress for a finished request finds no entry and is dropped quietly
      const queue = pending.get(params.progressToken)?.progress
      if (queue !== undefined && typeof params.progress === "number") {
        Queue.offerUnsafe(queue, params as unknown as ProgressNotificationParams)
      }
    } else if (method === "notifications/cancelled" && params !== undefined && isId(params.requestId)) {
      return Effect.andThen(serverRequests.cancelled(params.requestId), publish(method, params))
    }
    return publish(method, params)
  }

  const publish = (method: string, params: Record<string, unknown> | undefined) =>
    PubSub.publish(options.notifications, { method, params }).pipe(Effect.asVoid)

  /** A message without `"jsonrpc": "2.0"` still releases a caller waiting on its id: nothing hangs. */
  const onInvalidEnvelope = (message: Record<string, unknown>) => {
    const id = message.id
    const entry = isId(id) && message.method === undefined ? pending.get(id) : undefined
    if (entry !== undefined) {
      pending.delete(id as RequestId)
      complete(entry, invalidResult(entry.method, `not a JSON-RPC 2.0 response: ${Malformed.describe(message)}`))
    }
    return report("missing or wrong \"jsonrpc\" version", message)
  }

  const handle = (message: unknown): Effect.Effect<void, McpTransportError> => {
    if (message instanceof MalformedMessage) return report(message.description, message)
    if (!Predicate.isObject(message)) {
      if (Array.isArray(message)) return Effect.forEach(message, handle, { discard: true })
      return report("not a JSON object", message)
    }
    if (message.jsonrpc !== "2.0") return onInvalidEnvelope(message)
    const method = message.method
    const id = message.id
    if (typeof method === "string") {
      const params = Predicate.isObject(message.params) ? message.params : undefined
      if (id === undefined) return valid(onNotification(method, params))
      if (isId(id)) return valid(serverRequests.handle(id, method, params))
      return report("request with an invalid id", message)
    }
    if (isId(id)) return onResponse(message, id)
    if (Predicate.isObject(message.error)) {
      return valid(
        Effect.logWarning("MCP: the server reported an error that answers no request").pipe(
          Effect.annotateLogs({ "mcp.server": options.serverName ?? "", "mcp.message": Malformed.describe(message) })
        )
      )
    }
    return report("neither a request, a notification nor a response", message)
  }

  return inbound
})

/**
 * Completes the request a plain response answers, if it is one: a JSON-RPC 2.0 result object for a
 * pending request without progress (whose reports wait on the reader's queue, so its response goes the
 * reader's way too, after them).
 */
const takePlainResponse = (
  pending: IdTable.IdTable<Pending>,
  message: unknown,
  complete: (entry: Pending, result: Exit.Exit<Record<string, unknown>, RequestError>) => void
): boolean => {
  if (!Predicate.isObject(message) || message.jsonrpc !== "2.0" || message.method !== undefined) return false
  const id = message.id
  const entry = isId(id) ? pending.get(id) : undefined
  if (entry === undefined || entry.progress !== undefined || !Predicate.isObject(message.result)) return false
  pending.delete(id as RequestId)
  complete(entry, Exit.succeed(message.result))
  return true
}

const invalidResult = (method: string, issue: string) =>
  Exit.fail(new McpProtocolError({ method, reason: new InvalidResult({ issue }) }))

/** The JSON-RPC error object of a response, if it has a valid one. */
const rpcErrorOf = (message: Record<string, unknown>): RpcError | undefined => {
  const error = message.error
  return Predicate.isObject(error) && typeof error.code === "number" && typeof error.message === "string"
    ? new RpcError({
      code: Math.trunc(error.code),
      description: error.message,
      ...(error.data === undefined ? {} : { data: error.data as never })
    })
    : undefined
}

/**
 * The server's requests of one connection: `ping` answered at once, the others by their handler in a
 * fiber of their own, "method not found" without one. A request the server cancels has its handler
 * interrupted, and is answered nothing.
 */
const makeServerRequests = Effect.fnUntraced(function*(options: {
  readonly connection: McpConnection
  readonly handlers: ReadonlyMap<string, RequestHandler>
  readonly observe?: ((message: McpMessages.ServerMessage) => void) | undefined
}) {
  // the handlers running, by request id; forked in the connection's scope, which interrupts them when it closes
  const scope = yield* Effect.scope
  const running = IdTable.make<Fiber.Fiber<void>>()
  const cancelledByServer = new Set<RequestId>()

  const send = (method: string, message: OutgoingMessage) =>
    options.connection.send(message, { method, era: "stateful", repeatable: true })

  const refuse = (id: RequestId, method: string, code: number, message: string) =>
    send(method, { jsonrpc: "2.0", id, error: { code, message } }).pipe(Effect.ignore)

  const reply = (id: RequestId, method: string, exit: Exit.Exit<object, HandlerError>) =>
    send(
      method,
      Exit.isSuccess(exit)
        ? { jsonrpc: "2.0", id, result: exit.value }
        : { jsonrpc: "2.0", id, error: errorObjectOf(exit) }
    ).pipe(
      Effect.catch((error) =>
        Effect.logWarning("MCP: could not answer a server request").pipe(
          Effect.annotateLogs({ "mcp.requestId": String(id), "mcp.reason": error.message })
        )
      )
    )

  const handle = (id: RequestId, method: string, params: Record<string, unknown> | undefined): Effect.Effect<void> => {
    options.observe?.({ _tag: "Request", id, method, params })
    if (method === "ping") return reply(id, method, Exit.succeed({}))
    const handler = options.handlers.get(method)
    if (handler === undefined) return refuse(id, method, ErrorCode.MethodNotFound, `Method not found: ${method}`)
    if (running.has(id)) {
      return refuse(id, method, ErrorCode.InvalidRequest, `Request id ${JSON.stringify(id)} is already in use`)
    }
    return Effect.suspend(() => handler(params, { requestId: id })).pipe(
      Effect.exit,
      // only the server's own cancellation means "send nothing"; a handler that was interrupted for
      // another reason still owes the server an answer
      Effect.flatMap((exit) => cancelledByServer.delete(id) ? Effect.void : reply(id, method, exit)),
      Effect.forkIn(scope, { startImmediately: true }),
      Effect.map((fiber) => {
        // a handler that already finished is not running
        if (fiber.pollUnsafe() !== undefined) return
        running.set(id, fiber)
        fiber.addObserver(() => {
          if (running.get(id) === fiber) running.delete(id)
        })
      })
    )
  }

  const cancelled = (id: RequestId) =>
    Effect.suspend(() => {
      const fiber = running.get(id)
      if (fiber === undefined) return Effect.void
      cancelledByServer.add(id)
      running.delete(id)
      return Fiber.interrupt(fiber)
    })

  return { handle, cancelled }
})

const errorObjectOf = (exit: Exit.Failure<object, HandlerError>) =>
  Option.match(Cause.findErrorOption(exit.cause), {
    onNone: () => ({ code: ErrorCode.InternalError, message: "Internal error in the client's handler" }),
    onSome: (error: HandlerError): { code: number; message: string; data?: unknown } =>
      error.data === undefined
        ? { code: error.code, message: error.message }
        : { code: error.code, message: error.message, data: error.data }
  })
