/**
 * Streamable HTTP: the demo server served by Effect's `McpServer.layerHttp` on 127.0.0.1 (a free port;
 * `DemoHttpServer` in `DemoServer.ts`),
 * and the client over `McpHttpTransport` (inferred from the URL by `layerUrl`), with a static header
 * through the `McpAuth` hook. Everything in one process; no external network.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer } from "effect"
import { McpAuth, McpClient, McpHttpTransport } from "effect-mcp"
import { HttpServer } from "effect/http"
import { DemoHttpServer } from "./DemoServer.ts"

const program = Effect.gen(function*() {
  const { address } = yield* HttpServer.HttpServer
  const url = `http://127.0.0.1:${address._tag === "UnixPathAddress" ? 0 : address.port}/mcp`
  yield* Effect.gen(function*() {
    const client = yield* McpClient.McpClient
    const session = yield* client.session
    yield* Console.log(`connected over HTTP to ${session.serverInfo.name} (${session.protocolVersion}) at ${url}`)
    const tools = yield* client.listTools()
    yield* Console.log(`tools: ${tools.map((tool) => tool.name).join(", ")}`)
    const forecast = yield* client.callTool("forecast", { city: "Oslo", days: 2 }, {
      onProgress: (p) => Console.log(`  progress ${p.progress}/${p.total}`)
    })
    yield* Console.log(`forecast: ${JSON.stringify(forecast.structuredContent)}`)
  }).pipe(
    Effect.provide(
      McpClient.layer().pipe(
        Layer.provide(McpHttpTransport.layerUrl(url)),
        Layer.provide(McpAuth.layerHeaders({ "x-api-key": "example-key" })),
        Layer.provide(NodeHttpClient.layerUndici)
      )
    )
  )
})

program.pipe(Effect.provide(DemoHttpServer), NodeRuntime.runMain)
