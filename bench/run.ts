/**
 * `npm run bench`: effect-mcp side by side with the official SDK clients (v1 and v2), Effect's own `McpClient`
 * and a raw NDJSON client, in one run; every measured client from a packed install (`packed.ts`), each in a
 * fresh process.
 *
 *   npm run bench                    # every part: stdio, http, import, scaling
 *   BENCH=stdio npm run bench        # one part (or several: BENCH=stdio,import)
 *   BENCH=router npm run bench       # the router benchmark (50 servers; not in the default run)
 *   BENCH_QUICK=1 npm run bench      # short passes, one round, capped sizes
 *   BENCH_ROUNDS=9 npm run bench     # rounds of each client comparison (default: as many as fit its time
 *                                    # budget, 3 to 9; QUICK: 1)
 *   BENCH_ONLY="SDK v1,effect-mcp"   # only these clients in the comparisons
 *   npm run -s bench -- --json       # every figure (and the goals) as JSON on stdout, the tables on stderr
 *                                    # (-s: without npm's own banner on stdout)
 *   npm run bench -- --write         # (or BENCH_WRITE=1) regenerates bench/RESULTS.md
 */
import { writeFileSync } from "node:fs"
import { loadavg } from "node:os"
import { comparisonTable } from "./compare.ts"
import { quick, renderTable, roundsNote, type Table } from "./harness.ts"
import { run as http } from "./http.ts"
import { importTables, run as imports } from "./imports.ts"
import { describeMachine, goals, goalsTable, type Results, resultsMarkdown } from "./report.ts"
import { run as router } from "./router.ts"
import { run as scaling, scalingTable } from "./scaling.ts"
import { run as stdio } from "./stdio.ts"

const PARTS = ["stdio", "http", "import", "scaling"] as const
/** Parts that run only when named in `BENCH`. */
const OPT_IN = ["router"] as const
type Part = (typeof PARTS)[number] | (typeof OPT_IN)[number]

const json = process.argv.includes("--json")
const write = process.argv.includes("--write") || process.env.BENCH_WRITE === "1"
const parts = (process.env.BENCH?.split(",") ?? PARTS) as ReadonlyArray<Part>
const known: ReadonlyArray<string> = [...PARTS, ...OPT_IN]
const unknown = parts.filter((part) => !known.includes(part))
if (unknown.length > 0) throw new Error(`BENCH: no part named ${unknown.join(", ")} (parts: ${known.join(", ")})`)

/** Tables go to stdout, or to stderr when stdout carries the JSON. */
const print = (table: Table) => (json ? process.stderr : process.stdout).write(`\n${renderTable(table)}`)

const shellWord = (value: string) => /^[\w.,-]+$/.test(value) ? value : `'${value}'`

const started = performance.now()
const results: Results = {
  date: new Date().toISOString(),
  command: [
    ...["BENCH", "BENCH_QUICK", "BENCH_ROUNDS", "BENCH_ONLY"].flatMap((name) =>
      process.env[name] === undefined ? [] : [`${name}=${shellWord(process.env[name])}`]
    ),
    "npm run bench",
    ...(json || write ? ["--", ...(json ? ["--json"] : []), ...(write ? ["--write"] : [])] : [])
  ].join(" "),
  quick,
  machine: describeMachine(),
  partSeconds: {}
}
const tables: Array<Table> = []
const show = (table: Table) => {
  print(table)
  tables.push(table)
}

process.stderr.write(
  `bench: ${parts.join(", ")}; interleaved rounds of the client comparisons: ${roundsNote}\n`
)
/** Runs one part (if asked for), shows its tables and notes how long it took. */
const part = async <A>(name: Part, body: () => Promise<A>, toTables: (a: A) => ReadonlyArray<Table>) => {
  if (!parts.includes(name)) return undefined
  const t0 = performance.now()
  const result = await body()
  const seconds = (performance.now() - t0) / 1000
  results.partSeconds[name] = seconds
  process.stderr.write(`bench: ${name} took ${seconds.toFixed(0)} s\n`)
  for (const table of toTables(result)) show(table)
  return result
}

results.stdio = await part("stdio", stdio, (cs) => cs.map(comparisonTable))
results.http = await part("http", http, (cs) => cs.map(comparisonTable))
results.import = await part("import", imports, importTables)
results.scaling = await part("scaling", scaling, (s) => [scalingTable(s)])
// the router benchmark prints its own table (on stdout)
await part("router", router, () => [])

results.durationSeconds = (performance.now() - started) / 1000
results.machine.loadAtEnd = loadavg()[0]!
if (PARTS.some((name) => parts.includes(name))) print(goalsTable(results))
process.stderr.write(`\nbench: ${results.durationSeconds.toFixed(0)} s\n`)
if (json) process.stdout.write(JSON.stringify({ ...results, goals: goals(results) }, null, 2) + "\n")
if (write) writeFileSync(new URL("./RESULTS.md", import.meta.url), resultsMarkdown(results, tables))
