/**
 * Effect style checks that oxlint does not cover (stands in for Effect's private oxlint plugin).
 *
 * Scans every `packages/*\/src/**\/*.ts` file and reports `file:line: message`:
 * - imports from a barrel (`effect`, `effect/http`, `@effect/platform-node`): use deep module paths
 * - relative imports that do not end in `.ts`
 * - imports of another package's `/internal/` modules
 * - `async` / `await`, `Date.now(`, `throw` (unless the line ends with `// lint-allow-throw`)
 * - `any` as a type (unless the line ends with `// lint-allow-any`)
 * - `TODO` / `FIXME`
 * - a public module (outside `src/internal/`) whose module doc, or one of whose top-level exports' JSDoc, has no `@since`
 * - a `@since X` later than the version its package will have once the pending changesets are applied: the
 *   `package.json` version, bumped by the `.changeset/*.md` files that name the package (their frontmatter, read
 *   here) and by the `fixed` / `linked` groups of `.changeset/config.json`, as `changeset version` would. A package
 *   bumped only because a dependency was (a patch) is not counted: a `@since` needs a changeset of its own package.
 *   Malformed changeset frontmatter is reported too.
 *
 * Usage: `node scripts/lint-style.ts [root]` (Node 24 type stripping; no dependencies).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative, resolve } from "node:path"

interface Finding {
  readonly file: string
  readonly line: number
  readonly message: string
}

const root = resolve(process.argv[2] ?? join(import.meta.dirname, ".."))

const listSourceFiles = (): Array<string> => {
  const packagesDir = join(root, "packages")
  if (!existsSync(packagesDir)) return []
  const files: Array<string> = []
  for (const pkg of readdirSync(packagesDir).sort()) {
    const src = join(packagesDir, pkg, "src")
    if (!existsSync(src) || !statSync(src).isDirectory()) continue
    for (const entry of readdirSync(src, { recursive: true, encoding: "utf8" })) {
      if (entry.endsWith(".ts") && !entry.split(/[\\/]/).includes("node_modules")) {
        files.push(join(src, entry))
      }
    }
  }
  return files.sort()
}

// ---------------------------------------------------------------------------
// Scanner: blanks comments (both views) and string contents (code view only),
// preserving offsets and newlines so positions map back to the source.
// ---------------------------------------------------------------------------

interface Views {
  /** comments and string/template/regex contents blanked; quotes kept */
  readonly code: string
  /** comments blanked; strings kept */
  readonly noComments: string
}

const REGEX_PRECEDING_CHARS = new Set("(,=:[!&|?{};+-*%<>~^".split(""))
const REGEX_PRECEDING_WORDS = new Set([
  "return",
  "typeof",
  "case",
  "do",
  "else",
  "in",
  "of",
  "yield",
  "await",
  "void",
  "delete",
  "throw",
  "new"
])

const isIdentChar = (c: string | undefined): boolean => c !== undefined && /[\w$]/.test(c)

