/**
 * The `prepack` and `postpack` scripts of every published package: they give npm what pnpm's
 * `publishConfig.exports` gives the Effect monorepo (npm has no such override and warns about the key).
 *
 * In the repository a package's `exports` point at its sources (`"./*": "./src/*.ts"`), so tests, examples,
 * vitest, `tsc -b` and the bench run from the sources without a build step. `npm pack` and `npm publish` run, in
 * the package's directory:
 * - `prepack`: builds the package (`tsc -b tsconfig.build.json`, incremental, declarations only; then
 *   `scripts/bundle.ts`, the JavaScript), checks that `dist/` holds a `.d.ts` and `.d.ts.map` for every source
 *   file, a `.js` and `.js.map` for every public module (the top of `src/`), chunks under `dist/internal/`, and
 *   nothing else (a stale output of a deleted module fails the pack), that each `bin` is a built file opening
 *   with `#!/usr/bin/env node` (the bundler keeps the entry's shebang), keeps the manifest in `build/package.json.prepack` and rewrites `package.json` for
 *   the tarball: each `./src/<path>.ts` target of `exports` becomes
 *   `{ "types": "./dist/<path>.d.ts", "import": "./dist/<path>.js", "default": "./dist/<path>.js" }`, and these
 *   two scripts are dropped.
 * - `postpack`: puts the kept manifest back, byte for byte.
 *
 * A pack that died between the two leaves the rewritten manifest; the next `prepack` (or `postpack`) restores it.
 * `npm pack --ignore-scripts` would ship the sources as entry points: never pack or publish with it.
 *
 * Usage: `node ../../scripts/publish-manifest.ts prepack|postpack` (from a package directory; Node 24 type
 * stripping; no dependencies).
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"

type Exports = { readonly [subpath: string]: ExportTarget }
type ExportTarget = string | null | { readonly [condition: string]: ExportTarget }

interface Manifest {
  readonly name: string
  readonly exports?: Exports
  readonly scripts?: Readonly<Record<string, string>>
  readonly bin?: Readonly<Record<string, string>>
  readonly [key: string]: unknown
}

const packageDir = process.cwd()
const manifestPath = join(packageDir, "package.json")
const backupPath = join(packageDir, "build", "package.json.prepack")
const tsc = join(import.meta.dirname, "..", "node_modules", "typescript", "bin", "tsc")
const bundler = join(import.meta.dirname, "bundle.ts")

const fail = (message: string): never => {
  console.error(`publish-manifest (${packageDir}): ${message}`)
  process.exit(1)
}

const restore = (): boolean => {
  if (!existsSync(backupPath)) return false
  renameSync(backupPath, manifestPath)
  return true
}

/** `./src/<path>.ts` → the built files; `./package.json` and `null` stay; anything else is refused. */
const publishedTarget = (subpath: string, target: ExportTarget): ExportTarget => {
  if (target === null || subpath === "./package.json") return target
  if (typeof target === "string") {
    const match = /^\.\/src\/(.+)\.ts$/.exec(target)
    if (match === null) return fail(`exports["${subpath}"] is "${target}": expected "./src/<path>.ts"`)
    const path = match[1]
    return { types: `./dist/${path}.d.ts`, import: `./dist/${path}.js`, default: `./dist/${path}.js` }
  }
  return fail(`exports["${subpath}"] has conditions: write plain "./src/<path>.ts" targets, this script adds them`)
}

const filesUnder = (dir: string): Array<string> =>
  existsSync(dir) ?
    readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split("\\").join("/")) :
    []

/** Extensions of every source's declarations, and of a public module's JavaScript, longest first. */
const DECLARATIONS = [".d.ts.map", ".d.ts"] as const
const JAVASCRIPT = [".js.map", ".js"] as const

/** A chunk of code public modules share: `internal/<name>-<hash>.js` and its map. */
const CHUNK = /^internal\/[^/]+-[\w-]+\.js(\.map)?$/

