/**
 * OAuth 2.1 on a machine without a browser: `McpLogin.layerHeadless` prints the authorization URL,
 * the user opens it anywhere, and pastes back the address the browser was redirected to (the
 * redirect URI need not be served). Step-up: the `admin` tool needs the `mcp:admin` scope, so its
 * first call is refused with 403 `insufficient_scope` and the layer logs in again for the union of
 * the scopes.
 *
 * The servers run in this process (the auth package's test servers). Run with `EXAMPLE_LOGIN=headless`
 * to paste the redirect yourself; without it (CI) the programmatic login follows the redirect.
 */
import { McpLogin, McpOAuth, McpTokenStore } from "@effect-mcp/auth"
import { NodeHttpClient, NodeRuntime, NodeServices } from "@effect/platform-node"
import { Console, Effect, Layer } from "effect"
import { McpClient, McpHttpTransport } from "effect-mcp"
import * as AuthServer from "../packages/auth/test/fixtures/authServer.ts"

const LoginLive = process.env.EXAMPLE_LOGIN === "headless"
  ? McpLogin.layerHeadless({ redirectUri: "http://127.0.0.1:8765/callback" }).pipe(
    Layer.provide(NodeServices.layer)
  )
  : AuthServer.login

const program = Effect.gen(function*() {
  const server = yield* AuthServer.make()
  yield* Effect.gen(function*() {
    const client = yield* McpClient.McpClient
    yield* client.callTool("echo", { text: "first call: logs in" })
    const admin = yield* client.callTool("admin")
    yield* Console.log(`admin: ${JSON.stringify(admin.content[0])}`)
    for (const [i, authorization] of server.recorded.authorizations.entries()) {
      yield* Console.log(`login ${i + 1} asked for ${authorization.get("scope")}`)
    }
  }).pipe(
    Effect.provide(
      McpClient.layer({ clientInfo: { name: "headless-example", version: "1.0.0" } }).pipe(
        Layer.provide(McpHttpTransport.layerUrl(server.url)),
        Layer.provide(McpOAuth.layer({ clientName: "effect-mcp example 14" })),
        Layer.provide([LoginLive, McpTokenStore.layerMemory]),
        Layer.provide(NodeHttpClient.layerUndici)
      )
    )
  )
})

program.pipe(Effect.scoped, NodeRuntime.runMain)
