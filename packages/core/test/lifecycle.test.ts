import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { TestClock } from "effect/testing"
import * as McpClient from "../src/McpClient.ts"
import * as McpClientTest from "../src/McpClientTest.ts"
import * as McpError from "../src/McpError.ts"
import * as McpQueueTransport from "../src/McpQueueTransport.ts"
import * as EffectServer from "./fixtures/EffectServer.ts"
import * as ScriptedPeer from "./fixtures/ScriptedPeer.ts"

/** Lets other fibers run until `done()` holds (no clock involved). */
const waitUntil = (done: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 10_000 && !done(); i++) yield* Effect.yieldNow
    assert.isTrue(done(), "the condition never held")
  })

/**
 * A scripted server whose first connection dies at its first tool call, whose next `refusals`
 * connections refuse the handshake, and whose later ones serve again; counts its connections.
 */
const refusingAfterFirst = (refusals: number) => {
  let connections = 0
  const transport = McpQueueTransport.layer((peer) => {
    connections++
    return connections === 1 || connections > refusals + 1
      ? ScriptedPeer.serve({
        onMessage: (message, peer) =>
          message.method === "tools/call" ? peer.close : Effect.succeed({ result: { tools: [] } })
      })(peer)
      : Effect.gen(function*() {
        const init = (yield* Effect.orDie(peer.receive)) as ScriptedPeer.ClientMessage
        yield* peer.send({ jsonrpc: "2.0", id: init.id, error: { code: -32603, message: "starting up" } })
      })
  })
  return { transport, connections: () => connections }
}

describe("timeouts and cancellation", () => {
  it.effect("a request that never answers fails with McpTimeoutError; the server observes the cancellation", () =>
    Effect.gen(function*() {
      const hangInterrupted = yield* Deferred.make<void>()
      const client = yield* McpClientTest.makeClient(EffectServer.layer({ hangInterrupted }))
      const fiber = yield* client.callTool("hang", {}, { timeout: "2 seconds" }).pipe(
        Effect.flip,
        Effect.forkChild({ startImmediately: true })
      )
      yield* TestClock.adjust("1999 millis")
      assert.isUndefined(fiber.pollUnsafe())
      yield* TestClock.adjust("1 millis")
      const error = yield* Fiber.join(fiber)
      assert.instanceOf(error, McpError.McpTimeoutError)
      assert.strictEqual(error.method, "tools/call")
      assert.strictEqual(error.timeoutMillis, 2000)
      // the server interrupted the tool's fiber: it received notifications/cancelled
      yield* Deferred.await(hangInterrupted)
      // and the session still works
      const echo = yield* client.callTool("echo", { text: "still here" })
      assert.deepStrictEqual(echo.content, [{ type: "text", text: "still here" }])
    }))

  it.effect("the client's default timeout applies when the call sets none", () =>
    Effect.gen(function*() {
      const client = yield* McpClientTest.makeClient(EffectServer.layer(), { timeout: "10 seconds" })
      const fiber = yield* client.callTool("hang").pipe(Effect.flip, Effect.forkChild({ startImmediately: true }))
      yield* TestClock.adjust("10 seconds")
      const error = yield* Fiber.join(fiber)
      assert.instanceOf(error, McpError.McpTimeoutError)
      assert.strictEqual(error.timeoutMillis, 10_000)
    }))

  it.effect("a timeout of Infinity waits past the default", () =>
    Effect.gen(function*() {
      const client = yield* McpClientTest.makeClient(EffectServer.layer(), { timeout: "1 second" })
      const fiber = yield* client.callTool("hang", {}, { timeout: "Infinity" }).pipe(
        Effect.forkChild({ startImmediately: true })
      )
      yield* TestClock.adjust("1 hour")
      assert.isUndefined(fiber.pollUnsafe())
      yield* Fiber.interrupt(fiber)
    }))

  it.effect("the cancellation carries the request id and a reason", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const client = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({ log, onMessage: () => Effect.void })))
      )
      const fiber = yield* client.callTool("slow", {}, { timeout: "1 second" }).pipe(
        Effect.flip,
        Effect.forkChild({ startImmediately: true })
      )
      yield* TestClock.adjust("1 second")
      assert.instanceOf(yield* Fiber.join(fiber), McpError.McpTimeoutError)
      yield* client.ping()
      const call = log.find((m) => m.method === "tools/call")!
      const cancelled = log.find((m) => m.method === "notifications/cancelled")!
      assert.deepStrictEqual(cancelled.params, { requestId: call.id, reason: "timeout" })
    }))

  it.effect("interrupting the caller cancels the request on the wire", () =>
    Effect.gen(function*() {
      const hangInterrupted = yield* Deferred.make<void>()
      const client = yield* McpClientTest.makeClient(EffectServer.layer({ hangInterrupted }))
      const fiber = yield* client.callTool("hang").pipe(Effect.forkChild({ startImmediately: true }))
      yield* client.ping() // the call is on the wire before we interrupt it
      yield* Fiber.interrupt(fiber)
      yield* Deferred.await(hangInterrupted)
    }))

  it.effect("initialize is never cancelled, and its timeout is the initialization timeout", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const received = yield* Deferred.make<void>()
      const closed = yield* Deferred.make<void>()
      // a server that reads everything and answers nothing, until the connection closes
      const silent = (peer: McpQueueTransport.Peer) =>
        Effect.gen(function*() {
          while (true) {
            log.push((yield* Effect.orDie(peer.receive)) as ScriptedPeer.ClientMessage)
            yield* Deferred.succeed(received, undefined)
          }
        }).pipe(Effect.ensuring(Deferred.succeed(closed, undefined)))
      const fiber = yield* McpClient.make({ initializationTimeout: "5 seconds", protocolVersion: "legacy" }).pipe(
        Effect.provide(McpQueueTransport.layer(silent)),
        Effect.scoped,
        Effect.flip,
        Effect.forkChild({ startImmediately: true })
      )
      yield* Deferred.await(received)
      yield* TestClock.adjust("4999 millis")
      assert.isUndefined(fiber.pollUnsafe())
      yield* TestClock.adjust("1 millis")
      const error = yield* Fiber.join(fiber)
      assert.instanceOf(error, McpError.McpTimeoutError)
      assert.strictEqual(error.method, "initialize")
      // the peer saw the connection close, and nothing but initialize before it
      yield* Deferred.await(closed)
      assert.deepStrictEqual(log.map((m) => m.method), ["initialize"])
    }))
})

