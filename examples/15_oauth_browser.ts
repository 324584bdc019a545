/**
 * OAuth 2.1 with the browser: `McpOAuth.layer` logs in on the server's first 401 (discovery, dynamic
 * client registration, PKCE, the token exchange) through `McpLogin.layerBrowser`, which opens the
 * system browser and waits on a loopback callback server on 127.0.0.1.
 *
 * The MCP server and its authorization server run in this process (the auth package's test servers,
 * on 127.0.0.1). Run with `EXAMPLE_LOGIN=browser` to log in with your browser (the test server
 * approves at once); without it (CI) the programmatic `McpLogin.layer` follows the redirect instead.
 */
import { McpLogin, McpOAuth, McpTokenStore } from "@effect-mcp/auth"
import { NodeHttpClient, NodeRuntime, NodeServices } from "@effect/platform-node"
import { Console, Effect, Layer } from "effect"
import { McpClient, McpHttpTransport } from "effect-mcp"
import * as AuthServer from "../packages/auth/test/fixtures/authServer.ts"

const LoginLive = process.env.EXAMPLE_LOGIN === "browser"
  ? McpLogin.layerBrowser({ timeout: "2 minutes" }).pipe(Layer.provide(NodeServices.layer))
  : AuthServer.login

const program = Effect.gen(function*() {
  const server = yield* AuthServer.make()
  yield* Console.log(`MCP server at ${server.url}, authorization server at ${server.issuer}`)
  yield* Effect.gen(function*() {
    const client = yield* McpClient.McpClient
    const result = yield* client.callTool("echo", { text: "hello with a token" })
    yield* Console.log(`echo: ${JSON.stringify(result.content[0])}`)
    const [authorization] = server.recorded.authorizations
    yield* Console.log(`logged in once, asking for the scopes ${authorization?.get("scope")}`)
  }).pipe(
    Effect.provide(
      McpClient.layer({ clientInfo: { name: "oauth-example", version: "1.0.0" } }).pipe(
        Layer.provide(McpHttpTransport.layerUrl(server.url)),
        Layer.provide(McpOAuth.layer({ clientName: "effect-mcp example 13" })),
        Layer.provide([LoginLive, McpTokenStore.layerMemory]),
        Layer.provide(NodeHttpClient.layerUndici)
      )
    )
  )
})

program.pipe(Effect.scoped, NodeRuntime.runMain)
