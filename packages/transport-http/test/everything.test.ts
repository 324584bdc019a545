import * as McpClient from "@effect-mcp/core/McpClient"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as McpHttpTransport from "../src/McpHttpTransport.ts"
import * as Everything from "./fixtures/everything.ts"

describe("@modelcontextprotocol/server-everything over HTTP", () => {
  for (const mode of ["streamableHttp", "sse"] as const) {
    it.live(`lists and calls over ${mode}, the transport inferred from the URL`, () =>
      Effect.gen(function*() {
        const port = yield* Everything.serve(mode)
        const url = mode === "sse" ? `http://127.0.0.1:${port}/sse` : `http://127.0.0.1:${port}/mcp`
        const context = yield* Layer.build(
          McpHttpTransport.layerUrl(url).pipe(Layer.provide(NodeHttpClient.layerUndici))
        )
        const client = yield* McpClient.make({ timeout: "20 seconds" }).pipe(Effect.provide(context))
        const tools = yield* client.listTools()
        assert.isTrue(tools.some((tool) => tool.name === "echo"))
        const echo = yield* client.callTool("echo", { message: "over http" })
        assert.deepStrictEqual(echo.content, [{ type: "text", text: "Echo: over http" }])
        assert.isTrue((yield* client.listResources()).length > 0)
        assert.isTrue((yield* client.listPrompts()).length > 0)
      }).pipe(Effect.scoped), { timeout: 60_000 })
  }
})