describe("closing", () => {
  it.effect("closing the client's scope fails pending requests with ClientClosed and stops the server", () =>
    Effect.gen(function*() {
      const hangInterrupted = yield* Deferred.make<void>()
      const scope = yield* Scope.make()
      const client = yield* McpClientTest.makeClient(EffectServer.layer({ hangInterrupted })).pipe(
        Scope.provide(scope)
      )
      const pending = yield* client.callTool("hang", {}, { timeout: "Infinity" }).pipe(
        Effect.flip,
        Effect.forkChild({ startImmediately: true })
      )
      yield* client.ping()
      yield* Scope.close(scope, Exit.void)
      const error = yield* Fiber.join(pending)
      assert.instanceOf(error, McpError.McpTransportError)
      assert.strictEqual(error.reason._tag, "ClientClosed")
      // the in-process server was shut down with the session: its running tool was interrupted
      yield* Deferred.await(hangInterrupted)
      // later calls fail at once with the same typed error
      const after = yield* client.ping().pipe(Effect.flip)
      assert.instanceOf(after, McpError.McpTransportError)
      assert.strictEqual(after.reason._tag, "ClientClosed")
    }))

  it.effect("a connection that dies fails requests in flight at once, then the client reconnects", () =>
    Effect.gen(function*() {
      let connections = 0
      const client = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer((peer) => {
          connections++
          return ScriptedPeer.serve({
            onMessage: (message, peer) =>
              message.method === "tools/call"
                ? peer.close
                : message.method === "tools/list"
                ? Effect.succeed({ result: { tools: [] } })
                : Effect.void
          })(peer)
        }))
      )
      const error = yield* client.callTool("x", {}, { timeout: "Infinity" }).pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpTransportError)
      assert.strictEqual(error.reason._tag, "ConnectionClosed")
      // a new connection and a new handshake, on the default reconnect schedule
      yield* TestClock.adjust("100 millis")
      const tools = yield* client.listTools()
      assert.deepStrictEqual([tools, connections], [[], 2])
      assert.strictEqual((yield* client.session).protocolVersion, "2025-11-25")
    }))

  it.effect("the connection stream says when a connection is lost, reconnecting, given up and connected again", () =>
    Effect.gen(function*() {
      // the first connection dies at the first call; the next two refuse their handshake
      const server = refusingAfterFirst(2)
      const client = yield* McpClient.make({ reconnect: Schedule.recurs(1), protocolVersion: "legacy" }).pipe(
        Effect.provide(server.transport)
      )
      const states = yield* client.connection.pipe(
        Stream.map((state) =>
          state._tag === "Reconnecting" || state._tag === "Disconnected"
            ? `${state._tag}: ${state.error?._tag}`
            : state._tag
        ),
        Stream.take(5),
        Stream.runCollect,
        Effect.forkChild({ startImmediately: true })
      )
      yield* client.callTool("x").pipe(Effect.flip)
      yield* waitUntil(() => server.connections() === 3)
      // let the last refusal settle (the client gives up), so that the next operation opens a new attempt
      for (let i = 0; i < 100; i++) yield* Effect.yieldNow
      yield* client.listTools()
      assert.deepStrictEqual(yield* Fiber.join(states), [
        "Connected",
        "Reconnecting: McpTransportError",
        "Disconnected: McpProtocolError",
        // the next operation connects again
        "Connecting",
        "Connected"
      ])
    }))

  it.effect("with reconnect: false, the next operation reconnects once, on demand", () =>
    Effect.gen(function*() {
      let connections = 0
      const client = yield* McpClient.make({ reconnect: false }).pipe(
        Effect.provide(McpQueueTransport.layer((peer) => {
          connections++
          return ScriptedPeer.serve({
            onMessage: (message, peer) =>
              message.method === "tools/call" ? peer.close : Effect.succeed({ result: { tools: [] } })
          })(peer)
        }))
      )
      yield* client.callTool("x").pipe(Effect.flip)
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual(connections, 1)
      yield* client.listTools()
      assert.strictEqual(connections, 2)
    }))

  it.effect("reconnection gives up after the schedule, and the next operation tries again", () =>
    Effect.gen(function*() {
      const logs: Array<ScriptedPeer.LogEntry> = []
      // the first connection works until tools/call; the next three refuse the handshake
      const server = refusingAfterFirst(3)
      const client = yield* McpClient.make({ reconnect: Schedule.recurs(2), protocolVersion: "legacy" }).pipe(
        Effect.provide(ScriptedPeer.captureLogs(logs)),
        Effect.provide(server.transport)
      )
      yield* client.callTool("x").pipe(Effect.flip)
      yield* waitUntil(() => logs.some((entry) => String(entry.message).includes("could not reconnect")))
      assert.strictEqual(server.connections(), 4) // 1 + the first attempt + 2 retries
      yield* client.listTools()
      assert.strictEqual(server.connections(), 5)
    }))

  it.effect("closing the scope stops the server, ends the notification stream and every client fiber", () =>
    Effect.gen(function*() {
      const stopped = yield* Deferred.make<void>()
      const scope = yield* Scope.make()
      const client = yield* McpClientTest.makeClient(EffectServer.layer({ stopped })).pipe(Scope.provide(scope))
      const subscriber = yield* client.notifications.pipe(
        Stream.runCollect,
        Effect.forkChild({ startImmediately: true })
      )
      yield* client.callTool("count", { n: 2 }, { onProgress: () => Effect.void })
      yield* Scope.close(scope, Exit.void)
      // Scope.close returns after the client's forked fibers (reader, handlers) were interrupted and awaited
      yield* Deferred.await(stopped)
      const received = yield* Fiber.join(subscriber)
      assert.deepStrictEqual(received.map((n) => n.method), ["notifications/progress", "notifications/progress"])
    }))
})
