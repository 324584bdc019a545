/**
 * `effect-mcp resources`: the server's resources.
 *
 * @internal
 */
import * as Listing from "../listing.ts"
import * as Output from "../output.ts"

export const command = Listing.make("resources", {
  description: "List the server's resources.",
  list: (client) => client.listResources(),
  headers: ["uri", "name", "mime type", "description"],
  row: (resource) => [resource.uri, resource.name, resource.mimeType ?? "", Output.firstLine(resource.description)]
})
