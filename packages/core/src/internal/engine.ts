/**
 * The protocol engine: one per connection. It allocates request ids, keeps the table of pending
 * requests, applies timeouts, turns interruption into cancellation, routes progress, answers server
 * requests through the handlers it is given and publishes every notification.
 *
 * The hot path of a request is: build the message, one `Map.set`, the transport's write (one
 * `JSON.stringify`), then on the way back the transport's `JSON.parse`, a cheap envelope check, one
 * `Map.get` and one `Deferred` completion. No fiber is forked and no timer started per request on a
 * channel transport: deadlines go in a map that one keeper fiber watches.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as FiberMap from "effect/FiberMap"
import * as Option from "effect/Option"
import * as PubSub from "effect/PubSub"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import {
  ClientClosed,
  ConnectionClosed,
  InvalidResult,
  McpProtocolError,
  McpTimeoutError,
  McpTransportError,
  RpcError
} from "../McpError.ts"
import type * as McpMessages from "../McpMessages.ts"
import type { ProgressNotificationParams, RequestId } from "../McpSchema.ts"
import { ErrorCode } from "../McpSchema.ts"
import type { McpConnection, OutgoingMessage } from "../McpTransport.ts"
import { excerpt } from "../McpTransport.ts"

/**
 * A notification from the server, as published to subscribers.
 */
export interface Notification {
  readonly method: string
  readonly params: Record<string, unknown> | undefined
}

/**
 * A message the server sent on its own initiative, as observers see it.
 */
export type ServerMessage = McpMessages.ServerMessage

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
 * Per-request options the engine understands.
 */
export interface RequestOptions {
  /** No timeout when undefined. */
  readonly timeout?: Duration.Duration | undefined
  readonly onProgress?: ((progress: ProgressNotificationParams) => Effect.Effect<void>) | undefined
  /** Keys merged into `params._meta`. */
  readonly meta?: Record<string, unknown> | undefined
  /** Whether interruption and timeouts send `notifications/cancelled` (never for `initialize`). */
  readonly cancellable?: boolean | undefined
  /** Told the request's id before it is sent (a subscription's notifications carry it). */
  readonly onId?: ((id: RequestId) => void) | undefined
}

/**
 * Errors a single request can fail with at the engine level.
 */
export type RequestError = McpTransportError | McpProtocolError | McpTimeoutError

/**
 * The engine of one connection.
 */
export interface Engine {
  readonly request: (
    method: string,
    params: object | undefined,
    options?: RequestOptions
  ) => Effect.Effect<Record<string, unknown>, RequestError>
  readonly notify: (method: string, params?: object) => Effect.Effect<void, McpTransportError>
  /** Completes when the connection is gone, with the reason. */
  readonly closed: Deferred.Deferred<never, McpTransportError>
}

interface Pending {
  readonly method: string
  readonly deferred: Deferred.Deferred<Record<string, unknown>, RequestError>
  /**
   * Progress reports waiting for the caller's fiber, which runs the caller's handler: user code never
   * runs on the reader fiber, so a slow or re-entrant handler cannot hold up other responses. Ended
   * when the request completes. Only allocated when the caller asked for progress.
   */
  readonly progress: Queue.Queue<ProgressNotificationParams, Cause.Done> | undefined
}

interface Deadline {
  readonly due: number
  readonly millis: number
  readonly entry: Pending
  readonly cancellable: boolean
}

/** How many ids of abandoned requests to remember, so their late replies are not reported as errors. */
const ABANDONED_IDS = 256

type JsonRecord = Record<string, unknown>

const isRecord = (u: unknown): u is JsonRecord => typeof u === "object" && u !== null && !Array.isArray(u)
const isId = (u: unknown): u is RequestId => typeof u === "string" || (typeof u === "number" && Number.isInteger(u))

const describe = (message: unknown): string => {
  const text = typeof message === "string" ? message : JSON.stringify(message)
  return excerpt(text ?? String(message))
}

/**
 * Builds the engine of a connection. Its reader fiber and the fibers of running server-request
 * handlers live in the given scope; closing it fails every pending request with `ClientClosed`.
 */
