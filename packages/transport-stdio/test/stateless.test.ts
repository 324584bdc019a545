import * as McpClient from "@effect-mcp/core/McpClient"
import * as McpElicitation from "@effect-mcp/core/McpElicitation"
import * as McpError from "@effect-mcp/core/McpError"
import * as McpRoots from "@effect-mcp/core/McpRoots"
import * as McpSampling from "@effect-mcp/core/McpSampling"
import type * as McpSchema from "@effect-mcp/core/McpSchema"
import { NodeServices } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { fileURLToPath } from "node:url"
import * as McpStdioTransport from "../src/McpStdioTransport.ts"

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const node = process.execPath
/** The entry of the end-to-end suite's servers. */
const main = fileURLToPath(new URL("../../core/test/e2e/servers/main.ts", import.meta.url))
/** The official SDK v2 server (2026-07-28 and the stateful revisions on one binary). */
const sdk2Server = {
  command: node,
  args: [main, "sdk2", "stdio"]
}
/** The official SDK v1 server: stateful revisions only. */
const sdkServer = { command: node, args: [main, "sdk1", "stdio"] }
/** Effect's McpServer speaking 2026-07-28, with a tool that never answers. */
const effectServer2026 = { command: node, args: [fixture("effect-server-2026.ts")], stderr: "stream" as const }

const transport = (options: McpStdioTransport.Options) =>
  McpStdioTransport.layer(options).pipe(Layer.provide(NodeServices.layer))

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

const textOf = (result: McpSchema.CallToolResult): string => {
  const block = result.content[0]
  return block?.type === "text" ? block.text : ""
}

/** What the handlers of `book_trip`'s three rounds saw. */
interface Asked {
  readonly elicitations: Array<McpElicitation.ElicitationRequest>
  readonly samplings: Array<McpSchema.CreateMessageRequestParams>
  roots: number
}

/** The three handler layers that answer `book_trip`: Oslo, a pitch, one root. */
const tripHandlers = (asked: Asked) =>
  Layer.mergeAll(
    McpElicitation.layer((request) =>
      Effect.sync(() => {
        asked.elicitations.push(request)
        return McpElicitation.accept({ destination: "Oslo" })
      })
    ),
    McpSampling.layer((request) =>
      Effect.sync(() => {
        asked.samplings.push(request)
        return "Fjords."
      })
    ),
    Layer.succeed(McpRoots.McpRoots, {
      list: Effect.sync(() => {
        asked.roots++
        return [{ uri: "file:///home/ada/trips", name: "trips" }]
      }),
      changes: undefined
    })
  )

const BOOKED = "Booked Oslo. Pitch: Fjords.. Roots: file:///home/ada/trips"

const assertTripAsked = (asked: Asked) => {
  assert.lengthOf(asked.elicitations, 1)
  assert.strictEqual(asked.elicitations[0]!.message, "Where to?")
  assert.lengthOf(asked.samplings, 1)
  assert.deepStrictEqual(asked.samplings[0]!.messages[0]!.content, {
    type: "text",
    text: "One line to sell a trip to Oslo"
  })
  assert.strictEqual(asked.roots, 1)
}

