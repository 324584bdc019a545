/**
 * The client comparison: every client measured in a fresh process ({@link ./worker.ts}), over interleaved
 * rounds (the order rotated each round), each figure's median over the rounds, and ratios taken within a round
 * (so that a machine whose speed drifts between rounds still compares like with like) then their median.
 *
 * A ratio is client ÷ SDK v1: above 1 is better for throughput, below 1 better for time, CPU and memory. The best
 * peer of a round is the best of the SDK v1 and v2 clients and Effect's `McpClient` on that figure.
 */
import { BASELINE, EFFECT_FLOOR, PEERS, PROJECT, RAW, type Target } from "./clients.ts"
import { fixed, interleave, median, roundsWithin, runNodeJson, type Table, times } from "./harness.ts"
import { packed } from "./packed.ts"
import type { Figures, WorkerInput } from "./worker.ts"

export type FigureKey = Exclude<keyof Figures, "firstColdStartMs">

export const FIGURES: ReadonlyArray<
  { readonly key: FigureKey; readonly label: string; readonly higherIsBetter: boolean; readonly digits: number }
> = [
  { key: "sequentialPerSec", label: "sequential calls/s", higherIsBetter: true, digits: 0 },
  { key: "concurrentPerSec", label: "64-way calls/s", higherIsBetter: true, digits: 0 },
  { key: "cpuUsPerCall", label: "client CPU per sequential call (µs)", higherIsBetter: false, digits: 1 },
  { key: "peakRssMiB", label: "peak RSS after the calls (MiB)", higherIsBetter: false, digits: 1 },
  {
    key: "retainedHeapMiB",
    label: "heap retained after the calls and a full GC (MiB)",
    higherIsBetter: false,
    digits: 1
  },
  { key: "coldStartMs", label: "cold start: connect + initialize + first call (ms)", higherIsBetter: false, digits: 1 },
  { key: "mibRoundTripMs", label: "1 MiB round trip (ms)", higherIsBetter: false, digits: 2 }
]

export interface Counts {
  readonly cold: number
  readonly sequential: number
  readonly total: number
  readonly bigRounds: number
}

export interface Comparison {
  readonly title: string
  readonly rounds: number
  readonly counts: Counts
  /** Each client's median of each figure. */
  readonly medians: Record<string, Partial<Record<FigureKey, number>>>
  /** Each client's median ratio to SDK v1, per figure. */
  readonly vsSdkV1: Record<string, Partial<Record<FigureKey, number>>>
  /** effect-mcp ÷ raw NDJSON in the same round, per figure (median), where the raw client ran. */
  readonly vsRaw: Partial<Record<FigureKey, number>>
  /** effect-mcp ÷ raw NDJSON on Effect (the floor of an Effect client) in the same round, where it ran. */
  readonly vsEffectFloor: Partial<Record<FigureKey, number>>
  /** effect-mcp ÷ the round's best peer, per figure (median), and the peer that was best most often. */
  readonly vsBestPeer: Partial<Record<FigureKey, { readonly ratio: number; readonly peer: string }>>
}

type Round = ReadonlyMap<string, Figures>

const best = (round: Round, key: FigureKey, higherIsBetter: boolean): [string, number] | undefined => {
  const values = PEERS.flatMap((peer): Array<[string, number]> => {
    const figures = round.get(peer)
    return figures === undefined ? [] : [[peer, figures[key]]]
  })
  return values.sort((a, b) => higherIsBetter ? b[1] - a[1] : a[1] - b[1])[0]
}

const mostFrequent = (names: ReadonlyArray<string>): string =>
  [...new Set(names)].sort((a, b) => names.filter((n) => n === b).length - names.filter((n) => n === a).length)[0]!

/** `client` ÷ `base` within each round where both ran, per figure: the median. */
const ratios = (rounds: ReadonlyArray<Round>, client: string, base: string): Partial<Record<FigureKey, number>> => {
  const both = rounds.filter((round) => round.has(client) && round.has(base))
  if (both.length === 0) return {}
  return Object.fromEntries(
    FIGURES.map(({ key }) => [key, median(both.map((round) => round.get(client)![key] / round.get(base)![key]))])
  )
}

