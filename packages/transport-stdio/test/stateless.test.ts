/**
 * What revision 2026-07-28 does over stdio and nowhere else. The behaviour every transport shares runs
 * in the end-to-end suite (`e2e.test.ts`).
 */
import * as McpClient from "@effect-mcp/core/McpClient"
import * as McpError from "@effect-mcp/core/McpError"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import type * as EffectServer from "../../core/test/e2e/servers/effect.ts"
import * as Wire from "../../core/test/e2e/wire.ts"
import * as E2e from "./fixtures/e2e.ts"

/** A client in the current scope over the transport in the context. */
const client = (options?: McpClient.Options) => McpClient.make({ timeout: "20 seconds", ...options })

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Effect's server (2026-07-28 and 2025-11-25) as a process, its events in `events`, what is sent in `sent`. */
const effectServer = (events: Wire.Log<EffectServer.Event>, sent: Wire.Log<Wire.Sent> = Wire.makeLog()) =>
  E2e.effectEvents(events.push).pipe(
    Layer.provideMerge(E2e.transport({ ...E2e.server("effect", "both"), stderr: "stream" }, sent.push))
  )

describe("2026-07-28 over stdio", () => {
  it.live("stdio has no headers: the SDK v2 server's tool sees none", () =>
    Effect.gen(function*() {
      const c = yield* client()
      assert.strictEqual((yield* c.session).era, "stateless")
      assert.deepStrictEqual((yield* c.callTool("add", { a: 2, b: 3, region: "eu-west-1" })).structuredContent, {
        sum: 5
      })
    }).pipe(Effect.provide(E2e.transport(E2e.server("sdk2")))))

  it.live("interrupting a call sends notifications/cancelled naming it, which stops the server's handler", () => {
    const events = Wire.makeLog<EffectServer.Event>()
    const sent = Wire.makeLog<Wire.Sent>()
    return Effect.gen(function*() {
      const c = yield* client()
      const fiber = yield* c.callTool("slow", { tag: "a" }).pipe(Effect.forkChild({ startImmediately: true }))
      yield* events.until((event) => event._tag === "Started" && event.tag === "a")
      yield* Fiber.interrupt(fiber)
      yield* events.until((event) => event._tag === "Interrupted" && event.tag === "a")
      const call = sent.items.find((m) => m.method === "tools/call")
      const cancelled = sent.items.find((m) => m.method === "notifications/cancelled")
      assert.isDefined(call?.id)
      assert.strictEqual(cancelled?.params?.requestId, call?.id)
    }).pipe(Effect.provide(effectServer(events, sent)))
  })

  it.live("a process killed mid-call: the call fails with ProcessExited; the next runs stateless on a new one", () => {
    const events = Wire.makeLog<EffectServer.Event>()
    return Effect.gen(function*() {
      const c = yield* client()
      const pid = (yield* c.callTool("pid")).structuredContent as number
      const slow = yield* c.callTool("slow", { tag: "killed" }).pipe(
        Effect.flip,
        Effect.forkChild({ startImmediately: true })
      )
      // mid-call: the server's handler has started
      yield* events.until((event) => event._tag === "Started" && event.tag === "killed")
      process.kill(pid, "SIGKILL")
      const error = yield* Fiber.join(slow).pipe(Effect.timeout("5 seconds"))
      assert.instanceOf(error, McpError.McpTransportError)
      assert.strictEqual(error.reason._tag, "ProcessExited")
      const next = (yield* c.callTool("pid")).structuredContent as number
      assert.notStrictEqual(next, pid)
      assert.isTrue(isAlive(next))
      const session = yield* c.session
      assert.strictEqual(session.era, "stateless")
      assert.strictEqual(session.protocolVersion, "2026-07-28")
    }).pipe(Effect.provide(effectServer(events)))
  })
})
