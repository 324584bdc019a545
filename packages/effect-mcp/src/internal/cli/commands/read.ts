/**
 * `effect-mcp read URI [-o FILE]`: reads a resource. Text goes to stdout (or the file); a blob is
 * written to the file, decoded.
 *
 * @internal
 */
import * as Argument from "effect/cli/Argument"
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Option from "effect/Option"
import * as Output from "../output.ts"
import * as Shared from "../shared.ts"
import * as Source from "../source.ts"

export const command = Command.make(
  "read",
  {
    uri: Argument.String("uri").pipe(Argument.withDescription("The URI of the resource.")),
    file: Flag.String("file").pipe(
      Flag.withAlias("o"),
      Flag.withDescription("Write the resource to this file (needed for a binary resource)."),
      Flag.optional
    )
  },
  Effect.fnUntraced(function*({ file, uri }) {
    const flags = yield* Shared.root
    const client = yield* Source.connect
    const contents = yield* client.readResource(uri)
    const format = Shared.formatOf(flags)
    if (Option.isSome(file)) {
      const fs = yield* FileSystem.FileSystem
      const bytes = contents.flatMap((content) =>
        "blob" in content && typeof content.blob === "string"
          ? [Buffer.from(content.blob, "base64")]
          : "text" in content && typeof content.text === "string"
          ? [Buffer.from(content.text, "utf8")]
          : []
      )
      const data = Buffer.concat(bytes)
      yield* Effect.mapError(
        fs.writeFile(file.value, data),
        (cause) => new Shared.CommandFailed({ description: `cannot write ${file.value}: ${cause.message}` })
      )
      return yield* Console.error(`wrote ${data.length} bytes to ${file.value}`)
    }
    if (format === "json") return yield* Output.print(format, { json: contents, text: () => "" })
    const blob = contents.find((content) => "blob" in content)
    if (blob !== undefined) {
      return yield* new Shared.CommandFailed({
        description: `${uri} is binary (${blob.mimeType ?? "no mime type"}): write it to a file with -o FILE`
      })
    }
    yield* Console.log(contents.map((content) => "text" in content ? String(content.text) : "").join("\n"))
  }, Effect.scoped)
).pipe(Command.withDescription("Read a resource: its text to stdout, or any resource to a file with -o."))
