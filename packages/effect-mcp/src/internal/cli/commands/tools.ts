/**
 * `effect-mcp tools`: the server's tools, as a table (name, description) or, with `--json`, as listed.
 *
 * @internal
 */
import * as Listing from "../listing.ts"
import * as Output from "../output.ts"

export const command = Listing.make("tools", {
  description: "List the server's tools: a table, or their full definitions with --json.",
  list: (client) => client.listTools(),
  headers: ["name", "description"],
  row: (tool) => [tool.name, Output.firstLine(tool.description)]
})
