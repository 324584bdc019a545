/**
 * `effect-mcp codegen [-o FILE]`: connects, reads each tool's input and output JSON Schema, and writes
 * an Effect module of them (a `Schema` per input and output, a function per tool), with `McpCodegen`,
 * which is loaded only by this command.
 *
 * @internal
 */
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Option from "effect/Option"
import * as Shared from "../shared.ts"
import * as Source from "../source.ts"

const names = (name: string, description: string) =>
  Flag.String(name).pipe(Flag.withDescription(description), Flag.atLeast(0))

export const command = Command.make(
  "codegen",
  {
    file: Flag.String("out").pipe(
      Flag.withAlias("o"),
      Flag.withDescription("Write the module to this file. Default: stdout."),
      Flag.optional
    ),
    include: names("include", "Only this tool (by its name on the wire); repeat for more."),
    exclude: names("exclude", "Leave this tool out; repeat for more."),
    clientModule: Flag.String("client-module").pipe(
      Flag.withDescription("The module the generated code imports McpClient, McpError and McpSchema from."),
      Flag.withDefault("effect-mcp")
    ),
    patterns: Flag.Literals("patterns", ["ignore", "apply"]).pipe(
      Flag.withDescription(
        "Whether the schemas enforce the server's `pattern`s: a pattern runs at every decoding, so apply " +
          "only the patterns of servers you trust."
      ),
      Flag.withDefault("ignore")
    ),
    openObjects: Flag.Boolean("open-objects").pipe(
      Flag.withDescription("Keep JSON Schema's open objects (an index signature beside the listed properties)."),
      Flag.withDefault(false)
    )
  },
  Effect.fnUntraced(function*({ clientModule, exclude, file, include, openObjects, patterns }) {
    const client = yield* Source.connect
    const [McpCodegen, McpClient] = yield* Effect.all([
      Effect.promise(() => import("../../../McpCodegen.ts")),
      Effect.promise(() => import("@effect-mcp/core/McpClient"))
    ])
    const source = yield* McpCodegen.fromClient({
      clientModule,
      patterns,
      openObjects,
      ...(include.length > 0 ? { include } : {}),
      ...(exclude.length > 0 ? { exclude } : {})
    }).pipe(
      Effect.provideService(McpClient.McpClient, client),
      Effect.mapError((error) =>
        error.reason._tag === "UnknownTool"
          ? new Shared.UsageError({ description: error.message })
          : new Shared.CommandFailed({ description: error.message })
      )
    )
    if (Option.isNone(file)) return yield* Console.log(source)
    const fs = yield* FileSystem.FileSystem
    yield* Effect.mapError(
      fs.writeFileString(file.value, source),
      (cause) => new Shared.CommandFailed({ description: `cannot write ${file.value}: ${cause.message}` })
    )
    yield* Console.error(`wrote ${file.value}`)
  }, Effect.scoped)
).pipe(
  Command.withDescription(
    "Write an Effect module of the server's tools: a Schema per input and output, and a function per tool " +
      "that calls it and returns the decoded structured output."
  )
)
