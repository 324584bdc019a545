/**
 * The `effect-mcp` command line, run as a user runs it (`npx effect-mcp …` after `npm install effect-mcp`;
 * here `node packages/effect-mcp/src/bin.ts …`), against the demo server over stdio (the command after
 * `--`) and against the configuration file `examples/servers/mcp.json`. Each run prints its command, its
 * exit code, its stdout and its stderr: a tool error exits 1, a wrong command line 2, and `list --exit-code`
 * exits 1 because the file's `missing` server cannot start. `codegen` prints a typed module of a tool.
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Console, Effect, Stream } from "effect"
import { ChildProcess, ChildProcessSpawner } from "effect/process"
import { fileURLToPath } from "node:url"

const bin = fileURLToPath(new URL("../packages/effect-mcp/src/bin.ts", import.meta.url))
const examples = fileURLToPath(new URL(".", import.meta.url))
const demo = ["--", process.execPath, `${examples}servers/demo-stdio.ts`]

const text = (stream: Stream.Stream<Uint8Array, unknown>) => Stream.mkString(Stream.decodeText(stream))

const effectMcp = Effect.fn("effectMcp")(function*(args: ReadonlyArray<string>) {
  const spawner = yield* ChildProcessSpawner.ChildProcessSpawner
  const handle = yield* spawner.spawn(ChildProcess.make(process.execPath, [bin, ...args], {
    env: { EXAMPLES: examples.replace(/\/$/, ""), NODE: process.execPath },
    extendEnv: true
  }))
  const [stdout, stderr, code] = yield* Effect.all([text(handle.stdout), text(handle.stderr), handle.exitCode], {
    concurrency: "unbounded"
  })
  yield* Console.log(`$ effect-mcp ${args.map((arg) => arg.startsWith("/") ? arg.split("/").pop() : arg).join(" ")}`)
  yield* Console.log(`exit ${code}`)
  if (stdout.length > 0) yield* Console.log(stdout.trimEnd())
  if (stderr.length > 0) yield* Console.log(`[stderr] ${stderr.trimEnd().replace(/\n/g, "\n[stderr] ")}`)
  yield* Console.log()
  return code
}, Effect.scoped)

const program = Effect.gen(function*() {
  yield* effectMcp(["tools", ...demo])
  yield* effectMcp(["call", "add", "a=1", "b=2", ...demo])
  // progress reports: a bar on a terminal, a line per report here (stderr is a pipe)
  yield* effectMcp(["call", "forecast", "city=Oslo", "days=2", "--output", "json", ...demo])
  const toolError = yield* effectMcp(["call", "divide", "a=1", "b=0", ...demo])
  const usage = yield* effectMcp(["call", "add", "a=1", ...demo])
  yield* effectMcp(["read", "docs://readme", ...demo])
  // a typed Effect module of one tool (the whole server's without --include): see 25_codegen.ts to use one
  yield* effectMcp(["codegen", "--include", "add", ...demo])
  const health = yield* effectMcp(["list", "--exit-code", "--config", `${examples}servers/mcp.json`])
  if (toolError !== 1 || usage !== 2 || health !== 1) {
    return yield* Effect.die(`unexpected exit codes: ${toolError}, ${usage}, ${health}`)
  }
})

program.pipe(Effect.provide(NodeServices.layer), NodeRuntime.runMain)
