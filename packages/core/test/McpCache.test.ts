import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"
import { TestClock } from "effect/testing"
import * as McpCache from "../src/McpCache.ts"
import * as McpClient from "../src/McpClient.ts"
import * as McpElicitation from "../src/McpElicitation.ts"
import * as McpQueueTransport from "../src/McpQueueTransport.ts"
import type * as ScriptedPeer from "./fixtures/ScriptedPeer.ts"

interface Hints {
  readonly ttlMs?: number
  readonly cacheScope?: "public" | "private"
  readonly changeWhileListing?: boolean
}

/**
 * A scripted 2026-07-28 server: lists one tool and reads any resource with the given cache hints,
 * counting the requests of each method. `resources/read` of `memo://ask` asks for input first.
 * `tools/call notify` sends the notification named by its `method` argument.
 */
const server = (counts: Record<string, number>, hints: Hints) => (peer: McpQueueTransport.Peer) =>
  Effect.gen(function*() {
    while (true) {
      const taken = yield* Effect.result(peer.receive)
      if (taken._tag === "Failure") return
      const message = taken.success as ScriptedPeer.ClientMessage
      if (message.id === undefined || message.method === undefined) continue
      counts[message.method] = (counts[message.method] ?? 0) + 1
      const params = message.params ?? {}
      const reply = (result: Record<string, unknown>) => peer.send({ jsonrpc: "2.0", id: message.id, result })
      switch (message.method) {
        case "server/discover":
          yield* reply({
            resultType: "complete",
            supportedVersions: ["2026-07-28"],
            capabilities: { tools: {}, resources: {} },
            ttlMs: 0,
            cacheScope: "private"
          })
          break
        case "tools/list":
          // the list changes while the answer is on its way: the answer is already stale
          if (hints.changeWhileListing === true) {
            yield* peer.send({ jsonrpc: "2.0", method: "notifications/tools/list_changed" })
          }
          yield* reply({
            resultType: "complete",
            tools: [{ name: `t${counts["tools/list"]}`, inputSchema: { type: "object" } }],
            ttlMs: hints.ttlMs,
            cacheScope: hints.cacheScope
          })
          break
        case "resources/read":
          if (params.uri === "memo://ask" && params.inputResponses === undefined) {
            yield* reply({
              resultType: "input_required",
              inputRequests: {
                q: {
                  method: "elicitation/create",
                  params: { message: "ok?", requestedSchema: { type: "object", properties: {} } }
                }
              }
            })
          } else {
            yield* reply({
              resultType: "complete",
              contents: [{ uri: params.uri, text: `read #${counts["resources/read"]}` }],
              ...hints
            })
          }
          break
        case "tools/call":
          {
            const { method, ...rest } = params.arguments as { readonly method: string }
            yield* peer.send({ jsonrpc: "2.0", method, params: rest })
          }
          yield* reply({ resultType: "complete", content: [] })
          break
      }
    }
  })

/** The in-memory cache, offering to `invalidated` each time the client has dropped entries. */
const signallingCache = (invalidated: Queue.Queue<void>) =>
  Layer.effect(McpCache.McpCache)(Effect.map(McpCache.make(), (cache) => ({
    ...cache,
    invalidate: (predicate: (key: string) => boolean) =>
      Effect.andThen(cache.invalidate(predicate), Queue.offer(invalidated, undefined))
  })))

const client = (counts: Record<string, number>, hints: Hints, options?: McpClient.Options) =>
  McpClient.make(options).pipe(Effect.provide(McpQueueTransport.layer(server(counts, hints))))

