/**
 * `effect-mcp info`: the server's name and version, the negotiated revision and era, its capabilities
 * and instructions.
 *
 * @internal
 */
import * as Command from "effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Output from "../output.ts"
import * as Shared from "../shared.ts"
import * as Source from "../source.ts"

export const command = Command.make(
  "info",
  {},
  Effect.fnUntraced(function*() {
    const flags = yield* Shared.root
    const client = yield* Source.connect
    const session = yield* client.session
    const capabilities = Object.keys(session.capabilities).filter((key) => key !== "experimental")
    const rows: ReadonlyArray<readonly [string, string]> = [
      ["server", `${session.serverInfo.name} ${session.serverInfo.version}`],
      ["protocol", `${session.protocolVersion} (${session.era})`],
      ["capabilities", capabilities.join(", ") || "(none)"],
      ...(session.instructions === undefined ? [] : [["instructions", session.instructions] as const])
    ]
    yield* Output.print(Shared.formatOf(flags), {
      json: {
        serverInfo: session.serverInfo,
        protocolVersion: session.protocolVersion,
        era: session.era,
        capabilities: session.capabilities,
        instructions: session.instructions
      },
      text: () => rows.map(([key, value]) => `${`${key}:`.padEnd(14)}${value}`).join("\n"),
      markdown: () => Output.markdownTable(["", ""], rows)
    })
  }, Effect.scoped)
).pipe(
  Command.withDescription("Show the server's name and version, the negotiated protocol revision and its capabilities.")
)
