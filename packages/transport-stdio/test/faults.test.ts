/**
 * Faults a new user meets first, against real child processes: a server that never answers, a server
 * that writes garbage forever.
 */
import * as McpClient from "@effect-mcp/core/McpClient"
import * as McpError from "@effect-mcp/core/McpError"
import { NodeServices } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { fileURLToPath } from "node:url"
import * as ScriptedPeer from "../../core/test/fixtures/ScriptedPeer.ts"
import * as McpStdioCommand from "../src/McpStdioCommand.ts"
import * as McpStdioTransport from "../src/McpStdioTransport.ts"

const transport = (options: McpStdioTransport.Options) =>
  McpStdioTransport.layer(options).pipe(Layer.provide(NodeServices.layer))

/** A server that reads its stdin and never writes a byte. */
const mute = {
  command: process.execPath,
  args: ["-e", "process.stdin.resume()"],
  shutdown: { stdinGrace: "100 millis", termGrace: "100 millis" }
} as const

describe("a server that never answers", () => {
  it.live("fails at the one connect deadline, probe included, and the error states it", () =>
    Effect.gen(function*() {
      const started = yield* Clock.currentTimeMillis
      const error = yield* McpClient.make({ initializationTimeout: "2 seconds", discoveryTimeout: "300 millis" }).pipe(
        Effect.flatMap((client) => client.listTools()),
        Effect.scoped,
        Effect.flip
      )
      const elapsed = (yield* Clock.currentTimeMillis) - started
      assert.instanceOf(error, McpError.McpTimeoutError)
      assert.strictEqual(error.message, "initialize timed out after 2000 ms")
      // one deadline: the probe's wait is part of it, not added to it (a real process: real time, with
      // room for its start and stop)
      assert.isAtLeast(elapsed, 2000)
      assert.isBelow(elapsed, 3500)
    }).pipe(Effect.provide(transport(mute))), { timeout: 30_000 })
})

/** A server that answers nothing and writes lines that are not JSON, as fast as it can, forever. */
const garbage = {
  command: process.execPath,
  args: ["-e", "const w = () => process.stdout.write('garbage\\n'.repeat(64), w); w()"],
  shutdown: { stdinGrace: "100 millis", termGrace: "100 millis" }
} as const

describe("a server that writes garbage forever", () => {
  it.live(
    "fails the connection with MalformedMessage after 100 in a row, having logged only the first few",
    () =>
      Effect.gen(function*() {
        const logs: Array<ScriptedPeer.LogEntry> = []
        const error = yield* McpClient.make({ reconnect: false }).pipe(
          Effect.flatMap((client) => client.listTools()),
          Effect.scoped,
          Effect.flip,
          Effect.provide(ScriptedPeer.captureLogs(logs))
        )
        assert.instanceOf(error, McpError.McpTransportError)
        if (error instanceof McpError.McpTransportError) assert.strictEqual(error.reason._tag, "MalformedMessage")
        assert.include(error.message, "100 messages in a row were not JSON-RPC")
        assert.include(error.message, ": garbage")
        const warnings = logs.filter((entry) => entry.level === "Warn")
        assert.lengthOf(warnings, 10)
        assert.isTrue(warnings.every((entry) => String(entry.message).includes("ignored a malformed message")))
        assert.isTrue(warnings.every((entry) => entry.annotations["mcp.message"] === "garbage"))
      }).pipe(Effect.provide(transport(garbage))),
    { timeout: 30_000 }
  )
})

const everything = McpStdioCommand.infer(
  fileURLToPath(import.meta.resolve("@modelcontextprotocol/server-everything/dist/index.js")),
  { node: process.execPath, args: ["stdio"] }
)

describe("the server's errors, in messages", () => {
  it.live("a JSON-RPC error reads as the server's words and its code, once", () =>
    Effect.gen(function*() {
      const client = yield* McpClient.make()
      const read = yield* client.readResource("test://nowhere/1").pipe(Effect.flip)
      assert.instanceOf(read, McpError.McpProtocolError)
      assert.strictEqual(read.message, "resources/read: Resource test://nowhere/1 not found (code -32602)")
      const prompt = yield* client.getPrompt("nowhere").pipe(Effect.flip)
      assert.strictEqual(prompt.message, "prompts/get: Prompt nowhere not found (code -32602)")
      if (prompt instanceof McpError.McpProtocolError && prompt.reason._tag === "RpcError") {
        // the server's own text stays as it came, for whoever needs it
        assert.strictEqual(prompt.reason.description, "MCP error -32602: Prompt nowhere not found")
      }
    }).pipe(Effect.scoped, Effect.provide(transport({ ...everything, stderr: "ignore" }))), { timeout: 30_000 })
})

/**
 * Answers `initialize`; answers each `tools/call` with, in one write: two progress reports (when
 * asked for), a line that is not JSON, then the result. The client takes a plain response straight
 * from the reader, but only when nothing read before it still waits: the reports and the malformed
 * line come first.
 */
const ordered = {
  command: process.execPath,
  args: [
    "-e",
    `const rl = require("node:readline").createInterface({ input: process.stdin })
     rl.on("line", (line) => {
       const m = JSON.parse(line)
       if (m.id === undefined) return
       if (m.method === "initialize") return process.stdout.write(JSON.stringify({ jsonrpc: "2.0", id: m.id, result: { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: "ordered", version: "1" } } }) + "\\n")
       const token = m.params._meta && m.params._meta.progressToken
       const out = token === undefined ? [] : [1, 2].map((progress) => JSON.stringify({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: token, progress, total: 2 } }))
       out.push("not json", JSON.stringify({ jsonrpc: "2.0", id: m.id, result: { content: [{ type: "text", text: "done " + m.id }] } }))
       process.stdout.write(out.join("\\n") + "\\n")
     })`
  ],
  shutdown: { stdinGrace: "100 millis", termGrace: "100 millis" }
} as const

describe("messages read together", () => {
  it.live("keep their order: progress and a malformed line before the response are handled first", () => {
    const logs: Array<ScriptedPeer.LogEntry> = []
    return Effect.gen(function*() {
      const reports: Array<number> = []
      const client = yield* McpClient.make({ protocolVersion: "legacy" })
      const first = yield* client.callToolRaw("work", {}, {
        onProgress: (progress) => Effect.sync(() => reports.push(progress.progress))
      })
      assert.deepStrictEqual(reports, [1, 2])
      assert.deepStrictEqual(first.content, [{ type: "text", text: "done 1" }])
      // without progress: the response still comes after its malformed line, which is reported
      const second = yield* client.callToolRaw("work", {})
      assert.deepStrictEqual(second.content, [{ type: "text", text: "done 2" }])
      const warnings = logs.filter((entry) => String(entry.message).includes("ignored a malformed message"))
      assert.lengthOf(warnings, 2)
    }).pipe(Effect.scoped, Effect.provide([transport(ordered), ScriptedPeer.captureLogs(logs)]))
  }, { timeout: 30_000 })
})
