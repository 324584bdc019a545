/**
 * A pre-issued token from configuration: `McpBearerAuth.layer(Config.Redacted("MCP_TOKEN"))` reads
 * the token when the layer is built, adds `Bearer `, and sends it with every request of the
 * transport it is given to. The token stays `Redacted`: it appears in no log and no error. A
 * missing variable fails the layer with its `ConfigError` before anything is sent.
 *
 * The server is `servers/AuthorizedServer.ts` on 127.0.0.1, accepting the token `example-token`. The
 * program reads `MCP_TOKEN` from a `ConfigProvider` made here so that it runs as is; a real program
 * keeps the default provider, which reads the environment.
 */
import { McpBearerAuth } from "@effect-mcp/auth"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Config, ConfigProvider, Console, Effect, Layer } from "effect"
import { McpClient, McpHttpTransport } from "effect-mcp"
import * as AuthorizedServer from "./servers/AuthorizedServer.ts"

/** A client of `url` whose transport sends the token of `MCP_TOKEN`. */
const clientOf = (url: string) =>
  McpClient.layer().pipe(
    Layer.provide(
      McpHttpTransport.layerUrl(url).pipe(Layer.provide(McpBearerAuth.layer(Config.Redacted("MCP_TOKEN"))))
    ),
    Layer.provide(NodeHttpClient.layerUndici)
  )

const program = Effect.gen(function*() {
  const server = yield* AuthorizedServer.make({ staticToken: "example-token" })

  const tools = yield* McpClient.McpClient.use((client) => client.listTools()).pipe(
    Effect.provide(clientOf(server.url)),
    Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromUnknown({ MCP_TOKEN: "example-token" }))
  )
  yield* Console.log(`authorized with the token of MCP_TOKEN; tools: ${tools.map((tool) => tool.name).join(", ")}`)

  // without the variable, the layer fails with a ConfigError: nothing was sent
  const missing = yield* McpClient.McpClient.use((client) => client.listTools()).pipe(
    Effect.provide(clientOf(server.url)),
    Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromUnknown({})),
    Effect.flip
  )
  yield* Console.log(`without MCP_TOKEN: ${missing._tag}`)
})

program.pipe(Effect.scoped, NodeRuntime.runMain)
