/**
 * The protocol engine: one per connection. It allocates request ids, keeps the table of pending
 * requests, applies deadlines, turns interruption into cancellation, routes progress, answers server
 * requests through the handlers it is given and publishes every notification.
 *
 * The hot path of a request is: build the message and its route, one `Map.set`, the transport's write
 * (one `JSON.stringify`), then on the way back the transport's `JSON.parse`, a cheap envelope check,
 * one `Map.get` and one `Deferred` completion. No fiber is forked and no timer started per request on
 * a channel transport: deadlines go to the connection's keeper (`deadline.ts`).
 *
 * What the server sends is read in `inbound.ts`; this module owns the requests.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as PubSub from "effect/PubSub"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { ClientClosed, ConnectionClosed, McpTransportError } from "../McpError.ts"
import type * as McpMessages from "../McpMessages.ts"
import type { ProgressNotificationParams, RequestId } from "../McpSchema.ts"
import { SAFE_TO_REPEAT_METHODS } from "../McpSchema.ts"
import type { Exchange, McpConnection, RequestMessage, Route } from "../McpTransport.ts"
import * as Deadline from "./deadline.ts"
import * as Inbound from "./inbound.ts"
import type { Pending, RequestError } from "./inbound.ts"

export type { HandlerError, Notification, RequestError, RequestHandler } from "./inbound.ts"
export { handlerError } from "./inbound.ts"

/**
 * A message the server sent on its own initiative, as observers see it.
 */
export type ServerMessage = McpMessages.ServerMessage

/**
 * How a request is routed, beside what the engine fills in (the method, whether it may be repeated).
 */
export type RouteOptions = Omit<Route, "method" | "repeatable">

/**
 * Per-request options the engine understands.
 */
export interface RequestOptions {
  /** No timeout when undefined. */
  readonly timeout?: Duration.Duration | undefined
  readonly onProgress?: ((progress: ProgressNotificationParams) => Effect.Effect<void>) | undefined
  /** Keys merged into `params._meta`. */
  readonly meta?: Record<string, unknown> | undefined
  /** Whether interruption and timeouts cancel the request on the wire (never for `initialize`). */
  readonly cancellable?: boolean | undefined
  /** Told the request's id before it is sent (a subscription's notifications carry it). */
  readonly onId?: ((id: RequestId) => void) | undefined
  /** The era, revision, name and tool the transport routes the request by. Default: stateful. */
  readonly route?: RouteOptions | undefined
}

/**
 * The engine of one connection.
 */
export interface Engine {
  readonly request: (
    method: string,
    params: object | undefined,
    options?: RequestOptions
  ) => Effect.Effect<Record<string, unknown>, RequestError>
  readonly notify: (method: string, params?: object, route?: RouteOptions) => Effect.Effect<void, McpTransportError>
  /** Completes when the connection is gone, with the reason. */
  readonly closed: Deferred.Deferred<never, McpTransportError>
}

const STATEFUL: RouteOptions = { era: "stateful" }

/**
 * Builds the engine of a connection. Its reader fiber, its deadline keeper and the fibers of running
 * server-request handlers live in the given scope; closing it fails every pending request with
 * `ClientClosed`.
 */
