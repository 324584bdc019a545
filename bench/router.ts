/**
 * Router benchmark (`BENCH=router npm run bench`, not part of the default run): a router over 50
 * servers, half child processes over stdio and half Streamable HTTP endpoints (sessions of one
 * official SDK HTTP server process on 127.0.0.1), each listing 200 tools.
 *
 * Figures: the router's startup against each server's own (connected one at a time: the slowest, and
 * the sum), and listing every tool (50 × 200) against listing one server's 200. Servers connect
 * concurrently, so startup should be near the slowest server, not the sum; listing should be linear.
 * Starting 25 Node processes at once is bound by the machine's cores: the HTTP-only row shows the
 * router's own concurrency.
 * `BENCH_ROUTER_SERVERS` changes the number of servers (default 50), `BENCH_TOOLS` the tools (200).
 */
import { McpClient, McpRouter } from "@effect-mcp/core"
import type { McpTransport } from "@effect-mcp/core/McpTransport"
import { McpHttpTransport } from "@effect-mcp/transport-http"
import { McpStdioTransport } from "@effect-mcp/transport-stdio"
import { NodeHttpClient, NodeServices } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"

const SERVERS = Number(process.env.BENCH_ROUTER_SERVERS ?? 50)
const TOOLS = Number(process.env.BENCH_TOOLS ?? 200)
const env = { ...process.env, BENCH_TOOLS: String(TOOLS) }
const script = (name: string) => fileURLToPath(new URL(`./servers/${name}`, import.meta.url))

/** The HTTP server process; resolves with its port once it listens. */
const startHttpServer = () =>
  new Promise<{ port: number; stop: () => void }>((resolve) => {
    const child = spawn(process.execPath, [script("http-server.ts")], { env, stdio: ["ignore", "pipe", "ignore"] })
    createInterface({ input: child.stdout }).once("line", (line) => {
      resolve({ port: Number(line.split(" ")[1]), stop: () => child.kill() })
    })
  })

const options: McpClient.Options = { protocolVersion: "legacy", timeout: "60 seconds" }

const transports = (port: number): Array<[string, Layer.Layer<McpTransport>]> =>
  Array.from({ length: SERVERS }, (_, i): [string, Layer.Layer<McpTransport>] => [
    `s${i}`,
    i % 2 === 0
      ? McpStdioTransport.layer({
        command: process.execPath,
        args: [script("echo-server.ts")],
        env: { BENCH_TOOLS: String(TOOLS) },
        stderr: "ignore"
      }).pipe(Layer.provide(NodeServices.layer))
      : McpHttpTransport.layer({ url: `http://127.0.0.1:${port}/mcp/${i}`, listen: false }).pipe(
        Layer.provide(NodeHttpClient.layerUndici)
      )
  ])

const millis = (start: number) => performance.now() - start

/** Each server alone, one after another: how long each takes to connect, and to list its tools. */
const solo = (all: Array<[string, Layer.Layer<McpTransport>]>) =>
  Effect.forEach(all, ([, transport]) =>
    Effect.gen(function*() {
      const started = performance.now()
      const client = yield* McpClient.connect(transport, options)
      const connect = millis(started)
      const listed = performance.now()
      yield* client.listTools()
      return { connect, list: millis(listed) }
    }).pipe(Effect.scoped))

const router = (all: Array<[string, Layer.Layer<McpTransport>]>) =>
  Effect.gen(function*() {
    const started = performance.now()
    const router = yield* McpRouter.make({
      servers: Object.fromEntries(all.map(([name, transport]) => [name, { transport, client: options }]))
    })
    const startup = millis(started)
    const listed = performance.now()
    const tools = yield* router.listTools()
    return { startup, list: millis(listed), tools: tools.length }
  }).pipe(Effect.scoped)

export const run = async () => {
  const http = await startHttpServer()
  const all = transports(http.port)
  const alone = await Effect.runPromise(solo(all))
  const together = await Effect.runPromise(router(all))
  const httpOnly = all.filter((_, i) => i % 2 === 1)
  const httpTogether = await Effect.runPromise(router(httpOnly))
  http.stop()
  const httpSlowest = Math.max(...alone.filter((_, i) => i % 2 === 1).map((s) => s.connect))
  const httpSum = alone.filter((_, i) => i % 2 === 1).reduce((total, s) => total + s.connect, 0)
  const slowest = Math.max(...alone.map((s) => s.connect))
  const sum = alone.reduce((total, s) => total + s.connect, 0)
  const oneList = alone.reduce((total, s) => total + s.list, 0) / alone.length
  console.log(`\nrouter over ${SERVERS} servers (${SERVERS / 2} stdio, ${SERVERS / 2} HTTP), ${TOOLS} tools each`)
  console.table([
    {
      figure: "startup (ms)",
      router: together.startup.toFixed(0),
      "slowest server": slowest.toFixed(0),
      "sum of servers": sum.toFixed(0),
      "router / slowest": (together.startup / slowest).toFixed(2)
    },
    {
      figure: `startup, ${httpOnly.length} HTTP only (ms)`,
      router: httpTogether.startup.toFixed(0),
      "slowest server": httpSlowest.toFixed(0),
      "sum of servers": httpSum.toFixed(0),
      "router / slowest": (httpTogether.startup / httpSlowest).toFixed(2)
    },
    {
      figure: `list tools (ms): ${together.tools} vs ${TOOLS}`,
      router: together.list.toFixed(1),
      "slowest server": oneList.toFixed(1),
      "sum of servers": (oneList * SERVERS).toFixed(1),
      "router / slowest": (together.list / oneList).toFixed(2)
    }
  ])
}
