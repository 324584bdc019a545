/**
 * The text of a configuration file as a document: TOML (`.toml`), YAML (`.yaml`, `.yml`) or JSON with
 * comments and trailing commas (anything else: VS Code's `settings.json` has both).
 */
import * as Effect from "effect/Effect"
import * as Toml from "toml"
import * as Yaml from "yaml"

/** Blanks `//` and `/* *\/` comments and drops trailing commas, outside strings. */
export const stripJsonc = (text: string): string => {
  let out = ""
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (c === "\"") {
      let j = i + 1
      while (j < text.length && text[j] !== "\"") j += text[j] === "\\" ? 2 : 1
      out += text.slice(i, j + 1)
      i = j + 1
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2)
      i = end === -1 ? text.length : end + 2
    } else if (c === ",") {
      const rest = /^,\s*([}\]])/.exec(text.slice(i, i + 200))
      if (rest === null) out += c
      i++
    } else {
      out += c
      i++
    }
  }
  return out
}

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