export const make = Effect.fnUntraced(function*(options: {
  readonly connection: McpConnection
  readonly handlers: ReadonlyMap<string, Inbound.RequestHandler>
  readonly notifications: PubSub.PubSub<Inbound.Notification>
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
  /** Malformed messages in a row before the connection is given up on. Default: 100. */
  readonly maxMalformed?: number | undefined
}): Effect.fn.Return<Engine, never, Scope.Scope> {
  const { connection, notifications } = options
  const inbound = yield* Inbound.make({ ...options, maxMalformed: options.maxMalformed ?? 100 })
  yield* readIncoming(connection.incoming, inbound)
  connection.intercept?.(inbound.take)
  const keeper = yield* Deadline.makeKeeper()
  const scope = yield* Effect.scope
  let nextId = options.firstId ?? 0

  // The cancellation is sent from a fiber of the engine's scope: the caller that timed out or was
  // interrupted returns at once, even when the server is too slow to take it.
  const cancel = (id: RequestId, route: Route, reason: string) =>
    Effect.suspend(() => {
      inbound.abandon(id)
      return connection.cancel(
        { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: id, reason } },
        { ...route, method: "notifications/cancelled", repeatable: false }
      ).pipe(Effect.ignore, Effect.forkIn(scope, { startImmediately: true }), Effect.asVoid)
    })

  const giveUp = (id: RequestId, entry: Pending, cancellable: boolean, reason: string) =>
    cancellable ? cancel(id, entry.route, reason) : Effect.sync(() => inbound.abandon(id))

  const expire = (id: RequestId, entry: Pending, millis: number, cancellable: boolean) =>
    Effect.suspend(() => {
      if (inbound.pending.get(id) !== entry) return Effect.void
      inbound.complete(entry, Effect.fail(Deadline.timeoutError(entry.method, millis)))
      return giveUp(id, entry, cancellable, "timeout")
    })

  const request = (
    method: string,
    params: object | undefined,
    requestOptions?: RequestOptions
  ): Effect.Effect<Record<string, unknown>, RequestError> =>
    requestOptions?.onProgress === undefined
      ? Effect.suspend(() => start(method, params, requestOptions, undefined, undefined))
      : Effect.flatMap(
        Queue.unbounded<ProgressNotificationParams, Cause.Done>(),
        (queue) => start(method, params, requestOptions, reportingFailures(requestOptions.onProgress!), queue)
      )

  const start = (
    method: string,
    params: object | undefined,
    requestOptions: RequestOptions | undefined,
    onProgress: ((progress: ProgressNotificationParams) => Effect.Effect<void>) | undefined,
    progress: Queue.Queue<ProgressNotificationParams, Cause.Done> | undefined
  ): Effect.Effect<Record<string, unknown>, RequestError> => {
    if (inbound.closedWith !== undefined) return Effect.fail(inbound.closedWith)
    const id = nextId++
    requestOptions?.onId?.(id)
    const entry: Pending = {
      method,
      route: { ...(requestOptions?.route ?? STATEFUL), method, repeatable: SAFE_TO_REPEAT_METHODS.has(method) },
      deferred: Deferred.makeUnsafe(),
      progress
    }
    const message = requestMessage(id, method, params, requestOptions?.meta, onProgress !== undefined)
    inbound.pending.set(id, entry)
    const cancellable = requestOptions?.cancellable !== false
    const timeout = requestOptions?.timeout
    if (timeout !== undefined && Duration.isFinite(timeout)) {
      const millis = Duration.toMillis(timeout)
      keeper.schedule(id, keeper.now() + millis, expire(id, entry, millis, cancellable))
    }
    // one finalizer for both ends: forget the deadline and the entry, and cancel on interruption
    return Effect.onExit(exchange(message, entry, onProgress), (exit) => {
      keeper.clear(id)
      if (inbound.pending.get(id) !== entry) return Effect.void
      if (Exit.hasInterrupts(exit)) return giveUp(id, entry, cancellable, "interrupted")
      inbound.pending.delete(id)
      return Effect.void
    })
  }

  /**
   * Sends the request and waits for its answer in the caller's fiber, running its progress reports as
   * they come. A transport failure after the request settled (a reply stream closed by a timeout) is
   * not the request's outcome: the settlement is.
   */
  const exchange = (
    message: RequestMessage,
    entry: Pending,
    onProgress: ((progress: ProgressNotificationParams) => Effect.Effect<void>) | undefined
  ) =>
    connection.request(
      message,
      entry.route,
      new RequestExchange(
        onProgress === undefined ? inbound.handle : (reply) =>
          isProgressFor(reply, message.id)
            ? Effect.andThen(
              onProgress(reply.params as unknown as ProgressNotificationParams),
              PubSub.publish(notifications, { method: reply.method, params: reply.params })
            )
            : inbound.handle(reply),
        entry.deferred
      )
    ).pipe(
      Effect.catch((error) => Deferred.isDoneUnsafe(entry.deferred) ? Effect.void : Effect.fail(error)),
      Effect.andThen(onProgress === undefined ? Deferred.await(entry.deferred) : awaitWithProgress(entry, onProgress))
    )

  const notify = (method: string, params?: object, route: RouteOptions = STATEFUL) =>
    connection.send(
      params === undefined ? { jsonrpc: "2.0", method } : { jsonrpc: "2.0", method, params },
      { ...route, method, repeatable: false }
    )

  return { request, notify, closed: inbound.closed }
})

