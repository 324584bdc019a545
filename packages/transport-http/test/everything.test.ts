import * as McpClient from "@effect-mcp/core/McpClient"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as McpHttpTransport from "../src/McpHttpTransport.ts"
import * as Everything from "./fixtures/everything.ts"

/** Undici's client, recording the method and path of every request it sends. */
const recordingHttp = (sent: Array<string>) =>
  Layer.effect(HttpClient.HttpClient)(
    Effect.map(HttpClient.HttpClient, (client) =>
      HttpClient.tapRequest(client, (request) =>
        Effect.sync(() => {
          sent.push(`${request.method} ${new URL(request.url).pathname}`)
        })))
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))

describe("@modelcontextprotocol/server-everything over HTTP", () => {
  for (const mode of ["streamableHttp", "sse"] as const) {
    it.live(`lists and calls over ${mode}, the transport inferred from the URL`, () =>
      Effect.gen(function*() {
        const port = yield* Everything.serve(mode)
        const url = mode === "sse" ? `http://127.0.0.1:${port}/sse` : `http://127.0.0.1:${port}/mcp`
        const sent: Array<string> = []
        // no fallback: a wrong inference must fail, not be repaired by the Streamable HTTP transport
        const context = yield* Layer.build(
          McpHttpTransport.layerUrl(url, { sseFallback: false }).pipe(Layer.provide(recordingHttp(sent)))
        )
        const client = yield* McpClient.make({ timeout: "20 seconds" }).pipe(Effect.provide(context))
        const tools = yield* client.listTools()
        assert.isTrue(tools.some((tool) => tool.name === "echo"))
        const echo = yield* client.callTool("echo", { message: "over http" })
        assert.deepStrictEqual(echo.content, [{ type: "text", text: "Echo: over http" }])
        assert.isTrue((yield* client.listResources()).length > 0)
        assert.isTrue((yield* client.listPrompts()).length > 0)
        if (mode === "sse") {
          // HTTP+SSE from the first request: the stream is opened, and messages go to the endpoint
          assert.strictEqual(sent[0], "GET /sse")
          assert.isTrue(sent.slice(1).every((r) => r === "POST /message"), sent.join(", "))
        } else {
          assert.isTrue(sent.every((r) => r.endsWith(" /mcp")), sent.join(", "))
          assert.strictEqual(sent[0], "POST /mcp")
        }
      }).pipe(Effect.scoped), { timeout: 60_000 })
  }
})