const vsBestPeer = (rounds: ReadonlyArray<Round>): Comparison["vsBestPeer"] => {
  const result: Comparison["vsBestPeer"] = {}
  for (const { key, higherIsBetter } of FIGURES) {
    const bests = rounds.filter((round) => round.has(PROJECT))
      .flatMap((round) => {
        const peer = best(round, key, higherIsBetter)
        return peer === undefined ? [] : [{ ratio: round.get(PROJECT)![key] / peer[1], peer: peer[0] }]
      })
    if (bests.length > 0) {
      result[key] = { ratio: median(bests.map((b) => b.ratio)), peer: mostFrequent(bests.map((b) => b.peer)) }
    }
  }
  return result
}

const summarize = (title: string, counts: Counts, clients: ReadonlyArray<string>, rounds: Array<Round>) => ({
  title,
  rounds: rounds.length,
  counts,
  medians: Object.fromEntries(clients.map((client) => [
    client,
    Object.fromEntries(FIGURES.map(({ key }) => [key, median(rounds.map((round) => round.get(client)![key]))]))
  ])),
  vsSdkV1: Object.fromEntries(clients.map((client) => [client, ratios(rounds, client, BASELINE)])),
  vsRaw: ratios(rounds, PROJECT, RAW),
  vsEffectFloor: ratios(rounds, PROJECT, EFFECT_FLOOR),
  vsBestPeer: vsBestPeer(rounds)
})

/**
 * Measures every client (or those named in `BENCH_ONLY`, comma-separated) against `target`, in as many rounds as
 * fit in `budgetSeconds` (see {@link roundsWithin}).
 */
export const compare = async (
  title: string,
  target: Target,
  candidates: ReadonlyArray<string>,
  counts: Counts,
  budgetSeconds: number
): Promise<Comparison> => {
  const only = process.env.BENCH_ONLY?.split(",")
  const clients = candidates.filter((name) => only === undefined || only.includes(name))
  const worker = (await packed()).module("worker")
  const all = await interleave(clients, roundsWithin(budgetSeconds), (client, round, of) => {
    process.stderr.write(`  ${title}: round ${round + 1}/${of ?? "?"}, ${client}\n`)
    return runNodeJson<Figures>(worker, { client, target, ...counts } satisfies WorkerInput, {
      nodeArgs: ["--expose-gc"]
    })
  })
  const rounds = all.map((results) => new Map(results.map(({ item, result }) => [item, result])))
  return summarize(title, counts, clients, rounds)
}

/** One row a figure: each client's median (with its ratio to SDK v1), then effect-mcp against the best peer. */
export const comparisonTable = (c: Comparison): Table => {
  const clients = Object.keys(c.medians)
  const rows = FIGURES.map(({ key, label: figure, digits }) => {
    const label = key === "peakRssMiB" ? `peak RSS after ${c.counts.total} calls (MiB)` : figure
    const cells = clients.map((client) => {
      const value = fixed(c.medians[client]![key], digits)
      return client === BASELINE ? value : `${value} (${times(c.vsSdkV1[client]?.[key])})`
    })
    const bestPeer = c.vsBestPeer[key]
    return [label, ...cells, times(bestPeer?.ratio), bestPeer?.peer ?? "–"]
  })
  return {
    title: c.title,
    note: `Medians of ${c.rounds} interleaved round(s), each client in a fresh process; (×) is ÷ ${BASELINE} in ` +
      `the same round (> 1 better for calls/s, < 1 better for CPU, memory and time). ${c.counts.sequential} ` +
      `sequential calls, ${c.counts.total} calls in all (the rest 64-way), ${c.counts.cold} cold starts, ` +
      `${c.counts.bigRounds} × 1 MiB.`,
    header: ["figure", ...clients, `${PROJECT} × best peer`, "best peer"],
    rows
  }
}
