import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { McpClient, McpSource } from "effect-mcp"
import { McpProtocol, McpServer, Tool, Toolkit } from "effect/ai"
import * as Effect from "effect/Effect"
import * as HttpRouter from "effect/http/HttpRouter"
import * as HttpServer from "effect/http/HttpServer"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { createServer } from "node:http"
import { fileURLToPath } from "node:url"

const script = fileURLToPath(new URL("../../../examples/servers/demo-stdio.ts", import.meta.url))

const Ping = Tool.make("ping_tool", { parameters: Tool.EmptyParams, success: Schema.String })
const Tools = Toolkit.make(Ping)
const Registrations = McpServer.toolkit(Tools).pipe(
  Layer.provide(Tools.toLayer({ ping_tool: () => Effect.succeed("pong") }))
)

describe("McpSource", () => {
  it("tells URLs from local sources", () => {
    assert.isTrue(McpSource.isUrl("https://example.com/mcp"))
    assert.isTrue(McpSource.isUrl("http://127.0.0.1:3000/sse"))
    assert.isFalse(McpSource.isUrl("server.py"))
    assert.isFalse(McpSource.isUrl("npx -y @modelcontextprotocol/server-everything"))
    assert.isFalse(McpSource.isUrl(["node", "server.js"]))
  })

  it.live("a script path runs the server over stdio", () =>
    Effect.gen(function*() {
      const client = yield* McpClient.make()
      assert.strictEqual((yield* client.session).serverInfo.name, "demo-server")
      assert.deepStrictEqual((yield* client.callTool("add", { a: 1, b: 2 })).structuredContent, { sum: 3 })
    }).pipe(
      Effect.scoped,
      Effect.provide(McpSource.layerNode(script, { stdio: { node: process.execPath, stderr: "ignore" } }))
    ), { timeout: 30_000 })

  it.live("a URL speaks Streamable HTTP", () =>
    Effect.gen(function*() {
      const { address } = yield* HttpServer.HttpServer
      const url = `http://127.0.0.1:${address._tag === "UnixPathAddress" ? 0 : address.port}/mcp`
      const context = yield* Layer.build(McpSource.layerNode(url))
      const client = yield* McpClient.make().pipe(Effect.provide(context))
      assert.strictEqual((yield* client.session).serverInfo.name, "http-demo")
      assert.isTrue((yield* client.listTools()).length > 0)
    }).pipe(
      Effect.scoped,
      Effect.provide(
        HttpRouter.serve(
          McpServer.layerHttp({
            name: "http-demo",
            version: "1.0.0",
            path: "/mcp",
            protocols: [McpProtocol.v2025_11_25],
            registrations: Registrations
          }),
          { disableLogger: true, disableListenLog: true }
        ).pipe(Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })))
      )
    ), { timeout: 30_000 })
})
