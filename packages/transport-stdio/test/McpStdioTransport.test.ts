import * as McpClient from "@effect-mcp/core/McpClient"
import * as McpError from "@effect-mcp/core/McpError"
import type * as McpSchema from "@effect-mcp/core/McpSchema"
import { NodeServices } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { TestClock } from "effect/testing"
import { mkdtempSync, readFileSync, realpathSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as McpStdioCommand from "../src/McpStdioCommand.ts"
import * as McpStdioTransport from "../src/McpStdioTransport.ts"
import * as E2e from "./fixtures/e2e.ts"

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const node = process.execPath
const effectServer = { command: node, args: [fixture("effect-server.ts")] }
const sdkServer = E2e.server("sdk1")
const stubbornServer = { command: node, args: [fixture("stubborn-server.ts")] }
const everything = McpStdioCommand.infer(
  fileURLToPath(import.meta.resolve("@modelcontextprotocol/server-everything/dist/index.js")),
  { node, args: ["stdio"] }
)

const transport = (options: McpStdioTransport.Options) =>
  McpStdioTransport.layer(options).pipe(Layer.provide(NodeServices.layer))

/** A client in the current scope over the transport in the context. */
const client = (options?: McpClient.Options) => McpClient.make({ timeout: "20 seconds", ...options })

const textOf = (result: McpSchema.CallToolResult): string => {
  const block = result.content[0]
  return block?.type === "text" ? block.text : ""
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Waits (in real time, against a real process) until the pid is gone; fails after 5 seconds. */
const awaitGone = (pid: number) =>
  Effect.gen(function*() {
    for (let i = 0; i < 100 && isAlive(pid); i++) yield* Effect.sleep("50 millis")
    assert.isFalse(isAlive(pid), `process ${pid} is still running`)
  })

const pidOf = (c: McpClient.McpClient["Service"]) => Effect.map(c.callTool("pid"), (r) => Number(textOf(r)))

describe("McpStdioTransport", () => {
  describe("against an Effect McpServer over stdio", () => {
    it.live("serves the operations, a 64 MiB response, and concurrent calls", () =>
      Effect.gen(function*() {
        const c = yield* client()
        const session = yield* c.session
        assert.strictEqual(session.serverInfo.name, "effect-stdio-server")
        const tools = yield* c.listTools()
        assert.includeMembers(tools.map((t) => t.name), ["add", "echo", "pid", "big", "slow", "crash"])
        assert.deepStrictEqual((yield* c.callTool("add", { a: 2, b: 3 })).structuredContent, { sum: 5 })
        assert.strictEqual(textOf(yield* c.callTool("echo", { text: "héllo 日本 😀" })), "héllo 日本 😀")
        const big = textOf(yield* c.callTool("big", { mib: 64 }))
        assert.strictEqual(big.length, 64 * 1024 * 1024)
        const sums = yield* Effect.forEach(
          Array.from({ length: 64 }, (_, i) => i),
          (i) => Effect.map(c.callTool("add", { a: i, b: i }), (r) => (r.structuredContent as { sum: number }).sum),
          { concurrency: "unbounded" }
        )
        assert.deepStrictEqual(sums, Array.from({ length: 64 }, (_, i) => 2 * i))
      }).pipe(Effect.provide(transport(effectServer))), { timeout: 60_000 })

    it.live("keep-alive: two sessions in a row share one process", () =>
      Effect.gen(function*() {
        const first = yield* Effect.scoped(Effect.flatMap(client(), pidOf))
        const second = yield* Effect.scoped(Effect.flatMap(client(), pidOf))
        assert.strictEqual(first, second)
        assert.isTrue(isAlive(first))
      }).pipe(Effect.provide(transport(effectServer))), { timeout: 30_000 })

    it.live(
      "keepAlive: false starts a process per session and stops it with the session",
      () =>
        Effect.gen(function*() {
          const first = yield* Effect.scoped(Effect.flatMap(client(), pidOf))
          yield* awaitGone(first)
          const second = yield* Effect.scoped(Effect.flatMap(client(), pidOf))
          assert.notStrictEqual(first, second)
          yield* awaitGone(second)
        }).pipe(Effect.provide(transport({ ...effectServer, keepAlive: false }))),
      { timeout: 30_000 }
    )

    it.live("closing the layer's scope stops the kept-alive process", () =>
      Effect.gen(function*() {
        const scope = yield* Scope.make()
        const context = yield* Layer.buildWithScope(transport(effectServer), scope)
        const pid = yield* Effect.scoped(Effect.flatMap(client(), pidOf)).pipe(Effect.provideContext(context))
        assert.isTrue(isAlive(pid))
        yield* Scope.close(scope, Exit.void)
        yield* awaitGone(pid)
      }), { timeout: 30_000 })

    it.live(
      "kill -9 mid-call: the call fails at once with ProcessExited; the next call runs on a new process",
      () =>
        Effect.gen(function*() {
          const c = yield* client()
          const pid = yield* pidOf(c)
          const slow = yield* c.callTool("slow", { ms: 30_000 }).pipe(
            Effect.flip,
            Effect.forkChild({ startImmediately: true })
          )
          yield* c.ping()
          process.kill(pid, "SIGKILL")
          const error = yield* Fiber.join(slow).pipe(Effect.timeout("1 second"))
          assert.instanceOf(error, McpError.McpTransportError)
          assert.strictEqual(error.reason._tag, "ProcessExited")
          if (error.reason._tag === "ProcessExited") assert.strictEqual(error.reason.signal, "SIGKILL")
          const next = yield* pidOf(c)
          assert.notStrictEqual(next, pid)
          assert.isTrue(isAlive(next))
        }).pipe(Effect.provide(transport(effectServer))),
      { timeout: 30_000 }
    )

    it.live("a process that exits carries its exit code and last stderr lines", () =>
      Effect.gen(function*() {
        const c = yield* client({ reconnect: false })
        yield* c.callTool("stderr", { text: "line one" })
        const error = yield* c.callTool("crash", { code: 7 }).pipe(Effect.flip)
        assert.instanceOf(error, McpError.McpTransportError)
        assert.strictEqual(error.reason._tag, "ProcessExited")
        if (error.reason._tag === "ProcessExited") {
          assert.strictEqual(error.reason.exitCode, 7)
          assert.includeMembers([...error.reason.stderr], ["line one", "about to crash with 7"])
        }
        assert.include(error.message, "exited with code 7")
      }).pipe(Effect.provide(transport(effectServer))), { timeout: 30_000 })

    it.live("the child gets a safe environment plus env, not the parent's secrets", () =>
      Effect.gen(function*() {
        // set for this test only: other tests in this process must not see it
        yield* Effect.acquireRelease(
          Effect.sync(() => {
            const before = process.env.EFFECT_MCP_TEST_SECRET
            process.env.EFFECT_MCP_TEST_SECRET = "s3cret"
            return before
          }),
          (before) =>
            Effect.sync(() => {
              if (before === undefined) delete process.env.EFFECT_MCP_TEST_SECRET
              else process.env.EFFECT_MCP_TEST_SECRET = before
            })
        )
        const names = { names: ["EFFECT_MCP_TEST_SECRET", "PATH", "EXTRA"] }
        const safe = yield* Effect.scoped(Effect.flatMap(client(), (c) => c.callTool("env", names))).pipe(
          Effect.provide(transport({ ...effectServer, env: { EXTRA: "yes" }, keepAlive: false }))
        )
        assert.deepStrictEqual(safe.structuredContent, {
          EFFECT_MCP_TEST_SECRET: null,
          PATH: process.env.PATH ?? null,
          EXTRA: "yes"
        })
        const all = yield* Effect.scoped(Effect.flatMap(client(), (c) => c.callTool("env", names))).pipe(
          Effect.provide(transport({ ...effectServer, inheritEnv: "all", keepAlive: false }))
        )
        assert.strictEqual((all.structuredContent as Record<string, unknown>).EFFECT_MCP_TEST_SECRET, "s3cret")
      }).pipe(Effect.scoped), { timeout: 30_000 })

    it.live("the child runs in cwd", () =>
      Effect.gen(function*() {
        const dir = mkdtempSync(join(tmpdir(), "effect-mcp-cwd-"))
        const cwd = yield* Effect.scoped(Effect.flatMap(client(), (c) => c.callTool("cwd"))).pipe(
          Effect.provide(transport({ ...effectServer, cwd: dir, keepAlive: false }))
        )
        // tmpdir may be a symbolic link (macOS): compare real paths
        assert.strictEqual(realpathSync(textOf(cwd)), realpathSync(dir))
        assert.notStrictEqual(realpathSync(process.cwd()), realpathSync(dir))
      }), { timeout: 30_000 })

    it.live(
      "a process that writes to stderr, then exits: ProcessExited shows its last lines, read to the end",
      () =>
        Effect.gen(function*() {
          const error = yield* client({ reconnect: false }).pipe(Effect.flip)
          assert.instanceOf(error, McpError.McpTransportError)
          assert.strictEqual(error.reason._tag, "ProcessExited")
          if (error.reason._tag === "ProcessExited") {
            assert.deepStrictEqual(error.reason.stderr, ["noise 19998", "noise 19999", "last words"])
          }
          // more than a pipe holds: the last lines are still in the pipe when the process is gone
          assert.isTrue(
            error.message.endsWith(" exited with code 3; last stderr lines:\nnoise 19998\nnoise 19999\nlast words"),
            error.message.slice(-200)
          )
        }).pipe(Effect.provide(transport({
          command: node,
          // writeSync: process.stderr.write queues what a full pipe does not take, and exit would drop it
          args: [
            "-e",
            "let s = ''; for (let i = 0; i < 20000; i++) s += 'noise ' + i + '\\n'; require('node:fs').writeSync(2, s + 'last words\\n'); process.exit(3)"
          ],
          stderrTail: 3
        }))),
      { timeout: 30_000 }
    )

    it.live("stderr as a stream and to a file", () =>
      Effect.gen(function*() {
        const file = join(mkdtempSync(join(tmpdir(), "effect-mcp-")), "stderr.log")
        yield* Effect.gen(function*() {
          const { lines } = yield* McpStdioTransport.McpStdioStderr
          const seen = yield* lines.pipe(
            Stream.filter((line) => line.startsWith("hello")),
            Stream.take(1),
            Stream.runCollect,
            Effect.forkChild({ startImmediately: true })
          )
          const c = yield* client()
          yield* c.callTool("stderr", { text: "hello stderr" })
          assert.deepStrictEqual(yield* Fiber.join(seen), ["hello stderr"])
        }).pipe(Effect.scoped, Effect.provide(transport({ ...effectServer, stderr: { file } })))
        assert.include(readFileSync(file, "utf8"), "hello stderr\n")
      }), { timeout: 30_000 })
  })

  describe("faults", () => {
    it.live("a missing executable fails with SpawnFailed, naming the command and the OS error", () =>
      Effect.gen(function*() {
        const error = yield* client().pipe(Effect.flip)
        assert.instanceOf(error, McpError.McpTransportError)
        assert.strictEqual(error.reason._tag, "SpawnFailed")
        if (error.reason._tag === "SpawnFailed") {
          assert.include(error.reason.command, "no-such-mcp-server")
          assert.include(error.message, "ENOENT")
        }
      }).pipe(Effect.provide(transport({ command: "no-such-mcp-server", args: ["--x"] }))))

    it.live("arguments node refuses (a NUL byte) fail with SpawnFailed, not a defect", () =>
      Effect.gen(function*() {
        const error = yield* client().pipe(Effect.flip)
        assert.instanceOf(error, McpError.McpTransportError)
        assert.strictEqual(error.reason._tag, "SpawnFailed")
        if (error.reason._tag === "SpawnFailed") assert.include(error.message, "null bytes")
      }).pipe(Effect.provide(transport({ command: node, args: ["-e", "1\u0000"] }))))

    it.live("a server that ignores SIGTERM is killed, with its process group", () =>
      Effect.gen(function*() {
        const scope = yield* Scope.make()
        const context = yield* Layer.buildWithScope(
          transport({
            ...stubbornServer,
            env: { GRANDCHILD: "1" },
            shutdown: { stdinGrace: "200 millis", termGrace: "300 millis" }
          }),
          scope
        )
        const [pid, grandchild] = yield* Effect.gen(function*() {
          const c = yield* client()
          return [Number(textOf(yield* c.callTool("pid"))), Number(textOf(yield* c.callTool("grandchild")))] as const
        }).pipe(Effect.scoped, Effect.provideContext(context))
        assert.isTrue(isAlive(pid) && isAlive(grandchild))
        yield* Scope.close(scope, Exit.void)
        yield* awaitGone(pid)
        yield* awaitGone(grandchild)
      }), { timeout: 30_000 })

    it.live("garbage on stdout is skipped; the session goes on", () =>
      Effect.gen(function*() {
        const c = yield* client()
        assert.strictEqual(textOf(yield* c.callTool("pid")).length > 0, true)
        yield* c.ping()
      }).pipe(
        Effect.provide(transport({ ...stubbornServer, env: { GARBAGE: "1" }, shutdown: { termGrace: "200 millis" } }))
      ))

    it.live("a message over the cap fails the connection with MessageTooLarge", () =>
      Effect.gen(function*() {
        const c = yield* client({ reconnect: false })
        const error = yield* c.callTool("big", { mib: 2 }).pipe(Effect.flip)
        assert.instanceOf(error, McpError.McpTransportError)
        assert.strictEqual(error.reason._tag, "MessageTooLarge")
      }).pipe(Effect.provide(transport({ ...effectServer, maxMessageBytes: 1024 * 1024 }))), { timeout: 30_000 })
  })

  describe("keep-alive faults", () => {
    const silent = {
      command: node,
      args: ["-e", "process.stderr.write('pid ' + process.pid + '\\n'); setInterval(() => {}, 1000)"],
      stderr: "stream" as const,
      shutdown: { stdinGrace: "100 millis", termGrace: "100 millis" } as const
    }

    it.live("a process that never answers the handshake is replaced by the next session", () =>
      Effect.gen(function*() {
        const { lines } = yield* McpStdioTransport.McpStdioStderr
        const pids = yield* lines.pipe(
          Stream.filter((line) => line.startsWith("pid ")),
          Stream.take(2),
          Stream.runCollect,
          Effect.forkChild({ startImmediately: true })
        )
        for (let i = 0; i < 2; i++) {
          const error = yield* Effect.scoped(client({ initializationTimeout: "300 millis" })).pipe(Effect.flip)
          assert.instanceOf(error, McpError.McpTimeoutError)
        }
        const [first, second] = (yield* Fiber.join(pids)).map((line) => Number(line.slice(4)))
        assert.notStrictEqual(first, second)
        yield* awaitGone(first!)
      }).pipe(Effect.provide(transport(silent))), { timeout: 30_000 })

    it.live(
      "a server that closes its stdin: the next write fails the session at once, not by timeout",
      () =>
        Effect.gen(function*() {
          const { lines } = yield* McpStdioTransport.McpStdioStderr
          const closed = yield* lines.pipe(
            Stream.filter((line) => line === "closed"),
            Stream.runHead,
            Effect.forkChild({ startImmediately: true })
          )
          const c = yield* client({ timeout: "Infinity", reconnect: false, protocolVersion: "legacy" })
          yield* Fiber.join(closed) // what was written before the close is lost unseen; the next write is not
          // no deadline of the client can fire (Infinity) and the process stays alive: only the failed
          // write can end the call, and it does within a few milliseconds
          const error = yield* c.callTool("anything").pipe(Effect.flip, Effect.timeout("1 second"))
          assert.instanceOf(error, McpError.McpTransportError)
          assert.strictEqual(error.reason._tag, "SendFailed")
          assert.include(error.message, "the server's stdin is closed")
        }).pipe(
          Effect.provide(transport({
            command: node,
            // answers initialize, then closes its stdin and stays alive
            args: [
              "-e",
              `process.stdin.once("data", (line) => {
              const { id } = JSON.parse(String(line).split("\\n")[0])
              process.stdout.write(JSON.stringify({ jsonrpc: "2.0", id, result: { protocolVersion: "2025-11-25", capabilities: { tools: {} }, serverInfo: { name: "closer", version: "0" } } }) + "\\n")
              process.stdin.destroy()
              try { require("node:fs").closeSync(0) } catch {}
              process.stderr.write("closed\\n")
            }); setInterval(() => {}, 1000)`
            ],
            stderr: "stream",
            shutdown: { stdinGrace: "100 millis", termGrace: "100 millis" }
          }))
        ),
      { timeout: 30_000 }
    )

    it.live(
      "a second concurrent session on a kept-alive process waits sessionWait, then fails with a typed error",
      () =>
        Effect.gen(function*() {
          const first = yield* client()
          assert.strictEqual((yield* first.session).serverInfo.name, "effect-stdio-server")
          // the second session's wait is on its own clock: a test clock, moved by hand
          const clock = yield* TestClock.make()
          const second = yield* Effect.scoped(client()).pipe(
            Effect.flip,
            Effect.provideService(Clock.Clock, clock),
            Effect.forkChild({ startImmediately: true })
          )
          yield* clock.adjust("299 millis")
          assert.isUndefined(second.pollUnsafe(), "the second session gave up before sessionWait")
          yield* clock.adjust("1 millis")
          const error = yield* Fiber.join(second)
          assert.instanceOf(error, McpError.McpTransportError)
          assert.include(error.message, "in use by another session (waited 300ms)")
          // the first session was not disturbed
          yield* first.ping()
        }).pipe(Effect.provide(transport({ ...effectServer, sessionWait: "300 millis" }))),
      { timeout: 30_000 }
    )

    it.live(
      "a second session on a kept-alive process waits for the first to end, then proceeds on the same process",
      () =>
        Effect.gen(function*() {
          const firstScope = yield* Scope.make()
          const first = yield* client({ timeout: "5 seconds" }).pipe(Scope.provide(firstScope))
          const pid = yield* pidOf(first)
          const second = yield* Effect.scoped(Effect.flatMap(client(), pidOf)).pipe(
            Effect.forkChild({ startImmediately: true })
          )
          // while the second waits, the first still has the process to itself
          assert.strictEqual(yield* pidOf(first), pid)
          assert.isUndefined(second.pollUnsafe(), "the second session did not wait for the first")
          yield* Scope.close(firstScope, Exit.void)
          assert.strictEqual(yield* Fiber.join(second), pid)
          assert.isTrue(isAlive(pid))
        }).pipe(Effect.provide(transport({ ...effectServer, sessionWait: "20 seconds" }))),
      { timeout: 30_000 }
    )
  })

  describe("against other servers", () => {
    it.live("the official SDK's stdio server, across two kept-alive sessions", () =>
      Effect.gen(function*() {
        const pids = yield* Effect.forEach([1, 2], () =>
          Effect.scoped(Effect.gen(function*() {
            const c = yield* client()
            assert.strictEqual((yield* c.session).serverInfo.name, "effect-mcp-sdk1-fixture")
            assert.deepStrictEqual((yield* c.callTool("add", { a: 20, b: 22 })).structuredContent, { sum: 42 })
            return Number(textOf(yield* c.callTool("pid")))
          })))
        assert.strictEqual(pids[0], pids[1])
      }).pipe(Effect.provide(transport(sdkServer))), { timeout: 30_000 })

    it.live("@modelcontextprotocol/server-everything over stdio", () =>
      Effect.gen(function*() {
        const c = yield* client()
        const session = yield* c.session
        assert.isDefined(session.capabilities.tools)
        const tools = yield* c.listTools()
        assert.isTrue(tools.some((t) => t.name === "echo"))
        assert.strictEqual(textOf(yield* c.callTool("echo", { message: "hi" })), "Echo: hi")
        const resources = yield* c.listResources()
        assert.isTrue(resources.length > 0)
        const prompts = yield* c.listPrompts()
        assert.isTrue(prompts.length > 0)
      }).pipe(Effect.provide(transport(everything))), { timeout: 60_000 })
  })
})
