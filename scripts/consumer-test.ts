/**
 * The consumer test: effect-mcp as a user gets it from npm. It catches a broken `exports`, a missing file, an
 * undeclared dependency or a tarball that ships what it should not.
 *
 * Steps, in a fresh temporary directory (its own npm cache; nothing is written elsewhere but the packages'
 * `dist/` and `build/`):
 * 1. build: `npm run build`.
 * 2. pack: `npm pack` in every package (their `prepack` rewrites `exports` to `dist/`); the repository's
 *    `package.json` files must come back unchanged.
 * 3. tarballs: each holds `package.json`, `README.md`, `LICENSE` and, for a package with code, `dist/` (`.js`,
 *    `.d.ts` and their maps) and `src/`; nothing else (no `test/`). Its manifest exports only `dist/` (`types`
 *    and `import` conditions), has no scripts, ranges (not `workspace:`/`file:`) on the other packages that
 *    its version satisfies, and declares every package its JavaScript imports (and no peer it does not).
 * 4. install: a fresh project `npm install`s the tarballs with `effect`, `@effect/platform-node`, `typescript`
 *    and `@types/node` at the versions this repository uses. Each package must be installed once, from its
 *    tarball; every source map must point at a file that is there. Node 22 is installed from npm (the `node`
 *    package) meanwhile.
 * 5. typecheck: a small program (`src/main.ts`, `src/server.ts`, `src/tools.ts`) compiled by `tsc` with
 *    `strict`, `module`/`moduleResolution` `NodeNext` and `skipLibCheck: false`; importing
 *    `@effect-mcp/core/internal/…` must fail to typecheck.
 * 6. the `effect-mcp` command from the installed tarball: `tools` and `call` against the stdio server, and a
 *    missing argument (exit 2).
 * 7. run on Node 24 (this Node) and on Node 22: the program calls a tool over stdio (a child process running an
 *    Effect `McpServer`) and over Streamable HTTP (an Effect `McpServer` on 127.0.0.1, port 0, in the same
 *    process); `import("@effect-mcp/core/internal/engine")` must be refused.
 *
 * Each step prints its name and duration; the first that fails stops the run, prints its output and exits 1.
 *
 * Usage: `npm run test:consumer` (Node 24). `KEEP=1` keeps the temporary directory.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"

const root = resolve(import.meta.dirname, "..")
const packageDirs = ["core", "transport-stdio", "transport-http", "auth", "effect-mcp"] as const
const RUN_TIMEOUT_MS = 60_000
const INSTALL_TIMEOUT_MS = 150_000

interface Manifest {
  readonly name: string
  readonly version: string
  readonly exports?: Record<string, unknown>
  readonly bin?: Record<string, string>
  readonly scripts?: Record<string, string>
  readonly dependencies?: Record<string, string>
  readonly peerDependencies?: Record<string, string>
  readonly devDependencies?: Record<string, string>
}

const readJson = <A>(path: string): A => JSON.parse(readFileSync(path, "utf8")) as A

const rootManifest = readJson<Manifest>(join(root, "package.json"))
const versionOf = (name: string): string => {
  const version = rootManifest.devDependencies?.[name]
  if (version === undefined) throw new Error(`${name} is not a devDependency of the repository`)
  return version
}

const temp = mkdtempSync(join(tmpdir(), "effect-mcp-consumer-"))
const tarballDir = join(temp, "tarballs")
const appDir = join(temp, "app")
const node22Dir = join(temp, "node22")
for (const dir of [tarballDir, appDir, node22Dir]) mkdirSync(dir, { recursive: true })

/** The outer `npm run` exports its configuration (`npm_config_*`, `npm_package_*`): none of it reaches the children. */
const env: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== "INIT_CWD")),
  npm_config_cache: join(temp, "npm-cache"),
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false"
}

// ---------------------------------------------------------------------------
// Running commands and steps
// ---------------------------------------------------------------------------

class StepError extends Error {}

interface Output {
  readonly stdout: string
  readonly stderr: string
}

const children = new Set<ChildProcess>()

