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
import { Effect, Exit, ManagedRuntime, Scope } from "effect"
import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"

const quick = process.env.BENCH_QUICK === "1"
const server = {
  command: process.execPath,
  args: [fileURLToPath(new URL("./servers/echo-server.ts", import.meta.url))]
}
const SEQUENTIAL = quick ? 300 : 4000
const CONCURRENT = quick ? 1000 : 40000
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

// One runtime with the platform services for the whole run; each connection builds a client in its own
// scope, as an application would.
const platform = ManagedRuntime.make(NodeServices.layer)

const effectMcp: Driver = {
  name: "effect-mcp",
  connect: async () => {
    const scope = await platform.runPromise(Scope.make())
    const client = await platform.runPromise(
      McpClient.make({ timeout: "60 seconds" }).pipe(
        Effect.provide(McpStdioTransport.layer({ ...server, keepAlive: false, stderr: "ignore" })),
        Scope.provide(scope)
      )
    )
    return {
      call: (name, args) => platform.runPromise(client.callToolRaw(name, args)),
      // the Effect idiom: the whole loop is one program
      calls: (count, concurrency) =>
        platform.runPromise(
          Effect.forEach(
            Array.from({ length: count }, (_, i) => i),
            (i) => client.callToolRaw("add", { a: i, b: 1 }),
            { concurrency, discard: true }
          )
        ),
      close: () => platform.runPromise(Scope.close(scope, Exit.void))
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
  const passes = quick ? 1 : 3
  const only = process.env.BENCH_ONLY
  const drivers = [raw, sdk, effectMcp].filter((d) => only === undefined || only.split(",").includes(d.name))
  const all = new Map<string, Array<Figures>>()
  // interleave the drivers, rotating the order each pass, and report each figure's median over the
  // passes: two cores shared with the server make single runs noisy
  for (let pass = 0; pass < passes; pass++) {
    for (let i = 0; i < drivers.length; i++) {
      const driver = drivers[(i + pass) % drivers.length]!
      const figures = await measure(driver)
      all.set(driver.name, [...(all.get(driver.name) ?? []), figures])
    }
  }
  const results = new Map<string, Figures>()
  for (const [name, runs] of all) {
    results.set(name, {
      coldStartMs: median(runs.map((r) => r.coldStartMs)),
      sequentialPerSec: median(runs.map((r) => r.sequentialPerSec)),
      concurrentPerSec: median(runs.map((r) => r.concurrentPerSec)),
      mibRoundTripMs: median(runs.map((r) => r.mibRoundTripMs))
    })
  }
  const base = results.get(sdk.name) ?? [...results.values()][0]!
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
    `\nstdio, median of ${passes} passes (${SEQUENTIAL} sequential, ${CONCURRENT} 64-way, ${BIG_ROUNDS} x 1 MiB; ratios > 1: faster than the SDK)`
  )
  console.table(rows)
  await platform.dispose()
  return results
}
