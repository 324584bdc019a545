/**
 * Connecting: one deadline for the whole negotiation, the `"auto"` probe included, and a probe that
 * does not wait alone for long: after `discoveryTimeout` the handshake goes beside it, and whichever
 * the server answers first decides the era.
 */
import { assert, describe, it } from "@effect/vitest"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { TestClock } from "effect/testing"
import * as McpClient from "../src/McpClient.ts"
import * as McpError from "../src/McpError.ts"
import * as McpQueueTransport from "../src/McpQueueTransport.ts"
import { type Log, makeLog } from "./e2e/wire.ts"
import type * as ScriptedPeer from "./fixtures/ScriptedPeer.ts"

const DISCOVERY = {
  resultType: "complete",
  supportedVersions: ["2026-07-28"],
  capabilities: { tools: {} },
  _meta: { "io.modelcontextprotocol/serverInfo": { name: "slow-modern", version: "1" } }
}

/**
 * A server that records what it reads and answers `server/discover` after `discoverAfter` (never
 * when undefined) and `initialize` with an error (a 2026-07-28 server) or never.
 */
const peer = (
  log: Log<ScriptedPeer.ClientMessage>,
  options: { readonly discoverAfter?: Duration.Input | undefined; readonly refuseInitialize?: boolean }
) =>
(server: McpQueueTransport.Peer) =>
  Effect.gen(function*() {
    while (true) {
      const message = (yield* Effect.orDie(server.receive)) as ScriptedPeer.ClientMessage
      log.push(message)
      if (message.method === "server/discover" && options.discoverAfter !== undefined) {
        yield* Effect.sleep(options.discoverAfter).pipe(
          Effect.andThen(server.send({ jsonrpc: "2.0", id: message.id, result: DISCOVERY })),
          Effect.forkScoped({ startImmediately: true })
        )
      }
      if (message.method === "initialize" && options.refuseInitialize === true) {
        yield* server.send({ jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "Method not found" } })
      }
    }
  })

const connect = (serve: ReturnType<typeof peer>, options?: McpClient.Options) =>
  McpClient.make(options).pipe(
    Effect.provide(McpQueueTransport.layer(serve)),
    Effect.flatMap((client) => client.session)
  )

describe("connecting", () => {
  it.effect("a server that answers nothing fails at the one deadline, probe included, which the error states", () =>
    Effect.gen(function*() {
      const log = makeLog<ScriptedPeer.ClientMessage>()
      const fiber = yield* connect(peer(log, {}), { initializationTimeout: "30 seconds" }).pipe(
        Effect.flip,
        Effect.forkChild({ startImmediately: true })
      )
      yield* log.until((m) => m.method === "server/discover")
      yield* TestClock.adjust("29999 millis")
      assert.isUndefined(fiber.pollUnsafe())
      // the handshake went beside the probe after 5 seconds; both share the 30
      yield* log.until((m) => m.method === "initialize")
      assert.deepStrictEqual(log.items.map((m) => m.method), ["server/discover", "initialize"])
      yield* TestClock.adjust("1 millis")
      const error = yield* Fiber.join(fiber)
      assert.instanceOf(error, McpError.McpTimeoutError)
      assert.strictEqual(error.timeoutMillis, 30_000)
      assert.strictEqual(error.message, "initialize timed out after 30000 ms")
    }).pipe(Effect.scoped))

  it.effect("a slow 2026-07-28 server is still taken for one: its late discovery answer wins", () =>
    Effect.gen(function*() {
      const log = makeLog<ScriptedPeer.ClientMessage>()
      const fiber = yield* connect(peer(log, { discoverAfter: "8 seconds", refuseInitialize: true })).pipe(
        Effect.forkChild({ startImmediately: true })
      )
      yield* log.until((m) => m.method === "server/discover")
      yield* TestClock.adjust("5 seconds")
      yield* log.until((m) => m.method === "initialize")
      yield* TestClock.adjust("3 seconds")
      const session = yield* Fiber.join(fiber)
      assert.deepStrictEqual([session.era, session.protocolVersion], ["stateless", "2026-07-28"])
      assert.deepStrictEqual(log.items.map((m) => m.method), ["server/discover", "initialize"])
    }).pipe(Effect.scoped))

  it.effect("the probe waits alone only for the discoveryTimeout", () =>
    Effect.gen(function*() {
      const log = makeLog<ScriptedPeer.ClientMessage>()
      const fiber = yield* connect(peer(log, {}), { discoveryTimeout: "2 seconds" }).pipe(
        Effect.flip,
        Effect.forkChild({ startImmediately: true })
      )
      yield* log.until((m) => m.method === "server/discover")
      yield* TestClock.adjust("1999 millis")
      assert.deepStrictEqual(log.items.map((m) => m.method), ["server/discover"])
      yield* TestClock.adjust("1 millis")
      yield* log.until((m) => m.method === "initialize")
      yield* TestClock.adjust("28 seconds")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(log.items.map((m) => m.method), ["server/discover", "initialize"])
    }).pipe(Effect.scoped))
})
