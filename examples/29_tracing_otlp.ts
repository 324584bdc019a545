/**
 * Spans to an OpenTelemetry collector over OTLP/HTTP, with `effect/observability`'s `OtlpTracer` (in
 * `effect` itself: no OpenTelemetry SDK). So that the example needs no collector and no network, it
 * starts a tiny OTLP/HTTP receiver on 127.0.0.1 (an Effect HTTP server taking `POST /v1/traces` in
 * OTLP's JSON encoding) and prints the spans it received: the program's span and, under it, one span
 * per MCP request, in one trace. Point `url` at a real collector (`http://localhost:4318/v1/traces`)
 * and the same program exports to it.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Queue } from "effect"
import { McpClient, McpInMemoryTransport, McpTelemetry } from "effect-mcp"
import { FetchHttpClient, HttpServer } from "effect/http"
import { OtlpSerialization, OtlpTracer } from "effect/observability"
import { DemoServer } from "./DemoServer.ts"
import * as OtlpReceiver from "./OtlpReceiver.ts"
import type { OtlpSpan } from "./OtlpReceiver.ts"

const program = Effect.gen(function*() {
  const client = yield* McpClient.McpClient
  yield* client.callTool("add", { a: 20, b: 22 })
  yield* client.readResource("docs://readme")
}).pipe(Effect.withSpan("example.otlp"))

const ClientLive = McpClient.layer().pipe(
  Layer.provide([McpInMemoryTransport.layer(DemoServer), McpTelemetry.layer()])
)

const main = Effect.gen(function*() {
  const received = yield* Queue.unbounded<OtlpSpan>()
  yield* Effect.gen(function*() {
    const { address } = yield* HttpServer.HttpServer
    const port = address._tag === "UnixPathAddress" ? 0 : address.port
    const Tracing = OtlpTracer.layer({
      url: `http://127.0.0.1:${port}/v1/traces`,
      resource: { serviceName: "mcp-example", serviceVersion: "1.0.0" }
    }).pipe(Layer.provide([OtlpSerialization.layerJson, FetchHttpClient.layer]))
    // the tracer's layer flushes what is left when it closes, after the program
    yield* program.pipe(Effect.provide(ClientLive), Effect.provide(Tracing))

    // the in-process server traced its own work too: only the client's side is shown
    const spans = (yield* Queue.takeAll(received)).filter((span) =>
      span.name.startsWith("example.") || span.attributes?.some((a) => a.key === "mcp.method.name")
    )
    const root = spans.find((span) => span.name === "example.otlp")
    yield* Console.log(`the receiver got ${spans.length} spans of trace ${root?.traceId}:`)
    for (const span of spans) {
      const under = span.parentSpanId === root?.spanId ? "  " : ""
      const attributes = (span.attributes ?? []).map((a) => `${a.key}=${a.value.stringValue ?? "…"}`).join(" ")
      yield* Console.log(`${under}${span.name} (trace ${span.traceId.slice(0, 8)}…) ${attributes}`)
    }
  }).pipe(Effect.provide(OtlpReceiver.layer(received)))
})

main.pipe(NodeRuntime.runMain)