const run = (
  command: string,
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly timeoutMs: number }
): Promise<Output> =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] })
    children.add(child)
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs)
    const line = [command, ...args].join(" ")
    child.on("error", (error) => {
      clearTimeout(timer)
      children.delete(child)
      reject(new StepError(`${line}: ${error.message}`))
    })
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      children.delete(child)
      if (code === 0) return resolvePromise({ stdout, stderr })
      const status = signal === null ? `exit ${code}` : `${signal} (timeout ${options.timeoutMs / 1000}s?)`
      reject(new StepError(`${line} (in ${options.cwd}): ${status}\n--- stdout\n${stdout}--- stderr\n${stderr}`))
    })
  })

const check = (condition: boolean, message: string): void => {
  if (!condition) throw new StepError(message)
}

const started = performance.now()
const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)}s`

const step = async <A>(name: string, body: () => Promise<A> | A): Promise<A> => {
  const start = performance.now()
  console.log(`::: consumer: ${name}`)
  try {
    const result = await body()
    console.log(`::: consumer: ${name}: ok (${seconds(start)})`)
    return result
  } catch (error) {
    console.log(`::: consumer: ${name}: FAILED after ${seconds(start)}`)
    console.log(error instanceof StepError ? error.message : error)
    return finish(1)
  }
}

const finish = (code: number): never => {
  for (const child of children) child.kill("SIGKILL")
  if (process.env["KEEP"] === "1") console.log(`::: consumer: kept ${temp}`)
  else rmSync(temp, { recursive: true, force: true, maxRetries: 3 })
  console.log(`::: consumer: ${code === 0 ? "all steps ok" : "failed"} (total ${seconds(started)})`)
  process.exit(code)
}

// ---------------------------------------------------------------------------
// Checks on tarballs and manifests
// ---------------------------------------------------------------------------

/** `range` is `^x.y.z` or `x.y.z` and `version` satisfies it (semver caret rules, no pre-releases). */
const satisfies = (version: string, range: string): boolean => {
  const match = /^(\^?)(\d+)\.(\d+)\.(\d+)$/.exec(range)
  const [major, minor, patch] = version.split(".").map(Number) as [number, number, number]
  if (match === null) return false
  const [low, mid, high] = [Number(match[2]), Number(match[3]), Number(match[4])]
  if (match[1] === "") return major === low && minor === mid && patch === high
  const atLeast = major > low || (major === low && (minor > mid || (minor === mid && patch >= high)))
  if (!atLeast) return false
  return low > 0 ? major === low : mid > 0 ? major === 0 && minor === mid : major === 0 && minor === 0 && patch === high
}

const ALLOWED_ENTRY = /^(package\.json|README\.md|LICENSE|src\/.+\.ts|dist\/.+\.(js|js\.map|d\.ts|d\.ts\.map))$/

/** Package names a built module imports (static, dynamic and re-exports), without `node:` builtins or comments. */
const importedPackages = (code: string): Array<string> =>
  [
    ...code.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "").matchAll(
      // a package specifier: a name or a scope, never a comma or a space (a string "from" in a list is no import)
      /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)"([@a-z0-9][^"\s,]*)"/g
    )
  ]
    .map((match) => match[1]!)
    .filter((specifier) => !specifier.startsWith("node:"))
    .map((specifier) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/"))

interface Packed {
  readonly dir: string
  readonly manifest: Manifest
  readonly tarball: string
  readonly size: number
  readonly unpackedSize: number
  readonly entryCount: number
}

const checkTarball = async (packed: Packed, versions: ReadonlyMap<string, string>): Promise<string> => {
  const where = `${packed.manifest.name} (${packed.tarball})`
  const listing = await run("tar", ["-tzf", packed.tarball], { cwd: tarballDir, timeoutMs: 30_000 })
  const entries = listing.stdout.split("\n").filter((line) => line !== "" && !line.endsWith("/"))
  const files = new Set(entries.map((entry) => entry.replace(/^package\//, "")))
  const unexpected = [...files].filter((file) => !ALLOWED_ENTRY.test(file))
  check(unexpected.length === 0, `${where} holds files a user does not need: ${unexpected.join(", ")}`)
  check(![...files].some((file) => file.startsWith("test/")), `${where} holds test/ files`)
  for (const file of ["package.json", "README.md", "LICENSE"]) check(files.has(file), `${where} lacks ${file}`)
  const hasCode = existsSync(join(root, "packages", packed.dir, "src"))
  if (hasCode) {
    // the index re-exports only: it has no code, so no source map of its JavaScript (its declarations have one)
    for (const file of ["dist/index.js", "dist/index.d.ts", "dist/index.d.ts.map"]) {
      check(files.has(file), `${where} lacks ${file}`)
    }
    check(files.has("src/index.ts"), `${where} lacks src/ (the sources its source maps point at)`)
  }

  const unpacked = join(tarballDir, packed.dir)
  mkdirSync(unpacked, { recursive: true })
  await run("tar", ["-xzf", packed.tarball, "-C", unpacked], { cwd: tarballDir, timeoutMs: 30_000 })
  const manifest = readJson<Manifest>(join(unpacked, "package", "package.json"))
  const targets = JSON.stringify(manifest.exports ?? {})
  check(!targets.includes("./src/"), `${where}: exports still point at src/: ${targets}`)
  check(
    manifest.scripts === undefined,
    `${where}: the packed manifest has scripts: ${JSON.stringify(manifest.scripts)}`
  )
  if (hasCode) {
    const main = manifest.exports?.["."] as Record<string, string> | undefined
    check(
      main?.["types"] === "./dist/index.d.ts" && main["import"] === "./dist/index.js",
      `${where}: exports["."] is ${JSON.stringify(main)}, expected types and import conditions on dist/`
    )
  }
  for (const [command, target] of Object.entries(manifest.bin ?? {})) {
    const file = target.replace(/^\.\//, "")
    check(files.has(file), `${where}: bin ${command} is ${target}, which the tarball lacks`)
    const text = readFileSync(join(unpacked, "package", file), "utf8")
    check(text.startsWith("#!/usr/bin/env node\n"), `${where}: bin ${command} (${target}) has no node shebang`)
  }
  for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
    const version = versions.get(name)
    if (version !== undefined) {
      check(satisfies(version, range), `${where}: dependency ${name}@"${range}" is not a range ${version} satisfies`)
    }
  }
  const declared = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {})
  ])
  const imported = new Set(
    [...files].filter((file) => file.endsWith(".js")).flatMap((file) =>
      importedPackages(readFileSync(join(unpacked, "package", file), "utf8"))
    )
  )
  const undeclared = [...imported].filter((name) => !declared.has(name) && name !== manifest.name)
  check(undeclared.length === 0, `${where}: imports undeclared packages: ${undeclared.join(", ")}`)
  const unusedPeers = Object.keys(manifest.peerDependencies ?? {}).filter((name) => !imported.has(name))
  check(unusedPeers.length === 0, `${where}: peer dependencies its code never imports: ${unusedPeers.join(", ")}`)
  return `${packed.manifest.name}: ${(packed.size / 1024).toFixed(1)} kB packed, ${
    (packed.unpackedSize / 1024).toFixed(0)
  } kB unpacked, ${packed.entryCount} files (${
    ["dist", "src"].map((dir) => `${dir}/ ${[...files].filter((file) => file.startsWith(`${dir}/`)).length}`)
      .join(", ")
  })`
}

const filesUnder = (dir: string): Array<string> =>
  existsSync(dir) ?
    readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name)) :
    []

/** Every source map of the installed packages names files that are installed. */
const checkSourceMaps = (installed: ReadonlyArray<string>): number => {
  let count = 0
  for (const dir of installed) {
    for (const map of filesUnder(join(dir, "dist")).filter((file) => file.endsWith(".map"))) {
      const { sources } = readJson<{ readonly sources: ReadonlyArray<string> }>(map)
      for (const source of sources) {
        check(existsSync(resolve(dirname(map), source)), `${map} points at ${source}, which is not installed`)
      }
      count++
    }
  }
  return count
}

// ---------------------------------------------------------------------------
// The consumer project
// ---------------------------------------------------------------------------

const TOOLS_TS = `import { Effect, Layer, Schema } from "effect"
import { McpServer, Tool, Toolkit } from "effect/ai"

