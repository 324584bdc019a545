import * as McpOAuth from "@effect-mcp/auth/McpOAuth"
import * as McpTokenStore from "@effect-mcp/auth/McpTokenStore"
import * as McpClient from "@effect-mcp/core/McpClient"
import { McpHttpTransport } from "@effect-mcp/transport-http"
import { NodeHttpClient, NodeServices } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Layer from "effect/Layer"
import * as Path from "effect/Path"
import { ChildProcess } from "effect/process"
import { execPath } from "node:process"
import * as AuthServer from "./fixtures/authServer.ts"

describe("McpOAuth across processes", () => {
  it.live("two processes sharing a file store redeem the refresh token once", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const path = yield* Path.Path
      const directory = path.join(yield* fs.makeTempDirectoryScoped(), "tokens")
      // a slow refresh: a second redemption started meanwhile would overlap it
      const server = yield* AuthServer.make({ refreshDelay: "500 millis" })
      // this process logs in and stores the tokens
      yield* Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        yield* client.callTool("echo", { text: "login" })
      }).pipe(
        Effect.provide(
          McpClient.layer().pipe(
            Layer.provide(McpHttpTransport.layer({ url: server.url })),
            Layer.provide(McpOAuth.layer({ clientName: "shared" })),
            Layer.provide([AuthServer.login, McpTokenStore.layerFile({ directory })]),
            Layer.provide(NodeHttpClient.layerUndici)
          )
        )
      )
      assert.strictEqual(server.recorded.authorizations.length, 1)
      // the stored access token is refused from now on: both processes meet a 401 and refresh
      yield* server.revokeAll
      const script = path.join(import.meta.dirname, "fixtures", "refresher.ts")
      const refresher = ChildProcess.make(execPath, [script, directory, server.url]).pipe(
        Effect.flatMap((handle) => handle.exitCode)
      )
      const codes = yield* Effect.all([refresher, refresher], { concurrency: 2 })
      // both succeeded without logging in: one redeemed the refresh token, the other used what it wrote
      assert.deepStrictEqual(codes.map(Number), [0, 0])
      const refreshes = server.recorded.tokenRequests.filter((request) => request.params.grant_type === "refresh_token")
      assert.strictEqual(refreshes.length, 1)
      assert.strictEqual(server.recorded.authorizations.length, 1)
    }).pipe(Effect.provide(NodeServices.layer)), 60_000)
})
