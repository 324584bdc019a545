/**
 * Tracing and metrics of a client's requests through Effect's `Tracer` and `Metric`: a span for each
 * request, W3C trace context in the request's `_meta` so that the server can join the trace, and
 * counters and a latency histogram by method and server. Export them with any Effect tracer or metric
 * reader (`effect/observability`'s `OtlpTracer` and `OtlpMetrics`, `@effect/opentelemetry`, …).
 *
 * **Spans** follow OpenTelemetry's MCP conventions: kind `client`, named `{method} {tool or prompt}`
 * (`tools/call add`) or `{method}`, child of the caller's span, with `mcp.method.name`,
 * `gen_ai.tool.name` / `gen_ai.prompt.name` / `mcp.resource.uri`, `mcp.server.name` (a router's name of
 * the server, the server's own name otherwise), `mcp.protocol.version`, `mcp.era`, and on exit
 * `mcp.outcome` (`ok`, `tool_error`, `timeout`, `transport_error`, `protocol_error`, `cancelled`,
 * `error`), `error.type` and, for a JSON-RPC error, `rpc.response.status_code`. Parameters, results and
 * headers are never recorded.
 *
 * **Propagation**: `params._meta.traceparent` (`00-{trace}-{span}-{flags}`) of the request's span, and
 * `tracestate` when the {@link TraceState} reference holds one (Effect's spans carry none), in both eras
 * (the 2026-07-28 era's own `_meta` keys beside them). A span that does not propagate
 * (`Tracer.DisablePropagation`, or `References.TracerEnabled` off) adds nothing.
 *
 * **Metrics**: {@link requests} (by method, server and outcome), {@link errors} (by method, server and
 * `error.type`), {@link duration} (seconds, by method and server) and {@link sessionDuration} (seconds,
 * by server, revision and era, with `error.type` for a session whose connection was lost).
 *
 * **Off the hot path.** Effect has no "no tracer" state: its default tracer (`Tracer.nativeTracer`)
 * still makes a span object for every `withSpan`, metrics always count, and a `traceparent` from the
 * native tracer would put ids on the wire that no backend knows. So telemetry is opt-in: nothing
 * happens until {@link layer} is provided where the client is built (like the handler layers). The
 * client reads the reference once, when it is built; without it each session is used as it is, so a
 * request costs nothing more than before: not one reference read. With it, each new session is wrapped
 * once, and each request pays for its span, its `_meta` keys and three metric updates.
 *
 * **The handshake**: each step of the negotiation that opens a session is a span and a request in the
 * metrics too, named by its method (`initialize`, `server/discover`), with the server's name, revision
 * and era once it answered. A probe a stateful server refuses shows as a `server/discover` with
 * `mcp.outcome` `protocol_error` (and in `errors`, under the server name `unknown` outside a router),
 * followed by the `initialize` that opened the session. These carry no trace context on the wire.
 *
 * Left out: notifications, and the server requests the client answers.
 *
 * **Example** (Spans and metrics for every request of a client)
 *
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { McpClient, McpInMemoryTransport, McpTelemetry } from "@effect-mcp/core"
 *
 * declare const Server: McpInMemoryTransport.ServerLayer
 *
 * const ClientLive = McpClient.layer().pipe(
 *   Layer.provide([McpInMemoryTransport.layer(Server), McpTelemetry.layer()])
 * )
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* McpClient.McpClient
 *   return yield* client.callTool("add", { a: 1, b: 2 })
 * }).pipe(Effect.withSpan("app.add"), Effect.provide(ClientLive))
 * ```
 *
 * @stability experimental
 * @since 0.3.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import type * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"
import type { Reply, RequestOptions, Session } from "./internal/session.ts"
import type * as Telemetry from "./internal/telemetry.ts"
import type { McpError, McpTransportError } from "./McpError.ts"

// -----------------------------------------------------------------------------
// Models
// -----------------------------------------------------------------------------

/**
 * How a request ended, as `mcp.outcome` and the `requests` metric record it.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type Outcome =
  | "ok"
  | "tool_error"
  | "timeout"
  | "transport_error"
  | "protocol_error"
  | "cancelled"
  | "error"

/**
 * Options of {@link layer}.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Options {
  /** A span for each request. Default: `true`. */
  readonly spans?: boolean | undefined
  /** `traceparent` / `tracestate` in each request's `_meta` (needs `spans`). Default: `true`. */
  readonly propagate?: boolean | undefined
  /** The `requests`, `errors`, `duration` and `sessionDuration` metrics. Default: `true`. */
  readonly metrics?: boolean | undefined
}

