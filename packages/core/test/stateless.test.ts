import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { TestClock } from "effect/testing"
import * as McpClient from "../src/McpClient.ts"
import * as McpClientTest from "../src/McpClientTest.ts"
import * as McpElicitation from "../src/McpElicitation.ts"
import * as McpError from "../src/McpError.ts"
import * as McpQueueTransport from "../src/McpQueueTransport.ts"
import * as McpRoots from "../src/McpRoots.ts"
import * as McpTransport from "../src/McpTransport.ts"
import * as E2eEffectServer from "./e2e/servers/effect.ts"
import * as EffectServer from "./fixtures/EffectServer.ts"
import * as ScriptedPeer from "./fixtures/ScriptedPeer.ts"

describe("subscriptions", () => {
  const watch = (client: McpClient.McpClient["Service"]) =>
    Effect.gen(function*() {
      const events: Array<McpClient.SubscriptionEvent> = []
      const acknowledged = yield* Deferred.make<void>()
      const fiber = yield* client.subscribe({ tools: true, prompts: true, resourceUris: ["memo://readme"] }).pipe(
        Stream.runForEach((event) =>
          Effect.andThen(
            Effect.sync(() => events.push(event)),
            event._tag === "Acknowledged" ? Deferred.succeed(acknowledged, undefined) : Effect.void
          )
        ),
        Effect.forkChild({ startImmediately: true })
      )
      yield* Deferred.await(acknowledged)
      yield* client.callTool("touch")
      return { events, fiber }
    })

  it.effect("2026-07-28: subscriptions/listen, acknowledged, then the notifications it asked for", () =>
    Effect.gen(function*() {
      const client = yield* McpClientTest.makeClient(E2eEffectServer.layerStdio({ era: "stateless" }))
      const { events, fiber } = yield* watch(client)
      yield* waitUntil(() => events.length >= 3)
      yield* Fiber.interrupt(fiber)
      assert.deepStrictEqual(events[0]?._tag, "Acknowledged")
      assert.sameDeepMembers(events.slice(1), [
        { _tag: "ToolsChanged" },
        { _tag: "ResourceUpdated", uri: "memo://readme" }
      ])
    }).pipe(Effect.scoped))

  it.effect("stateful era: the same API subscribes the resource and hears list changes", () =>
    Effect.gen(function*() {
      const client = yield* McpClientTest.makeClient(EffectServer.layer())
      assert.strictEqual((yield* client.session).era, "stateful")
      const { events, fiber } = yield* watch(client)
      yield* waitUntil(() => events.length >= 4)
      yield* Fiber.interrupt(fiber)
      assert.deepStrictEqual(events[0], {
        _tag: "Acknowledged",
        honoured: { toolsListChanged: true, promptsListChanged: true, resourceSubscriptions: ["memo://readme"] }
      })
      assert.sameDeepMembers(events.slice(1), [
        { _tag: "ToolsChanged" },
        { _tag: "PromptsChanged" },
        { _tag: "ResourceUpdated", uri: "memo://readme" }
      ])
    }).pipe(Effect.scoped))
})

/**
 * Lets other fibers run until `done()` holds. No clock involved; fails if it never holds.
 */
const waitUntil = (done: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 10_000 && !done(); i++) yield* Effect.yieldNow
    assert.isTrue(done(), "the condition never held")
  })

