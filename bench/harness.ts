/**
 * What every part of the benchmark shares: the run's settings (`BENCH_QUICK`, `BENCH_ROUNDS`), the shape of a
 * client driver, medians, child processes that answer with one JSON line, and the tables the report prints.
 */
import { spawn } from "node:child_process"

export const quick = process.env.BENCH_QUICK === "1"
const MIN_ROUNDS = 3
const MAX_ROUNDS = 9

/**
 * How many interleaved rounds a client comparison runs, once its first round took `firstRoundMs`:
 * `BENCH_ROUNDS` if set, else 1 in QUICK, else as many as fit in `budgetSeconds`, from 3 to 9. The budgets are
 * set so that a full `npm run bench` stays near 12 minutes on a quiet 2-core machine.
 */
export const roundsWithin = (budgetSeconds: number) => (firstRoundMs: number): number => {
  if (process.env.BENCH_ROUNDS !== undefined) return Number(process.env.BENCH_ROUNDS)
  if (quick) return 1
  return Math.min(MAX_ROUNDS, Math.max(MIN_ROUNDS, Math.floor(budgetSeconds * 1000 / firstRoundMs)))
}
export const roundsNote = process.env.BENCH_ROUNDS !== undefined ?
  `${process.env.BENCH_ROUNDS} (BENCH_ROUNDS)` :
  quick
  ? "1 (QUICK)"
  : `as many as fit each comparison's time budget, ${MIN_ROUNDS} to ${MAX_ROUNDS}`
export const MiB = 1024 * 1024

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

export const median = (xs: ReadonlyArray<number>): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** This process's peak resident set so far, in MiB. */
export const peakRssMiB = () => process.resourceUsage().maxRSS / 1024

/** Runs `node <script> <arg>` in a fresh process and parses the last line it prints on stdout. */
export const runNodeJson = <A>(
  script: string,
  arg: unknown,
  options: { readonly nodeArgs?: ReadonlyArray<string>; readonly env?: Record<string, string> } = {}
): Promise<A> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...options.nodeArgs ?? [], script, JSON.stringify(arg)], {
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk))
    child.on("error", reject)
    child.on("close", (code) => {
      const last = out.trim().split("\n").at(-1) ?? ""
      if (code === 0 && last !== "") resolve(JSON.parse(last) as A)
      else reject(new Error(`${script} ${JSON.stringify(arg)} exited ${code}: ${out}`))
    })
  })

/**
 * Interleaved rounds: passes over `items`, rotating the order each pass so none always goes first. `rounds`
 * tells, once the first round is done, how many there are in all (given how long that one took).
 */
export const interleave = async <T, R>(
  items: ReadonlyArray<T>,
  rounds: (firstRoundMs: number) => number,
  measure: (item: T, round: number, of: number | undefined) => Promise<R>
): Promise<Array<Array<{ item: T; result: R }>>> => {
  const all: Array<Array<{ item: T; result: R }>> = []
  const t0 = performance.now()
  let total: number | undefined
  for (let round = 0; total === undefined || round < total; round++) {
    const results: Array<{ item: T; result: R }> = []
    for (let i = 0; i < items.length; i++) {
      const item = items[(i + round) % items.length]!
      results.push({ item, result: await measure(item, round, total) })
    }
    all.push(results)
    total ??= rounds(performance.now() - t0)
  }
  return all
}

// -- tables -----------------------------------------------------------------------------------------

export interface Table {
  readonly title: string
  readonly note?: string
  readonly header: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<string>>
}

/** A Markdown table, its columns padded so that it also reads well in a terminal. */
export const renderTable = (table: Table): string => {
  const widths = table.header.map((h, i) => Math.max(h.length, ...table.rows.map((row) => (row[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    `| ${cells.map((cell, i) => i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)).join(" | ")} |`
  const rule = `| ${widths.map((w, i) => i === 0 ? "-".repeat(w) : "-".repeat(w - 1) + ":").join(" | ")} |`
  const note = table.note === undefined ? "" : `\n${table.note}\n`
  return `### ${table.title}\n${note}\n${[line(table.header), rule, ...table.rows.map(line)].join("\n")}\n`
}

export const fixed = (x: number | undefined, digits = 0): string => x === undefined ? "–" : x.toFixed(digits)
export const times = (x: number | undefined): string => x === undefined ? "–" : `${x.toFixed(2)}×`
