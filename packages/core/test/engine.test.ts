import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as PubSub from "effect/PubSub"
import * as References from "effect/References"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { TestClock } from "effect/testing"
import * as Engine from "../src/internal/engine.ts"
import * as McpError from "../src/McpError.ts"
import * as McpQueueTransport from "../src/McpQueueTransport.ts"
import * as McpTransport from "../src/McpTransport.ts"
import * as ScriptedPeer from "./fixtures/ScriptedPeer.ts"

/** An engine over a queue connection served by `serve`, plus a record of what the client wrote. */
const makeEngine = (options: {
  readonly serve: (peer: McpQueueTransport.Peer) => Effect.Effect<void, never, Scope.Scope>
  readonly handlers?: ReadonlyMap<string, Engine.RequestHandler>
  readonly onIncomingEnd?: Deferred.Deferred<void> | undefined
}) =>
  Effect.gen(function*() {
    const connection = yield* McpQueueTransport.connect(options.serve)
    const notifications = yield* PubSub.unbounded<Engine.Notification>()
    const ended = options.onIncomingEnd
    return yield* Engine.make({
      connection: ended === undefined
        ? connection
        : { ...connection, incoming: connection.incoming.pipe(Stream.ensuring(Deferred.succeed(ended, undefined))) },
      handlers: options.handlers ?? new Map(),
      notifications
    })
  })

/** A peer that records and answers every request with `reply(message)`, in its own fiber. */
const answering = (
  log: Array<ScriptedPeer.ClientMessage>,
  reply: (message: ScriptedPeer.ClientMessage, peer: McpQueueTransport.Peer) => Effect.Effect<unknown>
) =>
(peer: McpQueueTransport.Peer) =>
  Effect.gen(function*() {
    while (true) {
      const message = (yield* Effect.orDie(peer.receive)) as ScriptedPeer.ClientMessage
      log.push(message)
      if (message.id !== undefined && message.method !== undefined) {
        yield* reply(message, peer).pipe(Effect.forkScoped({ startImmediately: true }))
      }
    }
  })

const ok = (peer: McpQueueTransport.Peer, id: unknown, result: object = {}) => peer.send({ jsonrpc: "2.0", id, result })

