/**
 * Import time from the packed install (compiled JavaScript, as a user gets it): each program's imports timed in
 * fresh processes, interleaved, the median of many; ratios to the official SDK v1 client's imports for the same
 * transport and to the floor (Effect's own `Effect`, `Layer`, `Schema` and `Stream`). Then what the front door
 * loads: its modules by package, and the ten files that take the most time (self time in a CPU profile).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fixed, interleave, median, quick, runNodeJson, type Table, times } from "./harness.ts"
import { packed } from "./packed.ts"

interface ImportSet {
  readonly name: string
  readonly specifiers: ReadonlyArray<string>
  /** The set this one's ratio is taken to. */
  readonly base: string
}

const SDK_V1 = "@modelcontextprotocol/sdk/client"
const MCP = ["@effect-mcp/core/McpClient"]
const STDIO = [...MCP, "@effect-mcp/transport-stdio/McpStdioTransport"]
const HTTP = [...MCP, "@effect-mcp/transport-http/McpHttpTransport"]
const FLOOR = "floor: effect Effect + Layer + Schema + Stream"
const FRONT_DOOR = "effect-mcp (front door)"

export const SETS: ReadonlyArray<ImportSet> = [
  { name: FRONT_DOOR, specifiers: ["effect-mcp"], base: "SDK v1 client + stdio + HTTP" },
  { name: "effect-mcp stdio program (deep)", specifiers: STDIO, base: "SDK v1 client + stdio" },
  {
    name: "effect-mcp stdio + NodeServices",
    specifiers: [...STDIO, "@effect/platform-node/NodeServices"],
    base: "SDK v1 client + stdio"
  },
  { name: "effect-mcp HTTP program (deep)", specifiers: HTTP, base: "SDK v1 client + HTTP" },
  {
    name: "effect-mcp HTTP + NodeHttpClient",
    specifiers: [...HTTP, "@effect/platform-node/NodeHttpClient"],
    base: "SDK v1 client + HTTP"
  },
  {
    name: "SDK v1 client + stdio + HTTP",
    specifiers: [`${SDK_V1}/index.js`, `${SDK_V1}/stdio.js`, `${SDK_V1}/streamableHttp.js`],
    base: "SDK v1 client + stdio + HTTP"
  },
  {
    name: "SDK v1 client + stdio",
    specifiers: [`${SDK_V1}/index.js`, `${SDK_V1}/stdio.js`],
    base: "SDK v1 client + stdio"
  },
  {
    name: "SDK v1 client + HTTP",
    specifiers: [`${SDK_V1}/index.js`, `${SDK_V1}/streamableHttp.js`],
    base: "SDK v1 client + HTTP"
  },
  {
    name: "SDK v2 client + stdio",
    specifiers: ["@modelcontextprotocol/client", "@modelcontextprotocol/client/stdio"],
    base: "SDK v1 client + stdio"
  },
  { name: "SDK v2 client (+ HTTP)", specifiers: ["@modelcontextprotocol/client"], base: "SDK v1 client + HTTP" },
  {
    name: "Effect McpClient",
    specifiers: ["effect/ai/McpClient", "effect/ai/McpProtocol"],
    base: "SDK v1 client + stdio + HTTP"
  },
  {
    name: FLOOR,
    specifiers: ["effect/Effect", "effect/Layer", "effect/Schema", "effect/Stream"],
    base: "SDK v1 client + stdio + HTTP"
  }
]

const IMPORT_ROUNDS = quick ? 5 : 15

interface Timing {
  readonly ms: number
  readonly modules: ReadonlyArray<string>
}

export interface ImportResults {
  readonly rounds: number
  readonly sets: Record<string, { ms: number; vsSdkV1: number; vsFloor: number; modules: number }>
  readonly frontDoor: {
    readonly byPackage: Record<string, number>
    readonly profile: LoadProfile
  }
}

const time = (script: string, set: ImportSet, countModules = false) =>
  runNodeJson<Timing>(script, set.specifiers, countModules ? { env: { BENCH_COUNT_MODULES: "1" } } : {})

const packageOf = (file: string) => file.split("/").slice(0, file.startsWith("@") ? 2 : 1).join("/")

const countBy = (names: ReadonlyArray<string>): Record<string, number> => {
  const counts: Record<string, number> = {}
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]))
}

