/**
 * `effect-mcp templates`: the server's resource templates.
 *
 * @internal
 */
import * as Command from "effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Output from "../output.ts"
import * as Shared from "../shared.ts"
import * as Source from "../source.ts"

export const command = Command.make(
  "templates",
  {},
  Effect.fnUntraced(function*() {
    const flags = yield* Shared.root
    const client = yield* Source.connect
    const templates = yield* client.listResourceTemplates()
    yield* Output.printTable(
      Shared.formatOf(flags),
      templates,
      ["uri template", "name", "description"],
      templates.map((template) => [template.uriTemplate, template.name, Output.firstLine(template.description)])
    )
  }, Effect.scoped)
).pipe(Command.withDescription("List the server's resource templates (complete their arguments with `complete`)."))