/**
 * The exchange of one request, as its transport sees it. `settled` is a getter on the class, built only
 * when a transport reads it (a channel transport never does, and this is the hot path). A getter
 * written in an object literal instead would cost far more than it saves: V8 gives every such object
 * its own dictionary of properties and accessor pair, which survive young-generation collections and
 * keep the whole request alive into the old generation (measured with `--trace-gc-nvp`: ~460 KB
 * promoted per scavenge over stdio, against ~2 KB with the class).
 */
class RequestExchange implements Exchange {
  readonly reply: (message: unknown) => Effect.Effect<void, McpTransportError>
  readonly deferred: Deferred.Deferred<Record<string, unknown>, RequestError>
  constructor(
    reply: (message: unknown) => Effect.Effect<void, McpTransportError>,
    deferred: Deferred.Deferred<Record<string, unknown>, RequestError>
  ) {
    this.reply = reply
    this.deferred = deferred
  }
  get settled(): Effect.Effect<void> {
    return Effect.ignore(Deferred.await(this.deferred))
  }
}

/**
 * Reads every message the server sends outside a request's reply, for the life of the connection;
 * when it ends, every pending request fails with the reason.
 */
const readIncoming = (incoming: Stream.Stream<unknown, McpTransportError>, inbound: Inbound.Inbound) =>
  Effect.gen(function*() {
    yield* incoming.pipe(
      // a batch at a time: one effect per batch of messages read together, not one per message
      Stream.runForEachArray((messages) =>
        messages.length === 1
          ? inbound.handle(messages[0])
          : Effect.forEach(messages, inbound.handle, { discard: true })
      ),
      Effect.onExit((exit) => Effect.sync(() => inbound.failAll(endOf(exit)))),
      Effect.forkScoped({ startImmediately: true })
    )
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => inbound.failAll(new McpTransportError({ reason: new ClientClosed() })))
    )
  })

/** Why the incoming stream ended, as the error of the requests still pending. */
const endOf = (exit: Exit.Exit<void, McpTransportError>): McpTransportError =>
  Exit.isSuccess(exit)
    ? new McpTransportError({ reason: new ConnectionClosed({ description: "the server closed the connection" }) })
    : Exit.hasInterrupts(exit)
    ? new McpTransportError({ reason: new ClientClosed() })
    : Option.getOrElse(Cause.findErrorOption(exit.cause), () =>
      new McpTransportError({
        reason: new ConnectionClosed({ description: "the transport failed", cause: Cause.squash(exit.cause) })
      }))

/** The request as written: `meta` and the progress token (the id) merged into `params._meta`. */
const requestMessage = (
  id: RequestId,
  method: string,
  params: object | undefined,
  meta: Record<string, unknown> | undefined,
  progress: boolean
): RequestMessage => {
  if (!progress && meta === undefined) {
    return params === undefined ? { jsonrpc: "2.0", id, method } : { jsonrpc: "2.0", id, method, params }
  }
  const base = params as { readonly _meta?: object } | undefined
  return {
    jsonrpc: "2.0",
    id,
    method,
    params: { ...params, _meta: { ...base?._meta, ...meta, ...(progress ? { progressToken: id } : {}) } }
  }
}

/** Runs the caller's progress handler; its failure is logged, never the request's. */
const reportingFailures =
  (onProgress: (progress: ProgressNotificationParams) => Effect.Effect<void>) =>
  (progress: ProgressNotificationParams): Effect.Effect<void> =>
    onProgress(progress).pipe(
      Effect.catchCause((cause) =>
        Effect.logWarning("MCP: the progress handler failed").pipe(Effect.annotateLogs("mcp.cause", String(cause)))
      )
    )

/**
 * Waits for the response, running the progress reports the reader queued for it (user code never
 * runs on the reader fiber, so a slow or re-entrant handler cannot hold up other responses).
 */
const awaitWithProgress = (
  entry: Pending,
  onProgress: (progress: ProgressNotificationParams) => Effect.Effect<void>
) =>
  Effect.gen(function*() {
    const queue = entry.progress!
    while (true) {
      const next = yield* Effect.result(Queue.take(queue))
      if (next._tag === "Failure") return yield* Deferred.await(entry.deferred)
      yield* onProgress(next.success)
    }
  })

const isProgressFor = (
  message: unknown,
  id: RequestId
): message is { readonly method: string; readonly params: Record<string, unknown> } =>
  Predicate.isObject(message) && message.method === "notifications/progress" && Predicate.isObject(message.params) &&
  message.params.progressToken === id && typeof message.params.progress === "number"
