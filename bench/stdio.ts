/**
 * stdio benchmark: this client against the official SDK client (`@modelcontextprotocol/sdk`) and a
 * raw NDJSON client (the protocol by hand: the floor), all against the same server in the same run.
 *
 * Figures: cold start to first result, sequential tools/call throughput, 64-way concurrent tools/call
 * throughput, 1 MiB round trip. Each is reported with its ratio to the SDK (> 1 means faster than the SDK).
 *
 *   npm run bench            # all cases
 *   BENCH_QUICK=1 npm run bench
 */
import { McpClient } from "@effect-mcp/core"
import { McpStdioTransport } from "@effect-mcp/transport-stdio"
import { NodeServices } from "@effect/platform-node"
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js"
import { Effect, Layer, ManagedRuntime } from "effect"
import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"

const quick = process.env.BENCH_QUICK === "1"
const server = {
  command: process.execPath,
  args: [fileURLToPath(new URL("./servers/echo-server.ts", import.meta.url))]
}
const SEQUENTIAL = quick ? 300 : 2000
const CONCURRENT = quick ? 1000 : 8000
const BIG_ROUNDS = quick ? 10 : 40
const COLD_ROUNDS = quick ? 3 : 7
const MiB = "x".repeat(1024 * 1024)

interface Driver {
  readonly name: string
  /** Connects (spawn + handshake); returns a session. */
  readonly connect: () => Promise<Session>
}
interface Session {
  readonly call: (name: string, args: Record<string, unknown>) => Promise<unknown>
  /** `count` calls of `add`, `concurrency` at a time, each client in its own idiom. */
  readonly calls: (count: number, concurrency: number) => Promise<void>
  readonly close: () => Promise<void>
}

/** The promise idiom: `concurrency` workers taking the next call until `count` are done. */
const promiseCalls = (call: Session["call"]) => async (count: number, concurrency: number) => {
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await call("add", { a: next++, b: 1 })
  }))
}

// -- this client ---------------------------------------------------------------------------------

const effectMcp: Driver = {
  name: "effect-mcp",
  connect: async () => {
    const layer = McpClient.layer({ timeout: "60 seconds" }).pipe(
      Layer.provide(McpStdioTransport.layer({ ...server, keepAlive: false, stderr: "ignore" })),
      Layer.provide(NodeServices.layer)
    )
    const runtime = ManagedRuntime.make(layer)
    const client = await runtime.runPromise(Effect.service(McpClient.McpClient))
    return {
      call: (name, args) => runtime.runPromise(client.callToolRaw(name, args)),
      // the Effect idiom: the whole loop is one program
      calls: (count, concurrency) =>
        runtime.runPromise(
          Effect.forEach(
            Array.from({ length: count }, (_, i) => i),
            (i) => client.callToolRaw("add", { a: i, b: 1 }),
            { concurrency, discard: true }
          )
        ),
      close: () => runtime.dispose()
    }
  }
}

// -- the official SDK -----------------------------------------------------------------------------

const sdk: Driver = {
  name: "official SDK",
  connect: async () => {
    const client = new Client({ name: "bench", version: "1.0.0" })
    await client.connect(new StdioClientTransport({ ...server, stderr: "ignore" }))
    const call: Session["call"] = (name, args) =>
      client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 })
    return { call, calls: promiseCalls(call), close: () => client.close() }
  }
}

// -- raw NDJSON: the floor --------------------------------------------------------------------------

const raw: Driver = {
  name: "raw NDJSON",
  connect: async () => {
    const child = spawn(server.command, server.args, { stdio: ["pipe", "pipe", "ignore"] })
    const pending = new Map<number, (value: unknown) => void>()
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const message = JSON.parse(line) as { id?: number; result?: unknown }
      if (message.id !== undefined) pending.get(message.id)?.(message.result)
    })
    let id = 0
    const request = (method: string, params: unknown) =>
      new Promise<unknown>((resolve) => {
        const mine = ++id
        pending.set(mine, (value) => {
          pending.delete(mine)
          resolve(value)
        })
        child.stdin!.write(JSON.stringify({ jsonrpc: "2.0", id: mine, method, params }) + "\n")
      })
    await request("initialize", {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "raw", version: "0" }
    })
    child.stdin!.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n")
    const call: Session["call"] = (name, args) => request("tools/call", { name, arguments: args })
    return {
      call,
      calls: promiseCalls(call),
      close: async () => {
        child.stdin!.end()
        await new Promise((resolve) => child.once("exit", resolve))
      }
    }
  }
}

// -- cases ----------------------------------------------------------------------------------------

const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

interface Figures {
  coldStartMs: number
  sequentialPerSec: number
  concurrentPerSec: number
  mibRoundTripMs: number
}

const measure = async (driver: Driver): Promise<Figures> => {
  const colds: Array<number> = []
  for (let i = 0; i < COLD_ROUNDS; i++) {
    const t0 = performance.now()
    const session = await driver.connect()
    await session.call("add", { a: 1, b: 2 })
    colds.push(performance.now() - t0)
    await session.close()
  }
  const session = await driver.connect()
  await session.calls(200, 1) // warm up
  let t0 = performance.now()
  await session.calls(SEQUENTIAL, 1)
  const sequentialPerSec = SEQUENTIAL / ((performance.now() - t0) / 1000)
  t0 = performance.now()
  await session.calls(CONCURRENT, 64)
  const concurrentPerSec = CONCURRENT / ((performance.now() - t0) / 1000)
  const rounds: Array<number> = []
  for (let i = 0; i < BIG_ROUNDS; i++) {
    t0 = performance.now()
    await session.call("echo", { text: MiB })
    rounds.push(performance.now() - t0)
  }
  await session.close()
  return { coldStartMs: median(colds), sequentialPerSec, concurrentPerSec, mibRoundTripMs: median(rounds) }
}

export const run = async () => {
  const results = new Map<string, Figures>()
  // interleave the drivers twice and keep each one's best, to even out machine noise
  for (const pass of [1, 2]) {
    for (const driver of [raw, sdk, effectMcp]) {
      const figures = await measure(driver)
      const best = results.get(driver.name)
      results.set(
        driver.name,
        best === undefined || pass === 1 ? figures : {
          coldStartMs: Math.min(best.coldStartMs, figures.coldStartMs),
          sequentialPerSec: Math.max(best.sequentialPerSec, figures.sequentialPerSec),
          concurrentPerSec: Math.max(best.concurrentPerSec, figures.concurrentPerSec),
          mibRoundTripMs: Math.min(best.mibRoundTripMs, figures.mibRoundTripMs)
        }
      )
    }
  }
  const base = results.get(sdk.name)!
  const rows = [...results].map(([name, f]) => ({
    client: name,
    "cold start ms": f.coldStartMs.toFixed(1),
    "vs SDK": (base.coldStartMs / f.coldStartMs).toFixed(2),
    "seq calls/s": f.sequentialPerSec.toFixed(0),
    "vs SDK ": (f.sequentialPerSec / base.sequentialPerSec).toFixed(2),
    "64-way calls/s": f.concurrentPerSec.toFixed(0),
    "vs SDK  ": (f.concurrentPerSec / base.concurrentPerSec).toFixed(2),
    "1 MiB rt ms": f.mibRoundTripMs.toFixed(2),
    "vs SDK   ": (base.mibRoundTripMs / f.mibRoundTripMs).toFixed(2)
  }))
  console.log(
    `\nstdio (${SEQUENTIAL} sequential, ${CONCURRENT} 64-way, ${BIG_ROUNDS} x 1 MiB; ratios > 1: faster than the SDK)`
  )
  console.table(rows)
  return results
}
