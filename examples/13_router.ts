/**
 * Many servers as one client: a router over three servers of three kinds, the demo server in process
 * (`memory`), as a child process over stdio (`local`, pinned to 2025-03-26), and over HTTP on
 * 127.0.0.1 (`remote`, pinned to 2025-06-18, with a header of its own). The program uses the
 * `McpClient` service only: tools and prompts come back as `{server}_{name}`, resources as
 * `{scheme}://{server}/{rest}`, and each call is routed to its server. Everything runs on this
 * machine; no external network.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, SubscriptionRef } from "effect"
import { McpClient, McpConfig, McpInMemoryTransport, McpRouter, McpSchema, McpSource } from "effect-mcp"
import { HttpServer } from "effect/http"
import { fileURLToPath } from "node:url"
import { DemoHttpServer, DemoServer } from "./DemoServer.ts"

/** What the program does: it knows nothing of routers. */
const program = Effect.gen(function*() {
  const client = yield* McpClient.McpClient
  const tools = yield* client.listTools()
  yield* Console.log(
    `${tools.length} tools, e.g. ${tools.filter((t) => t.name.endsWith("_add")).map((t) => t.name).join(", ")}`
  )
  const sum = yield* client.callTool("local_add", { a: 40, b: 2 })
  yield* Console.log(`local_add(40, 2) -> ${JSON.stringify(sum.structuredContent)}`)
  const quotient = yield* client.callTool("remote_divide", { a: 84, b: 2 })
  yield* Console.log(`remote_divide(84, 2) -> ${JSON.stringify(quotient.structuredContent)}`)
  const resources = yield* client.listResources()
  yield* Console.log(`resources: ${resources.map((r) => r.uri).join(", ")}`)
  const [city] = yield* client.readResource("docs://memory/cities/Lima")
  if (city !== undefined && McpSchema.isTextResourceContents(city)) yield* Console.log(`${city.uri}: ${city.text}`)
  const prompts = yield* client.listPrompts()
  yield* Console.log(`prompts: ${prompts.map((p) => p.name).join(", ")}`)
})

const main = Effect.gen(function*() {
  const { address } = yield* HttpServer.HttpServer
  const url = `http://127.0.0.1:${address._tag === "UnixPathAddress" ? 0 : address.port}/mcp`
  // the two servers a configuration file would hold, as an object
  const config = yield* McpConfig.decode({
    mcpServers: {
      local: {
        command: process.execPath,
        args: [fileURLToPath(new URL("./servers/demo-stdio.ts", import.meta.url))],
        protocolVersion: "2025-03-26"
      },
      remote: { url, headers: { "X-Team": "examples" }, protocolVersion: "2025-06-18" }
    }
  })
  const servers = yield* McpSource.servers(config, { stdio: { stderr: "ignore" } })
  const router = McpRouter.layer({
    servers: { memory: { transport: McpInMemoryTransport.layer(DemoServer) }, ...servers }
  })
  yield* Effect.gen(function*() {
    yield* program
    // each server negotiated its own revision
    const status = yield* SubscriptionRef.get((yield* McpRouter.McpRouter).status)
    for (const [name, state] of Object.entries(status)) {
      yield* Console.log(`${name}: ${state._tag === "Ready" ? state.session.protocolVersion : state._tag}`)
    }
  }).pipe(Effect.provide(router))
})

main.pipe(Effect.provide(DemoHttpServer), NodeRuntime.runMain)
