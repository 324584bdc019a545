/**
 * Typechecks the TypeScript in the READMEs, so that what a user copies compiles.
 *
 * Every ```` ```ts ```` block of `README.md` and `packages/*\/README.md` becomes a module of its own in
 * `build/readme-snippets/` (ignored by git), and the repository's `tsc` checks them with `tsconfig.base.json`'s
 * settings (strict, `exactOptionalPropertyTypes`, NodeNext). Imports resolve as a user's would: `effect`,
 * `@effect/platform-node`, `@effect-mcp/*` and `effect-mcp` from the workspace's `node_modules`. The packages are
 * project references, so their declarations come from `npm run typecheck` (`tsc -b` builds them first if they are
 * stale).
 *
 * - A block stands alone: it imports what it uses, and `declare`s what it leaves out
 *   (`declare const Server: McpInMemoryTransport.ServerLayer`).
 * - A block whose first line is `// not compiled: <reason>` is skipped. Use it rarely.
 * - A README defines names it never uses (`const ClientLive = …`), so "declared but never read" is reported for
 *   imports only.
 *
 * Errors point at the README line: `packages/core/README.md:210:3: TS2304 Cannot find name 'transportLayer'.`
 *
 * Usage: `node scripts/check-readme-snippets.ts` (Node 24 type stripping; no dependencies). `npm run lint` runs it.
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, relative, resolve } from "node:path"

const root = resolve(import.meta.dirname, "..")
const outDir = join(root, "build", "readme-snippets")
const snippetsDir = join(outDir, "snippets")
const SKIP_MARKER = /^\s*\/\/\s*not compiled:\s*\S/
const TS_LANGS = new Set(["ts", "typescript"])
/** "declared but never read" and its variants: reported for imports only. */
const UNUSED_CODES = new Set(["TS6133", "TS6196", "TS6198", "TS6199", "TS6205"])

interface Snippet {
  /** The README, relative to the root. */
  readonly readme: string
  /** The line of the opening fence (1-based): line `n` of the snippet is line `fence + n` of the README. */
  readonly fence: number
  readonly file: string
  readonly lines: ReadonlyArray<string>
}

const readmes = (): Array<string> => {
  const found = existsSync(join(root, "README.md")) ? ["README.md"] : []
  const packagesDir = join(root, "packages")
  if (existsSync(packagesDir)) {
    for (const pkg of readdirSync(packagesDir).sort()) {
      if (existsSync(join(packagesDir, pkg, "README.md"))) found.push(`packages/${pkg}/README.md`)
    }
  }
  return found
}

/** The ```ts blocks of a Markdown file (CommonMark fences: backticks or tildes, closed by a longer or equal run). */
const extract = (readme: string): { readonly snippets: Array<Snippet>; readonly skipped: number } => {
  const lines = readFileSync(join(root, readme), "utf8").split(/\r?\n/)
  const slug = readme === "README.md" ? "root" : readme.split("/")[1]!
  const snippets: Array<Snippet> = []
  let skipped = 0
  let open: { readonly fence: string; readonly line: number; readonly ts: boolean } | undefined
  let body: Array<string> = []
  for (const [index, line] of lines.entries()) {
    if (open === undefined) {
      const start = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/.exec(line)
      if (start !== null) {
        open = { fence: start[1]!, line: index + 1, ts: TS_LANGS.has(start[2]!.toLowerCase()) }
        body = []
      }
      continue
    }
    const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line)
    if (close !== null && close[1]![0] === open.fence[0] && close[1]!.length >= open.fence.length) {
      if (open.ts) {
        if (SKIP_MARKER.test(body[0] ?? "")) skipped++
        else {snippets.push({
            readme,
            fence: open.line,
            file: join(snippetsDir, `${slug}-L${open.line}.ts`),
            lines: body
          })}
      }
      open = undefined
      continue
    }
    body.push(line)
  }
  if (open !== undefined) throw new Error(`${readme}:${open.line}: a code block is never closed`)
  return { snippets, skipped }
}

const writeIfChanged = (file: string, content: string): void => {
  if (!existsSync(file) || readFileSync(file, "utf8") !== content) writeFileSync(file, content)
}

