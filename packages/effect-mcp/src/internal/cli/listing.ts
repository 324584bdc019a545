/**
 * A command that lists something of the server as a table (`tools`, `resources`, `templates`,
 * `prompts`): the listing, its columns, one row per item; JSON prints the items as listed.
 *
 * @internal
 */
import type * as McpClient from "@effect-mcp/core/McpClient"
import type * as McpError from "@effect-mcp/core/McpError"
import * as Command from "effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Output from "./output.ts"
import * as Shared from "./shared.ts"
import * as Source from "./source.ts"

/** A listing command named `name`. */
export const make = <const Name extends string, A>(name: Name, options: {
  readonly description: string
  readonly list: (client: McpClient.McpClient["Service"]) => Effect.Effect<ReadonlyArray<A>, McpError.McpError>
  readonly headers: ReadonlyArray<string>
  readonly row: (item: A) => ReadonlyArray<string>
}) =>
  Command.make(
    name,
    {},
    Effect.fnUntraced(function*() {
      const flags = yield* Shared.root
      const items = yield* options.list(yield* Source.connect)
      yield* Output.printTable(Shared.formatOf(flags), items, options.headers, items.map(options.row))
    }, Effect.scoped)
  ).pipe(Command.withDescription(options.description))