const Add = Tool.make("add", {
  description: "Add two numbers",
  parameters: Schema.Struct({ a: Schema.Number, b: Schema.Number }),
  success: Schema.Struct({ sum: Schema.Number })
})

const Tools = Toolkit.make(Add)

export const Registrations = McpServer.toolkit(Tools).pipe(
  Layer.provide(Tools.toLayer({ add: ({ a, b }) => Effect.succeed({ sum: a + b }) }))
)
`

const SERVER_TS = `import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Layer } from "effect"
import { McpProtocol, McpServer } from "effect/ai"
import { Registrations } from "./tools.js"

McpServer.layerStdio({
  name: "consumer-stdio",
  version: "1.0.0",
  protocols: [McpProtocol.v2025_11_25],
  registrations: Registrations
}).pipe(Layer.provide(NodeServices.layer), Layer.launch, NodeRuntime.runMain)
`

const MAIN_TS = `import { NodeHttpClient, NodeHttpServer, NodeRuntime, NodeServices } from "@effect/platform-node"
import { McpBearerAuth } from "@effect-mcp/auth"
import { McpError } from "@effect-mcp/core"
import * as McpStdioTransport from "@effect-mcp/transport-stdio/McpStdioTransport"
import { Console, Effect, Layer, Schema } from "effect"
import { McpProtocol, McpServer } from "effect/ai"
import { HttpRouter, HttpServer } from "effect/http"
import { McpClient, McpHttpTransport } from "effect-mcp"
import { createServer } from "node:http"
import { fileURLToPath } from "node:url"
import { Registrations } from "./tools.js"

