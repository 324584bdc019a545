/**
 * `effect-mcp prompts`: the server's prompts and their arguments.
 *
 * @internal
 */
import * as Listing from "../listing.ts"
import * as Output from "../output.ts"

export const command = Listing.make("prompts", {
  description: "List the server's prompts and their arguments (optional ones marked ?).",
  list: (client) => client.listPrompts(),
  headers: ["name", "arguments", "description"],
  row: (prompt) => [
    prompt.name,
    (prompt.arguments ?? []).map((argument) => argument.required === true ? argument.name : `${argument.name}?`)
      .join(" "),
    Output.firstLine(prompt.description)
  ]
})
