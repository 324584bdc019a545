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

const files = listSourceFiles()
const findings = files.flatMap(checkFile)
for (const f of findings) console.log(`${f.file}:${f.line}: ${f.message}`)
if (findings.length > 0) {
  console.log(`lint-style: ${findings.length} problem(s) in ${new Set(findings.map((f) => f.file)).size} file(s)`)
  process.exitCode = 1
} else {
  console.log(`lint-style: OK (${files.length} file(s) checked)`)
}