/** A scripted stateless server: answers discovery and echoes every request's params back as its result. */
const statelessPeer = (log: Array<ScriptedPeer.ClientMessage>, options?: {
  readonly refuseFirst?: boolean | undefined
  /** End every listen gracefully right after its notifications. */
  readonly endListen?: boolean | undefined
  /** Close the connection when this tool is called. */
  readonly closeOn?: string | undefined
}) =>
(peer: McpQueueTransport.Peer) =>
  Effect.gen(function*() {
    let refused = options?.refuseFirst !== true
    while (true) {
      const taken = yield* Effect.result(peer.receive)
      if (taken._tag === "Failure") return
      const message = taken.success as ScriptedPeer.ClientMessage
      log.push(message)
      if (message.id === undefined) continue
      if (message.method === "tools/call" && message.params?.name === options?.closeOn) return yield* peer.close
      if (message.method === "subscriptions/listen") {
        const meta = { "io.modelcontextprotocol/subscriptionId": message.id }
        yield* peer.send({
          jsonrpc: "2.0",
          method: "notifications/subscriptions/acknowledged",
          params: { notifications: { toolsListChanged: true }, _meta: meta }
        })
        // another subscription's notification: not for this stream
        yield* peer.send({
          jsonrpc: "2.0",
          method: "notifications/prompts/list_changed",
          params: { _meta: { "io.modelcontextprotocol/subscriptionId": "someone-else" } }
        })
        yield* peer.send({ jsonrpc: "2.0", method: "notifications/tools/list_changed", params: { _meta: meta } })
        if (options?.endListen === true) {
          yield* peer.send({ jsonrpc: "2.0", id: message.id, result: { resultType: "complete", _meta: meta } })
        }
        continue
      }
      if (!refused) {
        refused = true
        yield* peer.send({
          jsonrpc: "2.0",
          id: message.id,
          error: {
            code: -32022,
            message: "Unsupported protocol version",
            data: { supported: ["2026-07-28"], requested: "2026-07-28" }
          }
        })
        continue
      }
      yield* peer.send({
        jsonrpc: "2.0",
        id: message.id,
        result: message.method === "server/discover"
          ? {
            resultType: "complete",
            supportedVersions: ["2026-07-28"],
            capabilities: { tools: {} },
            ttlMs: 0,
            cacheScope: "private",
            _meta: { "io.modelcontextprotocol/serverInfo": { name: "scripted-modern", version: "1" } }
          }
          : { resultType: "complete", content: [], structuredContent: message.params ?? {} }
      })
    }
  })

