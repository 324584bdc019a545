/**
 * `effect-mcp prompts`: the server's prompts and their arguments.
 *
 * @internal
 */
import * as Command from "effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Output from "../output.ts"
import * as Shared from "../shared.ts"
import * as Source from "../source.ts"

export const command = Command.make(
  "prompts",
  {},
  Effect.fnUntraced(function*() {
    const flags = yield* Shared.root
    const client = yield* Source.connect
    const prompts = yield* client.listPrompts()
    yield* Output.printTable(
      Shared.formatOf(flags),
      prompts,
      ["name", "arguments", "description"],
      prompts.map((prompt) => [
        prompt.name,
        (prompt.arguments ?? []).map((argument) => argument.required === true ? argument.name : `${argument.name}?`)
          .join(" "),
        Output.firstLine(prompt.description)
      ])
    )
  }, Effect.scoped)
).pipe(Command.withDescription("List the server's prompts and their arguments (optional ones marked ?)."))
