/**
 * A tiny OTLP/HTTP trace receiver for the tracing examples (29 and 30 need no collector and no network): an
 * Effect HTTP server on 127.0.0.1 taking `POST /v1/traces` in OTLP's JSON encoding, every span it
 * receives offered to a queue.
 */
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Layer, Queue } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { createServer } from "node:http"

/** An attribute as OTLP's JSON encoding carries it. */
export interface OtlpAttribute {
  readonly key: string
  readonly value: {
    readonly stringValue?: string
    readonly intValue?: string | number
    readonly boolValue?: boolean
    readonly doubleValue?: number
  }
}

/** A span as OTLP's JSON encoding carries it (the fields the examples print). */
export interface OtlpSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId?: string
  readonly name: string
  readonly kind?: number
  readonly attributes?: ReadonlyArray<OtlpAttribute>
}

interface TracesRequest {
  readonly resourceSpans?: ReadonlyArray<{
    readonly resource?: { readonly attributes?: ReadonlyArray<OtlpAttribute> }
    readonly scopeSpans?: ReadonlyArray<{ readonly spans?: ReadonlyArray<OtlpSpan> }>
  }>
}

/** The receiver: every span of every export request goes to `received`. */
export const layer = (received: Queue.Queue<OtlpSpan>) =>
  HttpRouter.serve(
    HttpRouter.add(
      "POST",
      "/v1/traces",
      Effect.gen(function*() {
        const request = yield* HttpServerRequest.HttpServerRequest
        const body = (yield* request.json) as TracesRequest
        const spans = (body.resourceSpans ?? []).flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => s.spans ?? []))
        yield* Queue.offerAll(received, spans)
        return HttpServerResponse.jsonUnsafe({})
      })
    ),
    { disableLogger: true, disableListenLog: true }
  ).pipe(Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })))
