/**
 * Spans, trace context and metrics of a client's requests, against Effect `McpServer`s of both eras
 * (one tool echoes the `_meta` it received), a router, and scripted servers for the faults: checked
 * with a recording `Tracer` and a fresh `MetricRegistry` per test.
 */
import { assert, describe, it } from "@effect/vitest"
import { McpSchema as EffectMcpSchema, McpServer, Tool, Toolkit } from "effect/ai"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Schema from "effect/Schema"
import { TestClock } from "effect/testing"
import * as Tracer from "effect/Tracer"
import * as McpClient from "../src/McpClient.ts"
import * as McpClientTest from "../src/McpClientTest.ts"
import * as McpInMemoryTransport from "../src/McpInMemoryTransport.ts"
import * as McpQueueTransport from "../src/McpQueueTransport.ts"
import * as McpRouter from "../src/McpRouter.ts"
import * as McpTelemetry from "../src/McpTelemetry.ts"
import * as RouterServer from "./fixtures/RouterServer.ts"
import * as ScriptedPeer from "./fixtures/ScriptedPeer.ts"

// -----------------------------------------------------------------------------
// A server whose `meta` tool answers with the `_meta` of its request
// -----------------------------------------------------------------------------

const Meta = Tool.make("meta", {
  parameters: Tool.EmptyParams,
  success: Schema.String,
  dependencies: [EffectMcpSchema.McpRequestContext]
})
const Fail = Tool.make("fail", {
  parameters: Tool.EmptyParams,
  success: Schema.String,
  failure: Schema.String,
  failureMode: "return"
})
const Tools = Toolkit.make(Meta, Fail)

/** The server over `Stdio`; its protocol provides `McpRequestContext`, which the types cannot see here. */
const metaServer = (era: keyof typeof RouterServer.protocols): McpInMemoryTransport.ServerLayer =>
  McpServer.layerStdio({
    name: `meta-${era}`,
    version: "1.0.0",
    protocols: [...RouterServer.protocols[era]],
    registrations: McpServer.toolkit(Tools).pipe(
      Layer.provide(Tools.toLayer({
        meta: Effect.fnUntraced(function*() {
          const request = yield* EffectMcpSchema.McpRequestContext
          return JSON.stringify(request.requestMetadata ?? {})
        }),
        fail: () => Effect.fail("no luck")
      }))
    )
  }) as unknown as McpInMemoryTransport.ServerLayer

/** The `_meta` the server received with the `meta` tool's call. */
const receivedMeta = (client: McpClient.McpClient["Service"]) =>
  Effect.map(client.callTool("meta"), (result) => {
    const block = result.content[0]
    const text: unknown = JSON.parse(block?.type === "text" ? block.text : "{}")
    // the 2026-07-28 server sends a string result as its JSON text
    return (typeof text === "string" ? JSON.parse(text) : text) as Record<string, unknown>
  })

// -----------------------------------------------------------------------------
// Recording
// -----------------------------------------------------------------------------

const recording = () => {
  const spans: Array<Tracer.NativeSpan> = []
  const tracer = Tracer.make({
    span: (options) => {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    }
  })
  return { spans, tracer }
}

/** Runs with the recording tracer, a fresh metric registry and telemetry on (where the client is built). */
const traced = (tracer: Tracer.Tracer, options?: McpTelemetry.Options) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(
    Effect.provide(McpTelemetry.layer(options)),
    Effect.provideService(Tracer.Tracer, tracer),
    Effect.provideService(Metric.MetricRegistry, new Map())
  )

const mcpSpans = (spans: ReadonlyArray<Tracer.NativeSpan>, method: string) =>
  spans.filter((span) => span.attributes.get("mcp.method.name") === method)

const count = (metric: Metric.Counter<number>, attributes: Metric.Metric.Attributes) =>
  Effect.map(Metric.value(Metric.withAttributes(metric, attributes)), (state) => state.count)

// -----------------------------------------------------------------------------
// Tests
// -----------------------------------------------------------------------------