describe("engine", () => {
  it.effect("a progress handler may call the server again: it runs on the caller's fiber, not the reader's", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const pinged = yield* Deferred.make<void>()
      const engine = yield* makeEngine({
        serve: answering(log, (message, peer) =>
          Effect.gen(function*() {
            if (message.method === "ping") {
              yield* ok(peer, message.id)
              return yield* Deferred.succeed(pinged, undefined)
            }
            const token = (message.params!._meta as { progressToken: number }).progressToken
            yield* peer.send({
              jsonrpc: "2.0",
              method: "notifications/progress",
              params: { progressToken: token, progress: 1 }
            })
            yield* Deferred.await(pinged) // answer only once the progress handler's ping went through
            yield* ok(peer, message.id, { done: true })
          }))
      })
      const result = yield* engine.request("work", {}, {
        onProgress: () => Effect.asVoid(Effect.orDie(engine.request("ping", undefined)))
      })
      assert.deepStrictEqual(result, { done: true })
    }))

  it.effect("progress arriving after the response is dropped; progress before it is delivered in order", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const engine = yield* makeEngine({
        serve: answering(log, (message, peer) =>
          Effect.gen(function*() {
            if (message.method === "ping") return yield* ok(peer, message.id)
            const progressToken = (message.params!._meta as { progressToken: number }).progressToken
            const progress = (n: number) =>
              peer.send({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken, progress: n } })
            yield* progress(1)
            yield* progress(0.5) // not assumed to increase
            yield* ok(peer, message.id)
            yield* progress(2) // after the result
          }))
      })
      const seen: Array<number> = []
      yield* engine.request("work", {}, { onProgress: (p) => Effect.sync(() => seen.push(p.progress)) })
      yield* engine.request("ping", undefined) // the late progress has been read by now
      assert.deepStrictEqual(seen, [1, 0.5])
    }))

  it.effect("a request that is not cancellable sends no notifications/cancelled on timeout", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const engine = yield* makeEngine({
        serve: answering(log, (message, peer) => message.method === "ping" ? ok(peer, message.id) : Effect.void)
      })
      const quiet = yield* engine.request("initialize", {}, { timeout: Duration.seconds(1), cancellable: false })
        .pipe(Effect.flip, Effect.forkChild({ startImmediately: true }))
      const loud = yield* engine.request("tools/call", {}, { timeout: Duration.seconds(1) })
        .pipe(Effect.flip, Effect.forkChild({ startImmediately: true }))
      yield* TestClock.adjust("1 second")
      assert.instanceOf(yield* Fiber.join(quiet), McpError.McpTimeoutError)
      assert.instanceOf(yield* Fiber.join(loud), McpError.McpTimeoutError)
      yield* engine.request("ping", undefined) // the peer has read everything before this
      assert.deepStrictEqual(log.map((m) => [m.method, m.params?.requestId]), [
        ["initialize", undefined],
        ["tools/call", undefined],
        ["notifications/cancelled", 1],
        ["ping", undefined]
      ])
    }))

  it.effect("each request's timeout fires at its own deadline, whatever order they were sent in", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const engine = yield* makeEngine({ serve: answering(log, () => Effect.void) })
      const call = (millis: number) =>
        engine.request("slow", { millis }, { timeout: Duration.millis(millis) }).pipe(
          Effect.flip,
          Effect.forkChild({ startImmediately: true })
        )
      const long = yield* call(5000)
      const short = yield* call(1000) // an earlier deadline after a later one
      const middle = yield* call(3000)
      const answered = yield* engine.request("slow", {}, { timeout: Duration.millis(2000) }).pipe(
        Effect.forkChild({ startImmediately: true })
      )
      yield* TestClock.adjust("999 millis")
      assert.deepStrictEqual([long, short, middle].map((f) => f.pollUnsafe()), [undefined, undefined, undefined])
      yield* TestClock.adjust("1 millis")
      assert.instanceOf(yield* Fiber.join(short), McpError.McpTimeoutError)
      assert.isUndefined(middle.pollUnsafe())
      yield* Fiber.interrupt(answered) // a finished request leaves no deadline behind
      yield* TestClock.adjust("2 seconds")
      const error = yield* Fiber.join(middle)
      assert.strictEqual(error._tag === "McpTimeoutError" ? error.timeoutMillis : 0, 3000)
      assert.isUndefined(long.pollUnsafe())
      yield* TestClock.adjust("2 seconds")
      assert.instanceOf(yield* Fiber.join(long), McpError.McpTimeoutError)
    }))

  it.effect("a late reply to a timed-out request is expected, not reported as malformed", () =>
    Effect.gen(function*() {
      const logs: Array<ScriptedPeer.LogEntry> = []
      const log: Array<ScriptedPeer.ClientMessage> = []
      const release = yield* Deferred.make<void>()
      const engine = yield* makeEngine({
        serve: answering(log, (message, peer) =>
          message.method === "ping"
            ? ok(peer, message.id)
            : Effect.andThen(Deferred.await(release), ok(peer, message.id)))
      }).pipe(
        Effect.provide(ScriptedPeer.captureLogs(logs)),
        Effect.provideService(References.MinimumLogLevel, "Debug")
      )
      const call = yield* engine.request("slow", {}, { timeout: Duration.seconds(1) }).pipe(
        Effect.flip,
        Effect.forkChild({ startImmediately: true })
      )
      yield* TestClock.adjust("1 second")
      assert.instanceOf(yield* Fiber.join(call), McpError.McpTimeoutError)
      yield* Deferred.succeed(release, undefined)
      yield* engine.request("ping", undefined)
      assert.deepStrictEqual(logs.filter((entry) => entry.level === "Warn"), [])
      assert.isTrue(logs.some((entry) => String(entry.message).includes("late reply")))
    }))

  it.effect("server requests: handler results, failures, defects, and cancellation", () =>
    Effect.gen(function*() {
      const replies = yield* Deferred.make<ReadonlyArray<unknown>>()
      const interrupted = yield* Deferred.make<void>()
      const handlers = new Map<string, Engine.RequestHandler>([
        ["echo", (params) => Effect.succeed({ echoed: params?.value ?? null })],
        ["refuse", () => Effect.fail(Engine.handlerError(-1, "User rejected sampling request", { why: "no" }))],
        ["crash", () => Effect.die(new Error("boom"))],
        ["forever", () => Effect.never.pipe(Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined)))]
      ])
      yield* makeEngine({
        handlers,
        serve: (peer) =>
          Effect.gen(function*() {
            yield* peer.send({ jsonrpc: "2.0", id: 1, method: "forever" })
            yield* peer.send({ jsonrpc: "2.0", id: 2, method: "echo", params: { value: "x" } })
            yield* peer.send({ jsonrpc: "2.0", id: 3, method: "refuse" })
            yield* peer.send({ jsonrpc: "2.0", id: 4, method: "crash" })
            yield* peer.send({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1 } })
            const received = [
              yield* Effect.orDie(peer.receive),
              yield* Effect.orDie(peer.receive),
              yield* Effect.orDie(peer.receive)
            ]
            yield* Deferred.succeed(replies, received)
          })
      })
      yield* Deferred.await(interrupted)
      const received = yield* Deferred.await(replies)
      assert.deepStrictEqual(received, [
        { jsonrpc: "2.0", id: 2, result: { echoed: "x" } },
        { jsonrpc: "2.0", id: 3, error: { code: -1, message: "User rejected sampling request", data: { why: "no" } } },
        { jsonrpc: "2.0", id: 4, error: { code: -32603, message: "Internal error in the client's handler" } }
      ])
    }))

  it.effect("closing the engine's scope ends its reader and every handler fiber", () =>
    Effect.gen(function*() {
      const readerEnded = yield* Deferred.make<void>()
      const handlerEnded = yield* Deferred.make<void>()
      const started = yield* Deferred.make<void>()
      const scope = yield* Scope.make()
      const handlers = new Map<string, Engine.RequestHandler>([
        ["forever", () =>
          Deferred.succeed(started, undefined).pipe(
            Effect.andThen(Effect.never),
            Effect.ensuring(Deferred.succeed(handlerEnded, undefined))
          )]
      ])
      yield* makeEngine({
        handlers,
        onIncomingEnd: readerEnded,
        serve: (peer) => peer.send({ jsonrpc: "2.0", id: "s", method: "forever" })
      }).pipe(Scope.provide(scope))
      yield* Deferred.await(started)
      yield* Scope.close(scope, Exit.void)
      // Scope.close returned: both fibers are done, not merely asked to stop
      assert.isTrue(yield* Deferred.isDone(readerEnded))
      assert.isTrue(yield* Deferred.isDone(handlerEnded))
    }))
})

