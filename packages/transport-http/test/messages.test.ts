/**
 * What the client says when an HTTP server does something else than MCP: in plain words, what the
 * server did and what to try, never the protocol's internals.
 */
import * as McpClient from "@effect-mcp/core/McpClient"
import * as McpError from "@effect-mcp/core/McpError"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { createServer } from "node:http"
import * as McpHttpTransport from "../src/McpHttpTransport.ts"
import * as Servers from "./fixtures/servers.ts"

/** A real HTTP server on 127.0.0.1 that answers every request with the same body, until the scope closes. */
const answering = (contentType: string, body: string) =>
  Effect.acquireRelease(
    Effect.promise(() =>
      new Promise<{ readonly server: ReturnType<typeof createServer>; readonly port: number }>((resolve) => {
        const server = createServer((_req, res) => res.writeHead(200, { "content-type": contentType }).end(body))
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          resolve({ server, port: typeof address === "object" && address !== null ? address.port : 0 })
        })
      })
    ),
    ({ server }) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
  ).pipe(Effect.map(({ port }) => port))

const failure = (url: string, options?: McpClient.Options) =>
  Effect.flatMap(
    Layer.build(McpHttpTransport.layerUrl(url).pipe(Layer.provide(NodeHttpClient.layerUndici))),
    (context) => McpClient.make({ reconnect: false, ...options }).pipe(Effect.provide(context), Effect.flip)
  )

describe("an HTTP server that does not speak MCP", () => {
  it.live("JSON that is not JSON-RPC: the error quotes what the server answered", () =>
    Effect.gen(function*() {
      const port = yield* answering("application/json", "{\"hello\":\"world\"}")
      const error = yield* failure(`http://127.0.0.1:${port}/mcp`)
      assert.instanceOf(error, McpError.McpTransportError)
      assert.strictEqual(
        error.message,
        "The connection to the MCP server closed: the server answered server/discover with something that is " +
          "not a JSON-RPC response: {\"hello\":\"world\"}"
      )
    }).pipe(Effect.scoped), { timeout: 30_000 })

  it.live(
    "an SSE URL that answers with an HTML page: the error says it is not an SSE endpoint, and what to try",
    () =>
      Effect.gen(function*() {
        const port = yield* answering("text/html; charset=utf-8", "<html><body>Welcome</body></html>")
        const error = yield* failure(`http://127.0.0.1:${port}/sse`)
        assert.instanceOf(error, McpError.McpTransportError)
        assert.include(
          error.message,
          `http://127.0.0.1:${port}/sse answered with text/html; charset=utf-8, not an SSE stream (text/event-stream)`
        )
        assert.include(error.message, "with McpHttpTransport")
        assert.include(error.message, "The answer began: <html><body>Welcome</body></html>")
      }).pipe(Effect.scoped),
    { timeout: 30_000 }
  )

  it.live(
    "pinning 2026-07-28 against a stateful server: the error says what the server is and what to do",
    () =>
      Effect.gen(function*() {
        const server = yield* Servers.streamableHttp({ json: true, sessions: true })
        const error = yield* failure(server.url, { protocolVersion: "2026-07-28" })
        assert.instanceOf(error, McpError.McpVersionError)
        assert.match(
          error.message,
          /^The server does not speak protocol 2026-07-28: it answered server\/discover as a server of the stateful revisions \(2024-11-05 … 2025-11-25\) does \(.+\)\. Leave protocolVersion unset \("auto"\) to speak its revision \(this client speaks 2026-07-28, 2025-11-25, /
        )
      }).pipe(Effect.scoped),
    { timeout: 30_000 }
  )
})
