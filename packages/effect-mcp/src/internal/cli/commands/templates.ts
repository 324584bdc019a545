/**
 * `effect-mcp templates`: the server's resource templates.
 *
 * @internal
 */
import * as Listing from "../listing.ts"
import * as Output from "../output.ts"

export const command = Listing.make("templates", {
  description: "List the server's resource templates (complete their arguments with `complete`).",
  list: (client) => client.listResourceTemplates(),
  headers: ["uri template", "name", "description"],
  row: (template) => [template.uriTemplate, template.name, Output.firstLine(template.description)]
})
