/**
 * `effect-mcp complete (--prompt NAME | --template URI) ARGUMENT [VALUE]`: the server's completions
 * of an argument of a prompt or of a resource template.
 *
 * @internal
 */
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Output from "../output.ts"
import * as Shared from "../shared.ts"
import * as Source from "../source.ts"

export const command = Command.make(
  "complete",
  {
    prompt: Flag.String("prompt").pipe(Flag.withDescription("Complete an argument of this prompt."), Flag.optional),
    template: Flag.String("template").pipe(
      Flag.withDescription("Complete an argument of this resource template (its URI template)."),
      Flag.optional
    ),
    argument: Argument.String("argument").pipe(Argument.withDescription("The argument to complete.")),
    value: Argument.String("value").pipe(
      Argument.withDescription("What is typed so far. Default: nothing."),
      Argument.withDefault("")
    ),
    context: Flag.KeyValuePair("context").pipe(
      Flag.withDescription("Arguments already given: --context city=Oslo (repeatable)."),
      Flag.optional
    )
  },
  Effect.fnUntraced(function*({ argument, context, prompt, template, value }) {
    const flags = yield* Shared.root
    if (Option.isSome(prompt) === Option.isSome(template)) {
      return yield* new Shared.UsageError({ description: "complete needs one of --prompt NAME or --template URI" })
    }
    const ref = Option.isSome(prompt)
      ? { type: "ref/prompt" as const, name: prompt.value }
      : { type: "ref/resource" as const, uri: Option.getOrElse(template, () => "") }
    const client = yield* Source.connect
    const completion = yield* client.complete(
      ref,
      { name: argument, value },
      Option.isSome(context) ? { context: context.value } : undefined
    )
    yield* Output.print(Shared.formatOf(flags), {
      json: completion,
      text: () => completion.values.join("\n"),
      markdown: () => completion.values.map((candidate) => `- ${candidate}`).join("\n")
    })
  }, Effect.scoped)
).pipe(
  Command.withDescription(
    "Complete an argument of a prompt or resource template: the server's suggestions, one per line."
  )
)