/**
 * A W3C `tracestate` to send beside `traceparent` (Effect's spans carry none): set it where a program
 * received one, for example from an incoming HTTP request. Default: none.
 *
 * @stability experimental
 * @category services
 * @since 0.3.0
 */
export const TraceState: Context.Reference<string | undefined> = Context.Reference<string | undefined>(
  "@effect-mcp/core/McpTelemetry/TraceState",
  { defaultValue: () => undefined }
)

// -----------------------------------------------------------------------------
// Metrics
// -----------------------------------------------------------------------------

/**
 * Requests sent, by `mcp.method.name`, `mcp.server.name` and `mcp.outcome`.
 *
 * @stability experimental
 * @category metrics
 * @since 0.3.0
 */
export const requests: Metric.Counter<number> = Metric.counter("mcp.client.requests", {
  description: "MCP requests sent by the client",
  incremental: true
})

/**
 * Requests that did not end `ok`, by `mcp.method.name`, `mcp.server.name` and `error.type`.
 *
 * @stability experimental
 * @category metrics
 * @since 0.3.0
 */
export const errors: Metric.Counter<number> = Metric.counter("mcp.client.errors", {
  description: "MCP requests that failed, timed out, were cancelled or answered a tool error",
  incremental: true
})

/**
 * How long requests took, in seconds, by `mcp.method.name` and `mcp.server.name` (OpenTelemetry's
 * `mcp.client.operation.duration`).
 *
 * @stability experimental
 * @category metrics
 * @since 0.3.0
 */
export const duration: Metric.Histogram<number> = Metric.histogram("mcp.client.operation.duration", {
  description: "Duration of MCP requests as the client saw them",
  attributes: { unit: "s" },
  boundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]
})

/**
 * How long sessions lasted, in seconds, by `mcp.server.name`, `mcp.protocol.version` and `mcp.era`, and
 * `error.type` (the reason, such as `ProcessExited` or `ConnectionClosed`) for a session whose
 * connection was lost (OpenTelemetry's `mcp.client.session.duration`). Recorded when the session ends:
 * the client closes, its connection is lost (a reconnection is a new session), or the server expired it.
 *
 * @stability experimental
 * @category metrics
 * @since 0.3.0
 */
export const sessionDuration: Metric.Histogram<number> = Metric.histogram("mcp.client.session.duration", {
  description: "Duration of MCP sessions as the client saw them",
  attributes: { unit: "s" },
  boundaries: [0.1, 1, 10, 60, 300, 900, 1800, 3600, 14_400, 43_200, 86_400]
})

// -----------------------------------------------------------------------------
// Constructors
// -----------------------------------------------------------------------------

/**
 * W3C `traceparent` of a span: `00-{trace id}-{span id}-{01 when sampled, 00 otherwise}`.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const traceparent = (span: Tracer.AnySpan): string =>
  `00-${span.traceId.padStart(32, "0")}-${span.spanId.padStart(16, "0")}-${span.sampled ? "01" : "00"}`

// -----------------------------------------------------------------------------
// Layers
// -----------------------------------------------------------------------------

/**
 * Turns telemetry on for the clients built where it is provided (a router's servers included).
 *
 * **Example** (Metrics only, nothing on the wire)
 *
 * ```ts
 * import { Layer } from "effect"
 * import { McpClient, McpTelemetry } from "@effect-mcp/core"
 *
 * const ClientLive = McpClient.layer().pipe(Layer.provide(McpTelemetry.layer({ spans: false })))
 * ```
 *
 * @stability experimental
 * @category layers
 * @since 0.3.0
 */
export const layer = (options?: Options): Layer.Layer<never> => Layer.succeed(CurrentInstrumentation)(make(options))

/**
 * The client's reference (`internal/telemetry.ts`), by its key: a service is its key, so this module
 * does not import the client's copy, and the bundle needs no chunk the two share (a file every program
 * would load).
 */
const CurrentInstrumentation = Context.Reference<Telemetry.Instrumentation | undefined>(
  "@effect-mcp/core/McpTelemetry",
  { defaultValue: () => undefined }
)

/**
 * The instrumentation {@link layer} installs: each session's `request` wrapped in a span and metrics.
 */