export const make = Effect.fnUntraced(function*(options: {
  readonly connection: McpConnection
  readonly handlers: ReadonlyMap<string, RequestHandler>
  readonly notifications: PubSub.PubSub<Notification>
  /**
   * Sees every server request and notification as it is read. Called on the reader fiber: it must only
   * hand the message on (to a queue), never do work.
   */
  readonly observe?: ((message: ServerMessage) => void) | undefined
  readonly serverName?: string | undefined
  /**
   * The first request id. A client gives each of its connections its own range, so that an id names
   * one request for the client's whole life (subscriptions match notifications by id).
   */
  readonly firstId?: number | undefined
}): Effect.fn.Return<Engine, never, Scope.Scope> {
  const { connection, handlers, notifications } = options
  const pending = new Map<RequestId, Pending>()
  const closed = yield* Deferred.make<never, McpTransportError>()
  let closedWith: McpTransportError | undefined
  let nextId = options.firstId ?? 0
  const running = yield* FiberMap.make<RequestId>()

  const abandoned = new Set<RequestId>()
  /** Server requests the server cancelled: their handlers are interrupted and answer nothing. */
  const cancelledByServer = new Set<RequestId>()

  const complete = (entry: Pending, result: Effect.Effect<Record<string, unknown>, RequestError>): void => {
    Deferred.doneUnsafe(entry.deferred, result)
    if (entry.progress !== undefined) Queue.endUnsafe(entry.progress)
  }

  const failAll = (error: McpTransportError): void => {
    if (closedWith !== undefined) return
    closedWith = error
    Deferred.doneUnsafe(closed, Effect.fail(error))
    for (const entry of pending.values()) complete(entry, Effect.fail(error))
    pending.clear()
  }

  /** Forgets a request the caller gave up on; a reply that still comes is then expected, not malformed. */
  const abandon = (id: RequestId): void => {
    pending.delete(id)
    abandoned.add(id)
    if (abandoned.size > ABANDONED_IDS) abandoned.delete(abandoned.values().next().value!)
  }

  const reportMalformed = (description: string, message: unknown) =>
    Effect.logWarning("MCP: ignored a malformed message from the server").pipe(
      Effect.annotateLogs({
        "mcp.server": options.serverName ?? "",
        "mcp.reason": description,
        "mcp.message": describe(message)
      })
    )

  const send = (message: OutgoingMessage) => connection.send(message)

  const reply = (id: RequestId, exit: Exit.Exit<object, HandlerError>) =>
    send(
      Exit.isSuccess(exit)
        ? { jsonrpc: "2.0", id, result: exit.value }
        : {
          jsonrpc: "2.0",
          id,
          error: Option.match(Cause.findErrorOption(exit.cause), {
            onNone: () => ({ code: ErrorCode.InternalError, message: "Internal error in the client's handler" }),
            onSome: toErrorObject
          })
        }
    ).pipe(
      Effect.catch((error) =>
        Effect.logWarning("MCP: could not answer a server request").pipe(
          Effect.annotateLogs({ "mcp.requestId": String(id), "mcp.reason": error.message })
        )
      )
    )

  const onServerRequest = (message: JsonRecord, id: RequestId, method: string): Effect.Effect<void> => {
    const params = isRecord(message.params) ? message.params : undefined
    options.observe?.({ _tag: "Request", id, method, params })
    if (method === "ping") return reply(id, Exit.succeed({}))
    const handler = handlers.get(method)
    if (handler === undefined) {
      return send({
        jsonrpc: "2.0",
        id,
        error: { code: ErrorCode.MethodNotFound, message: `Method not found: ${method}` }
      }).pipe(Effect.ignore)
    }
    if (FiberMap.hasUnsafe(running, id)) {
      return send({
        jsonrpc: "2.0",
        id,
        error: { code: ErrorCode.InvalidRequest, message: `Request id ${JSON.stringify(id)} is already in use` }
      }).pipe(Effect.ignore)
    }
    return FiberMap.run(
      running,
      id,
      Effect.suspend(() => handler(params, { requestId: id })).pipe(
        Effect.exit,
        // only the server's own cancellation means "send nothing"; a handler that was interrupted for
        // another reason still owes the server an answer
        Effect.flatMap((exit) => cancelledByServer.delete(id) ? Effect.void : reply(id, exit))
      ),
      { startImmediately: true }
    ).pipe(Effect.asVoid)
  }

  const onNotification = (method: string, params: JsonRecord | undefined): Effect.Effect<void> => {
    options.observe?.({ _tag: "Notification", method, params })
    if (method === "notifications/progress" && params !== undefined && isId(params.progressToken)) {
      // progress for a finished request finds no entry and is dropped quietly
      const queue = pending.get(params.progressToken)?.progress
      if (queue !== undefined && typeof params.progress === "number") {
        Queue.offerUnsafe(queue, params as unknown as ProgressNotificationParams)
      }
      return PubSub.publish(notifications, { method, params }).pipe(Effect.asVoid)
    }
    if (method === "notifications/cancelled" && params !== undefined && isId(params.requestId)) {
      const requestId = params.requestId
      return Effect.suspend(() => {
        if (FiberMap.hasUnsafe(running, requestId)) cancelledByServer.add(requestId)
        return FiberMap.remove(running, requestId)
      }).pipe(
        Effect.andThen(PubSub.publish(notifications, { method, params }))
      )
    }
    return PubSub.publish(notifications, { method, params }).pipe(Effect.asVoid)
  }

  const onResponse = (message: JsonRecord, id: RequestId): Effect.Effect<void> => {
    const entry = pending.get(id)
    if (entry === undefined) {
      if (abandoned.delete(id)) {
        return Effect.logDebug("MCP: ignored the late reply to an abandoned request").pipe(
          Effect.annotateLogs("mcp.requestId", String(id))
        )
      }
      return reportMalformed("response to an unknown request id", message)
    }
    pending.delete(id)
    if (isRecord(message.result)) {
      complete(entry, Effect.succeed(message.result))
      return Effect.void
    }
    const error = message.error
    if (isRecord(error) && typeof error.code === "number" && typeof error.message === "string") {
      complete(
        entry,
        Effect.fail(
          new McpProtocolError({
            method: entry.method,
            reason: new RpcError({
              code: Math.trunc(error.code),
              description: error.message,
              ...(error.data === undefined ? {} : { data: error.data as never })
            })
          })
        )
      )
      return Effect.void
    }
    complete(
      entry,
      Effect.fail(
        new McpProtocolError({
          method: entry.method,
          reason: new InvalidResult({
            issue: `the response has neither a result object nor an error object: ${describe(message)}`
          })
        })
      )
    )
    return reportMalformed("response without a valid result or error", message)
  }

  const handleIncoming = (message: unknown): Effect.Effect<void> => {
    if (!isRecord(message)) {
      if (Array.isArray(message)) return Effect.forEach(message, handleIncoming, { discard: true })
      return reportMalformed("not a JSON object", message)
    }
    const method = message.method
    const id = message.id
    if (message.jsonrpc !== "2.0") {
      // still release a caller waiting on this id, so that nothing hangs on a broken server
      const entry = isId(id) ? pending.get(id) : undefined
      if (entry !== undefined && method === undefined) {
        pending.delete(id as RequestId)
        complete(
          entry,
          Effect.fail(
            new McpProtocolError({
              method: entry.method,
              reason: new InvalidResult({ issue: `not a JSON-RPC 2.0 response: ${describe(message)}` })
            })
          )
        )
      }
      return reportMalformed("missing or wrong \"jsonrpc\" version", message)
    }
    if (typeof method === "string") {
      if (id === undefined) return onNotification(method, isRecord(message.params) ? message.params : undefined)
      if (isId(id)) return onServerRequest(message, id, method)
      return reportMalformed("request with an invalid id", message)
    }
    if (isId(id)) return onResponse(message, id)
    if (isRecord(message.error)) {
      return Effect.logWarning("MCP: the server reported an error that answers no request").pipe(
        Effect.annotateLogs({ "mcp.server": options.serverName ?? "", "mcp.message": describe(message) })
      )
    }
    return reportMalformed("neither a request, a notification nor a response", message)
  }

  // The reader: every message the server sends outside a request's own stream.
  yield* connection.incoming.pipe(
    // a batch at a time: one effect per batch of messages read together, not one per message
    Stream.runForEachArray((messages) =>
      messages.length === 1 ? handleIncoming(messages[0]) : Effect.forEach(messages, handleIncoming, { discard: true })
    ),
    Effect.onExit((exit) =>
      Effect.sync(() =>
        failAll(
          Exit.isSuccess(exit)
            ? new McpTransportError({
              reason: new ConnectionClosed({ description: "the server closed the connection" })
            })
            : Exit.hasInterrupts(exit)
            ? new McpTransportError({ reason: new ClientClosed() })
            : Option.getOrElse(Cause.findErrorOption(exit.cause), () =>
              new McpTransportError({
                reason: new ConnectionClosed({ description: "the transport failed", cause: Cause.squash(exit.cause) })
              }))
        )
      )
    ),
    Effect.forkScoped({ startImmediately: true })
  )
  yield* Effect.addFinalizer(() => Effect.sync(() => failAll(new McpTransportError({ reason: new ClientClosed() }))))

  const engineScope = yield* Effect.scope

  const notify = (method: string, params?: object) =>
    send(params === undefined ? { jsonrpc: "2.0", method } : { jsonrpc: "2.0", method, params })

  // The cancellation is sent from a fiber of the engine's scope: the caller that timed out or was
  // interrupted returns at once, even when the server is too slow to take the notification (on
  // channel transports the write itself happens before `forkIn` returns).
  const cancel = (id: RequestId, reason: string) =>
    Effect.suspend(() => {
      abandon(id)
      return notify("notifications/cancelled", { requestId: id, reason }).pipe(
        Effect.ignore,
        Effect.forkIn(engineScope, { startImmediately: true }),
        Effect.asVoid
      )
    })

  // Timeouts of channel transports: one fiber per engine (the keeper) sleeps until the earliest deadline
  // and fails what is due, instead of a timer and a race per request. With one timeout for every
  // request, deadlines arrive in order and the keeper is never restarted.
  const clock = yield* Clock.Clock
  const deadlines = new Map<RequestId, Deadline>()
  let keeper: Fiber.Fiber<void> | undefined
  let keeperDue = Infinity
  let keeperGeneration = 0

  const expire = (id: RequestId, deadline: Deadline) =>
    Effect.suspend(() => {
      if (pending.get(id) !== deadline.entry) return Effect.void
      complete(
        deadline.entry,
        Effect.fail(new McpTimeoutError({ method: deadline.entry.method, timeoutMillis: deadline.millis }))
      )
      return deadline.cancellable ? cancel(id, "timeout") : Effect.sync(() => abandon(id))
    })

  const keep = (generation: number): Effect.Effect<void> =>
    Effect.gen(function*() {
      while (true) {
        const now = clock.currentTimeMillisUnsafe()
        let next = Infinity
        for (const [id, deadline] of deadlines) {
          if (deadline.due <= now) {
            deadlines.delete(id)
            yield* Effect.uninterruptible(expire(id, deadline))
          } else if (deadline.due < next) {
            next = deadline.due
          }
        }
        if (next === Infinity) {
          // a keeper replaced while it was busy must not unregister its successor
          if (generation === keeperGeneration) {
            keeper = undefined
            keeperDue = Infinity
          }
          return
        }
        if (generation === keeperGeneration) keeperDue = next
        yield* Effect.sleep(next - now)
      }
    })

  const schedule = (id: RequestId, deadline: Deadline): Effect.Effect<void> => {
    deadlines.set(id, deadline)
    if (keeper !== undefined && deadline.due >= keeperDue) return Effect.void
    keeper?.interruptUnsafe()
    keeperDue = deadline.due
    const generation = ++keeperGeneration
    return Effect.map(Effect.forkIn(keep(generation), engineScope, { startImmediately: true }), (fiber) => {
      if (fiber.pollUnsafe() === undefined && generation === keeperGeneration) keeper = fiber
    })
  }

  /** Runs the caller's progress handler; its failure is logged, never the request's. */
  const report =
    (onProgress: (progress: ProgressNotificationParams) => Effect.Effect<void>) =>
    (progress: ProgressNotificationParams) =>
      onProgress(progress).pipe(
        Effect.catchCause((cause) =>
          Effect.logWarning("MCP: the progress handler failed").pipe(Effect.annotateLogs("mcp.cause", String(cause)))
        )
      )

  /** Waits for the response in the caller's fiber, running progress reports as they come. */
  const awaitResponse = (entry: Pending, onProgress: (progress: ProgressNotificationParams) => Effect.Effect<void>) =>
    Effect.gen(function*() {
      const queue = entry.progress!
      while (true) {
        const next = yield* Effect.result(Queue.take(queue))
        if (next._tag === "Failure") return yield* Deferred.await(entry.deferred)
        yield* onProgress(next.success)
      }
    })

  const request = (
    method: string,
    params: object | undefined,
    requestOptions?: RequestOptions
  ): Effect.Effect<Record<string, unknown>, RequestError> =>
    Effect.suspend(() => {
      const onProgress = requestOptions?.onProgress === undefined ? undefined : report(requestOptions.onProgress)
      return onProgress === undefined || connection.request !== undefined
        ? start(method, params, requestOptions, onProgress, undefined)
        : Effect.flatMap(
          Queue.unbounded<ProgressNotificationParams, Cause.Done>(),
          (queue) => start(method, params, requestOptions, onProgress, queue)
        )
    })

  const start = (
    method: string,
    params: object | undefined,
    requestOptions: RequestOptions | undefined,
    onProgress: ((progress: ProgressNotificationParams) => Effect.Effect<void>) | undefined,
    progress: Queue.Queue<ProgressNotificationParams, Cause.Done> | undefined
  ): Effect.Effect<Record<string, unknown>, RequestError> => {
    if (closedWith !== undefined) return Effect.fail(closedWith)
    const id = nextId++
    requestOptions?.onId?.(id)
    const meta = requestOptions?.meta
    let finalParams: object | undefined = params
    if (onProgress !== undefined || meta !== undefined) {
      const base = params as { readonly _meta?: object } | undefined
      finalParams = {
        ...params,
        _meta: { ...base?._meta, ...meta, ...(onProgress === undefined ? {} : { progressToken: id }) }
      }
    }
    const entry: Pending = { method, deferred: Deferred.makeUnsafe(), progress }
    pending.set(id, entry)
    const message: OutgoingMessage = finalParams === undefined
      ? { jsonrpc: "2.0", id, method }
      : { jsonrpc: "2.0", id, method, params: finalParams }
    let exchange: Effect.Effect<Record<string, unknown>, RequestError>
    if (connection.request === undefined) {
      // channel transport: the reader fiber completes the entry
      exchange = Effect.andThen(
        send(message),
        onProgress === undefined ? Deferred.await(entry.deferred) : awaitResponse(entry, onProgress)
      )
    } else {
      // request-scoped transport: this fiber reads the reply stream, running its own progress inline
      const onMessage = onProgress === undefined ? handleIncoming : (incoming: unknown) =>
        isProgressFor(incoming, id)
          ? Effect.andThen(
            onProgress(incoming.params as unknown as ProgressNotificationParams),
            PubSub.publish(notifications, { method: incoming.method, params: incoming.params })
          )
          : handleIncoming(incoming)
      exchange = Stream.runForEach(connection.request(message), onMessage).pipe(
        Effect.andThen(Effect.suspend(() => {
          if (pending.get(id) === entry) {
            pending.delete(id)
            return Effect.fail(
              new McpTransportError({
                reason: new ConnectionClosed({
                  description: `the reply stream of ${method} ended without a response`,
                  streamEnded: true
                })
              })
            )
          }
          return Deferred.await(entry.deferred)
        }))
      )
    }
    const cancellable = requestOptions?.cancellable !== false
    const timeout = requestOptions?.timeout
    const timed = timeout === undefined || !Duration.isFinite(timeout)
      ? exchange
      : connection.request === undefined
      ? Effect.andThen(
        schedule(id, {
          due: clock.currentTimeMillisUnsafe() + Duration.toMillis(timeout),
          millis: Duration.toMillis(timeout),
          entry,
          cancellable
        }),
        exchange
      )
      : Effect.timeoutOrElse(exchange, {
        duration: timeout,
        orElse: (): Effect.Effect<Record<string, unknown>, RequestError> =>
          // the response may have landed in the same tick as the deadline: it wins
          Deferred.isDoneUnsafe(entry.deferred)
            ? Deferred.await(entry.deferred)
            : Effect.andThen(
              cancellable ? cancel(id, "timeout") : Effect.sync(() => abandon(id)),
              Effect.fail(new McpTimeoutError({ method, timeoutMillis: Duration.toMillis(timeout) }))
            )
      })
    return timed.pipe(
      Effect.onInterrupt(() => {
        if (pending.get(id) !== entry) return Effect.void
        return cancellable ? cancel(id, "interrupted") : Effect.sync(() => abandon(id))
      }),
      Effect.ensuring(Effect.sync(() => {
        deadlines.delete(id)
        if (pending.get(id) === entry) pending.delete(id)
      }))
    )
  }

  return { request, notify, closed }
})

const isProgressFor = (
  message: unknown,
  id: RequestId
): message is { readonly method: string; readonly params: Record<string, unknown> } =>
  isRecord(message) && message.method === "notifications/progress" && isRecord(message.params) &&
  message.params.progressToken === id && typeof message.params.progress === "number"

const toErrorObject = (error: HandlerError): { code: number; message: string; data?: unknown } =>
  error.data === undefined
    ? { code: error.code, message: error.message }
    : { code: error.code, message: error.message, data: error.data }

/**
 * Builds the JSON-RPC error a request handler fails with.
 */
export const handlerError = (code: number, message: string, data?: unknown): HandlerError =>
  data === undefined ? { code, message } : { code, message, data }