// @ts-expect-error internal modules are not exported
export type Hidden = typeof import("@effect-mcp/core/internal/engine")

const Sum = Schema.Struct({ sum: Schema.Number })

const add = (label: string, a: number, b: number) =>
  Effect.gen(function*() {
    const client = yield* McpClient.McpClient
    const { serverInfo, protocolVersion } = yield* client.session
    const { sum } = yield* client.callTool("add", { a, b }, { output: Sum, timeout: "10 seconds" })
    yield* Console.log(\`\${label}: \${serverInfo.name} (\${protocolVersion}) add(\${a}, \${b}) = \${sum}\`)
  })

const stdio = add("stdio", 40, 2).pipe(
  Effect.provide(
    McpClient.layer().pipe(
      Layer.provide(McpStdioTransport.layer({
        command: process.execPath,
        args: [fileURLToPath(new URL("./server.js", import.meta.url))]
      })),
      Layer.provide(NodeServices.layer)
    )
  )
)

const HttpServerLive = HttpRouter.serve(
  McpServer.layerHttp({
    name: "consumer-http",
    version: "1.0.0",
    path: "/mcp",
    protocols: [McpProtocol.v2026_07_28, McpProtocol.v2025_11_25],
    registrations: Registrations
  }),
  { disableLogger: true, disableListenLog: true }
).pipe(Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })))

const http = Effect.gen(function*() {
  const { address } = yield* HttpServer.HttpServer
  const port = address._tag === "UnixPathAddress" ? 0 : address.port
  yield* add("http", 2, 3).pipe(
    Effect.provide(
      McpClient.layer().pipe(
        Layer.provide(McpHttpTransport.layerUrl(\`http://127.0.0.1:\${port}/mcp\`)),
        // the auth package from its tarball: a bearer token on every request
        Layer.provide(McpBearerAuth.layer("consumer-token")),
        Layer.provide(NodeHttpClient.layerUndici)
      )
    )
  )
}).pipe(Effect.provide(HttpServerLive))

Effect.gen(function*() {
  yield* Console.log(\`node \${process.version}\`)
  yield* stdio
  yield* http
}).pipe(
  Effect.tapError((error) => Console.error(McpError.isMcpError(error) ? \`MCP error: \${error.message}\` : error)),
  Effect.timeout("45 seconds"),
  NodeRuntime.runMain
)
`

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    module: "NodeNext",
    moduleResolution: "NodeNext",
    target: "ES2023",
    types: ["node"],
    skipLibCheck: false,
    verbatimModuleSyntax: true,
    noEmitOnError: true,
    sourceMap: true,
    rootDir: "src",
    outDir: "out"
  },
  include: ["src"]
}

/** Runs the compiled program on a Node binary and checks both calls answered. */
const runProgram = async (node: string, major: string): Promise<void> => {
  const { stdout: version } = await run(node, ["--version"], { cwd: appDir, timeoutMs: 30_000 })
  check(version.startsWith(`v${major}.`), `expected Node ${major}, ${node} is ${version.trim()}`)
  const { stdout } = await run(node, ["--enable-source-maps", "out/main.js"], {
    cwd: appDir,
    timeoutMs: RUN_TIMEOUT_MS
  })
  console.log(stdout.trimEnd().replace(/^/gm, "    "))
  check(/^stdio: consumer-stdio \(.+\) add\(40, 2\) = 42$/m.test(stdout), "no answer to the stdio call")
  check(/^http: consumer-http \(.+\) add\(2, 3\) = 5$/m.test(stdout), "no answer to the HTTP call")
  const refused = "import('@effect-mcp/core/internal/engine').then(() => process.exit(1), (error) => " +
    "process.exit(error.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' ? 0 : 2))"
  await run(node, ["--input-type=module", "-e", refused], { cwd: appDir, timeoutMs: 30_000 }).catch((error) => {
    throw new StepError(`@effect-mcp/core/internal/engine is importable or fails oddly:\n${error}`)
  })
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

console.log(`::: consumer: in ${temp}`)

// Node 22 comes from npm while the packages build and pack: network time beside CPU time.
writeFileSync(
  join(node22Dir, "package.json"),
  JSON.stringify({ name: "node22", private: true, allowScripts: { node: true } }, null, 2)
)
const node22 = run("npm", ["install", "--no-audit", "--no-fund", "node@22"], {
  cwd: node22Dir,
  timeoutMs: INSTALL_TIMEOUT_MS
}).then(() => join(node22Dir, "node_modules", ".bin", "node"))
node22.catch(() => {}) // awaited (and reported) by its step

await step("build (npm run build)", () => run("npm", ["run", "build"], { cwd: root, timeoutMs: 300_000 }))

const packed = await step("pack (npm pack in every package)", async () => {
  const result: Array<Packed> = []
  for (const dir of packageDirs) {
    const packageDir = join(root, "packages", dir)
    const manifestPath = join(packageDir, "package.json")
    const before = readFileSync(manifestPath, "utf8")
    // oxlint-disable-next-line no-await-in-loop -- one pack at a time: each runs tsc
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", tarballDir], {
      cwd: packageDir,
      timeoutMs: 120_000
    })
    check(readFileSync(manifestPath, "utf8") === before, `packages/${dir}/package.json changed after npm pack`)
    const [info] = JSON.parse(stdout) as Array<
      { readonly filename: string; readonly size: number; readonly unpackedSize: number; readonly entryCount: number }
    >
    check(info !== undefined, `npm pack in packages/${dir} printed no tarball`)
    result.push({
      dir,
      manifest: JSON.parse(before) as Manifest,
      tarball: join(tarballDir, info!.filename),
      size: info!.size,
      unpackedSize: info!.unpackedSize,
      entryCount: info!.entryCount
    })
  }
  return result
})

