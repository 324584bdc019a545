/**
 * Form elicitation answered at the terminal: the server's message, then one prompt per requested field
 * (text, number, integer, yes/no, or a choice for an `enum`), defaults offered; the answer is checked
 * against the requested schema and asked again while it does not match. When stdin is not a terminal
 * nobody can answer: the request is declined, with a line on stderr saying so.
 *
 * @internal
 */
import * as McpElicitation from "@effect-mcp/core/McpElicitation"
import * as Prompt from "effect/cli/Prompt"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"

type Field = Readonly<Record<string, unknown>>

const textOf = (value: unknown): string | undefined => typeof value === "string" ? value : undefined

/** The prompt of one field; `undefined` answers leave an optional field out. */
const promptFor = (key: string, field: Field, required: boolean): Prompt.Prompt<unknown> => {
  const label = `${textOf(field["title"]) ?? key}${required ? "" : " (optional)"}` +
    (textOf(field["description"]) === undefined ? "" : ` – ${field["description"]}`)
  const fallback = field["default"]
  const choices = Array.isArray(field["enum"]) ? field["enum"].filter((value) => typeof value === "string") : []
  if (choices.length > 0) {
    return Prompt.Select({ message: label, choices: choices.map((value) => ({ title: value, value })) })
  }
  switch (field["type"]) {
    case "boolean":
      return Prompt.Toggle({ message: label, initial: fallback === true, active: "yes", inactive: "no" })
    case "integer":
      return Prompt.Int({ message: label, ...(typeof fallback === "number" ? { default: fallback } : {}) })
    case "number":
      return Prompt.Number({ message: label, ...(typeof fallback === "number" ? { default: fallback } : {}) })
    default:
      return Prompt.map(
        Prompt.String({
          message: label,
          ...(typeof fallback === "string" ? { default: fallback } : {}),
          validate: (value) =>
            required && value.length === 0 && typeof fallback !== "string"
              ? Effect.fail("an answer is required")
              : Effect.succeed(value)
        }),
        (value) => value.length === 0 ? undefined : value
      )
  }
}

/** Asks every field, then checks the whole answer against the schema; asks again while it fails. */
const ask = (request: McpElicitation.FormRequest): Effect.Effect<unknown, unknown, Prompt.Environment> =>
  Effect.gen(function*() {
    const properties = request.requestedSchema.properties as Readonly<Record<string, Field>>
    const required = new Set(request.requestedSchema.required ?? [])
    const content: Record<string, unknown> = {}
    for (const [key, field] of Object.entries(properties)) {
      const value = yield* Prompt.run(promptFor(key, field, required.has(key)))
      if (value !== undefined) content[key] = value
    }
    const checked = Schema.decodeUnknownExit(request.schema)({ ...request.defaults, ...content })
    if (checked._tag === "Success") return content
    yield* Console.error(`That answer does not match what the server asked for: ${String(checked.cause)}`)
    return yield* ask(request)
  })

/** The elicitation handler over the terminal the program runs in. */
export const layer: Effect.Effect<Layer.Layer<never>, never, Prompt.Environment> = Effect.gen(function*() {
  const services = yield* Effect.context<Prompt.Environment>()
  return McpElicitation.layerForm((request) =>
    Effect.gen(function*() {
      if (process.stdin.isTTY !== true) {
        yield* Console.error(
          `effect-mcp: declined the server's request for input ("${request.message}"): stdin is not a terminal`
        )
        return { action: "decline" } as const
      }
      yield* Console.error(request.message)
      const content = yield* ask(request)
      return { action: "accept", content } as const
    }).pipe(
      Effect.catch(() => Effect.succeed({ action: "cancel" } as const)),
      Effect.provideContext(services)
    )
  )
})
