/**
 * Identifiers for generated code: a tool's name (`get-weather`, `a.b/c`, `123x`, `delete`) as a camelCase
 * function name or a PascalCase type name that is a valid, unreserved ECMAScript identifier, made unique
 * within one module by a numeric suffix.
 */

/** Words ECMAScript (strict mode, modules) or TypeScript reserve or use as keywords, and globals a module must not shadow. */
const reserved: ReadonlySet<string> = new Set([
  "arguments",
  "await",
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "eval",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "implements",
  "import",
  "in",
  "instanceof",
  "interface",
  "let",
  "new",
  "null",
  "package",
  "private",
  "protected",
  "public",
  "return",
  "static",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "yield",
  "undefined",
  "NaN",
  "Infinity",
  "globalThis",
  // TypeScript's contextual keywords: valid identifiers, but a function named `type`, `of` or `declare`
  // reads as the keyword, so they are suffixed like reserved words
  "abstract",
  "accessor",
  "any",
  "as",
  "assert",
  "asserts",
  "async",
  "bigint",
  "boolean",
  "constructor",
  "declare",
  "defer",
  "from",
  "get",
  "global",
  "infer",
  "intrinsic",
  "is",
  "keyof",
  "module",
  "namespace",
  "never",
  "number",
  "object",
  "of",
  "out",
  "override",
  "readonly",
  "require",
  "satisfies",
  "set",
  "string",
  "symbol",
  "type",
  "unique",
  "unknown",
  "using"
])

/** The words of a name: runs of identifier characters, split at anything else and at underscores. */
const words = (name: string): ReadonlyArray<string> => name.split(/[^\p{ID_Continue}]+|_+/u).filter((w) => w !== "")

const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1)

const uncapitalize = (word: string): string => word.charAt(0).toLowerCase() + word.slice(1)

/** Prefixes `_` when the first character cannot start an identifier (a digit), `_` suffixes a reserved word. */
const valid = (candidate: string): string => {
  const started = /^[\p{ID_Start}$_]/u.test(candidate) ? candidate : `_${candidate}`
  return reserved.has(started) ? `${started}_` : started
}

/** `get-weather` → `getWeather`; a name without letters or digits → `tool`. */
export const camelCase = (name: string): string => {
  const parts = words(name)
  return parts.length === 0 ? "tool" : valid(parts.map((w, i) => i === 0 ? uncapitalize(w) : capitalize(w)).join(""))
}

/** `get-weather` → `GetWeather`; a name without letters or digits → `Tool`. */
export const pascalCase = (name: string): string => {
  const parts = words(name)
  return parts.length === 0 ? "Tool" : valid(parts.map(capitalize).join(""))
}

/** The identifiers one module has used; `claim` returns the candidate, or it with the first free suffix. */
export interface Registry {
  readonly claim: (candidate: string) => string
  readonly has: (identifier: string) => boolean
}

/** A registry that already holds `taken` (the module's imports). */
export const registry = (taken: Iterable<string>): Registry => {
  const used = new Set(taken)
  return {
    claim: (candidate) => {
      let identifier = candidate
      for (let suffix = 2; used.has(identifier); suffix++) identifier = `${candidate}${suffix}`
      used.add(identifier)
      return identifier
    },
    has: (identifier) => used.has(identifier)
  }
}