await step("tarballs (contents and manifests)", async () => {
  const versions = new Map(packed.map(({ manifest }) => [manifest.name, manifest.version]))
  const lines = await Promise.all(packed.map((each) => checkTarball(each, versions)))
  for (const line of lines) console.log(`    ${line}`)
})

await step("install (npm install the tarballs into a fresh project)", async () => {
  writeFileSync(
    join(appDir, "package.json"),
    JSON.stringify({ name: "consumer", version: "0.0.0", private: true, type: "module" }, null, 2)
  )
  await run("npm", [
    "install",
    "--no-audit",
    "--no-fund",
    ...packed.map(({ tarball }) => tarball),
    ...["effect", "@effect/platform-node", "typescript", "@types/node"].map((name) => `${name}@${versionOf(name)}`)
  ], { cwd: appDir, timeoutMs: INSTALL_TIMEOUT_MS })
  const lock = readJson<
    { readonly packages: Record<string, { readonly resolved?: string; readonly version?: string }> }
  >(
    join(appDir, "package-lock.json")
  )
  for (const { manifest } of packed) {
    const copies = Object.keys(lock.packages).filter((path) => path.endsWith(`node_modules/${manifest.name}`))
    check(
      copies.length === 1 && copies[0] === `node_modules/${manifest.name}`,
      `${manifest.name} is installed ${copies.length} times: ${copies.join(", ")}`
    )
    const resolved = lock.packages[copies[0]!]?.resolved ?? ""
    check(resolved.startsWith("file:"), `${manifest.name} came from ${resolved}, not from its tarball`)
  }
  const maps = checkSourceMaps(packed.map(({ manifest }) => join(appDir, "node_modules", manifest.name)))
  console.log(`    ${maps} source maps point at installed files`)
})