const scan = (src: string): Views => {
  const code: Array<string> = []
  const nc: Array<string> = []
  const blank = (c: string): string => (c === "\n" || c === "\r" ? c : " ")
  const keep = (c: string): void => {
    code.push(c)
    nc.push(c)
  }
  const comment = (c: string): void => {
    code.push(blank(c))
    nc.push(blank(c))
  }
  const literal = (c: string): void => {
    code.push(blank(c))
    nc.push(c)
  }

  const regexAllowed = (): boolean => {
    let j = code.length - 1
    while (j >= 0 && /\s/.test(code[j]!)) j--
    if (j < 0) return true
    const c = code[j]!
    if (REGEX_PRECEDING_CHARS.has(c)) return true
    if (!isIdentChar(c)) return false
    let word = ""
    while (j >= 0 && isIdentChar(code[j])) word = code[j--] + word
    return REGEX_PRECEDING_WORDS.has(word)
  }

  const templateStack: Array<number> = []
  let braceDepth = 0
  let inTemplate = false
  let i = 0
  const n = src.length

  while (i < n) {
    const c = src[i]!
    const next = src[i + 1]

    if (inTemplate) {
      if (c === "\\") {
        literal(c)
        if (i + 1 < n) literal(src[i + 1]!)
        i += 2
      } else if (c === "`") {
        keep(c)
        inTemplate = false
        i++
      } else if (c === "$" && next === "{") {
        keep(c)
        keep("{")
        templateStack.push(braceDepth)
        inTemplate = false
        i += 2
      } else {
        literal(c)
        i++
      }
      continue
    }

    if (c === "/" && next === "/") {
      while (i < n && src[i] !== "\n") comment(src[i++]!)
    } else if (c === "/" && next === "*") {
      comment(c)
      comment(next)
      i += 2
      while (i < n && !(src[i] === "*" && src[i + 1] === "/")) comment(src[i++]!)
      if (i < n) {
        comment("*")
        comment("/")
        i += 2
      }
    } else if (c === "\"" || c === "'") {
      keep(c)
      i++
      while (i < n && src[i] !== c && src[i] !== "\n") {
        if (src[i] === "\\" && i + 1 < n) literal(src[i++]!)
        literal(src[i++]!)
      }
      if (i < n && src[i] === c) keep(src[i++]!)
    } else if (c === "`") {
      keep(c)
      inTemplate = true
      i++
    } else if (c === "/" && regexAllowed()) {
      keep(c)
      i++
      let inClass = false
      while (i < n && src[i] !== "\n") {
        const r = src[i]!
        if (r === "\\" && i + 1 < n) {
          literal(r)
          literal(src[i + 1]!)
          i += 2
          continue
        }
        if (r === "[") inClass = true
        else if (r === "]") inClass = false
        else if (r === "/" && !inClass) break
        literal(r)
        i++
      }
      if (i < n && src[i] === "/") keep(src[i++]!)
    } else if (c === "{") {
      braceDepth++
      keep(c)
      i++
    } else if (c === "}") {
      if (templateStack.length > 0 && templateStack[templateStack.length - 1] === braceDepth) {
        templateStack.pop()
        keep(c)
        inTemplate = true
      } else {
        braceDepth--
        keep(c)
      }
      i++
    } else {
      keep(c)
      i++
    }
  }
  return { code: code.join(""), noComments: nc.join("") }
}

// ---------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------

const BARREL_PATTERNS: ReadonlyArray<RegExp> = [
  /^effect$/,
  /^effect\/(?:.+\/)?[a-z][a-z0-9-]*$/,
  /^@effect\/[^/]+$/,
  /^@effect\/[^/]+\/(?:.+\/)?[a-z][a-z0-9-]*$/
]
const INTERNAL_IMPORT = /^(?:@effect-mcp\/[^/]+|effect-mcp)\/internal(?:\/|$)/

interface LineRule {
  readonly pattern: RegExp
  readonly message: string
  readonly allow?: string
}

