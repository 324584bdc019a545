/**
 * Where an import's time goes: CPU profiles (`--cpu-prof`, 0.1 ms samples) of fresh processes importing it, their
 * self time sorted into V8 compiling modules, the rest of Node's ESM loader, GC and other engine time, and each
 * package's own code (module bodies and what they call while loading).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runNodeJson } from "./harness.ts"

interface CpuProfile {
  readonly nodes: ReadonlyArray<
    { readonly id: number; readonly callFrame: { readonly url: string; readonly functionName: string } }
  >
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

/** Milliseconds a run. */
export interface LoadProfile {
  readonly compileMs: number
  readonly loaderMs: number
  readonly engineMs: number
  readonly byPackage: Record<string, number>
  /** The ten package files with the most self time. */
  readonly files: ReadonlyArray<{ readonly file: string; readonly selfMs: number }>
}

/** `@scope/name/dist/x.js` → `@scope/name`. */
export const packageOf = (file: string) => file.split("/").slice(0, file.startsWith("@") ? 2 : 1).join("/")

/** A sample's bucket: a package file, or one of the `:compile`, `:loader` and `:engine` buckets. */
const bucket = ({ url, functionName }: CpuProfile["nodes"][number]["callFrame"]): string => {
  if (functionName === "compileSourceTextModule") return ":compile"
  if (url.startsWith("node:")) return ":loader"
  if (url === "") return functionName.startsWith("(") ? ":engine" : ":loader"
  return url.replace(/^.*\/node_modules\//, "")
}

const selfTimes = (profile: CpuProfile, into: Map<string, number>, runs: number) => {
  const buckets = new Map(profile.nodes.map((node) => [node.id, bucket(node.callFrame)]))
  profile.samples.forEach((id, i) => {
    const key = buckets.get(id)!
    into.set(key, (into.get(key) ?? 0) + profile.timeDeltas[i]! / 1000 / runs)
  })
}

const summarize = (self: ReadonlyMap<string, number>): LoadProfile => {
  const files = [...self].filter(([file]) => !file.startsWith(":") && !file.includes("bench/import-time"))
    .sort((a, b) => b[1] - a[1])
  const byPackage = new Map<string, number>()
  for (const [file, ms] of files) byPackage.set(packageOf(file), (byPackage.get(packageOf(file)) ?? 0) + ms)
  return {
    compileMs: self.get(":compile") ?? 0,
    loaderMs: self.get(":loader") ?? 0,
    engineMs: self.get(":engine") ?? 0,
    byPackage: Object.fromEntries([...byPackage].sort((a, b) => b[1] - a[1])),
    files: files.slice(0, 10).map(([file, selfMs]) => ({ file, selfMs }))
  }
}

/** Profiles `runs` fresh processes of `script` importing `specifiers`. */
export const profileLoad = async (
  script: string,
  specifiers: ReadonlyArray<string>,
  runs: number
): Promise<LoadProfile> => {
  const dir = mkdtempSync(join(tmpdir(), "bench-cpuprof-"))
  try {
    for (let i = 0; i < runs; i++) {
      await runNodeJson(script, specifiers, {
        nodeArgs: ["--cpu-prof", "--cpu-prof-dir", dir, "--cpu-prof-interval", "100"]
      })
    }
    const self = new Map<string, number>()
    for (const file of readdirSync(dir)) selfTimes(JSON.parse(readFileSync(join(dir, file), "utf8")), self, runs)
    return summarize(self)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
