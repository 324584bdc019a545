/**
 * The JavaScript of a published package: one ES module per public module (the `PascalCase.ts` files and
 * `index.ts` at the top of `src/`), with everything under `src/internal/` bundled in. Every module the index
 * imports statically, directly or not, goes into ONE chunk, `dist/internal/index-[hash].js`; the public modules
 * among them are facades that re-export from it. So an import of the index loads two files, a deep import
 * (`@effect-mcp/core/McpClient`) loads its facade and the same chunk, and both share one instance of every
 * module (one `McpClient` class, one `McpTransportError`). Public modules the index leaves out
 * (`McpArbitrary`, `McpToolkit`, `McpCodegen`, `bin`) and what the modules import with `import()` stay out of
 * that chunk: they are loaded only by the programs that use them. `exports` hides `dist/internal/`.
 * Declarations and their maps come from `tsc -b tsconfig.build.json` (declarations only, with the JSDoc); this
 * script writes the `.js` files, without JSDoc comments and in ASCII, and their source maps, which point at the
 * sources in `src/`.
 *
 * Why: Node resolves, reads and compiles every file a program imports, and that work, not the code in them,
 * is most of the time an import takes. One file per concept keeps the sources readable; one chunk per package
 * keeps the import cheap (`npm run bench` measures the import time from a packed install): the front door
 * loads 9 files of the toolkit instead of 36, a stdio program 5 instead of 15, for some more bytes in the
 * deep imports (the whole of core's chunk, about 200 kB, where its 13 files of a stdio program were 193 kB
 * with their JSDoc).
 *
 * `@effect-mcp/auth` keeps a file per public module and its shared code in chunks (see `ONE_CHUNK`).
 *
 * Imports of other packages (`effect`, `@effect-mcp/*`, `node:*`) stay imports. Dynamic imports of other
 * packages stay lazy.
 *
 * Usage: `node scripts/bundle.ts [packageDir…]` (every package when none is given). `publish-manifest.ts`
 * runs it for the package being packed; `npm run build` for all.
 */
import { existsSync, readdirSync, rmSync } from "node:fs"
import { basename, join, resolve } from "node:path"
import { type ChunkingContext, rolldown } from "rolldown"

const root = resolve(import.meta.dirname, "..")
const PACKAGES = ["core", "transport-stdio", "transport-http", "auth", "effect-mcp"] as const

/** The public modules of a package: the `.ts` files at the top of `src/`. */
const entriesOf = (packageDir: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(join(packageDir, "src"), { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
      .map((entry) => [entry.name.slice(0, -".ts".length), join(packageDir, "src", entry.name)])
  )

/**
 * The packages whose index's modules go into one chunk. Not `auth`: its public modules are alternatives (a
 * program uses one kind of credential) with dependencies of their own (`McpLogin` a local HTTP server,
 * `McpTokenStore` the file system), so one chunk would make `@effect-mcp/auth/McpBearerAuth` load them all
 * (270 modules instead of 170); the front door loads it only when a server asks for OAuth.
 */
const ONE_CHUNK: ReadonlySet<string> = new Set(["core", "transport-stdio", "transport-http", "effect-mcp"])

/**
 * The chunk of a package's index: every module the index imports statically, directly or not. The public
 * modules among them become facades that re-export from it, so that an index import loads two files and a
 * deep import shares the one instance of each module with the index.
 */
const indexGroup = (indexId: string | undefined) => {
  let reachable: Set<string> | undefined
  return (id: string, ctx: ChunkingContext): string | null => {
    if (indexId === undefined) return null
    if (reachable === undefined) {
      reachable = new Set()
      const visit = (moduleId: string): void => {
        if (reachable!.has(moduleId)) return
        const info = ctx.getModuleInfo(moduleId)
        if (info === null || info.code === null) return
        reachable!.add(moduleId)
        for (const imported of info.importedIds) visit(imported)
      }
      visit(indexId)
    }
    return reachable.has(id) ? "index" : null
  }
}

/** Drops the JavaScript of an earlier bundle (or of a `tsc` build that emitted it); declarations stay. */
const cleanJavaScript = (dist: string): void => {
  if (!existsSync(dist)) return
  for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /\.js(\.map)?$/.test(entry.name)) rmSync(join(entry.parentPath, entry.name))
  }
}

/** Bundles one package into its `dist/`. */
export const bundle = async (packageDir: string): Promise<ReadonlyArray<string>> => {
  const input = entriesOf(packageDir)
  const dist = join(packageDir, "dist")
  cleanJavaScript(dist)
  if (Object.keys(input).length === 0) return []
  const build = await rolldown({
    input,
    platform: "node",
    // a bare specifier is another package: it stays an import
    external: (id) => !id.startsWith(".") && !id.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(id),
    // an entry may export more than its own module, so that other entries import shared code from it
    preserveEntrySignatures: "allow-extension",
    treeshake: true
  })
  const { output } = await build.write({
    dir: dist,
    format: "esm",
    sourcemap: true,
    // the declarations carry the JSDoc; the JavaScript need not (a third of its bytes)
    comments: { jsdoc: false, annotation: true, legal: true },
    // one "…" makes V8 hold a whole chunk's source as UTF-16, twice the bytes: escape what is not ASCII
    charset: "ascii",
    entryFileNames: "[name].js",
    chunkFileNames: "internal/[name]-[hash].js",
    ...(ONE_CHUNK.has(basename(resolve(packageDir))) ?
      { codeSplitting: { groups: [{ name: indexGroup(input.index), debugName: "index" }] } } :
      {})
  })
  await build.close()
  return output.map((file) => file.fileName)
}

const main = async () => {
  const given = process.argv.slice(2)
  const dirs = given.length > 0
    ? given.map((dir) => resolve(dir))
    : PACKAGES.map((name) => join(root, "packages", name))
  await Promise.all(dirs.map(bundle))
}

if (import.meta.main) await main()