describe("the stateless wire", () => {
  it.effect("every request carries the revision, capabilities, client info and log level in _meta", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const client = yield* McpClient.make({
        clientInfo: { name: "wire-test", version: "9" },
        logLevel: "warning"
      }).pipe(
        Effect.provide(McpQueueTransport.layer(statelessPeer(log))),
        Effect.provide(McpElicitation.layer(() => Effect.succeed(McpElicitation.decline))),
        Effect.provide(McpRoots.layer(["file:///r"]))
      )
      assert.strictEqual((yield* client.session).serverInfo.name, "scripted-modern")
      yield* client.callTool("x", { a: 1 }, { meta: { custom: true } })
      assert.deepStrictEqual(log.map((m) => m.method), ["server/discover", "tools/call"])
      for (const message of log) {
        assert.deepStrictEqual(message.params?._meta, {
          ...(message.method === "tools/call" ? { custom: true } : {}),
          "io.modelcontextprotocol/protocolVersion": "2026-07-28",
          "io.modelcontextprotocol/clientCapabilities": {
            elicitation: { form: {} },
            roots: {},
            extensions: { "io.modelcontextprotocol/tasks": {} }
          },
          "io.modelcontextprotocol/clientInfo": { name: "wire-test", version: "9" },
          "io.modelcontextprotocol/logLevel": "warning"
        })
      }
    }).pipe(Effect.scoped))

  it.effect("-32022 with a revision this client speaks: discovery is offered again", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const client = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer(statelessPeer(log, { refuseFirst: true })))
      )
      assert.strictEqual((yield* client.session).era, "stateless")
      assert.deepStrictEqual(log.map((m) => m.method), ["server/discover", "server/discover"])
      assert.notStrictEqual(log[0]!.id, log[1]!.id)
    }).pipe(Effect.scoped))

  it.effect("a listen the server ends is sent again after the backoff; only its own notifications count", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const client = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer(statelessPeer(log, { endListen: true })))
      )
      const events: Array<McpClient.SubscriptionEvent> = []
      const fiber = yield* client.subscribe({ tools: true, prompts: true }).pipe(
        Stream.runForEach((event) => Effect.sync(() => events.push(event))),
        Effect.forkChild({ startImmediately: true })
      )
      yield* waitUntil(() => events.length === 2)
      // the retry's sleep starts once the listen's end is read, which nothing shows: step the clock
      // until the second listen's events arrive
      for (let step = 0; step < 10 && events.length < 4; step++) {
        yield* TestClock.adjust("100 millis")
      }
      yield* waitUntil(() => events.length === 4)
      assert.strictEqual(events.length, 4)
      yield* Fiber.interrupt(fiber)
      const listens = log.filter((m) => m.method === "subscriptions/listen")
      assert.strictEqual(listens.length, 2)
      assert.deepStrictEqual(listens[0]!.params?.notifications, { toolsListChanged: true, promptsListChanged: true })
      assert.deepStrictEqual(events.map((e) => e._tag), [
        "Acknowledged",
        "ToolsChanged",
        "Acknowledged",
        "ToolsChanged"
      ])
    }).pipe(Effect.scoped))

  it.effect("stopping a subscription on a channel transport sends notifications/cancelled for the listen", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const client = yield* McpClient.make().pipe(Effect.provide(McpQueueTransport.layer(statelessPeer(log))))
      const events: Array<McpClient.SubscriptionEvent> = []
      const fiber = yield* client.subscribe({ tools: true }).pipe(
        Stream.runForEach((event) => Effect.sync(() => events.push(event))),
        Effect.forkChild({ startImmediately: true })
      )
      yield* waitUntil(() => events.length === 2)
      yield* Fiber.interrupt(fiber)
      const listen = log.find((m) => m.method === "subscriptions/listen")!
      yield* waitUntil(() => log.some((m) => m.method === "notifications/cancelled"))
      const cancelled = log.find((m) => m.method === "notifications/cancelled")!
      assert.strictEqual(cancelled.params?.requestId, listen.id)
    }).pipe(Effect.scoped))

  it.effect("a server that ignores the probe is taken for a stateful one after the discovery timeout", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const fiber = yield* McpClient.make({ discoveryTimeout: "5 seconds" }).pipe(
        Effect.provide(McpQueueTransport.layer((peer) =>
          Effect.gen(function*() {
            while (true) {
              const message = (yield* Effect.orDie(peer.receive)) as ScriptedPeer.ClientMessage
              log.push(message)
              if (message.method === "initialize") {
                yield* peer.send({
                  jsonrpc: "2.0",
                  id: message.id,
                  result: {
                    protocolVersion: "2025-06-18",
                    capabilities: {},
                    serverInfo: { name: "quiet", version: "1" }
                  }
                })
              }
            }
          })
        )),
        Effect.flatMap((client) => client.session),
        Effect.forkChild({ startImmediately: true })
      )
      yield* TestClock.adjust("5 seconds")
      const session = yield* Fiber.join(fiber)
      assert.deepStrictEqual([session.era, session.protocolVersion], ["stateful", "2025-06-18"])
      // no notifications/cancelled for the probe: the server was not initialized yet
      assert.deepStrictEqual(log.map((m) => m.method), ["server/discover", "initialize", "notifications/initialized"])
    }).pipe(Effect.scoped))
})

