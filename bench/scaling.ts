/**
 * Scaling: that nothing grows worse than linearly. Each case at two sizes, ten times apart, each run in a fresh
 * process (`scaling-worker.ts`, effect-mcp over stdio against `servers/scaling-server.ts`), the median of the
 * rounds: a listing of 10k tools over 100 pages (and 1k over 10), 1k requests in flight (and 100), 100 MiB of
 * progress notifications of 1 KiB (and 10 MiB), one 256 MiB message (and 32 MiB). `BENCH_QUICK=1` caps the sizes.
 *
 * Linear means: the time grows at most 1.25 times as fast as the size, and so does the memory taken beyond the
 * process's RSS before the operation, give or take 16 MiB: RSS moves by whole chunks of heap, so a small case
 * that fits in the heap the process already has shows next to no growth (100 requests in flight: 1–2 MiB), and
 * its growth cannot be the base of a ratio on its own.
 */
import { fileURLToPath } from "node:url"
import { fixed, interleave, median, quick, runNodeJson, type Table } from "./harness.ts"
import { packed } from "./packed.ts"
import type { ScalingCase, ScalingFigures, ScalingInput } from "./scaling-worker.ts"

interface Case {
  readonly case: ScalingCase
  readonly label: (size: number) => string
  readonly sizes: readonly [number, number]
}

const CASES: ReadonlyArray<Case> = [
  { case: "tools", label: (n) => `tools/list: ${n} tools, ${n / 100} pages`, sizes: [1000, 10_000] },
  { case: "inflight", label: (n) => `${n} requests in flight`, sizes: [100, 1000] },
  {
    case: "progress",
    label: (n) => `${n} MiB of progress notifications (1 KiB each)`,
    sizes: quick ? [1, 10] : [10, 100]
  },
  { case: "message", label: (n) => `one ${n} MiB message`, sizes: quick ? [4, 32] : [32, 256] }
]

const SCALING_ROUNDS = quick ? 1 : 3
const SLACK = 1.25
const FLAT_MIB = 16
const server = fileURLToPath(new URL("./servers/scaling-server.ts", import.meta.url))

export interface ScalingResult {
  readonly case: ScalingCase
  readonly sizes: readonly [number, number]
  readonly small: ScalingFigures
  readonly large: ScalingFigures
  readonly timeRatio: number
  readonly memoryRatio: number
  readonly linear: boolean
}

const medianFigures = (runs: ReadonlyArray<ScalingFigures>): ScalingFigures => ({
  ms: median(runs.map((r) => r.ms)),
  baseRssMiB: median(runs.map((r) => r.baseRssMiB)),
  peakRssMiB: median(runs.map((r) => r.peakRssMiB))
})

const growth = (f: ScalingFigures) => Math.max(0, f.peakRssMiB - f.baseRssMiB)

const verdict = (c: Case, small: ScalingFigures, large: ScalingFigures): ScalingResult => {
  const sizeRatio = c.sizes[1] / c.sizes[0]
  const timeRatio = large.ms / small.ms
  const memoryRatio = growth(large) / Math.max(growth(small), 1)
  const linear = timeRatio <= SLACK * sizeRatio && growth(large) <= SLACK * sizeRatio * growth(small) + FLAT_MIB
  return { case: c.case, sizes: c.sizes, small, large, timeRatio, memoryRatio, linear }
}

export const run = async (): Promise<Array<ScalingResult>> => {
  const worker = (await packed()).module("scaling-worker")
  const runs = CASES.flatMap((c) => c.sizes.map((size) => ({ c, size })))
  const all = await interleave(runs, () => SCALING_ROUNDS, ({ c, size }, round) => {
    process.stderr.write(`  scaling: round ${round + 1}/${SCALING_ROUNDS}, ${c.label(size)}\n`)
    return runNodeJson<ScalingFigures>(worker, { case: c.case, size, server } satisfies ScalingInput)
  })
  const figures = (c: Case, size: number) =>
    medianFigures(all.map((round) => round.find(({ item }) => item.c === c && item.size === size)!.result))
  return CASES.map((c) => verdict(c, figures(c, c.sizes[0]), figures(c, c.sizes[1])))
}

export const scalingTable = (results: ReadonlyArray<ScalingResult>): Table => ({
  title: "Scaling (effect-mcp over stdio)",
  note: `Median of ${SCALING_ROUNDS} round(s), each run in a fresh process. Memory: peak RSS, and (Δ) its growth ` +
    `beyond the RSS before the operation. Linear: time and Δ memory grow at most ${SLACK}× as fast as the size ` +
    `(Δ memory give or take ${FLAT_MIB} MiB: RSS grows by whole chunks of heap, so a small case may show almost none).`,
  header: [
    "case",
    "ms",
    "peak MiB (Δ)",
    "larger case",
    "ms",
    "peak MiB (Δ)",
    "size ×",
    "time ×",
    "Δ memory ×",
    "linear"
  ],
  rows: results.map((r) => {
    const c = CASES.find((each) => each.case === r.case)!
    const memory = (f: ScalingFigures) => `${fixed(f.peakRssMiB, 0)} (${fixed(growth(f), 0)})`
    return [
      c.label(r.sizes[0]),
      fixed(r.small.ms, 0),
      memory(r.small),
      c.label(r.sizes[1]),
      fixed(r.large.ms, 0),
      memory(r.large),
      fixed(r.sizes[1] / r.sizes[0], 0),
      fixed(r.timeRatio, 1),
      fixed(r.memoryRatio, 1),
      r.linear ? "yes" : "NO"
    ]
  })
})
