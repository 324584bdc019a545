/**
 * `effect-mcp tools`: the server's tools, as a table (name, description) or, with `--json`, as listed.
 *
 * @internal
 */
import * as Command from "effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Output from "../output.ts"
import * as Shared from "../shared.ts"
import * as Source from "../source.ts"

export const command = Command.make(
  "tools",
  {},
  Effect.fnUntraced(function*() {
    const flags = yield* Shared.root
    const client = yield* Source.connect
    const tools = yield* client.listTools()
    yield* Output.printTable(
      Shared.formatOf(flags),
      tools,
      ["name", "description"],
      tools.map((tool) => [tool.name, Output.firstLine(tool.description)])
    )
  }, Effect.scoped)
).pipe(Command.withDescription("List the server's tools: a table, or their full definitions with --json."))
