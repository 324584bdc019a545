/**
 * The benchmark harness: drivers (one per client), the figures measured, and the report with ratios
 * to the official SDK. Each transport's file builds its drivers (with {@link effectMcpDriver} and
 * {@link sdkDriver} for the two clients) and calls {@link compare}.
 */
import { McpClient } from "@effect-mcp/core"
import type { McpTransport } from "@effect-mcp/core/McpTransport"
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js"
import { Effect, Exit, type Layer, type ManagedRuntime, Scope } from "effect"

export const quick = process.env.BENCH_QUICK === "1"
export const SEQUENTIAL = quick ? 300 : 4000
export const CONCURRENT = quick ? 1000 : 40000
export const BIG_ROUNDS = quick ? 10 : 40
export const COLD_ROUNDS = quick ? 3 : 7
export const MiB = "x".repeat(1024 * 1024)

export interface Driver {
  readonly name: string
  /** Connects (spawn or HTTP + handshake); returns a session. */
  readonly connect: () => Promise<Session>
}
export interface Session {
  readonly call: (name: string, args: Record<string, unknown>) => Promise<unknown>
  /** `count` calls of `add`, `concurrency` at a time, each client in its own idiom. */
  readonly calls: (count: number, concurrency: number) => Promise<void>
  readonly close: () => Promise<void>
}

/** The promise idiom: `concurrency` workers taking the next call until `count` are done. */
export const promiseCalls = (call: Session["call"]) => async (count: number, concurrency: number) => {
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await call("add", { a: next++, b: 1 })
  }))
}

/**
 * This client over `transport`, run on `platform` (one runtime for the whole run, as an application
 * has). `protocolVersion: "legacy"` skips the `server/discover` probe of the default `"auto"`: the
 * official SDK client does not probe either, so that row compares like with like on cold start.
 */
export const effectMcpDriver = <R>(
  platform: ManagedRuntime.ManagedRuntime<R, never>,
  transport: Layer.Layer<McpTransport, never, R>,
  protocolVersion: McpClient.ProtocolVersionOption = "auto"
): Driver => ({
  name: protocolVersion === "auto" ? "effect-mcp" : `effect-mcp (${protocolVersion})`,
  connect: async () => {
    const scope = await platform.runPromise(Scope.make())
    const client = await platform.runPromise(
      McpClient.connect(transport, { timeout: "60 seconds", protocolVersion }).pipe(Scope.provide(scope))
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
})

/** The official SDK client over a fresh transport per session. */
export const sdkDriver = (transport: () => Transport): Driver => ({
  name: "official SDK",
  connect: async () => {
    const client = new Client({ name: "bench", version: "1.0.0" })
    await client.connect(transport())
    const call: Session["call"] = (name, args) =>
      client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 })
    return { call, calls: promiseCalls(call), close: () => client.close() }
  }
})

const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

export interface Figures {
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

/**
 * Measures every driver, interleaved over several passes, and prints a table of medians with ratios to
 * the driver named "official SDK".
 */
export const compare = async (title: string, candidates: ReadonlyArray<Driver>) => {
  const passes = quick ? 1 : 3
  const only = process.env.BENCH_ONLY
  const drivers = candidates.filter((d) => only === undefined || only.split(",").includes(d.name))
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
  const base = results.get("official SDK") ?? [...results.values()][0]!
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
    `\n${title}, median of ${passes} passes (${SEQUENTIAL} sequential, ${CONCURRENT} 64-way, ${BIG_ROUNDS} x 1 MiB; ratios > 1: faster than the SDK)`
  )
  console.table(rows)
  return results
}
