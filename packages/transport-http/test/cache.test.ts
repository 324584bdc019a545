/**
 * The client's result cache (`McpCache.layer()`) against the cache hints of a real server: the official
 * SDK v2 server (2026-07-28), whose `demo://greeting` is `{ ttlMs: 60 000, cacheScope: "public" }`, whose
 * `tools/list` is `{ ttlMs: 30 000, cacheScope: "private" }`, and whose other results carry `ttlMs: 0`.
 * What reaches the server is counted from the requests the client sends.
 */
import * as McpAuth from "@effect-mcp/core/McpAuth"
import * as McpCache from "@effect-mcp/core/McpCache"
import * as McpClient from "@effect-mcp/core/McpClient"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import { TestClock } from "effect/testing"
import * as McpHttpTransport from "../src/McpHttpTransport.ts"
import * as Sdk2 from "./fixtures/sdk2-http.ts"

const GREETING = "demo://greeting"

const methodOf = (body: HttpBody.HttpBody): string | undefined =>
  body._tag === "Uint8Array" ? JSON.parse(new TextDecoder().decode(body.body)).method : undefined

/** Undici's client, noting the JSON-RPC method of every POST it sends. */
const recordingHttp = (sent: Array<string | undefined>) =>
  Layer.effect(HttpClient.HttpClient)(
    Effect.map(HttpClient.HttpClient, (client) =>
      HttpClient.tapRequest(client, (request) =>
        Effect.sync(() => {
          if (request.method === "POST") sent.push(methodOf(request.body))
        })))
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))

/** A client in the current scope, with the cache, the credentials and the cacheKey given. */
const connect = (options: {
  readonly url: string
  readonly cache: Context.Context<never>
  readonly sent: Array<string | undefined>
  readonly token?: string
  readonly cacheKey?: string
}) =>
  Effect.gen(function*() {
    const transport = yield* Layer.build(
      McpHttpTransport.layer({ url: options.url }).pipe(
        Layer.provide(recordingHttp(options.sent)),
        Layer.provide(McpAuth.layerHeaders({ authorization: `Bearer ${options.token ?? "alice"}` }))
      )
    )
    const client = yield* McpClient.make({ timeout: "10 seconds", cacheKey: options.cacheKey ?? "sdk2" }).pipe(
      Effect.provide(transport),
      Effect.provide(options.cache)
    )
    assert.strictEqual((yield* client.session).era, "stateless")
    // count from here: the handshake is not what the cache saves
    options.sent.length = 0
    return client
  })

const count = (sent: ReadonlyArray<string | undefined>, method: string) => sent.filter((m) => m === method).length

describe("McpCache against the SDK v2 server's cache hints", () => {
  it.live("a result is reused for the server's ttlMs, on the cache's clock; ttlMs 0 is never kept", () =>
    Effect.gen(function*() {
      const server = yield* Sdk2.sdk2Http
      const clock = yield* TestClock.make()
      const cache = yield* Layer.build(McpCache.layer()).pipe(Effect.provideService(Clock.Clock, clock))
      const sent: Array<string | undefined> = []
      const client = yield* connect({ url: server.url, cache, sent })

      // demo://greeting: ttlMs 60 000
      yield* client.readResource(GREETING)
      yield* client.readResource(GREETING)
      assert.strictEqual(count(sent, "resources/read"), 1)
      yield* clock.adjust("59999 millis")
      yield* client.readResource(GREETING)
      assert.strictEqual(count(sent, "resources/read"), 1)
      yield* clock.adjust("1 millis")
      const read = yield* client.readResource(GREETING)
      assert.strictEqual(count(sent, "resources/read"), 2)
      assert.deepStrictEqual(read, [{ uri: GREETING, mimeType: "text/plain", text: "Hello from the SDK v2 fixture" }])

      // tools/list: ttlMs 30 000, from now
      yield* client.listTools()
      yield* clock.adjust("29999 millis")
      assert.deepStrictEqual((yield* client.listTools()).map((tool) => tool.name), ["add", "book_trip", "touch"])
      assert.strictEqual(count(sent, "tools/list"), 1)
      yield* clock.adjust("1 millis")
      yield* client.listTools()
      assert.strictEqual(count(sent, "tools/list"), 2)

      // prompts/list: ttlMs 0
      yield* client.listPrompts()
      yield* client.listPrompts()
      assert.strictEqual(count(sent, "prompts/list"), 2)
    }).pipe(Effect.scoped))

  it.live("public results are shared by every credential under one cacheKey; private ones only by the same credentials", () =>
    Effect.gen(function*() {
      const server = yield* Sdk2.sdk2Http
      const cache = yield* Layer.build(McpCache.layer())
      const alice: Array<string | undefined> = []
      const first = yield* connect({ url: server.url, cache, sent: alice, token: "alice" })
      yield* first.readResource(GREETING) // public
      yield* first.listTools() // private
      assert.deepStrictEqual([count(alice, "resources/read"), count(alice, "tools/list")], [1, 1])

      // other credentials: the public read comes from the cache, the private listing does not
      const bob: Array<string | undefined> = []
      const other = yield* connect({ url: server.url, cache, sent: bob, token: "bob" })
      yield* other.readResource(GREETING)
      yield* other.listTools()
      assert.deepStrictEqual([count(bob, "resources/read"), count(bob, "tools/list")], [0, 1])

      // the same credentials on a new connection: the private listing comes from the cache
      const again: Array<string | undefined> = []
      const second = yield* connect({ url: server.url, cache, sent: again, token: "alice" })
      yield* second.listTools()
      yield* second.readResource(GREETING)
      assert.deepStrictEqual([count(again, "resources/read"), count(again, "tools/list")], [0, 0])

      // another cacheKey shares nothing, not even public results
      const elsewhere: Array<string | undefined> = []
      const third = yield* connect({ url: server.url, cache, sent: elsewhere, token: "alice", cacheKey: "other" })
      yield* third.readResource(GREETING)
      yield* third.listTools()
      assert.deepStrictEqual([count(elsewhere, "resources/read"), count(elsewhere, "tools/list")], [1, 1])
    }).pipe(Effect.scoped))
})
