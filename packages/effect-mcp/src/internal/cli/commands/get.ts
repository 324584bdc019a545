/**
 * `effect-mcp get PROMPT key=value…`: gets a prompt, printing its messages.
 *
 * @internal
 */
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Output from "../output.ts"
import * as Shared from "../shared.ts"
import * as Source from "../source.ts"

export const command = Command.make(
  "get",
  {
    prompt: Argument.String("prompt").pipe(Argument.withDescription("The name of the prompt.")),
    pairs: Argument.String("key=value").pipe(
      Argument.withDescription("An argument of the prompt (prompt arguments are strings)."),
      Argument.variadic()
    )
  },
  Effect.fnUntraced(function*({ pairs, prompt }) {
    const flags = yield* Shared.root
    const args: Record<string, string> = {}
    for (const pair of pairs) {
      const at = pair.indexOf("=")
      if (at <= 0) return yield* new Shared.UsageError({ description: `expected key=value, got "${pair}"` })
      args[pair.slice(0, at)] = pair.slice(at + 1)
    }
    const client = yield* Source.connect
    const result = yield* client.getPrompt(prompt, args)
    const messages = result.messages.map((message) => ({
      role: message.role,
      text: Output.contentText(message.content)
    }))
    yield* Output.print(Shared.formatOf(flags), {
      json: result,
      text: () => messages.map((message) => `${message.role}: ${message.text}`).join("\n"),
      markdown: () => messages.map((message) => `**${message.role}**\n\n${message.text}`).join("\n\n")
    })
  }, Effect.scoped)
).pipe(Command.withDescription("Get a prompt with its arguments: `get trip-plan city=Oslo days=3`."))
