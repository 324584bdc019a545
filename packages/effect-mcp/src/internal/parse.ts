/**
 * The text of a configuration file as a document: TOML (`.toml`), YAML (`.yaml`, `.yml`) or JSON with
 * comments and trailing commas (anything else: VS Code's `settings.json` has both).
 */
import * as Effect from "effect/Effect"

/** The end of the string literal that starts at `start` (the index after its closing quote). */
const stringEnd = (text: string, start: number): number => {
  let j = start + 1
  while (j < text.length && text[j] !== "\"") j += text[j] === "\\" ? 2 : 1
  return j + 1
}

/**
 * Copies `text`, string literals as they are, and everything else through `step`: given the position
 * of a character outside a string, it returns what to write and where to go on.
 */
const outsideStrings = (text: string, step: (at: number) => readonly [string, number]): string => {
  let out = ""
  let i = 0
  while (i < text.length) {
    const [write, next] = text[i] === "\"" ? [text.slice(i, stringEnd(text, i)), stringEnd(text, i)] : step(i)
    out += write
    i = next
  }
  return out
}

/** Drops `//` and `/* *\/` comments, outside strings. */
const stripComments = (text: string): string =>
  outsideStrings(text, (i) => {
    if (text.startsWith("//", i)) {
      const end = text.indexOf("\n", i)
      return ["", end === -1 ? text.length : end]
    }
    if (text.startsWith("/*", i)) {
      const end = text.indexOf("*/", i + 2)
      return ["", end === -1 ? text.length : end + 2]
    }
    return [text[i]!, i + 1]
  })

/** Drops commas followed only by blanks and a closing bracket, outside strings. */
const stripTrailingCommas = (text: string): string =>
  outsideStrings(text, (i) => [text[i] === "," && /^,\s*[}\]]/.test(text.slice(i, i + 100)) ? "" : text[i]!, i + 1])

/** JSON with comments and trailing commas, as plain JSON. */
export const stripJsonc = (text: string): string => stripTrailingCommas(stripComments(text))

const attempt = (parse: () => unknown, kind: string): Effect.Effect<unknown, string> =>
  Effect.try({
    try: parse,
    catch: (cause) => `not valid ${kind}: ${cause instanceof Error ? cause.message : String(cause)}`
  })

/**
 * Parses a file's text by its extension; fails with what is wrong. The TOML and YAML parsers are
 * loaded with the first file that needs them, not with the front door.
 */
export const parse = (path: string, text: string): Effect.Effect<unknown, string> => {
  const lower = path.toLowerCase()
  if (lower.endsWith(".toml")) {
    return Effect.flatMap(Effect.promise(() => import("toml")), (toml) => attempt(() => toml.parse(text), "TOML"))
  }
  if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
    return Effect.flatMap(Effect.promise(() => import("yaml")), (yaml) => attempt(() => yaml.parse(text), "YAML"))
  }
  return attempt(() => JSON.parse(stripJsonc(text)), "JSON")
}
