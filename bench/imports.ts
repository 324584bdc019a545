/**
 * Import time from the packed install (compiled JavaScript, as a user gets it): each program's imports timed in
 * fresh processes, interleaved, the median of many; ratios to the official SDK v1 client's imports for the same
 * transport and to the floor (Effect's own `Effect`, `Layer`, `Schema` and `Stream`). Then what the front door
 * loads: its modules by package, and the ten files that take the most time (self time in a CPU profile).
 */
import { fixed, interleave, median, quick, runNodeJson, type Table, times } from "./harness.ts"
import { type LoadProfile, packageOf, profileLoad } from "./import-profile.ts"
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
  // a stdio program needs no platform layer (the transport runs on node:child_process); an HTTP one needs a client
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
  readonly modules: ReadonlyArray<{ readonly file: string; readonly bytes: number }>
}

export interface ImportResults {
  readonly rounds: number
  /** What each effect-mcp program loads that the floor does not: by area (package, or effect's folder). */
  readonly beyondFloor: Record<string, Record<string, { readonly modules: number; readonly kB: number }>>
  readonly sets: Record<string, { ms: number; vsSdkV1: number; vsFloor: number; modules: number; kB: number }>
  readonly frontDoor: {
    /** Modules loaded, and kB of their sources, by package. */
    readonly byPackage: Record<string, { readonly modules: number; readonly kB: number }>
    readonly profile: LoadProfile
  }
}

const time = (script: string, set: ImportSet, countModules = false) =>
  runNodeJson<Timing>(script, set.specifiers, countModules ? { env: { BENCH_COUNT_MODULES: "1" } } : {})

const kB = (modules: Timing["modules"]) => modules.reduce((sum, { bytes }) => sum + bytes, 0) / 1024

const byPackage = (modules: Timing["modules"]): ImportResults["frontDoor"]["byPackage"] => {
  const packages = new Map<string, Array<Timing["modules"][number]>>()
  for (const module of modules) {
    packages.set(packageOf(module.file), [...packages.get(packageOf(module.file)) ?? [], module])
  }
  return Object.fromEntries(
    [...packages].map(([name, mine]) => [name, { modules: mine.length, kB: kB(mine) }] as const)
      .sort((a, b) => b[1].kB - a[1].kB)
  )
}

/** `effect/dist/ai/Tool.js` → `effect/ai`; `effect/dist/Schema.js` → `effect`; others → their package. */
const areaOf = (file: string) => {
  const match = /^effect\/dist\/(?:(ai|crypto|encoding|http|process|rpc|unstable|internal)\/)?/.exec(file)
  return match === null ? packageOf(file) : match[1] === undefined ? "effect" : `effect/${match[1]}`
}

const BEYOND = [FRONT_DOOR, "effect-mcp stdio program (deep)", "effect-mcp HTTP program (deep)"]

const beyondFloor = (loaded: ReadonlyMap<string, Timing["modules"]>): ImportResults["beyondFloor"] => {
  const floor = new Set(loaded.get(FLOOR)!.map(({ file }) => file))
  const areas: ImportResults["beyondFloor"] = {}
  for (const name of BEYOND) {
    for (const module of loaded.get(name)!.filter(({ file }) => !floor.has(file))) {
      const area = (areas[areaOf(module.file)] ??= {})
      const entry = area[name] ?? { modules: 0, kB: 0 }
      area[name] = { modules: entry.modules + 1, kB: entry.kB + module.bytes / 1024 }
    }
  }
  return areas
}

export const run = async (): Promise<ImportResults> => {
  const script = (await packed()).module("import-time")
  const all = await interleave(SETS, () => IMPORT_ROUNDS, (set, round) => {
    if (set === SETS[0]) process.stderr.write(`  import: round ${round + 1}/${IMPORT_ROUNDS}\n`)
    return time(script, set)
  })
  const ms = (round: ReadonlyArray<{ item: ImportSet; result: Timing }>, name: string) =>
    round.find(({ item }) => item.name === name)!.result.ms
  const sets: ImportResults["sets"] = {}
  const loaded = new Map<string, Timing["modules"]>()
  for (const set of SETS) {
    const counted = await time(script, set, true)
    loaded.set(set.name, counted.modules)
    sets[set.name] = {
      ms: median(all.map((round) => ms(round, set.name))),
      vsSdkV1: median(all.map((round) => ms(round, set.name) / ms(round, set.base))),
      vsFloor: median(all.map((round) => ms(round, set.name) / ms(round, FLOOR))),
      modules: counted.modules.length,
      kB: kB(counted.modules)
    }
  }
  const frontDoor = SETS[0]!
  const modules = loaded.get(FRONT_DOOR)!
  return {
    rounds: IMPORT_ROUNDS,
    sets,
    beyondFloor: beyondFloor(loaded),
    frontDoor: {
      byPackage: byPackage(modules),
      profile: await profileLoad(script, frontDoor.specifiers, quick ? 2 : 5)
    }
  }
}

export const importTables = (results: ImportResults): Array<Table> => [
  {
    title: "Import time (packed install, fresh process)",
    note: `Median of ${results.rounds} interleaved rounds; × SDK v1 is ÷ the SDK v1 client's imports for the ` +
      "same transport, in the same round (< 1: faster).",
    header: ["imports", "ms", "× SDK v1", "× floor", "modules", "kB"],
    rows: Object.entries(results.sets).map(([name, s]) => [
      `${name} (${SETS.find((set) => set.name === name)!.specifiers.join(", ")})`,
      fixed(s.ms, 1),
      times(s.vsSdkV1),
      times(s.vsFloor),
      String(s.modules),
      fixed(s.kB, 0)
    ])
  },
  {
    title: "Modules loaded beyond the floor (Effect, Layer, Schema, Stream)",
    note: "Modules (and kB of source) each effect-mcp program loads that the floor does not, by area: a " +
      "package, or a folder of `effect`.",
    header: ["area", ...BEYOND],
    rows: Object.entries(results.beyondFloor).map(([area, bySet]) => [
      area,
      ...BEYOND.map((name) => {
        const entry = bySet[name]
        return entry === undefined ? "–" : `${entry.modules} (${fixed(entry.kB, 0)} kB)`
      })
    ])
  },
  {
    title: "What the front door (`import(\"effect-mcp\")`) loads",
    note: frontDoorNote(results.frontDoor),
    header: ["file (most self time while importing the front door)", "self ms"],
    rows: results.frontDoor.profile.files.map(({ file, selfMs }) => [file, fixed(selfMs, 1)])
  }
]

const frontDoorNote = ({ byPackage, profile }: ImportResults["frontDoor"]) =>
  `Modules loaded (and kB of source), by package: ${
    Object.entries(byPackage).map(([name, p]) => `${name} ${p.modules} (${fixed(p.kB, 0)} kB)`).join(", ")
  }. Where the import's time goes (CPU profiles, self time, ms a run; profiling slows it): V8 compiling the ` +
  `modules ${fixed(profile.compileMs, 1)}, the rest of Node's loader (resolve, stat, read package.json, link) ` +
  `${fixed(profile.loaderMs, 1)}, GC and other engine time ${fixed(profile.engineMs, 1)}, the packages' own code ${
    Object.entries(profile.byPackage).map(([name, ms]) => `${name} ${fixed(ms, 1)}`).join(", ")
  }.`