describe("McpCache", () => {
  it.effect("a listing is served from the cache while fresh, then fetched again", () =>
    Effect.gen(function*() {
      const counts: Record<string, number> = {}
      const c = yield* client(counts, { ttlMs: 1000, cacheScope: "private" })
      yield* c.listTools()
      yield* c.listTools()
      assert.strictEqual(counts["tools/list"], 1)
      yield* TestClock.adjust("999 millis")
      yield* c.listTools()
      assert.strictEqual(counts["tools/list"], 1)
      yield* TestClock.adjust("1 millis")
      yield* c.listTools()
      assert.strictEqual(counts["tools/list"], 2)
    }).pipe(Effect.provide(McpCache.layer()), Effect.scoped))

  it.effect("without the layer, or with ttlMs 0, nothing is cached", () =>
    Effect.gen(function*() {
      const none: Record<string, number> = {}
      const plain = yield* client(none, { ttlMs: 60_000, cacheScope: "public" })
      yield* plain.listTools()
      yield* plain.listTools()
      assert.strictEqual(none["tools/list"], 2)
      const zero: Record<string, number> = {}
      const c = yield* client(zero, { ttlMs: 0, cacheScope: "public" }).pipe(Effect.provide(McpCache.layer()))
      yield* c.listTools()
      yield* c.listTools()
      assert.strictEqual(zero["tools/list"], 2)
    }).pipe(Effect.scoped))

  it.effect("list_changed drops the cached listing; resources/updated drops that resource's read", () =>
    Effect.gen(function*() {
      const counts: Record<string, number> = {}
      const invalidated = yield* Queue.unbounded<void>()
      const c = yield* client(counts, { ttlMs: 60_000, cacheScope: "private" }).pipe(
        Effect.provide(signallingCache(invalidated))
      )
      yield* c.listTools()
      yield* c.readResource("memo://a")
      yield* c.readResource("memo://b")
      yield* c.callToolRaw("notify", { method: "notifications/tools/list_changed" })
      yield* c.callToolRaw("notify", { method: "notifications/resources/updated", uri: "memo://a" })
      // the invalidations run on their own fiber: wait for both
      yield* Queue.take(invalidated)
      yield* Queue.take(invalidated)
      yield* c.listTools()
      yield* c.readResource("memo://a")
      yield* c.readResource("memo://b")
      assert.deepStrictEqual([counts["tools/list"], counts["resources/read"]], [2, 3])
    }).pipe(Effect.scoped))

  it.effect("a listing that a list change overtook is not cached", () =>
    Effect.gen(function*() {
      const counts: Record<string, number> = {}
      const c = yield* client(counts, { ttlMs: 60_000, cacheScope: "private", changeWhileListing: true })
      const first = yield* c.listTools()
      const second = yield* c.listTools()
      assert.deepStrictEqual([first[0]?.name, second[0]?.name, counts["tools/list"]], ["t1", "t2", 2])
    }).pipe(Effect.provide(McpCache.layer()), Effect.scoped))

  it.effect("public results are shared by clients with the same cacheKey; private ones are not", () =>
    Effect.gen(function*() {
      const first: Record<string, number> = {}
      const second: Record<string, number> = {}
      const a = yield* client(first, { ttlMs: 60_000, cacheScope: "public" }, { cacheKey: "server-1" })
      const b = yield* client(second, { ttlMs: 60_000, cacheScope: "public" }, { cacheKey: "server-1" })
      yield* a.listTools()
      yield* b.listTools()
      assert.deepStrictEqual([first["tools/list"], second["tools/list"]], [1, undefined])
      const third: Record<string, number> = {}
      const fourth: Record<string, number> = {}
      const c = yield* client(third, { ttlMs: 60_000, cacheScope: "private" }, { cacheKey: "server-2" })
      const d = yield* client(fourth, { ttlMs: 60_000, cacheScope: "private" }, { cacheKey: "server-2" })
      yield* c.listTools()
      yield* d.listTools()
      assert.deepStrictEqual([third["tools/list"], fourth["tools/list"]], [1, 1])
    }).pipe(Effect.provide(McpCache.layer()), Effect.scoped))

  it.effect("a result that took input rounds is never cached", () =>
    Effect.gen(function*() {
      const counts: Record<string, number> = {}
      const c = yield* client(counts, { ttlMs: 60_000, cacheScope: "private" }).pipe(
        Effect.provide(McpElicitation.layer(() => Effect.succeed(McpElicitation.accept({}))))
      )
      yield* c.readResource("memo://ask")
      yield* c.readResource("memo://ask")
      // two rounds each time
      assert.strictEqual(counts["resources/read"], 4)
    }).pipe(Effect.provide(McpCache.layer()), Effect.scoped))
})