const make = (options: Options | undefined): Telemetry.Instrumentation => {
  const config: Config = {
    spans: options?.spans ?? true,
    propagate: (options?.spans ?? true) && (options?.propagate ?? true),
    metrics: options?.metrics ?? true
  }
  return {
    server: undefined,
    session: (session, server, closed) => {
      const name = server ?? session.serverInfo.name
      const wrapped: Session = { ...session, request: instrumented(config, session, name) }
      return config.metrics ? Effect.as(timeSession(session, name, closed), wrapped) : Effect.succeed(wrapped)
    },
    handshake: (method, step, server) => handshake(config, method, step, server)
  }
}

// -----------------------------------------------------------------------------
// Internals
// -----------------------------------------------------------------------------

interface Config {
  readonly spans: boolean
  readonly propagate: boolean
  readonly metrics: boolean
}

/** What the request is about, as OpenTelemetry names it. */
const targetAttributes = (method: string, name: string | undefined): Record<string, string> => {
  if (name === undefined) return {}
  if (method === "tools/call") return { "gen_ai.tool.name": name }
  if (method === "prompts/get") return { "gen_ai.prompt.name": name }
  if (method.startsWith("resources/")) return { "mcp.resource.uri": name }
  return {}
}

/** The `request` of an instrumented session. */
const instrumented = (config: Config, session: Session, server: string) =>
(
  method: string,
  params: object | undefined,
  options?: RequestOptions
): Effect.Effect<Reply, McpError> => {
  const name = options?.name
  const attributes = {
    "mcp.method.name": method,
    ...targetAttributes(method, name),
    "mcp.server.name": server,
    "mcp.protocol.version": session.protocolVersion,
    "mcp.era": session.era
  }
  const measured = (span: Tracer.Span | undefined, send: Effect.Effect<Reply, McpError>) =>
    config.metrics ? record(span, method, () => server, send) : annotate(span, method, send)
  if (!config.spans) return measured(undefined, session.request(method, params, options))
  const spanName = name !== undefined && (method === "tools/call" || method === "prompts/get")
    ? `${method} ${name}`
    : method
  return Effect.useSpan(spanName, { kind: "client", attributes }, (span) =>
    Effect.flatMap(
      config.propagate ? withTraceContext(span, options) : Effect.succeed(options),
      (withContext) => Effect.withParentSpan(measured(span, session.request(method, params, withContext)), span)
    ))
}

/**
 * A step of the negotiation that opens a session (`initialize`, `server/discover`), as a request of
 * its own: its span and metrics, the server named by the router or, once it answered, by itself
 * (`unknown` in the metrics of a step that failed outside a router). It sends no trace context: the
 * handshake's messages are the negotiation's.
 */
const handshake = <A extends { readonly session: Session }>(
  config: Config,
  method: Telemetry.HandshakeMethod,
  step: Effect.Effect<A, McpError>,
  server: string | undefined
): Effect.Effect<A, McpError> => {
  const serverOf = (exit: Exit.Exit<A, McpError>) =>
    server ?? (Exit.isSuccess(exit) ? exit.value.session.serverInfo.name : "unknown")
  const measured = (span: Tracer.Span | undefined) =>
    config.metrics ? record(span, method, serverOf, step) : annotate(span, method, step)
  if (!config.spans) return measured(undefined)
  return Effect.useSpan(
    method,
    {
      kind: "client",
      attributes: { "mcp.method.name": method, ...(server === undefined ? {} : { "mcp.server.name": server }) }
    },
    (span) =>
      Effect.tap(Effect.withParentSpan(measured(span), span), ({ session }) =>
        Effect.sync(() => {
          if (server === undefined) span.attribute("mcp.server.name", session.serverInfo.name)
          span.attribute("mcp.protocol.version", session.protocolVersion)
          span.attribute("mcp.era", session.era)
        }))
  )
}

/**
 * Records the session's duration in {@link sessionDuration} when its scope closes, with the reason its
 * connection was lost, if it was.
 */
