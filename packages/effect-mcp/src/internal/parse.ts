/**
 * The text of a configuration file as a document: TOML (`.toml`), YAML (`.yaml`, `.yml`) or JSON with
 * comments and trailing commas (anything else: VS Code's `settings.json` has both).
 */
import * as Effect from "effect/Effect"
import * as Toml from "toml"
import * as Yaml from "yaml"

/** The end of the string literal that starts at `start` (the index after its closing quote). */
const stringEnd = (text: string, start: number): number => {
  let j = start + 1
  while (j < text.length && text[j] !== "\"") j += text[j] === "\\" ? 2 : 1
  return j + 1
}

/** Drops `//` and `/* *\/` comments, outside strings. */
const stripComments = (text: string): string => {
  let out = ""
  let i = 0
  while (i < text.length) {
    if (text[i] === "\"") {
      const end = stringEnd(text, i)
      out += text.slice(i, end)
      i = end
    } else if (text.startsWith("//", i)) {
      while (i < text.length && text[i] !== "\n") i++
    } else if (text.startsWith("/*", i)) {
      const end = text.indexOf("*/", i + 2)
      i = end === -1 ? text.length : end + 2
    } else {
      out += text[i]
      i++
    }
  }
  return out
}

/** Drops commas followed only by blanks and a closing bracket, outside strings. */
const stripTrailingCommas = (text: string): string => {
  let out = ""
  let i = 0
  while (i < text.length) {
    if (text[i] === "\"") {
      const end = stringEnd(text, i)
      out += text.slice(i, end)
      i = end
      continue
    }
    if (text[i] !== "," || !/^,\s*[}\]]/.test(text.slice(i, i + 100))) out += text[i]
    i++
  }
  return out
}

/** JSON with comments and trailing commas, as plain JSON. */
export const stripJsonc = (text: string): string => stripTrailingCommas(stripComments(text))

const attempt = (parse: () => unknown, kind: string): Effect.Effect<unknown, string> =>
  Effect.try({
    try: parse,
    catch: (cause) => `not valid ${kind}: ${cause instanceof Error ? cause.message : String(cause)}`
  })

/** Parses a file's text by its extension; fails with what is wrong. */
export const parse = (path: string, text: string): Effect.Effect<unknown, string> => {
  const lower = path.toLowerCase()
  if (lower.endsWith(".toml")) return attempt(() => Toml.parse(text), "TOML")
  if (lower.endsWith(".yaml") || lower.endsWith(".yml")) return attempt(() => Yaml.parse(text), "YAML")
  return attempt(() => JSON.parse(stripJsonc(text)), "JSON")
}