await step("typecheck (tsc, strict, NodeNext)", async () => {
  mkdirSync(join(appDir, "src"), { recursive: true })
  writeFileSync(join(appDir, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2))
  writeFileSync(join(appDir, "src", "tools.ts"), TOOLS_TS)
  writeFileSync(join(appDir, "src", "server.ts"), SERVER_TS)
  writeFileSync(join(appDir, "src", "main.ts"), MAIN_TS)
  await run(process.execPath, [join(appDir, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], {
    cwd: appDir,
    timeoutMs: 120_000
  })
})

await step(
  "the effect-mcp command (./node_modules/.bin/effect-mcp tools, call, codegen -- node out/server.js)",
  async () => {
    const bin = join(appDir, "node_modules", ".bin", "effect-mcp")
    const server = ["--", process.execPath, join(appDir, "out", "server.js")]
    const tools = await run(bin, ["tools", ...server], { cwd: appDir, timeoutMs: RUN_TIMEOUT_MS })
    console.log(tools.stdout.trimEnd().replace(/^/gm, "    "))
    check(/^add\s+Add two numbers$/m.test(tools.stdout), "effect-mcp tools did not list the add tool")
    const call = await run(bin, ["call", "add", "a=40", "b=2", ...server], { cwd: appDir, timeoutMs: RUN_TIMEOUT_MS })
    check(call.stdout === "{\"sum\":42}\n", `effect-mcp call add printed ${JSON.stringify(call.stdout)}`)
    const usage = await run(bin, ["call", "add", "a=40", ...server], { cwd: appDir, timeoutMs: RUN_TIMEOUT_MS }).then(
      () => "exit 0",
      (error: unknown) => String(error)
    )
    check(usage.includes("exit 2") && usage.includes("the tool add needs b="), `a missing argument: ${usage}`)
    // codegen: the module it writes typechecks in the consumer's project, against the published types
    await run(bin, ["codegen", "-o", join(appDir, "src", "generated.ts"), ...server], {
      cwd: appDir,
      timeoutMs: RUN_TIMEOUT_MS
    })
    check(
      /export const add = /.test(readFileSync(join(appDir, "src", "generated.ts"), "utf8")),
      "effect-mcp codegen wrote no add function"
    )
    await run(process.execPath, [join(appDir, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], {
      cwd: appDir,
      timeoutMs: 120_000
    })
  }
)

await step("run on Node 24", () => runProgram(process.execPath, "24"))

await step("run on Node 22 (the node@22 package from npm)", async () => runProgram(await node22, "22"))

finish(0)