describe("2026-07-28 over stdio against the official SDK v2 server", () => {
  it.live("auto negotiates 2026-07-28 and serves tools, resources and prompts", () =>
    Effect.gen(function*() {
      const c = yield* client()
      const session = yield* c.session
      assert.strictEqual(session.era, "stateless")
      assert.strictEqual(session.protocolVersion, "2026-07-28")
      assert.include(session.discovery?.supportedVersions ?? [], "2026-07-28")
      assert.deepStrictEqual(session.serverInfo, { name: "effect-mcp-sdk2-fixture", version: "1.0.0" })
      assert.isDefined(session.capabilities.tools)
      assert.deepStrictEqual((yield* c.listTools()).map((t) => t.name), ["add", "book_trip", "touch"])
      // stdio has no headers: the tool sees none
      assert.deepStrictEqual((yield* c.callTool("add", { a: 2, b: 3, region: "eu-west-1" })).structuredContent, {
        sum: 5
      })
      assert.deepStrictEqual((yield* c.listResources()).map((r) => r.uri), ["demo://greeting", "demo://counter"])
      const greeting = yield* c.readResourceRaw("demo://greeting")
      assert.deepStrictEqual(greeting.contents, [
        { uri: "demo://greeting", mimeType: "text/plain", text: "Hello from the SDK v2 fixture" }
      ])
      const prompt = yield* c.getPrompt("greet", { name: "Ada" })
      assert.deepStrictEqual(prompt.messages, [{ role: "user", content: { type: "text", text: "Say hello to Ada" } }])
      const missing = yield* c.readResource("demo://nope").pipe(Effect.flip)
      assert.instanceOf(missing, McpError.McpProtocolError)
      assert.strictEqual(missing.reason._tag, "RpcError")
      if (missing.reason._tag === "RpcError") assert.strictEqual(missing.reason.code, -32602)
    }).pipe(Effect.provide(transport(sdk2Server))), { timeout: 30_000 })

  it.live(
    "book_trip completes through three input_required rounds answered by the handler layers",
    () =>
      Effect.gen(function*() {
        const asked: Asked = { elicitations: [], samplings: [], roots: 0 }
        const c = yield* client().pipe(Effect.provide(tripHandlers(asked)))
        assert.strictEqual((yield* c.session).era, "stateless")
        assert.strictEqual(textOf(yield* c.callTool("book_trip")), BOOKED)
        assertTripAsked(asked)
      }).pipe(Effect.provide(transport(sdk2Server))),
    { timeout: 30_000 }
  )

  it.live("without a sampling handler, the server refuses the second round with -32021", () =>
    Effect.gen(function*() {
      let elicited = 0
      const c = yield* client().pipe(
        Effect.provide(McpElicitation.layer(() =>
          Effect.sync(() => {
            elicited++
            return McpElicitation.accept({ destination: "Oslo" })
          })
        ))
      )
      const error = yield* c.callTool("book_trip").pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpProtocolError)
      assert.strictEqual(error.reason._tag, "RpcError")
      if (error.reason._tag === "RpcError") {
        assert.strictEqual(error.reason.code, -32021)
        assert.include(error.reason.message, "sampling/createMessage")
      }
      assert.strictEqual(elicited, 1)
    }).pipe(Effect.provide(transport(sdk2Server))), { timeout: 30_000 })

  it.live(
    "the same handlers answer the server's own requests when the session is stateful (legacy)",
    () =>
      Effect.gen(function*() {
        const asked: Asked = { elicitations: [], samplings: [], roots: 0 }
        const c = yield* client({ protocolVersion: "legacy" }).pipe(Effect.provide(tripHandlers(asked)))
        const session = yield* c.session
        assert.strictEqual(session.era, "stateful")
        assert.strictEqual(session.protocolVersion, "2025-11-25")
        assert.strictEqual(textOf(yield* c.callTool("book_trip")), BOOKED)
        assertTripAsked(asked)
        yield* c.ping()
      }).pipe(Effect.provide(transport({ ...sdk2Server, keepAlive: false }))),
    { timeout: 30_000 }
  )

  it.live("ping and logging/setLevel fail as removed in 2026-07-28; the session goes on", () =>
    Effect.gen(function*() {
      const c = yield* client()
      for (
        const [method, operation] of [["ping", c.ping()], ["logging/setLevel", c.setLoggingLevel("info")]] as const
      ) {
        const error = yield* Effect.flip(operation)
        assert.instanceOf(error, McpError.McpCapabilityError)
        if (error instanceof McpError.McpCapabilityError) {
          assert.strictEqual(error.method, method)
          assert.isTrue(error.removed)
          assert.include(error.message, "2026-07-28")
        }
      }
      assert.deepStrictEqual((yield* c.callTool("add", { a: 1, b: 2 })).structuredContent, { sum: 3 })
    }).pipe(Effect.provide(transport(sdk2Server))), { timeout: 30_000 })

  it.live("two sessions in a row on one kept-alive process are both stateless", () =>
    Effect.gen(function*() {
      const eras = yield* Effect.forEach([1, 2], () =>
        Effect.scoped(Effect.gen(function*() {
          const c = yield* client()
          assert.deepStrictEqual((yield* c.callTool("add", { a: 1, b: 1 })).structuredContent, { sum: 2 })
          return (yield* c.session).era
        })))
      assert.deepStrictEqual(eras, ["stateless", "stateless"])
    }).pipe(Effect.provide(transport(sdk2Server))), { timeout: 30_000 })
})

