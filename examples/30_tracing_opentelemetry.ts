/**
 * Spans to an OpenTelemetry collector through `@effect/opentelemetry` and the official OpenTelemetry SDK:
 * `NodeSdk.layer` installs a `NodeTracerProvider` as Effect's `Tracer`, with a `BatchSpanProcessor` and
 * the `OTLPTraceExporter` of `@opentelemetry/exporter-trace-otlp-http` (OTLP/HTTP, JSON). Every Effect
 * span, `McpTelemetry`'s `client` span per MCP request among them, becomes an OpenTelemetry span. The
 * layer flushes the processor and shuts the provider down when it closes, after the program, so no span
 * is lost. So that the example needs no collector and no network, it starts a tiny OTLP/HTTP receiver on
 * 127.0.0.1 (as `29_tracing_otlp.ts` does), prints the spans it received, indented under their parents
 * in one trace, with their `mcp.*` attributes, and fails if no MCP request span arrived.
 *
 * **A real collector**: give the exporter the collector's URL (`http://localhost:4318/v1/traces` for
 * a local OpenTelemetry Collector or Jaeger), or no `url` at all: it then reads
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT` (and `…_HEADERS` for an API key),
 * with `http://localhost:4318/v1/traces` as the default; `OTEL_SERVICE_NAME` and
 * `OTEL_RESOURCE_ATTRIBUTES` add to the resource. Drop the receiver, and the same program exports there.
 */
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { NodeRuntime } from "@effect/platform-node"
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http"
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base"
import { Console, Effect, Layer, Queue } from "effect"
import { McpClient, McpInMemoryTransport, McpTelemetry } from "effect-mcp"
import { HttpServer } from "effect/http"
import { DemoServer } from "./DemoServer.ts"
import * as OtlpReceiver from "./OtlpReceiver.ts"
import type { OtlpAttribute, OtlpSpan } from "./OtlpReceiver.ts"

/** The OpenTelemetry SDK as Effect's tracer, exporting in batches to `url`. */
const Tracing = (url: string) =>
  NodeSdk.layer(() => ({
    resource: { serviceName: "mcp-example", serviceVersion: "1.0.0" },
    spanProcessor: new BatchSpanProcessor(new OTLPTraceExporter({ url }))
  }))

const program = Effect.gen(function*() {
  const client = yield* McpClient.McpClient
  yield* client.callTool("add", { a: 20, b: 22 })
  yield* client.callToolRaw("divide", { a: 1, b: 0 }) // isError: mcp.outcome tool_error
  yield* client.readResource("docs://readme")
}).pipe(Effect.withSpan("example.opentelemetry"))

const ClientLive = McpClient.layer().pipe(
  Layer.provide([McpInMemoryTransport.layer(DemoServer), McpTelemetry.layer()])
)

const valueOf = ({ value }: OtlpAttribute): string =>
  String(value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue ?? "…")

/** OTLP's span kinds, by number. */
const kinds = ["unspecified", "internal", "server", "client", "producer", "consumer"]

/** One line of a span: its name, kind and its `mcp.*` and `gen_ai.*` attributes. */
const describe = (span: OtlpSpan): string => {
  const attributes = (span.attributes ?? [])
    .filter((a) => a.key.startsWith("mcp.") || a.key.startsWith("gen_ai."))
    .map((a) => `${a.key}=${valueOf(a)}`)
  return [span.name, `[${kinds[span.kind ?? 0]}]`, ...attributes].join(" ")
}

/** The spans of `parent`'s subtree, one line each, indented under their parents. */
const tree = (spans: ReadonlyArray<OtlpSpan>, parent: OtlpSpan, depth = 0): ReadonlyArray<string> => [
  `${"  ".repeat(depth)}${describe(parent)}`,
  ...spans.filter((span) => span.parentSpanId === parent.spanId).flatMap((child) => tree(spans, child, depth + 1))
]

/** The spans received, once the SDK's layer has closed (and so flushed): fails without an MCP request span. */
const report = Effect.fnUntraced(function*(received: ReadonlyArray<OtlpSpan>) {
  const root = received.find((span) => span.name === "example.opentelemetry")
  // the in-process server traced its own work too: only the client's side is shown
  const spans = received.filter((span) =>
    span.traceId === root?.traceId &&
    (span.name.startsWith("example.") || span.attributes?.some((a) => a.key === "mcp.method.name"))
  )
  const requests = spans.filter((span) => root !== undefined && span.parentSpanId === root.spanId)
  if (root === undefined || requests.length === 0) {
    return yield* Effect.die(`no MCP request span arrived (the receiver got ${received.length} spans)`)
  }
  yield* Console.log(`the receiver got ${received.length} spans; ${spans.length} of trace ${root.traceId}:`)
  yield* Console.log(tree(spans, root).join("\n"))
})

const main = Effect.gen(function*() {
  const received = yield* Queue.unbounded<OtlpSpan>()
  yield* Effect.gen(function*() {
    const { address } = yield* HttpServer.HttpServer
    const port = address._tag === "UnixPathAddress" ? 0 : address.port
    // `NodeSdk.layer` flushes the batch processor and shuts the provider down when it closes, after the program
    yield* program.pipe(Effect.provide(ClientLive), Effect.provide(Tracing(`http://127.0.0.1:${port}/v1/traces`)))
    yield* report(yield* Queue.takeAll(received))
  }).pipe(Effect.provide(OtlpReceiver.layer(received)))
})

main.pipe(NodeRuntime.runMain)
