/**
 * Machine-to-machine authorization with the client-credentials grant: `McpClientCredentials.layer`
 * with a client id and secret. On the server's first 401 the layer discovers its authorization
 * server (protected-resource metadata, then authorization-server metadata), gets a token for the
 * server with `client_secret_basic`, and sends it to that server only. No user, no browser.
 *
 * The server and its authorization server are `servers/AuthorizedServer.ts` on 127.0.0.1; the
 * secret would come from configuration (`Config.Redacted`) in a real program.
 */
import { McpClientCredentials } from "@effect-mcp/auth"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Redacted } from "effect"
import { McpClient, McpHttpTransport } from "effect-mcp"
import * as AuthorizedServer from "./servers/AuthorizedServer.ts"

const program = Effect.gen(function*() {
  const server = yield* AuthorizedServer.make({ clients: { "reporting-service": { secret: "example-secret" } } })

  const AuthLive = McpClientCredentials.layer({
    clientId: "reporting-service",
    clientSecret: Redacted.make("example-secret")
  })
  const ClientLive = McpClient.layer().pipe(
    Layer.provide(McpHttpTransport.layerUrl(server.url).pipe(Layer.provide(AuthLive))),
    Layer.provide(NodeHttpClient.layerUndici)
  )

  yield* Effect.gen(function*() {
    const client = yield* McpClient.McpClient
    const tools = yield* client.listTools()
    yield* Console.log(`tools: ${tools.map((tool) => tool.name).join(", ")}`)
    const forecast = yield* client.callTool("forecast", { city: "Oslo", days: 1 })
    yield* Console.log(`forecast: ${JSON.stringify(forecast.structuredContent)}`)
    yield* Console.log(`tokens issued: ${server.issued.count}`)
  }).pipe(Effect.provide(ClientLive))
})

program.pipe(Effect.scoped, NodeRuntime.runMain)
