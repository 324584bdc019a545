/**
 * The report: the machine's description, the goals of issue #13 beside the measured figures, and `RESULTS.md`.
 */
import { cpus, loadavg, release, totalmem, type } from "node:os"
import { PROJECT } from "./clients.ts"
import type { Comparison, FigureKey } from "./compare.ts"
import { renderTable, type Table, times } from "./harness.ts"
import type { ImportResults } from "./imports.ts"
import type { ScalingResult } from "./scaling.ts"

export interface Machine {
  readonly cpu: string
  readonly cores: number
  readonly memoryGiB: number
  readonly node: string
  readonly os: string
  /** The 1-minute load average when the run started and when it ended: a busy machine reads slow and noisy. */
  readonly loadAtStart: number
  loadAtEnd?: number
}

export const describeMachine = (): Machine => ({
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 1024 ** 3),
  node: process.version,
  os: `${type()} ${release()}`,
  loadAtStart: loadavg()[0]!
})

export interface Results {
  readonly date: string
  readonly command: string
  readonly quick: boolean
  readonly machine: Machine
  durationSeconds?: number
  readonly partSeconds: Record<string, number>
  stdio?: Array<Comparison> | undefined
  http?: Array<Comparison> | undefined
  import?: ImportResults | undefined
  scaling?: Array<ScalingResult> | undefined
}

// -- goals ------------------------------------------------------------------------------------------

export interface Goal {
  readonly figure: string
  readonly goal: string
  /** effect-mcp ÷ SDK v1 (as measured), and ÷ the best peer where known. */
  readonly measured: string
  readonly met: boolean | undefined
}

const ratioOf = (c: Comparison | undefined, key: FigureKey) => c?.vsSdkV1[PROJECT]?.[key]

/** effect-mcp ÷ SDK v1 on `key`, then ÷ the best peer, ÷ raw NDJSON and ÷ raw NDJSON on Effect where measured. */
const measuredText = (c: Comparison | undefined, key: FigureKey): string => {
  if (c === undefined) return "not run"
  const best = c.vsBestPeer[key]
  const raw = c.vsRaw[key]
  const floor = c.vsEffectFloor[key]
  return [
    times(ratioOf(c, key)),
    ...(best === undefined ? [] : [`(${times(best.ratio)} best peer)`]),
    ...(raw === undefined ? [] : [`(${times(raw)} raw)`]),
    ...(floor === undefined ? [] : [`(${times(floor)} Effect floor)`])
  ].join(" ")
}

/** A goal on effect-mcp ÷ SDK v1, met when `ok` holds on each of the comparisons given. */
const goal = (
  figure: string,
  text: string,
  comparisons: ReadonlyArray<Comparison | undefined>,
  key: FigureKey,
  ok: (ratio: number) => boolean
): Goal => {
  const ratios = comparisons.map((c) => ratioOf(c, key))
  const met = ratios.some((r) => r === undefined) ? undefined : ratios.every((r) => ok(r!))
  return { figure, goal: text, measured: comparisons.map((c) => measuredText(c, key)).join(" / "), met }
}

export const goals = (results: Results): Array<Goal> => {
  const stdio = results.stdio?.[0]
  const [json, sse] = results.http ?? []
  const frontDoor = results.import?.sets["effect-mcp (front door)"]
  const atLeast1 = (r: number) => r >= 1
  const atMost1 = (r: number) => r <= 1
  return [
    goal("stdio sequential calls/s", "≥ 1.0×, toward 0.95× of raw", [stdio], "sequentialPerSec", atLeast1),
    goal("stdio 64-way calls/s", "≥ 1.0×, toward 0.95× of raw", [stdio], "concurrentPerSec", atLeast1),
    goal("stdio client CPU per sequential call", "≤ 1.0×", [stdio], "cpuUsPerCall", atMost1),
    goal(
      "peak RSS after 10k calls: stdio / HTTP-JSON / HTTP-SSE",
      "≤ 1.0× on each",
      [stdio, json, sse],
      "peakRssMiB",
      atMost1
    ),
    goal(
      "HTTP cold start (connect + initialize + first call): JSON / SSE",
      "≤ 1.0×",
      [json, sse],
      "coldStartMs",
      atMost1
    ),
    goal("HTTP 1 MiB round trips: JSON / SSE", "keep the lead (< 1.0×)", [json, sse], "mibRoundTripMs", (r) => r < 1),
    {
      figure: "module import (fresh process, whole front door)",
      goal: "≤ 1.2×",
      measured: frontDoor === undefined ? "not run" : times(frontDoor.vsSdkV1),
      met: frontDoor === undefined ? undefined : frontDoor.vsSdkV1 <= 1.2
    },
    {
      figure: "scaling: tools listing, requests in flight, progress, one big message",
      goal: "no worse than linear",
      measured: results.scaling === undefined ?
        "not run" :
        results.scaling.map((s) => `${s.case} ${s.linear ? "linear" : "NOT linear"}`).join(", "),
      met: results.scaling?.every((s) => s.linear)
    }
  ]
}

export const goalsTable = (results: Results): Table => ({
  title: "Issue #13 goals",
  note: `${PROJECT} ÷ SDK v1 in the same round (throughput: above 1 is better; time, CPU, memory: below 1 is ` +
    "better), with ÷ the best peer (SDK v1, SDK v2, Effect McpClient), ÷ raw NDJSON (the protocol by hand on " +
    "Node's streams) and ÷ the Effect floor (the protocol by hand on Effect and its Node platform) where measured.",
  header: ["figure", "goal", "measured", "met"],
  rows: goals(results).map((g) => [g.figure, g.goal, g.measured, g.met === undefined ? "–" : g.met ? "yes" : "no"])
})

// -- RESULTS.md -------------------------------------------------------------------------------------

const machineLine = (m: Machine) =>
  `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM; Node ${m.node}; ${m.os}; load average (1 min) ` +
  `${m.loadAtStart.toFixed(2)} at the start, ${m.loadAtEnd?.toFixed(2) ?? "?"} at the end`

export const resultsMarkdown = (results: Results, tables: ReadonlyArray<Table>): string => {
  const warning = results.quick ?
    "\n> **QUICK run (`BENCH_QUICK=1`): short passes, one round, capped sizes. This shows the format; it is not " +
    "a reading:** the reading is taken by `npm run bench -- --write` on a quiet machine.\n" :
    ""
  return `# Benchmark results

Generated by \`${results.command}\`; do not edit by hand.
${warning}
- Date: ${results.date}
- Machine: ${machineLine(results.machine)}
- Duration: ${results.durationSeconds?.toFixed(0) ?? "?"} s (${
    Object.entries(results.partSeconds).map(([part, seconds]) => `${part} ${seconds.toFixed(0)} s`).join(", ")
  })

A figure from a loaded machine (a load average near or above the core count) is slow and noisy: compare the
ratios, which are taken within a round, rather than the absolute figures.

${[goalsTable(results), ...tables].map(renderTable).join("\n")}`
}
