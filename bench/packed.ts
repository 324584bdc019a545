/**
 * The packed install every measured client runs from: effect-mcp as a user gets it (compiled JavaScript from the
 * tarballs, beside `effect`, `@effect/platform-node` and the official SDK clients at this repository's versions),
 * so that no figure pays for type stripping or workspace sources.
 *
 * As the consumer test does (`scripts/consumer-test.ts`): `npm run build`, `npm pack` in every package (their
 * `prepack` points `exports` at `dist/`), `npm install` of the tarballs into a fresh project. Both steps are
 * cached in `bench/.cache/`: the tarballs by a hash of the packages' sources and manifests, the install by a hash
 * of the tarballs; a rerun with unchanged sources reuses them. The bench's own client code is copied in on every
 * run, its types stripped, so that the measured processes load plain JavaScript.
 */
import { spawn } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { stripTypeScriptTypes } from "node:module"
import { join, relative, resolve } from "node:path"

const root = resolve(import.meta.dirname, "..")
const cache = join(root, "bench", ".cache")
const PACKAGES = ["core", "transport-stdio", "transport-http", "auth", "effect-mcp"] as const
const PEERS = ["effect", "@effect/platform-node", "@modelcontextprotocol/sdk", "@modelcontextprotocol/client"]
/** The bench modules the measured processes load, copied into the install as JavaScript. */
const BENCH_MODULES = ["harness", "worker", "clients", "scaling-worker", "import-time"]

/** The outer `npm run` exports its configuration (`npm_config_*`, `npm_package_*`): none of it reaches npm here. */
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== "INIT_CWD")
)

const run = (command: string, args: ReadonlyArray<string>, cwd: string): Promise<string> =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (out += chunk))
    child.on("error", reject)
    child.on(
      "close",
      (code) =>
        code === 0
          ? resolvePromise(out)
          : reject(new Error(`${command} ${args.join(" ")} (in ${cwd}): ${code}\n${out}`))
    )
  })

const filesUnder = (dir: string): Array<string> =>
  existsSync(dir) ?
    readdirSync(dir, { recursive: true, encoding: "utf8" }).map((entry) => join(dir, entry))
      .filter((file) => statSync(file).isFile()).sort() :
    []

const hashOf = (files: ReadonlyArray<string>, extra = ""): string => {
  const hash = createHash("sha256").update(extra)
  for (const file of files) hash.update(relative(root, file)).update(readFileSync(file))
  return hash.digest("hex").slice(0, 16)
}

const versionOf = (name: string): string => {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    devDependencies: Record<string, string>
  }
  return manifest.devDependencies[name]!
}

/** A cached directory: made by `make` unless its `.done` marker is there; older siblings of its kind go. */
const cached = async (kind: string, key: string, make: (dir: string) => Promise<void>): Promise<string> => {
  const dir = join(cache, `${kind}-${key}`)
  if (existsSync(join(dir, ".done"))) return dir
  mkdirSync(cache, { recursive: true })
  for (const old of readdirSync(cache).filter((name) => name.startsWith(`${kind}-`))) {
    rmSync(join(cache, old), { recursive: true, force: true })
  }
  mkdirSync(dir, { recursive: true })
  await make(dir)
  writeFileSync(join(dir, ".done"), "")
  return dir
}

const pack = async (dir: string): Promise<void> => {
  process.stderr.write("  packed install: npm run build, npm pack\n")
  await run("npm", ["run", "build"], root)
  for (const name of PACKAGES) await run("npm", ["pack", "--pack-destination", dir], join(root, "packages", name))
}

const install = (tarballs: ReadonlyArray<string>) => async (dir: string): Promise<void> => {
  process.stderr.write("  packed install: npm install\n")
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bench-install", private: true, type: "module" }))
  const peers = PEERS.map((name) => `${name}@${versionOf(name)}`)
  await run("npm", ["install", "--no-audit", "--no-fund", "--no-save", ...tarballs, ...peers], dir)
}

/** The bench modules, their types stripped and their relative `.ts` imports made `.js`. */
const copyBenchModules = (dir: string): void => {
  mkdirSync(join(dir, "bench"), { recursive: true })
  for (const name of BENCH_MODULES) {
    const source = readFileSync(join(root, "bench", `${name}.ts`), "utf8")
    const code = stripTypeScriptTypes(source).replace(/(from\s*"\.\/[^"]+)\.ts"/g, "$1.js\"")
    writeFileSync(join(dir, "bench", `${name}.js`), code)
  }
}

/** What a package's tarball is made of: its sources, manifest, tsconfigs, README and LICENSE. */
const packageSources = (dir: string): Array<string> => [
  ...["package.json", "tsconfig.json", "tsconfig.build.json", "README.md", "LICENSE"].map((file) => join(dir, file))
    .filter((file) => existsSync(file)),
  ...filesUnder(join(dir, "src"))
]

export interface Packed {
  /** The project's directory (its `node_modules` holds the packed packages). */
  readonly dir: string
  /** The path of a bench module in it, as JavaScript. */
  readonly module: (name: string) => string
}

let prepared: Promise<Packed> | undefined

const prepare = async (): Promise<Packed> => {
  const sources = [
    ...PACKAGES.flatMap((name) => packageSources(join(root, "packages", name))),
    ...[
      "package-lock.json",
      "tsconfig.base.json",
      "tsconfig.build.json",
      "scripts/publish-manifest.ts",
      "scripts/bundle.ts"
    ]
      .map((file) => join(root, file)).filter((file) => existsSync(file))
  ]
  const tarballDir = await cached("tarballs", hashOf(sources), pack)
  const tarballs = filesUnder(tarballDir).filter((file) => file.endsWith(".tgz"))
  const dir = await cached("install", hashOf(tarballs, PEERS.map(versionOf).join()), install(tarballs))
  copyBenchModules(dir)
  return { dir, module: (name) => join(dir, "bench", `${name}.js`) }
}

/** The packed install, made (or found in the cache) once per run. */
export const packed = (): Promise<Packed> => (prepared ??= prepare())
