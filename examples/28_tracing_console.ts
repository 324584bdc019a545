/**
 * Tracing and metrics to the console: `McpTelemetry.layer()` where the client is built turns them on
 * (they are off by default, and then cost nothing). A small `Tracer` prints each span as it ends: the
 * program's own span, and under it one `client` span per MCP request with its method, tool, server,
 * revision and outcome. The request carried the span's `traceparent` in `_meta`, so a server that
 * traces could join. Then `Metric.dump` prints the request, error and duration metrics. In process,
 * no network.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Metric, Tracer } from "effect"
import { McpClient, McpInMemoryTransport, McpTelemetry } from "effect-mcp"
import { DemoServer } from "./DemoServer.ts"

/** How many spans are above this one. */
const depthOf = (span: Tracer.AnySpan): number =>
  span._tag === "Span" && span.parent._tag === "Some" ? 1 + depthOf(span.parent.value) : 0

/** A span that prints itself, indented under its parent, when it ends. */
class ConsoleSpan extends Tracer.NativeSpan {
  readonly out: Console.Console
  constructor(options: ConstructorParameters<typeof Tracer.NativeSpan>[0], out: Console.Console) {
    super(options)
    this.out = out
  }
  override end(endTime: bigint, exit: Parameters<Tracer.NativeSpan["end"]>[1]): void {
    super.end(endTime, exit)
    // the in-process server traces its own work with the same tracer: only the client's side is shown
    if (!this.name.startsWith("example.") && !this.attributes.has("mcp.method.name")) return
    const attributes = [...this.attributes].map(([key, value]) => `${key}=${String(value)}`).join(" ")
    this.out.log(`${"  ".repeat(depthOf(this))}[${this.kind}] ${this.name} ${exit._tag} ${attributes}`)
  }
}

/** The console tracer, as a layer: `Tracer.Tracer` is a reference, so any program can provide its own. */
const ConsoleTracer = Layer.effect(Tracer.Tracer)(
  Console.consoleWith((out) => Effect.succeed(Tracer.make({ span: (options) => new ConsoleSpan(options, out) })))
)

const program = Effect.gen(function*() {
  const client = yield* McpClient.McpClient
  yield* client.callTool("add", { a: 1, b: 2 })
  yield* client.callToolRaw("divide", { a: 1, b: 0 }) // isError: outcome tool_error
  yield* client.listTools()
}).pipe(Effect.withSpan("example.program"))

const ClientLive = McpClient.layer().pipe(
  Layer.provide([McpInMemoryTransport.layer(DemoServer), McpTelemetry.layer()])
)

const main = Effect.gen(function*() {
  yield* program.pipe(Effect.provide(ClientLive))
  yield* Console.log("\nmetrics:")
  const lines = (yield* Metric.dump).split("\n").filter((line) => line.includes("mcp."))
  yield* Console.log(lines.join("\n"))
})

main.pipe(Effect.provide(ConsoleTracer), NodeRuntime.runMain)