describe("2026-07-28 over stdio against a stateful-only server (SDK v1)", () => {
  it.live("auto falls back to initialize by itself; the operations work", () =>
    Effect.gen(function*() {
      const c = yield* client()
      const session = yield* c.session
      assert.strictEqual(session.era, "stateful")
      assert.strictEqual(session.protocolVersion, "2025-11-25")
      assert.isUndefined(session.discovery)
      assert.strictEqual(session.serverInfo.name, "effect-mcp-sdk1-fixture")
      assert.deepStrictEqual((yield* c.callTool("add", { a: 20, b: 22 })).structuredContent, { sum: 42 })
      assert.isTrue(Number(textOf(yield* c.callTool("pid"))) > 0)
      yield* c.ping()
    }).pipe(Effect.provide(transport(sdkServer))), { timeout: 30_000 })

  it.live(
    "protocolVersion pinned to 2026-07-28 fails the connection with a typed error, without falling back",
    () =>
      Effect.gen(function*() {
        const error = yield* client({ protocolVersion: "2026-07-28" }).pipe(Effect.flip)
        // the server's "Method not found" for server/discover means it does not speak the pinned revision
        assert.instanceOf(error, McpError.McpVersionError)
        if (error instanceof McpError.McpVersionError) assert.strictEqual(error.requested, "2026-07-28")
        // the same process still serves a stateful session: the refused probe left it uninitialized
        const c = yield* client({ protocolVersion: "legacy" })
        assert.strictEqual((yield* c.session).era, "stateful")
      }).pipe(Effect.scoped, Effect.provide(transport(sdkServer))),
    { timeout: 30_000 }
  )
})

describe("2026-07-28 over stdio against Effect's McpServer", () => {
  it.live(
    "interrupting a call sends notifications/cancelled, which stops the server's handler",
    () =>
      Effect.gen(function*() {
        const { lines } = yield* McpStdioTransport.McpStdioStderr
        const seen: Array<string> = []
        yield* lines.pipe(
          Stream.runForEach((line) => Effect.sync(() => seen.push(line))),
          Effect.forkScoped({ startImmediately: true })
        )
        const c = yield* client()
        const session = yield* c.session
        assert.strictEqual(session.era, "stateless")
        assert.strictEqual(session.serverInfo.name, "effect-stdio-2026")
        const fiber = yield* c.callTool("slow", { tag: "a" }).pipe(Effect.forkChild({ startImmediately: true }))
        for (let i = 0; i < 200 && !seen.includes("started a"); i++) yield* Effect.sleep("10 millis")
        assert.include(seen, "started a")
        yield* Fiber.interrupt(fiber)
        for (let i = 0; i < 200 && !seen.includes("interrupted a"); i++) yield* Effect.sleep("10 millis")
        assert.include(seen, "interrupted a")
        assert.deepStrictEqual((yield* c.callTool("add", { a: 1, b: 2 })).structuredContent, { sum: 3 })
      }).pipe(Effect.scoped, Effect.provide(transport(effectServer2026))),
    { timeout: 30_000 }
  )

  it.live(
    "a process killed mid-call: the call fails with ProcessExited; the next runs stateless on a new one",
    () =>
      Effect.gen(function*() {
        const c = yield* client()
        const pid = (yield* c.callTool("pid")).structuredContent as number
        const slow = yield* c.callTool("slow", { tag: "killed" }).pipe(
          Effect.flip,
          Effect.forkChild({ startImmediately: true })
        )
        yield* Effect.sleep("100 millis")
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
      }).pipe(Effect.scoped, Effect.provide(transport(effectServer2026))),
    { timeout: 30_000 }
  )
})
