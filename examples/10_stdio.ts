/**
 * A server as a child process (stdio). `McpStdioTransport.layerSource` infers the command from the
 * script (`.ts` → `node --experimental-strip-types`); the process is kept alive across sessions and
 * stopped (stdin closed → SIGTERM → SIGKILL) when the layer's scope closes. Its stderr is a Stream.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Fiber, Stream } from "effect"
import { McpClient, McpStdioTransport } from "effect-mcp"
import { fileURLToPath } from "node:url"

const script = fileURLToPath(new URL("./servers/demo-stdio.ts", import.meta.url))

const session = (label: string) =>
  Effect.gen(function*() {
    const client = yield* McpClient.make({ clientInfo: { name: "stdio-example", version: "1.0.0" } })
    const { serverInfo, protocolVersion } = yield* client.session
    const sum = yield* client.callTool("add", { a: 40, b: 2 })
    yield* Console.log(
      `${label}: ${serverInfo.name} (${protocolVersion}), add(40, 2) -> ${JSON.stringify(sum.structuredContent)}`
    )
  }).pipe(Effect.scoped)

const program = Effect.gen(function*() {
  const { lines } = yield* McpStdioTransport.McpStdioStderr
  const started = yield* lines.pipe(
    Stream.filter((line) => line.startsWith("demo-stdio server started")),
    Stream.runCollect,
    Effect.forkScoped
  )
  yield* session("session 1")
  yield* session("session 2 (same process: keep-alive)")
  yield* Fiber.interrupt(started)
  const startLines = yield* Fiber.await(started)
  yield* Console.log(`server processes started: ${startLines._tag === "Success" ? startLines.value.length : 1}`)
})

// no platform service needed: the transport runs the process on node:child_process
const TransportLive = McpStdioTransport.layerSource(script, { node: process.execPath, stderr: "stream" })

program.pipe(Effect.scoped, Effect.provide(TransportLive), NodeRuntime.runMain)
