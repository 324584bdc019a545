/**
 * Printing results in the format `--output` chose: `json` prints the value itself (pretty JSON),
 * `text` and `markdown` what the command renders, with tables aligned for a terminal or as Markdown.
 *
 * @internal
 */
import * as Console from "effect/Console"
import type * as Effect from "effect/Effect"
import type * as Shared from "./shared.ts"

/** What a command prints: the value for JSON, and its renderings. */
export interface Printable {
  readonly json: unknown
  readonly text: () => string
  readonly markdown?: (() => string) | undefined
}

/** Prints a result on stdout in `format`. */
export const print = (format: Shared.Format, printable: Printable): Effect.Effect<void> =>
  Console.log(
    format === "json"
      ? JSON.stringify(printable.json, null, 2)
      : format === "markdown" && printable.markdown !== undefined
      ? printable.markdown()
      : printable.text()
  )

/** The first line of a description, for a table cell. */
export const firstLine = (text: string | undefined): string => (text ?? "").split("\n")[0]!.trim()

/** A table: columns padded for a terminal. */
export const table = (headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  if (rows.length === 0) return "(none)"
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, i) => i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)).join("  ").trimEnd()
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ")

/** A table in Markdown. */
export const markdownTable = (headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  [
    `| ${headers.join(" | ")} |`,
    `| ${headers.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`)
  ].join("\n")

/** A table in the format chosen (`json` prints `json`). */
export const printTable = (
  format: Shared.Format,
  json: unknown,
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>
): Effect.Effect<void> =>
  print(format, { json, text: () => table(headers, rows), markdown: () => markdownTable(headers, rows) })

/** The text of content blocks (tool results, prompt messages): text as is, anything else summed up. */
export const contentText = (block: { readonly type: string } & Readonly<Record<string, unknown>>): string => {
  switch (block.type) {
    case "text":
      return String(block["text"])
    case "resource": {
      const resource = block["resource"] as Readonly<Record<string, unknown>>
      return typeof resource["text"] === "string" ? resource["text"] : `[resource ${String(resource["uri"])}]`
    }
    case "resource_link":
      return `[resource ${String(block["uri"])}]`
    default:
      return `[${block.type}${typeof block["mimeType"] === "string" ? ` ${block["mimeType"]}` : ""}]`
  }
}