describe("McpTelemetry", () => {
  for (const era of ["stateful", "stateless"] as const) {
    it.effect(`a span per request, child of the caller's, whose traceparent the server receives (${era})`, () => {
      const { spans, tracer } = recording()
      return Effect.gen(function*() {
        const client = yield* McpClientTest.makeClient(metaServer(era))
        const meta = yield* receivedMeta(client).pipe(Effect.withSpan("app.caller"))
        const caller = spans.find((span) => span.name === "app.caller")!
        const [call] = mcpSpans(spans, "tools/call")
        assert.isDefined(call)
        assert.strictEqual(call!.name, "tools/call meta")
        assert.strictEqual(call!.kind, "client")
        assert.strictEqual(call!.parent._tag === "Some" ? call!.parent.value.spanId : "", caller.spanId)
        assert.strictEqual(call!.traceId, caller.traceId)
        assert.strictEqual(call!.status._tag, "Ended")
        assert.deepStrictEqual(Object.fromEntries(call!.attributes), {
          "mcp.method.name": "tools/call",
          "gen_ai.tool.name": "meta",
          "mcp.server.name": `meta-${era}`,
          "mcp.protocol.version": era === "stateful" ? "2025-11-25" : "2026-07-28",
          "mcp.era": era,
          "mcp.outcome": "ok"
        })
        assert.strictEqual(meta.traceparent, `00-${call!.traceId}-${call!.spanId}-01`)
        assert.notProperty(meta, "tracestate")
        if (era === "stateless") assert.property(meta, "io.modelcontextprotocol/protocolVersion")
      }).pipe(traced(tracer))
    })
  }

  it.effect("tracestate from the TraceState reference travels beside traceparent", () => {
    const { tracer } = recording()
    return Effect.gen(function*() {
      const client = yield* McpClientTest.makeClient(metaServer("stateful"))
      const meta = yield* receivedMeta(client).pipe(Effect.provideService(McpTelemetry.TraceState, "vendor=abc"))
      assert.strictEqual(meta.tracestate, "vendor=abc")
      assert.match(String(meta.traceparent), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
    }).pipe(traced(tracer))
  })

  it.effect("off (the default): no span, no metric, nothing added to _meta", () => {
    const { spans, tracer } = recording()
    return Effect.gen(function*() {
      const client = yield* McpClientTest.makeClient(metaServer("stateful"))
      const meta = yield* receivedMeta(client).pipe(Effect.withSpan("app.caller"))
      assert.deepStrictEqual(meta, {})
      // the in-process server's own spans are recorded too: none is the client's
      assert.isTrue(spans.some((span) => span.name === "app.caller"))
      assert.deepStrictEqual(spans.filter((span) => span.attributes.has("mcp.method.name")), [])
      assert.deepStrictEqual((yield* Metric.snapshot).filter((m) => m.id.startsWith("mcp.")), [])
    }).pipe(Effect.provideService(Tracer.Tracer, tracer), Effect.provideService(Metric.MetricRegistry, new Map()))
  })

  it.effect("propagate: false records spans and sends no trace context", () => {
    const { spans, tracer } = recording()
    return Effect.gen(function*() {
      const client = yield* McpClientTest.makeClient(metaServer("stateless"))
      const meta = yield* receivedMeta(client)
      assert.notProperty(meta, "traceparent")
      assert.strictEqual(mcpSpans(spans, "tools/call").length, 1)
    }).pipe(traced(tracer, { propagate: false }))
  })

  it.effect("a span that does not propagate (tracing disabled) adds nothing to _meta", () => {
    const { tracer } = recording()
    return Effect.gen(function*() {
      const client = yield* McpClientTest.makeClient(metaServer("stateful"))
      const meta = yield* receivedMeta(client).pipe(Effect.withTracerEnabled(false))
      assert.notProperty(meta, "traceparent")
    }).pipe(traced(tracer))
  })

  it.effect("a tool error: outcome tool_error on the span and in the metrics", () => {
    const { spans, tracer } = recording()
    return Effect.gen(function*() {
      const client = yield* McpClientTest.makeClient(metaServer("stateful"))
      yield* client.callToolRaw("fail")
      const [call] = mcpSpans(spans, "tools/call")
      assert.strictEqual(call!.attributes.get("mcp.outcome"), "tool_error")
      assert.strictEqual(call!.attributes.get("error.type"), "tool_error")
      const labels = { "mcp.method.name": "tools/call", "mcp.server.name": "meta-stateful" }
      assert.strictEqual(yield* count(McpTelemetry.requests, { ...labels, "mcp.outcome": "tool_error" }), 1)
      assert.strictEqual(yield* count(McpTelemetry.errors, { ...labels, "error.type": "tool_error" }), 1)
    }).pipe(traced(tracer))
  })

  it.effect("a JSON-RPC error: protocol_error with its code", () => {
    const { spans, tracer } = recording()
    return Effect.gen(function*() {
      const client = yield* McpClientTest.makeClient(metaServer("stateful"))
      const error = yield* Effect.flip(client.callToolRaw("missing"))
      assert.strictEqual(error._tag, "McpProtocolError")
      const [get] = mcpSpans(spans, "tools/call")
      assert.strictEqual(get!.name, "tools/call missing")
      assert.strictEqual(get!.attributes.get("mcp.outcome"), "protocol_error")
      assert.strictEqual(get!.attributes.get("error.type"), get!.attributes.get("rpc.response.status_code"))
      assert.match(String(get!.attributes.get("rpc.response.status_code")), /^-32\d{3}$/)
      assert.strictEqual(get!.status._tag === "Ended" && get!.status.exit._tag, "Failure")
    }).pipe(traced(tracer))
  })

  it.effect("a timeout: outcome timeout, and the span failed", () => {
    const { spans, tracer } = recording()
    return Effect.gen(function*() {
      const called = yield* Deferred.make<void>()
      const server = ScriptedPeer.serve({
        onMessage: (message) =>
          message.method === "tools/call" ? Effect.as(Deferred.succeed(called, undefined), undefined) : Effect.void
      })
      const client = yield* McpClient.make().pipe(Effect.provide(McpQueueTransport.layer(server)))
      const fiber = yield* client.callToolRaw("slow", {}, { timeout: "1 second" }).pipe(
        Effect.flip,
        Effect.forkChild({ startImmediately: true })
      )
      yield* Deferred.await(called)
      // the deadline keeper wakes on its own fiber: move the clock until the call has timed out
      for (let i = 0; i < 10 && fiber.pollUnsafe() === undefined; i++) yield* TestClock.adjust("1 second")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "McpTimeoutError")
      const [call] = mcpSpans(spans, "tools/call")
      assert.strictEqual(call!.attributes.get("mcp.outcome"), "timeout")
      assert.strictEqual(call!.status._tag === "Ended" && call!.status.exit._tag, "Failure")
      assert.strictEqual(call!.attributes.get("mcp.server.name"), "scripted")
      const labels = { "mcp.method.name": "tools/call", "mcp.server.name": "scripted" }
      assert.strictEqual(yield* count(McpTelemetry.errors, { ...labels, "error.type": "timeout" }), 1)
    }).pipe(traced(tracer))
  })

  it.effect("a transport failure: outcome transport_error with the reason", () => {
    const { spans, tracer } = recording()
    return Effect.gen(function*() {
      const server = ScriptedPeer.serve({
        onMessage: (message, peer) => message.method === "tools/call" ? peer.close : Effect.void
      })
      const client = yield* McpClient.make({ reconnect: false }).pipe(Effect.provide(McpQueueTransport.layer(server)))
      const error = yield* Effect.flip(client.callToolRaw("any"))
      assert.strictEqual(error._tag, "McpTransportError")
      const [call] = mcpSpans(spans, "tools/call")
      assert.strictEqual(call!.attributes.get("mcp.outcome"), "transport_error")
      assert.strictEqual(
        call!.attributes.get("error.type"),
        error._tag === "McpTransportError" ? error.reason._tag : ""
      )
    }).pipe(traced(tracer))
  })

  it.effect("metrics after N calls: requests, errors and durations by method and server", () => {
    const { tracer } = recording()
    return Effect.gen(function*() {
      const client = yield* McpClientTest.makeClient(metaServer("stateless"))
      for (let i = 0; i < 3; i++) yield* client.callToolRaw("meta")
      yield* client.callToolRaw("fail")
      yield* client.listTools()
      const labels = { "mcp.method.name": "tools/call", "mcp.server.name": "meta-stateless" }
      assert.strictEqual(yield* count(McpTelemetry.requests, { ...labels, "mcp.outcome": "ok" }), 3)
      assert.strictEqual(yield* count(McpTelemetry.requests, { ...labels, "mcp.outcome": "tool_error" }), 1)
      assert.strictEqual(yield* count(McpTelemetry.errors, { ...labels, "error.type": "tool_error" }), 1)
      const durations = yield* Metric.value(Metric.withAttributes(McpTelemetry.duration, labels))
      assert.strictEqual(durations.count, 4)
      const list = { "mcp.method.name": "tools/list", "mcp.server.name": "meta-stateless", "mcp.outcome": "ok" }
      assert.strictEqual(yield* count(McpTelemetry.requests, list), 1)
    }).pipe(traced(tracer, { spans: false }))
  })

  it.effect("a session's duration when it ends, with error.type when its connection was lost", () => {
    const { tracer } = recording()
    const sessions = Effect.map(
      Metric.snapshot,
      (all) => all.filter((metric) => metric.id === "mcp.client.session.duration" && metric.type === "Histogram")
    )
    return Effect.gen(function*() {
      // closed by the client, 90 seconds after it connected
      yield* Effect.scoped(Effect.gen(function*() {
        const client = yield* McpClientTest.makeClient(metaServer("stateless"))
        yield* client.callToolRaw("meta")
        yield* TestClock.adjust("90 seconds")
      }))
      const [closed, ...others] = yield* sessions
      assert.lengthOf(others, 0)
      assert.deepStrictEqual(closed!.attributes, {
        unit: "s",
        "mcp.server.name": "meta-stateless",
        "mcp.protocol.version": "2026-07-28",
        "mcp.era": "stateless"
      })
      const closedState = closed!.state as Metric.HistogramState
      assert.strictEqual(closedState.count, 1)
      assert.strictEqual(closedState.sum, 90)
      // lost: the server closes the connection when it is called
      const error = yield* Effect.scoped(Effect.gen(function*() {
        const server = ScriptedPeer.serve({
          onMessage: (message, peer) => message.method === "tools/call" ? peer.close : Effect.void
        })
        const client = yield* McpClient.make({ reconnect: false }).pipe(Effect.provide(McpQueueTransport.layer(server)))
        yield* TestClock.adjust("5 seconds")
        return yield* Effect.flip(client.callToolRaw("any"))
      }))
      assert.strictEqual(error._tag, "McpTransportError")
      const lost = (yield* sessions).filter((metric) => metric.attributes?.["error.type"] !== undefined)
      assert.lengthOf(lost, 1)
      assert.deepStrictEqual(lost[0]!.attributes, {
        unit: "s",
        "mcp.server.name": "scripted",
        "mcp.protocol.version": "2025-11-25",
        "mcp.era": "stateful",
        "error.type": error._tag === "McpTransportError" ? error.reason._tag : ""
      })
      assert.strictEqual((lost[0]!.state as Metric.HistogramState).sum, 5)
    }).pipe(traced(tracer, { spans: false }))
  })

  it.effect("the handshake: a span and a request in the metrics for each step, named by its method", () => {
    const { spans, tracer } = recording()
    return Effect.gen(function*() {
      const stateless = yield* McpClientTest.makeClient(metaServer("stateless"))
      yield* stateless.listTools()
      const stateful = yield* McpClientTest.makeClient(metaServer("stateful"))
      yield* stateful.listTools()
      const attributes = (span: Tracer.NativeSpan | undefined) => Object.fromEntries(span?.attributes ?? [])
      const [discovered, refused] = mcpSpans(spans, "server/discover")
      const [initialized] = mcpSpans(spans, "initialize")
      // a 2026-07-28 server answers the probe: its session is opened by it
      assert.strictEqual(discovered?.name, "server/discover")
      assert.strictEqual(discovered?.kind, "client")
      assert.deepStrictEqual(attributes(discovered), {
        "mcp.method.name": "server/discover",
        "mcp.outcome": "ok",
        "mcp.server.name": "meta-stateless",
        "mcp.protocol.version": "2026-07-28",
        "mcp.era": "stateless"
      })
      // a stateful server refuses it, and the initialize that follows opens the session
      assert.strictEqual(attributes(refused)["mcp.outcome"], "protocol_error")
      assert.strictEqual(refused?.status._tag === "Ended" && refused.status.exit._tag, "Failure")
      assert.deepStrictEqual(attributes(initialized), {
        "mcp.method.name": "initialize",
        "mcp.outcome": "ok",
        "mcp.server.name": "meta-stateful",
        "mcp.protocol.version": "2025-11-25",
        "mcp.era": "stateful"
      })
      // started after the refused probe (spans are recorded as they start; the test clock does not move)
      assert.isAbove(spans.indexOf(initialized!), spans.indexOf(refused!))
      const handshakes = { "mcp.method.name": "initialize", "mcp.server.name": "meta-stateful", "mcp.outcome": "ok" }
      assert.strictEqual(yield* count(McpTelemetry.requests, handshakes), 1)
      const probe = { "mcp.method.name": "server/discover", "mcp.server.name": "meta-stateless", "mcp.outcome": "ok" }
      assert.strictEqual(yield* count(McpTelemetry.requests, probe), 1)
    }).pipe(traced(tracer))
  })

  it.effect("a router names each span and metric after its server", () => {
    const { spans, tracer } = recording()
    return Effect.gen(function*() {
      const router = yield* McpRouter.make({
        servers: {
          notes: { transport: McpInMemoryTransport.layer(RouterServer.layer("notes", "stateful")) },
          search: { transport: McpInMemoryTransport.layer(RouterServer.layer("search", "stateless")) }
        }
      })
      yield* router.callTool("notes_whoami")
      yield* router.callTool("search_add", { a: 1, b: 2 })
      const calls = mcpSpans(spans, "tools/call")
      assert.deepStrictEqual(
        calls.map((span) => [span.name, span.attributes.get("mcp.server.name")]),
        [["tools/call whoami", "notes"], ["tools/call add", "search"]]
      )
      const labels = { "mcp.method.name": "tools/call", "mcp.outcome": "ok" }
      assert.strictEqual(yield* count(McpTelemetry.requests, { ...labels, "mcp.server.name": "search" }), 1)
    }).pipe(traced(tracer))
  })
})

describe("McpTelemetry.traceparent", () => {
  it("formats a span's context", () => {
    const span = Tracer.externalSpan({ traceId: "a".repeat(32), spanId: "b".repeat(16), sampled: false })
    assert.strictEqual(McpTelemetry.traceparent(span), `00-${"a".repeat(32)}-${"b".repeat(16)}-00`)
  })
})