interface CpuProfile {
  readonly nodes: ReadonlyArray<{ readonly id: number; readonly callFrame: { readonly url: string } }>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

export interface LoadProfile {
  /** Self time in Node's own modules (the ESM loader: resolve, read, link) and in V8 (compile, GC), ms a run. */
  readonly nodeMs: number
  readonly engineMs: number
  /** Self time in each package's code (module bodies and what they call at load), ms a run. */
  readonly byPackage: Record<string, number>
  /** The ten package files with the most self time, ms a run. */
  readonly files: ReadonlyArray<{ readonly file: string; readonly selfMs: number }>
}

const selfTimes = (profile: CpuProfile, into: Map<string, number>, runs: number) => {
  const urls = new Map(profile.nodes.map((node) => [node.id, node.callFrame.url]))
  profile.samples.forEach((id, i) => {
    const url = (urls.get(id) ?? "").replace(/^.*\/node_modules\//, "")
    into.set(url, (into.get(url) ?? 0) + profile.timeDeltas[i]! / 1000 / runs)
  })
}

/** Where the front door's import spends its time: `runs` CPU profiles (0.1 ms samples), self time by file. */
const profileLoad = async (script: string, set: ImportSet, runs: number): Promise<LoadProfile> => {
  const dir = mkdtempSync(join(tmpdir(), "bench-cpuprof-"))
  for (let i = 0; i < runs; i++) {
    const nodeArgs = ["--cpu-prof", "--cpu-prof-dir", dir, "--cpu-prof-interval", "100"]
    await runNodeJson(script, set.specifiers, { nodeArgs })
  }
  const self = new Map<string, number>()
  for (const file of readdirSync(dir)) selfTimes(JSON.parse(readFileSync(join(dir, file), "utf8")), self, runs)
  rmSync(dir, { recursive: true, force: true })
  const entries = [...self].filter(([file]) => !file.includes("bench/import-time"))
  const sum = (keep: (file: string) => boolean) => entries.filter(([f]) => keep(f)).reduce((t, [, ms]) => t + ms, 0)
  const files = entries.filter(([file]) => file !== "" && !file.startsWith("node:"))
  const byPackage = new Map<string, number>()
  for (const [file, ms] of files) byPackage.set(packageOf(file), (byPackage.get(packageOf(file)) ?? 0) + ms)
  return {
    nodeMs: sum((file) => file.startsWith("node:")),
    engineMs: sum((file) => file === ""),
    byPackage: Object.fromEntries([...byPackage].sort((a, b) => b[1] - a[1])),
    files: files.sort((a, b) => b[1] - a[1]).slice(0, 10).map(([file, selfMs]) => ({ file, selfMs }))
  }
}

export const run = async (): Promise<ImportResults> => {
  const script = (await packed()).module("import-time")
  const all = await interleave(SETS, IMPORT_ROUNDS, (set, round) => {
    if (set === SETS[0]) process.stderr.write(`  import: round ${round + 1}/${IMPORT_ROUNDS}\n`)
    return time(script, set)
  })
  const ms = (round: ReadonlyArray<{ item: ImportSet; result: Timing }>, name: string) =>
    round.find(({ item }) => item.name === name)!.result.ms
  const sets: ImportResults["sets"] = {}
  for (const set of SETS) {
    const counted = await time(script, set, true)
    sets[set.name] = {
      ms: median(all.map((round) => ms(round, set.name))),
      vsSdkV1: median(all.map((round) => ms(round, set.name) / ms(round, set.base))),
      vsFloor: median(all.map((round) => ms(round, set.name) / ms(round, FLOOR))),
      modules: counted.modules.length
    }
  }
  const frontDoor = SETS[0]!
  const modules = (await time(script, frontDoor, true)).modules
  return {
    rounds: IMPORT_ROUNDS,
    sets,
    frontDoor: {
      byPackage: countBy(modules.map(packageOf)),
      profile: await profileLoad(script, frontDoor, quick ? 2 : 5)
    }
  }
}

export const importTables = (results: ImportResults): Array<Table> => [
  {
    title: "Import time (packed install, fresh process)",
    note: `Median of ${results.rounds} interleaved rounds; × SDK v1 is ÷ the SDK v1 client's imports for the ` +
      "same transport, in the same round (< 1: faster).",
    header: ["imports", "ms", "× SDK v1", "× floor", "modules"],
    rows: Object.entries(results.sets).map(([name, s]) => [
      `${name} (${SETS.find((set) => set.name === name)!.specifiers.join(", ")})`,
      fixed(s.ms, 1),
      times(s.vsSdkV1),
      times(s.vsFloor),
      String(s.modules)
    ])
  },
  {
    title: "What the front door (`import(\"effect-mcp\")`) loads",
    note: frontDoorNote(results.frontDoor),
    header: ["file (most self time while importing the front door)", "self ms"],
    rows: results.frontDoor.profile.files.map(({ file, selfMs }) => [file, fixed(selfMs, 1)])
  }
]

const list = (record: Record<string, number>, digits: number) =>
  Object.entries(record).map(([name, n]) => `${name} ${fixed(n, digits)}`).join(", ")

const frontDoorNote = ({ byPackage, profile }: ImportResults["frontDoor"]) =>
  `Modules loaded, by package: ${list(byPackage, 0)}. Where the import's time goes (CPU profiles, self time, ms ` +
  `a run; profiling slows it): Node's loader (resolve, read, link) ${fixed(profile.nodeMs, 1)}, V8 (compile, ` +
  `GC) ${fixed(profile.engineMs, 1)}, the packages' code ${list(profile.byPackage, 1)}.`
