/**
 * What every part of the benchmark shares: the run's settings (`BENCH_QUICK`, `BENCH_ROUNDS`), the shape of a
 * client driver, medians, child processes that answer with one JSON line, and the tables the report prints.
 */
import { spawn } from "node:child_process"

export const quick = process.env.BENCH_QUICK === "1"
/** Interleaved rounds of the client comparisons: sized so that a full `npm run bench` stays near 12 minutes. */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 5))
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

/** Interleaved rounds: `rounds` passes over `items`, rotating the order each pass so none always goes first. */
export const interleave = async <T, R>(
  items: ReadonlyArray<T>,
  rounds: number,
  measure: (item: T, round: number) => Promise<R>
): Promise<Array<Array<{ item: T; result: R }>>> => {
  const all: Array<Array<{ item: T; result: R }>> = []
  for (let round = 0; round < rounds; round++) {
    const results: Array<{ item: T; result: R }> = []
    for (let i = 0; i < items.length; i++) {
      const item = items[(i + round) % items.length]!
      results.push({ item, result: await measure(item, round) })
    }
    all.push(results)
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