describe("the stateless wire, after review", () => {
  it.effect("a pinned revision the server names in its -32022 is offered once more", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const client = yield* McpClient.make({ protocolVersion: "2026-07-28" }).pipe(
        Effect.provide(McpQueueTransport.layer(statelessPeer(log, { refuseFirst: true })))
      )
      assert.strictEqual((yield* client.session).era, "stateless")
      assert.deepStrictEqual(log.map((m) => m.method), ["server/discover", "server/discover"])
    }).pipe(Effect.scoped))

  it.effect("a subscription ends with ClientClosed when its client closes, instead of retrying forever", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const client = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer(statelessPeer([]))),
        Scope.provide(scope)
      )
      const events: Array<McpClient.SubscriptionEvent> = []
      const fiber = yield* client.subscribe({ tools: true }).pipe(
        Stream.runForEach((event) => Effect.sync(() => events.push(event))),
        Effect.flip,
        Effect.forkChild({ startImmediately: true })
      )
      yield* waitUntil(() => events.length === 2)
      yield* Scope.close(scope, Exit.void)
      for (let i = 0; i < 20 && fiber.pollUnsafe() === undefined; i++) {
        yield* TestClock.adjust("30 seconds")
        for (let j = 0; j < 20; j++) yield* Effect.yieldNow
      }
      const error = yield* Fiber.join(fiber)
      assert.instanceOf(error, McpError.McpTransportError)
      assert.strictEqual(error.reason._tag, "ClientClosed")
    }))

  it.effect("after a listen that was acknowledged, the backoff starts over", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const client = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer(statelessPeer(log, { endListen: true })))
      )
      const events: Array<McpClient.SubscriptionEvent> = []
      const fiber = yield* client.subscribe({ tools: true }).pipe(
        Stream.runForEach((event) => Effect.sync(() => events.push(event))),
        Effect.forkChild({ startImmediately: true })
      )
      // eight listens that each worked: 500 ms apart every time, never the doubling of failures
      for (let listen = 1; listen <= 8; listen++) {
        yield* waitUntil(() => log.filter((m) => m.method === "subscriptions/listen").length === listen)
        yield* waitUntil(() => events.length === listen * 2)
        yield* TestClock.adjust("500 millis")
      }
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.scoped))

  it.effect("request ids never repeat across a client's connections", () =>
    Effect.gen(function*() {
      const logs: Array<Array<ScriptedPeer.ClientMessage>> = []
      const client = yield* McpClient.make({ reconnect: false }).pipe(
        Effect.provide(McpQueueTransport.layer((peer) => {
          const log: Array<ScriptedPeer.ClientMessage> = []
          logs.push(log)
          return statelessPeer(log, { closeOn: "die" })(peer)
        }))
      )
      yield* client.callTool("die").pipe(Effect.ignore)
      yield* client.callTool("x")
      const ids = logs.flatMap((log) => log.flatMap((m) => m.id === undefined ? [] : [m.id]))
      assert.strictEqual(new Set(ids).size, ids.length)
      assert.strictEqual(logs[1]![0]!.id, 2 ** 32)
    }).pipe(Effect.scoped))
})

describe("subscriptions, after the second review", () => {
  it.effect("a stateful subscription lives on when its session expires and the client opens a new one", () =>
    Effect.gen(function*() {
      let connections = 0
      const transport = Layer.succeed(McpTransport.McpTransport)({
        connect: Effect.map(
          McpQueueTransport.connect(ScriptedPeer.serve({
            initialize: { capabilities: { tools: { listChanged: true } } },
            onMessage: (message) =>
              Effect.succeed(message.method === "tools/list" ? { result: { tools: [] } } : { result: {} })
          })),
          (connection): McpTransport.McpConnection => {
            // the first session expires at its first tools/list
            const n = ++connections
            return n > 1 ? connection : {
              ...connection,
              request: (message, route, exchange) =>
                message.method === "tools/list"
                  ? Effect.fail(
                    new McpError.McpTransportError({ reason: new McpError.SessionExpired({ sessionId: "s1" }) })
                  )
                  : connection.request(message, route, exchange)
            }
          }
        )
      })
      const client = yield* McpClient.make({ protocolVersion: "legacy" }).pipe(Effect.provide(transport))
      const events: Array<McpClient.SubscriptionEvent> = []
      const fiber = yield* client.subscribe({ tools: true }).pipe(
        Stream.runForEach((event) => Effect.sync(() => events.push(event))),
        Effect.forkChild({ startImmediately: true })
      )
      yield* waitUntil(() => events.length === 1)
      yield* client.listTools()
      assert.strictEqual(connections, 2)
      // the subscription is acknowledged again on the new session instead of ending
      for (let i = 0; i < 10 && events.length < 2; i++) {
        yield* TestClock.adjust("500 millis")
      }
      yield* waitUntil(() => events.length === 2)
      assert.deepStrictEqual(events.map((e) => e._tag), ["Acknowledged", "Acknowledged"])
      assert.isUndefined(fiber.pollUnsafe())
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.scoped))
})