/** Every source has its declarations, every public module its JavaScript, and every output its source. */
const checkDist = (): void => {
  const sources = filesUnder(join(packageDir, "src")).filter((file) => file.endsWith(".ts"))
    .map((file) => file.slice(0, -".ts".length))
  const isPublic = (source: string) => !source.includes("/")
  const expected = sources.flatMap((source) =>
    [...DECLARATIONS, ...(isPublic(source) ? JAVASCRIPT : [])].map((extension) => `${source}${extension}`)
  )
  const outputs = filesUnder(join(packageDir, "dist")).filter((file) => file !== ".tsbuildinfo")
  const present = new Set(outputs)
  // a module of re-exports only has no code to map: its JavaScript names no source map
  const unmapped = (file: string) =>
    file.endsWith(".js.map") && present.has(file.slice(0, -".map".length)) &&
    !readFileSync(join(packageDir, "dist", file.slice(0, -".map".length)), "utf8").includes("//# sourceMappingURL=")
  const missing = expected.filter((file) => !present.has(file) && !unmapped(file))
  const known = new Set(expected)
  const orphans = outputs.filter((file) => !known.has(file) && !CHUNK.test(file))
  const list = (files: ReadonlyArray<string>) => files.map((file) => `dist/${file}`).join(", ")
  if (missing.length > 0) fail(`the build is missing ${list(missing)}`)
  if (orphans.length > 0) fail(`dist/ holds files without a source: ${list(orphans)} (delete dist/ and pack again)`)
}

/** Every `bin` of the manifest is a built file that Node runs: it exists and opens with a node shebang. */
const checkBin = (manifest: Manifest): void => {
  for (const [command, target] of Object.entries(manifest.bin ?? {})) {
    const file = join(packageDir, target)
    if (!existsSync(file)) fail(`bin ${command} is ${target}, which the build did not write`)
    if (!readFileSync(file, "utf8").startsWith("#!/usr/bin/env node\n")) {
      fail(`bin ${command} (${target}) does not open with #!/usr/bin/env node`)
    }
  }
}

/** The manifest for the tarball: `exports` rewritten, these scripts dropped, the key order kept. */
const publishedManifest = (manifest: Manifest): Record<string, unknown> => {
  const entries = Object.entries(manifest).flatMap(([key, value]): Array<[string, unknown]> => {
    if (key === "exports") {
      return [[
        key,
        Object.fromEntries(
          Object.entries(manifest.exports ?? {}).map(([subpath, target]) => [
            subpath,
            publishedTarget(subpath, target)
          ])
        )
      ]]
    }
    if (key === "scripts") {
      const { postpack: _postpack, prepack: _prepack, ...scripts } = manifest.scripts ?? {}
      return Object.keys(scripts).length > 0 ? [[key, scripts]] : []
    }
    return [[key, value]]
  })
  return Object.fromEntries(entries)
}

const prepack = (): void => {
  if (restore()) console.error("publish-manifest: restored the package.json kept by a pack that did not finish")
  const original = readFileSync(manifestPath, "utf8")
  const published = publishedManifest(JSON.parse(original) as Manifest)
  execFileSync(process.execPath, [tsc, "-b", "tsconfig.build.json"], { cwd: packageDir, stdio: "inherit" })
  execFileSync(process.execPath, [bundler, packageDir], { cwd: packageDir, stdio: "inherit" })
  checkDist()
  checkBin(JSON.parse(original) as Manifest)
  mkdirSync(join(packageDir, "build"), { recursive: true })
  writeFileSync(backupPath, original)
  writeFileSync(manifestPath, `${JSON.stringify(published, null, 2)}\n`)
}

const command = process.argv[2]
if (command === "prepack") prepack()
else if (command === "postpack") restore()
else fail(`usage: publish-manifest.ts prepack|postpack (got ${command ?? "nothing"})`)
