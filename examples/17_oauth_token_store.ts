/**
 * Tokens that outlive the process: `McpTokenStore.layerFile` keeps tokens and the client
 * registration per server and client identity, in `0600` files of a `0700` directory. A second
 * client (a restart) uses them without logging in; `McpOAuth.logout` forgets them, and the next
 * request logs in again.
 *
 * The servers run in this process (the auth package's test servers); the store lives in a temporary
 * directory.
 */
import { McpOAuth, McpTokenStore } from "@effect-mcp/auth"
import { NodeHttpClient, NodeRuntime, NodeServices } from "@effect/platform-node"
import { Console, Effect, FileSystem, Layer } from "effect"
import { McpClient, McpHttpTransport } from "effect-mcp"
import * as AuthServer from "../packages/auth/test/fixtures/authServer.ts"

/** One run of an application: connect with OAuth and call a tool; log out once the client closed. */
const run = (url: string, directory: string, options: { readonly logout: boolean }) =>
  Effect.gen(function*() {
    yield* Effect.gen(function*() {
      const client = yield* McpClient.McpClient
      yield* client.callTool("echo", { text: "hello" })
    }).pipe(
      Effect.provide(
        McpClient.layer({ clientInfo: { name: "token-store-example", version: "1.0.0" } }).pipe(
          Layer.provide(McpHttpTransport.layerUrl(url))
        )
      )
    )
    if (options.logout) yield* McpOAuth.logout(url)
  }).pipe(
    Effect.provide(
      McpOAuth.layer({ clientName: "effect-mcp example 15" }).pipe(
        Layer.provide([AuthServer.login, McpTokenStore.layerFile({ directory })]),
        Layer.provideMerge(NodeHttpClient.layerUndici),
        Layer.provide(NodeServices.layer)
      )
    )
  )

const program = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  const directory = yield* fs.makeTempDirectoryScoped()
  const server = yield* AuthServer.make()
  const logins = () => server.recorded.authorizations.length

  yield* run(server.url, `${directory}/tokens`, { logout: false })
  yield* Console.log(`first run: ${logins()} login`)
  const files = yield* fs.readDirectory(`${directory}/tokens`)
  const mode = (yield* fs.stat(`${directory}/tokens/${files.find((file) => file.endsWith(".json"))}`)).mode & 0o777
  yield* Console.log(`stored in ${files.length} file(s) of mode ${mode.toString(8)}`)

  yield* run(server.url, `${directory}/tokens`, { logout: true })
  yield* Console.log(`second run (stored tokens, then logout): still ${logins()} login`)

  yield* run(server.url, `${directory}/tokens`, { logout: false })
  yield* Console.log(`third run (after logout): ${logins()} logins`)
})

program.pipe(Effect.scoped, Effect.provide(NodeServices.layer), NodeRuntime.runMain)
