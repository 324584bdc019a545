/**
 * The end-to-end suite over Streamable HTTP: the SDK servers and server-everything as real servers on
 * 127.0.0.1 and a free port (the SDK v1 server with and without sessions), Effect's server in this
 * process over real sockets. The client's messages are recorded as its HTTP client sends them.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { e2eSuite } from "../../core/test/e2e/suite.ts"
import type * as Wire from "../../core/test/e2e/wire.ts"
import * as McpHttpTransport from "../src/McpHttpTransport.ts"
import * as EffectHttp from "./fixtures/effect-http.ts"
import * as Everything from "./fixtures/everything.ts"
import * as Recording from "./fixtures/recording.ts"
import * as Sdk2 from "./fixtures/sdk2-http.ts"
import * as Servers from "./fixtures/servers.ts"

/** The transport to `url`, recording what the client sends. */
const http = (url: string, record: Wire.Record) =>
  McpHttpTransport.layer({ url }).pipe(Layer.provide(Recording.recordingHttp(Recording.messages(record))))

/** The SDK v1 server behind the SDK's Streamable HTTP server, answering with JSON. */
const sdk1 = (sessions: boolean) => (record: Wire.Record) =>
  Layer.unwrap(Effect.map(Servers.streamableHttp({ json: true, sessions }), (server) => http(server.url, record)))

e2eSuite("HTTP", {
  sdk2: (record) => Layer.unwrap(Effect.map(Sdk2.sdk2Http, (server) => http(server.url, record))),
  sdk1: sdk1(true),
  effect: ({ emit, era, record }) =>
    Layer.unwrap(Effect.map(EffectHttp.url, (url) => http(url, record))).pipe(
      Layer.provide(EffectHttp.layer({ era, emit: (event) => Effect.sync(() => emit(event)) })),
      Layer.orDie
    ),
  everything: (record) =>
    Layer.unwrap(
      Effect.map(Everything.serve("streamableHttp"), (port) => http(`http://127.0.0.1:${port}/mcp`, record))
    ),
  // createMcpHandler serves a 2025 connection per request: "per-request legacy serving cannot receive
  // server-to-client requests"
  cannot: ["sdk2 server requests on a 2025 session"]
})

e2eSuite("HTTP, no sessions", { sdk1: sdk1(false) })