const timeSession = (
  session: Session,
  server: string,
  closed: Deferred.Deferred<never, McpTransportError>
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.flatMap(
    Clock.currentTimeNanos,
    (start) =>
      Effect.addFinalizer(() =>
        Effect.flatMap(Effect.zip(Clock.currentTimeNanos, lostWith(closed)), ([end, lost]) => {
          const attributes = {
            "mcp.server.name": server,
            "mcp.protocol.version": session.protocolVersion,
            "mcp.era": session.era,
            ...(lost === undefined ? {} : { "error.type": lost })
          }
          return Metric.update(Metric.withAttributes(sessionDuration, attributes), Number(end - start) / 1e9)
        })
      )
  )

/** Why the connection ended, when it was lost: the reason of the error it ended with (none when closed). */
const lostWith = (closed: Deferred.Deferred<never, McpTransportError>): Effect.Effect<string | undefined> =>
  Deferred.isDoneUnsafe(closed)
    ? Effect.map(
      Effect.flip(Deferred.await(closed)),
      (error) => error.reason._tag === "ClientClosed" ? undefined : error.reason._tag
    )
    : Effect.succeed(undefined)

/** The request's options with `traceparent` (and `tracestate`) added to its `_meta`. */
const withTraceContext = (
  span: Tracer.Span,
  options: RequestOptions | undefined
): Effect.Effect<RequestOptions | undefined> =>
  Context.get(span.annotations, Tracer.DisablePropagation)
    ? Effect.succeed(options)
    : Effect.map(Effect.service(TraceState), (state) => ({
      ...options,
      meta: {
        ...options?.meta,
        traceparent: traceparent(span),
        ...(state === undefined ? {} : { tracestate: state })
      }
    }))

/** How a request ended: its outcome and `error.type`. */
const outcomeOf = (
  exit: Exit.Exit<unknown, McpError>,
  method: string
): { readonly outcome: Outcome; readonly errorType?: string; readonly code?: number } => {
  if (Exit.isSuccess(exit)) {
    return method === "tools/call" && (exit.value as Reply).result.isError === true
      ? { outcome: "tool_error", errorType: "tool_error" }
      : { outcome: "ok" }
  }
  if (Exit.hasInterrupts(exit)) return { outcome: "cancelled", errorType: "cancelled" }
  const error = Exit.findErrorOption(exit)
  if (error._tag === "None") return { outcome: "error", errorType: "defect" }
  switch (error.value._tag) {
    case "McpTimeoutError":
      return { outcome: "timeout", errorType: "timeout" }
    case "McpTransportError":
      return { outcome: "transport_error", errorType: error.value.reason._tag }
    case "McpProtocolError": {
      const reason = error.value.reason
      return reason._tag === "RpcError"
        ? { outcome: "protocol_error", errorType: String(reason.code), code: reason.code }
        : { outcome: "protocol_error", errorType: reason._tag }
    }
    default:
      return { outcome: "error", errorType: error.value._tag }
  }
}

/** Sets the outcome attributes on the span, when there is one. */
const annotate = <A>(span: Tracer.Span | undefined, method: string, send: Effect.Effect<A, McpError>) =>
  span === undefined ? send : Effect.onExit(send, (exit) =>
    Effect.sync(() => {
      annotateSpan(span, outcomeOf(exit, method))
    }))

const annotateSpan = (span: Tracer.Span, ended: ReturnType<typeof outcomeOf>) => {
  span.attribute("mcp.outcome", ended.outcome)
  if (ended.errorType !== undefined) span.attribute("error.type", ended.errorType)
  if (ended.code !== undefined) span.attribute("rpc.response.status_code", String(ended.code))
}

/**
 * Times the request and records its outcome in the metrics (and on the span, when there is one),
 * under the server `serverOf` names once it is over.
 */
const record = <A>(
  span: Tracer.Span | undefined,
  method: string,
  serverOf: (exit: Exit.Exit<A, McpError>) => string,
  send: Effect.Effect<A, McpError>
): Effect.Effect<A, McpError> =>
  Effect.flatMap(
    Clock.currentTimeNanos,
    (start) =>
      Effect.onExit(send, (exit) =>
        Effect.flatMap(Clock.currentTimeNanos, (end) => {
          const ended = outcomeOf(exit, method)
          if (span !== undefined) annotateSpan(span, ended)
          const labels = { "mcp.method.name": method, "mcp.server.name": serverOf(exit) }
          return Effect.all([
            Metric.update(Metric.withAttributes(requests, { ...labels, "mcp.outcome": ended.outcome }), 1),
            Metric.update(Metric.withAttributes(duration, labels), Number(end - start) / 1e9),
            ended.errorType === undefined
              ? Effect.void
              : Metric.update(Metric.withAttributes(errors, { ...labels, "error.type": ended.errorType }), 1)
          ], { discard: true })
        }))
  )
