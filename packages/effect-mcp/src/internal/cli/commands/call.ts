/**
 * `effect-mcp call NAME key=value… [--args JSON]`: calls a tool, its arguments coerced by its input
 * schema; prints the result's content (JSON: the whole result). A result with `isError: true` exits 1.
 *
 * @internal
 */
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Coerce from "../coerce.ts"
import * as Output from "../output.ts"
import * as Shared from "../shared.ts"
import * as Source from "../source.ts"

export const command = Command.make(
  "call",
  {
    tool: Argument.String("tool").pipe(Argument.withDescription("The name of the tool to call.")),
    pairs: Argument.String("key=value").pipe(
      Argument.withDescription(
        "An argument of the tool. The value is read by the tool's input schema: numbers, integers and booleans " +
          "parsed, arrays and objects as JSON, anything else as a string."
      ),
      Argument.variadic()
    ),
    args: Flag.String("args").pipe(
      Flag.withDescription("The arguments as one JSON object (key=value arguments are set over it)."),
      Flag.optional
    )
  },
  Effect.fnUntraced(function*({ args, pairs, tool }) {
    const flags = yield* Shared.root
    const client = yield* Source.connect
    const tools = yield* client.listTools()
    const listed = tools.find((candidate) => candidate.name === tool)
    if (listed === undefined) {
      return yield* new Shared.UsageError({
        description: `no tool named "${tool}" (tools: ${tools.map((candidate) => candidate.name).join(", ")})`
      })
    }
    const input = yield* Coerce.coerceArguments(tool, listed.inputSchema, pairs, Option.getOrUndefined(args))
    const result = yield* client.callToolRaw(tool, input)
    const text = result.content.map((block) => Output.contentText(block)).join("\n")
    const structured = result.structuredContent === undefined ? "" : JSON.stringify(result.structuredContent, null, 2)
    if (result.isError === true) {
      if (flags.json || flags.output === "json") yield* Output.print("json", { json: result, text: () => text })
      return yield* new Shared.CommandFailed({ description: `tool ${tool} failed: ${text || "(no message)"}` })
    }
    yield* Output.print(Shared.formatOf(flags), {
      json: result,
      text: () => text || structured,
      markdown: () => [text, structured === "" ? "" : `\n\`\`\`json\n${structured}\n\`\`\``].join("").trim()
    })
  }, Effect.scoped)
).pipe(
  Command.withDescription("Call a tool: `call add a=1 b=2`, or `call add --args '{\"a\":1,\"b\":2}'`."),
  Command.withExamples([
    { command: "effect-mcp call add a=1 b=2 -- node server.js", description: "Call add on a local server" },
    { command: "effect-mcp call search --args '{\"tags\":[\"a\"]}' -s https://example.com/mcp", description: "JSON" }
  ])
)