const started = performance.now()
const snippets: Array<Snippet> = []
let skipped = 0
for (const readme of readmes()) {
  const found = extract(readme)
  snippets.push(...found.snippets)
  skipped += found.skipped
}

mkdirSync(snippetsDir, { recursive: true })
const wanted = new Set(snippets.map((snippet) => snippet.file))
for (const name of readdirSync(snippetsDir)) {
  if (!wanted.has(join(snippetsDir, name))) rmSync(join(snippetsDir, name), { recursive: true, force: true })
}
for (const snippet of snippets) writeIfChanged(snippet.file, `${snippet.lines.join("\n")}\n`)

const tsconfig = {
  extends: "../../tsconfig.base.json",
  compilerOptions: {
    rootDir: ".",
    outDir: "out",
    emitDeclarationOnly: true,
    tsBuildInfoFile: "out/tsconfig.tsbuildinfo"
  },
  include: ["snippets/*.ts"],
  references: readdirSync(join(root, "packages"))
    .sort()
    .filter((pkg) => existsSync(join(root, "packages", pkg, "src")))
    .map((pkg) => ({ path: `../../packages/${pkg}` }))
}
writeIfChanged(join(outDir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`)

const tsc = spawnSync(
  process.execPath,
  [join(root, "node_modules", "typescript", "bin", "tsc"), "-b", join(outDir, "tsconfig.json"), "--pretty", "false"],
  { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }
)
if (tsc.error !== undefined) throw tsc.error

interface Diagnostic {
  readonly file: string
  readonly line: number
  readonly column: number
  readonly code: string
  message: string
}

const diagnostics: Array<Diagnostic> = []
/** Errors tsc reports without a position. */
const unparsed: Array<string> = []
for (const line of `${tsc.stdout}${tsc.stderr}`.split(/\r?\n/)) {
  const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line)
  if (match !== null) {
    diagnostics.push({
      file: resolve(root, match[1]!),
      line: Number(match[2]),
      column: Number(match[3]),
      code: match[4]!,
      message: match[5]!
    })
  } else if (/^\s/.test(line) && diagnostics.length > 0) {
    diagnostics[diagnostics.length - 1]!.message += `\n${line}`
  } else if (/\berror TS\d+:/.test(line)) {
    unparsed.push(line) // an error with no position: a bad option, a file that cannot be read
  }
}

/** Whether line `index` of a block is part of an import declaration (which may span lines). */
const inImport = (lines: ReadonlyArray<string>, index: number): boolean => {
  for (let j = index; j >= 0; j--) {
    const line = lines[j]!
    if (/^\s*import\b/.test(line)) return true
    if (line.trim() === "" || /^\S/.test(line) || (j < index && /\bfrom\s*["']/.test(line))) return false
  }
  return false
}

const byFile = new Map(snippets.map((snippet) => [snippet.file, snippet]))
const problems: Array<string> = []
for (const diagnostic of diagnostics) {
  const { code, column, message } = diagnostic
  const snippet = byFile.get(diagnostic.file)
  if (snippet === undefined) {
    // an error in a package, reported by the build of a reference
    problems.push(`${relative(root, diagnostic.file)}:${diagnostic.line}:${column}: ${code} ${message}`)
  } else if (!UNUSED_CODES.has(code) || inImport(snippet.lines, diagnostic.line - 1)) {
    problems.push(`${snippet.readme}:${snippet.fence + diagnostic.line}:${column}: ${code} ${message}`)
  }
}

const seconds = ((performance.now() - started) / 1000).toFixed(1)
for (const problem of problems) console.log(problem)
for (const line of unparsed) console.log(line)
if (problems.length > 0 || unparsed.length > 0 || (tsc.status !== 0 && diagnostics.length === 0)) {
  if (unparsed.length === 0 && diagnostics.length === 0) console.log(`${tsc.stdout}${tsc.stderr}`.trim())
  console.log(
    `readme-snippets: ${problems.length + unparsed.length} problem(s) in ${snippets.length} block(s) (${seconds}s)`
  )
  process.exitCode = 1
} else {
  console.log(
    `readme-snippets: OK (${snippets.length} block(s) typechecked${
      skipped > 0 ? `, ${skipped} marked "not compiled"` : ""
    }, ${seconds}s)`
  )
}