describe("engine over a request-scoped transport", () => {
  /** A connection whose `request` answers from a script and records whether the stream was closed. */
  const requestScoped = (
    script: (message: McpTransport.OutgoingMessage) => ReadonlyArray<unknown>,
    streamClosed?: Deferred.Deferred<void>
  ): McpTransport.McpConnection =>
    McpTransport.fromReplies({
      send: () => Effect.void,
      cancel: () => Effect.void,
      request: (message) => {
        const replies = script(message)
        const stream = replies.length === 0 && streamClosed !== undefined
          ? Stream.never
          : Stream.fromIterable(replies)
        return streamClosed === undefined
          ? stream
          : stream.pipe(Stream.ensuring(Deferred.succeed(streamClosed, undefined)))
      },
      incoming: Stream.never
    })

  const engineOver = (connection: McpTransport.McpConnection) =>
    Effect.flatMap(
      PubSub.unbounded<Engine.Notification>(),
      (notifications) => Engine.make({ connection, handlers: new Map(), notifications })
    )

  it.effect("progress and the response come on the request's own stream", () =>
    Effect.gen(function*() {
      const engine = yield* engineOver(requestScoped((message) => {
        const id = (message as { id: number }).id
        return [
          { jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: id, progress: 1, total: 2 } },
          { jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: id, progress: 2, total: 2 } },
          { jsonrpc: "2.0", id, result: { ok: true } }
        ]
      }))
      const seen: Array<number> = []
      const result = yield* engine.request("tools/call", {}, {
        onProgress: (p) => Effect.sync(() => seen.push(p.progress))
      })
      assert.deepStrictEqual(result, { ok: true })
      assert.deepStrictEqual(seen, [1, 2])
    }))

  it.effect("a reply stream that ends without the response fails the request instead of hanging", () =>
    Effect.gen(function*() {
      const engine = yield* engineOver(requestScoped(() => [
        { jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: "x" } }
      ]))
      const error = yield* engine.request("tools/call", {}).pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpTransportError)
      assert.strictEqual(error.reason._tag, "ConnectionClosed")
      assert.include(error.message, "the server's answer to tools/call ended before its response")
    }))

  it.effect("interrupting the caller closes the request's stream", () =>
    Effect.gen(function*() {
      const closed = yield* Deferred.make<void>()
      const engine = yield* engineOver(requestScoped(() => [], closed))
      const fiber = yield* engine.request("tools/call", {}).pipe(Effect.forkChild({ startImmediately: true }))
      yield* Effect.yieldNow
      yield* Fiber.interrupt(fiber)
      assert.isTrue(yield* Deferred.isDone(closed))
    }))
})
