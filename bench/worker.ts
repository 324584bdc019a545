/**
 * One client's figures, measured in a process of its own so that its memory and CPU are the client's alone:
 * `node bench/worker.ts '<WorkerInput as JSON>'` prints one line of {@link Figures} as JSON.
 *
 * In order: cold starts (connect + initialize + first call, then close: the median of `cold`), then one session
 * makes `sequential` calls one at a time (throughput and the process's CPU per call), `total` calls in all
 * 64 at a time (the rest of them: the 64-way throughput), the peak RSS once those `total` calls are done and
 * the heap still used after a full GC, and last `bigRounds` round trips of 1 MiB.
 */
import { driverFor, type Target } from "./clients.ts"
import { median, MiB, peakRssMiB } from "./harness.ts"

export interface WorkerInput {
  readonly client: string
  readonly target: Target
  readonly cold: number
  readonly sequential: number
  readonly total: number
  readonly bigRounds: number
}

export interface Figures {
  readonly coldStartMs: number
  readonly firstColdStartMs: number
  readonly sequentialPerSec: number
  readonly cpuUsPerCall: number
  readonly concurrentPerSec: number
  readonly peakRssMiB: number
  /** The heap still in use after the calls and a full GC (the worker runs with `--expose-gc`). */
  readonly retainedHeapMiB: number
  readonly mibRoundTripMs: number
}

const WARM_UP = 200
const input = JSON.parse(process.argv[2]!) as WorkerInput
const driver = await driverFor(input.client, input.target)

const elapsed = async (body: () => Promise<unknown>): Promise<number> => {
  const t0 = performance.now()
  await body()
  return performance.now() - t0
}

const coldStarts = async (): Promise<Array<number>> => {
  const times: Array<number> = []
  for (let i = 0; i < input.cold; i++) {
    let session: Awaited<ReturnType<typeof driver.connect>> | undefined
    times.push(
      await elapsed(async () => {
        session = await driver.connect()
        await session.call("add", { a: 1, b: 2 })
      })
    )
    await session!.close()
  }
  return times
}

const measure = async (): Promise<Figures> => {
  const colds = await coldStarts()
  const session = await driver.connect()
  await session.calls(WARM_UP, 1)
  const cpu = process.cpuUsage()
  const sequentialMs = await elapsed(() => session.calls(input.sequential, 1))
  const { user, system } = process.cpuUsage(cpu)
  const concurrent = input.total - WARM_UP - input.sequential
  const concurrentMs = await elapsed(() => session.calls(concurrent, 64))
  const peak = peakRssMiB()
  globalThis.gc?.()
  const retainedHeapMiB = process.memoryUsage().heapUsed / MiB
  const text = "x".repeat(MiB)
  const bigs: Array<number> = []
  for (let i = 0; i < input.bigRounds; i++) bigs.push(await elapsed(() => session.call("echo", { text })))
  await session.close()
  return {
    coldStartMs: median(colds),
    firstColdStartMs: colds[0]!,
    sequentialPerSec: input.sequential / (sequentialMs / 1000),
    cpuUsPerCall: (user + system) / input.sequential,
    concurrentPerSec: concurrent / (concurrentMs / 1000),
    peakRssMiB: peak,
    retainedHeapMiB,
    mibRoundTripMs: median(bigs)
  }
}

process.stdout.write(JSON.stringify(await measure()) + "\n")
process.exit(0)
