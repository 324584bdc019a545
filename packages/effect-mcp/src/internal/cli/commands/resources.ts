/**
 * `effect-mcp resources`: the server's resources.
 *
 * @internal
 */
import * as Command from "effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Output from "../output.ts"
import * as Shared from "../shared.ts"
import * as Source from "../source.ts"

export const command = Command.make(
  "resources",
  {},
  Effect.fnUntraced(function*() {
    const flags = yield* Shared.root
    const client = yield* Source.connect
    const resources = yield* client.listResources()
    yield* Output.printTable(
      Shared.formatOf(flags),
      resources,
      ["uri", "name", "mime type", "description"],
      resources.map((resource) => [
        resource.uri,
        resource.name,
        resource.mimeType ?? "",
        Output.firstLine(resource.description)
      ])
    )
  }, Effect.scoped)
).pipe(Command.withDescription("List the server's resources."))
