/**
 * Code generation: `McpCodegen.fromClient` lists the tools of the embedded demo server and writes a
 * module with a `Schema` per input and output and a typed function per tool. The example writes it to
 * a temporary directory under `examples/build/` (so that it resolves `effect` and `effect-mcp`), imports
 * it (Node 24 strips its types) and calls two of its functions. `npx effect-mcp codegen <source> -o
 * tools.ts` does the first half from the command line.
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Console, Effect, FileSystem, Layer, Path } from "effect"
import { McpClient, McpInMemoryTransport } from "effect-mcp"
import type { McpError } from "effect-mcp"
// not in the front door's index: only programs that generate code load effect/SchemaRepresentation
import * as McpCodegen from "effect-mcp/McpCodegen"
import { pathToFileURL } from "node:url"
import { DemoServer } from "./DemoServer.ts"

/** The two functions of the generated module this example calls (the module is not there to import statically). */
interface DemoTools {
  readonly add: (input: { readonly a: number; readonly b: number }) => Effect.Effect<
    { readonly sum: number },
    McpError.McpError | McpError.McpToolError,
    McpClient.McpClient
  >
  readonly forecast: (input: { readonly city: string; readonly days: number }) => Effect.Effect<
    { readonly city: string; readonly days: ReadonlyArray<{ readonly celsius: number; readonly sky: string }> },
    McpError.McpError | McpError.McpToolError,
    McpClient.McpClient
  >
}

const program = Effect.gen(function*() {
  // 1. Generate: every tool the server lists but the interactive ones
  const source = yield* McpCodegen.fromClient({ exclude: ["summarize", "signup", "workspace"] })
  const exports = source.split("\n").filter((line) => /^export const [a-z]/.test(line))
  yield* Console.log(`Generated ${source.split("\n").length} lines; functions:`)
  for (const line of exports) yield* Console.log(`  ${line.replace(" = (", "(…)")}`)

  // 2. Write it into a temporary directory of this repository, removed when the program ends
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  const build = path.join(import.meta.dirname, "build")
  yield* fs.makeDirectory(build, { recursive: true })
  const dir = yield* fs.makeTempDirectoryScoped({ directory: build, prefix: "codegen-" })
  const file = path.join(dir, "tools.ts")
  yield* fs.writeFileString(file, source)

  // 3. Import it and call the tools through the same client
  const tools = yield* Effect.promise(() => import(pathToFileURL(file).href) as Promise<DemoTools>)
  const { sum } = yield* tools.add({ a: 20, b: 22 })
  yield* Console.log(`\nadd({ a: 20, b: 22 }) = ${sum}`)
  const forecast = yield* tools.forecast({ city: "Oslo", days: 2 })
  yield* Console.log(`forecast(Oslo, 2 days): ${forecast.days.map((day) => `${day.celsius}°C ${day.sky}`).join(", ")}`)
})

const ClientLive = McpClient.layer({ timeout: "30 seconds" }).pipe(
  Layer.provide(McpInMemoryTransport.layer(DemoServer))
)

program.pipe(Effect.scoped, Effect.provide([ClientLive, NodeServices.layer]), NodeRuntime.runMain)