const CODE_RULES: ReadonlyArray<LineRule> = [
  { pattern: /(?<![\w$.])async(?![\w$]|\s*\??:)/, message: "no `async`: use Effect (Effect.gen / Effect.tryPromise)" },
  { pattern: /(?<![\w$.])await(?![\w$]|\s*\??:)/, message: "no `await`: use `yield*` inside Effect.gen" },
  {
    pattern: /(?:[:<|&,]|(?<![\w$.])as)\s*any(?![\w$])|(?<![\w$.])any\s*(?:\[\]|>)/,
    message: "no `any` type: use `unknown` or a precise type (or end the line with `// lint-allow-any`)",
    allow: "// lint-allow-any"
  },
  { pattern: /(?<![\w$])Date\s*\.\s*now\s*\(/, message: "no `Date.now()`: use `Clock.currentTimeMillis`" },
  {
    pattern: /(?<![\w$.])throw(?![\w$])/,
    message: "no `throw`: fail with a typed error (or end the line with `// lint-allow-throw`)",
    allow: "// lint-allow-throw"
  }
]

const SPECIFIER_START = /(?<![\w$.])(?:from|import)\s*\(?\s*(["'])/g

const lineStarts = (text: string): Array<number> => {
  const starts = [0]
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1)
  return starts
}

const lineOf = (starts: ReadonlyArray<number>, offset: number): number => {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (starts[mid]! <= offset) lo = mid
    else hi = mid - 1
  }
  return lo + 1
}

const checkSpecifier = (specifier: string): string | undefined => {
  if (BARREL_PATTERNS.some((re) => re.test(specifier))) {
    return `import from barrel "${specifier}": import the module path (e.g. "effect/Effect", "effect/Schema")`
  }
  if (INTERNAL_IMPORT.test(specifier)) {
    return `import of another package's internals "${specifier}": use its public modules`
  }
  if (specifier.startsWith("./") || specifier.startsWith("../")) {
    if (specifier.endsWith(".js")) return `relative import "${specifier}" must end in ".ts", not ".js"`
    if (!specifier.endsWith(".ts")) return `relative import "${specifier}" must end in ".ts"`
  }
  return undefined
}

const checkFile = (file: string): Array<Finding> => {
  const rel = relative(root, file)
  const src = readFileSync(file, "utf8")
  const { code, noComments } = scan(src)
  const findings: Array<Finding> = []
  const report = (line: number, message: string): void => {
    findings.push({ file: rel, line, message })
  }

  const starts = lineStarts(src)
  for (const match of code.matchAll(SPECIFIER_START)) {
    const quote = match[1]!
    const open = match.index + match[0].length
    const close = noComments.indexOf(quote, open)
    if (close < 0) continue
    const message = checkSpecifier(noComments.slice(open, close))
    if (message !== undefined) report(lineOf(starts, open), message)
  }

  const rawLines = src.split("\n")
  const codeLines = code.split("\n")
  rawLines.forEach((raw, index) => {
    const line = index + 1
    const codeLine = codeLines[index] ?? ""
    const trimmed = raw.trimEnd()
    for (const rule of CODE_RULES) {
      if (rule.allow !== undefined && trimmed.endsWith(rule.allow)) continue
      if (rule.pattern.test(codeLine)) report(line, rule.message)
    }
    if (/\b(?:TODO|FIXME)\b/.test(raw)) report(line, "no TODO/FIXME: open an issue or finish it")
  })

  return findings.sort((a, b) => a.line - b.line)
}

// ---------------------------------------------------------------------------
// Versions: `@since` tags against the versions the pending changesets give
// ---------------------------------------------------------------------------

type Version = readonly [number, number, number]
type Bump = "major" | "minor" | "patch"

const BUMPS: ReadonlyArray<Bump> = ["patch", "minor", "major"]

const parseVersion = (text: string): Version | undefined => {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(text)
  return match === null ? undefined : [Number(match[1]), Number(match[2]), Number(match[3])]
}

const formatVersion = (version: Version): string => version.join(".")

const compareVersions = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]

const maxVersion = (versions: ReadonlyArray<Version>): Version | undefined =>
  versions.reduce<Version | undefined>(
    (max, version) => (max === undefined || compareVersions(version, max) > 0 ? version : max),
    undefined
  )

const maxBump = (bumps: ReadonlyArray<Bump>): Bump | undefined =>
  bumps.reduce<Bump | undefined>(
    (max, bump) => (max === undefined || BUMPS.indexOf(bump) > BUMPS.indexOf(max) ? bump : max),
    undefined
  )

/** What `semver.inc` does to a plain `x.y.z`: 0.2.0 + minor = 0.3.0, 0.2.0 + major = 1.0.0. */
const bumpVersion = ([major, minor, patch]: Version, bump: Bump): Version =>
  bump === "major" ? [major + 1, 0, 0] : bump === "minor" ? [major, minor + 1, 0] : [major, minor, patch + 1]

interface WorkspacePackage {
  /** the folder under `packages/` */
  readonly dir: string
  readonly name: string
  readonly version: Version | undefined
}

interface ChangesetConfig {
  readonly fixed: ReadonlyArray<ReadonlyArray<string>>
  readonly linked: ReadonlyArray<ReadonlyArray<string>>
  readonly ignore: ReadonlyArray<string>
}

const readJson = (file: string, report: (line: number, message: string) => void): unknown => {
  try {
    return JSON.parse(readFileSync(file, "utf8"))
  } catch (cause) {
    report(1, `cannot read JSON: ${String(cause)}`)
    return undefined
  }
}

const readPackages = (findings: Array<Finding>): Array<WorkspacePackage> => {
  const packagesDir = join(root, "packages")
  if (!existsSync(packagesDir)) return []
  const packages: Array<WorkspacePackage> = []
  for (const dir of readdirSync(packagesDir).sort()) {
    const file = join(packagesDir, dir, "package.json")
    if (!existsSync(file)) continue
    const report = (line: number, message: string): void => {
      findings.push({ file: relative(root, file), line, message })
    }
    const manifest = readJson(file, report) as { readonly name?: unknown; readonly version?: unknown } | undefined
    if (typeof manifest?.name !== "string") continue
    const version = typeof manifest.version === "string" ? parseVersion(manifest.version) : undefined
    if (version === undefined) {
      report(1, `version ${String(manifest.version)} is not x.y.z: @since tags are not checked`)
    }
    packages.push({ dir, name: manifest.name, version })
  }
  return packages
}

const strings = (value: unknown): ReadonlyArray<string> =>
  Array.isArray(value) ? value.filter((item) => typeof item === "string") : []

const stringGroups = (value: unknown): ReadonlyArray<ReadonlyArray<string>> =>
  Array.isArray(value) ? value.map(strings) : []

const readConfig = (findings: Array<Finding>): ChangesetConfig => {
  const file = join(root, ".changeset", "config.json")
  if (!existsSync(file)) return { fixed: [], linked: [], ignore: [] }
  const config = readJson(file, (line, message) => {
    findings.push({ file: relative(root, file), line, message })
  }) as { readonly fixed?: unknown; readonly linked?: unknown; readonly ignore?: unknown } | undefined
  return {
    fixed: stringGroups(config?.fixed),
    linked: stringGroups(config?.linked),
    ignore: strings(config?.ignore)
  }
}

/** A package name or a glob of them (`@effect-mcp/*`), as changesets' config allows. */
const matchesName = (pattern: string, name: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`).test(name)

const FRONTMATTER_LINE = /^\s*(["']?)([^"'\s:][^"':]*?)\1\s*:\s*(\S+)\s*$/

/** The bumps the pending `.changeset/*.md` files ask for, read from their frontmatter. */
const readChangesets = (
  packages: ReadonlyArray<WorkspacePackage>,
  findings: Array<Finding>
): Map<string, Array<Bump>> => {
  const bumps = new Map<string, Array<Bump>>()
  const dir = join(root, ".changeset")
  if (!existsSync(dir)) return bumps
  for (const entry of readdirSync(dir).sort()) {
    if (!entry.endsWith(".md") || entry.toLowerCase() === "readme.md") continue
    const file = relative(root, join(dir, entry))
    const report = (line: number, message: string): void => {
      findings.push({ file, line, message })
    }
    const lines = readFileSync(join(dir, entry), "utf8").split(/\r?\n/)
    if (lines[0]?.trim() !== "---") {
      report(1, "a changeset starts with a `---` frontmatter block")
      continue
    }
    const end = lines.findIndex((line, index) => index > 0 && line.trim() === "---")
    if (end < 0) {
      report(1, "the frontmatter has no closing `---`")
      continue
    }
    lines.slice(1, end).forEach((line, index) => {
      if (line.trim() === "") return
      const match = FRONTMATTER_LINE.exec(line)
      const name = match?.[2]
      const bump = match?.[3]
      if (name === undefined || bump === undefined) {
        report(index + 2, `not a \`"package": bump\` line: ${line.trim()}`)
      } else if (!packages.some((pkg) => pkg.name === name)) {
        report(index + 2, `no package named ${name} under packages/`)
      } else if (bump !== "none") {
        if (!BUMPS.includes(bump as Bump)) report(index + 2, `bump ${bump} is not one of major, minor, patch, none`)
        else bumps.set(name, [...(bumps.get(name) ?? []), bump as Bump])
      }
    })
  }
  return bumps
}

/** The version each package has once `changeset version` has applied the pending changesets. */
const plannedVersions = (
  packages: ReadonlyArray<WorkspacePackage>,
  pending: ReadonlyMap<string, ReadonlyArray<Bump>>,
  config: ChangesetConfig
): Map<string, Version | undefined> => {
  const versionOf = new Map(packages.map((pkg) => [pkg.name, pkg.version] as const))
  const ignored = (name: string): boolean => config.ignore.some((pattern) => matchesName(pattern, name))
  const bumpOf = (name: string): Bump | undefined => (ignored(name) ? undefined : maxBump(pending.get(name) ?? []))
  const planned = new Map<string, Version | undefined>()
  for (const pkg of packages) {
    const bump = bumpOf(pkg.name)
    planned.set(
      pkg.name,
      pkg.version === undefined || bump === undefined ? pkg.version : bumpVersion(pkg.version, bump)
    )
  }
  const members = (group: ReadonlyArray<string>): Array<string> =>
    packages.map((pkg) => pkg.name).filter((name) => group.some((pattern) => matchesName(pattern, name)))
  const defined = (versions: ReadonlyArray<Version | undefined>): Array<Version> =>
    versions.filter((version) => version !== undefined)
  // the highest version of the group, bumped by the highest pending bump: for every member of a fixed group,
  // for the members of a linked group that have a bump of their own (assemble-release-plan's applyLinks)
  for (const [groups, fixed] of [[config.fixed, true], [config.linked, false]] as const) {
    for (const group of groups) {
      const names = members(group)
      const released = names.filter((name) => bumpOf(name) !== undefined)
      const bump = maxBump(released.flatMap((name) => bumpOf(name) ?? []))
      const base = maxVersion(defined(names.map((name) => versionOf.get(name))))
      if (bump === undefined || base === undefined) continue
      for (const name of fixed ? names : released) planned.set(name, bumpVersion(base, bump))
    }
  }
  return planned
}

const SINCE = /@since\b[ \t]*(\S*)/g

const checkVersions = (files: ReadonlyArray<string>): Array<Finding> => {
  const findings: Array<Finding> = []
  const packages = readPackages(findings)
  const planned = plannedVersions(packages, readChangesets(packages, findings), readConfig(findings))
  for (const file of files) {
    const rel = relative(root, file)
    const [, dir, , ...rest] = rel.split(/[\\/]/)
    const pkg = packages.find((candidate) => candidate.dir === dir)
    const allowed = pkg === undefined ? undefined : planned.get(pkg.name)
    const src = readFileSync(file, "utf8")
    const { code, noComments } = scan(src)
    const starts = lineStarts(src)
    const report = (offset: number, message: string): void => {
      findings.push({ file: rel, line: lineOf(starts, offset), message })
    }

    for (const match of src.matchAll(SINCE)) {
      if (noComments[match.index] === "@") continue // in code or a string, not in a comment
      const version = parseVersion(match[1] ?? "")
      if (version === undefined) {
        report(match.index, `\`@since ${match[1]}\` is not a version (x.y.z)`)
      } else if (pkg !== undefined && allowed !== undefined && compareVersions(version, allowed) > 0) {
        const after = formatVersion(allowed) === formatVersion(pkg.version ?? allowed)
          ? `${pkg.name} stays at ${formatVersion(allowed)}: add a changeset for it (\`npx changeset\`) or fix the tag`
          : `${pkg.name} will be ${formatVersion(allowed)} once the pending changesets are applied`
        report(match.index, `\`@since ${match[1]}\` is later than the package's version: ${after}`)
      }
    }

    if (rest[0] === "internal") continue
    const moduleDoc = /^(?:#![^\n]*\n)?\s*\/\*\*[\s\S]*?\*\//.exec(src) // a bin may open with a shebang
    if (moduleDoc === null || !moduleDoc[0].includes("@since")) {
      findings.push({ file: rel, line: 1, message: "the module doc (the file's first comment) needs a `@since`" })
    }
    for (const match of code.matchAll(/^export\b/gm)) {
      const before = src.slice(0, match.index).trimEnd()
      const doc = before.endsWith("*/") ? before.slice(before.lastIndexOf("/**")) : undefined
      if (doc === undefined) report(match.index, "export without a JSDoc: it needs a summary, `@category` and `@since`")
      else if (!/@since\b/.test(doc)) report(match.index, "export whose JSDoc has no `@since`")
    }
  }
  return findings
}

const files = listSourceFiles()
const findings = [...files.flatMap(checkFile), ...checkVersions(files)].sort((a, b) =>
  a.file.localeCompare(b.file) || a.line - b.line
)
for (const f of findings) console.log(`${f.file}:${f.line}: ${f.message}`)
if (findings.length > 0) {
  console.log(`lint-style: ${findings.length} problem(s) in ${new Set(findings.map((f) => f.file)).size} file(s)`)
  process.exitCode = 1
} else {
  console.log(`lint-style: OK (${files.length} file(s) checked)`)
}
