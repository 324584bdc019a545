/**
 * `effect-mcp ping`: checks that the server answers.
 *
 * @internal
 */
import * as Command from "effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Output from "../output.ts"
import * as Shared from "../shared.ts"
import * as Source from "../source.ts"

export const command = Command.make(
  "ping",
  {},
  Effect.fnUntraced(function*() {
    const flags = yield* Shared.root
    const client = yield* Source.connect
    yield* client.ping()
    yield* Output.print(Shared.formatOf(flags), { json: { ok: true }, text: () => "pong" })
  }, Effect.scoped)
).pipe(Command.withDescription("Ping the server: prints pong when it answers."))
