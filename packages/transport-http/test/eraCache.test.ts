/**
 * `McpEraCache` over Streamable HTTP: clients that share it skip the `server/discover` probe for a
 * server of the stateful revisions, keep speaking 2026-07-28 to a stateless one, and find a server
 * again when what they remembered is wrong. Real servers on 127.0.0.1: the official SDK v1 server
 * (stateful) and Effect's `McpServer` in 2026-07-28 mode.
 */
import * as McpClient from "@effect-mcp/core/McpClient"
import * as McpEraCache from "@effect-mcp/core/McpEraCache"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as McpHttpTransport from "../src/McpHttpTransport.ts"
import * as EffectHttp from "./fixtures/effect-http.ts"
import * as Recording from "./fixtures/recording.ts"
import * as Servers from "./fixtures/servers.ts"

/** A client of `url` in the current scope, with the shared `eras`, noting the methods it POSTs. */
const clientOf = (url: string, eras: McpEraCache.Service, methods: Array<string>) =>
  Effect.flatMap(
    Layer.build(
      McpHttpTransport.layer({ url, listen: false }).pipe(
        Layer.provide(Recording.recordingHttp((sent) => {
          if (sent.body !== undefined && "method" in sent.body) methods.push(String(sent.body.method))
        }))
      )
    ),
    (context) =>
      McpClient.make({ timeout: "10 seconds" }).pipe(
        Effect.provide(context),
        Effect.provideService(McpEraCache.McpEraCache, eras)
      )
  )

/** The methods a client POSTed to open its session (before its first call). */
const opening = (methods: ReadonlyArray<string>) => methods.filter((m) => m !== "tools/call")

describe("McpEraCache over Streamable HTTP", () => {
  it.live("a second client of a stateful server (SDK v1) sends initialize at once: no probe", () =>
    Effect.gen(function*() {
      const server = yield* Servers.streamableHttp({ json: true, sessions: true })
      const eras = yield* McpEraCache.make()
      const first: Array<string> = []
      const one = yield* clientOf(server.url, eras, first)
      assert.strictEqual((yield* one.session).era, "stateful")
      assert.deepStrictEqual(opening(first).slice(0, 2), ["server/discover", "initialize"])
      assert.strictEqual(yield* eras.get(server.url), "legacy")

      const second: Array<string> = []
      const two = yield* clientOf(server.url, eras, second)
      const session = yield* two.session
      assert.strictEqual(session.era, "stateful")
      assert.strictEqual(session.protocolVersion, (yield* one.session).protocolVersion)
      assert.deepStrictEqual(opening(second), ["initialize", "notifications/initialized"])
      assert.deepStrictEqual((yield* two.callTool("add", { a: 2, b: 40 })).structuredContent, { sum: 42 })
    }).pipe(Effect.scoped))

  it.live("clients of a 2026-07-28 server (Effect's) stay stateless, and never send initialize", () =>
    Effect.gen(function*() {
      const url = yield* EffectHttp.url
      const eras = yield* McpEraCache.make()
      for (let i = 0; i < 2; i++) {
        const methods: Array<string> = []
        const client = yield* clientOf(url, eras, methods)
        const session = yield* client.session
        assert.strictEqual(session.era, "stateless")
        assert.strictEqual(session.protocolVersion, "2026-07-28")
        assert.deepStrictEqual(opening(methods), ["server/discover"])
        assert.strictEqual(yield* eras.get(url), "2026-07-28")
      }
    }).pipe(
      Effect.provide(EffectHttp.layer({ era: "stateless", emit: () => Effect.void }).pipe(Layer.orDie)),
      Effect.scoped
    ))

  it.live("a stateful server remembered as stateless is found again, in the same attempt", () =>
    Effect.gen(function*() {
      const server = yield* Servers.streamableHttp({ json: true, sessions: true })
      const eras = yield* McpEraCache.make()
      yield* eras.set(server.url, "2026-07-28")
      const methods: Array<string> = []
      const client = yield* clientOf(server.url, eras, methods)
      assert.strictEqual((yield* client.session).era, "stateful")
      assert.include(opening(methods), "initialize")
      assert.strictEqual(yield* eras.get(server.url), "legacy")
      assert.deepStrictEqual((yield* client.callTool("add", { a: 1, b: 1 })).structuredContent, { sum: 2 })
    }).pipe(Effect.scoped))

  it.live("a 2026-07-28 server remembered as stateful is found again, in the same attempt", () =>
    Effect.gen(function*() {
      const url = yield* EffectHttp.url
      const eras = yield* McpEraCache.make()
      yield* eras.set(url, "legacy")
      const methods: Array<string> = []
      const client = yield* clientOf(url, eras, methods)
      const session = yield* client.session
      assert.strictEqual(session.era, "stateless")
      assert.deepStrictEqual(opening(methods).slice(0, 1), ["initialize"])
      assert.include(opening(methods), "server/discover")
      assert.strictEqual(yield* eras.get(url), "2026-07-28")
    }).pipe(
      Effect.provide(EffectHttp.layer({ era: "stateless", emit: () => Effect.void }).pipe(Layer.orDie)),
      Effect.scoped
    ))
})
