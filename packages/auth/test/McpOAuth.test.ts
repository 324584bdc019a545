import * as McpOAuth from "@effect-mcp/auth/McpOAuth"
import * as McpTokenStore from "@effect-mcp/auth/McpTokenStore"
import * as McpAuth from "@effect-mcp/core/McpAuth"
import * as McpClient from "@effect-mcp/core/McpClient"
import * as McpError from "@effect-mcp/core/McpError"
import { McpHttpTransport } from "@effect-mcp/transport-http"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as AuthServer from "./fixtures/authServer.ts"

const Http = NodeHttpClient.layerUndici

/** The layers a host application composes: OAuth over the programmatic login and a memory store. */
const oauth = (options?: McpOAuth.Options) =>
  McpOAuth.layer(options).pipe(
    Layer.provideMerge(McpTokenStore.layerMemory),
    Layer.provide(AuthServer.login),
    Layer.provideMerge(Http)
  )

/** A connected client to `url` with OAuth, in the current scope; also the OAuth service and store. */
const connect = (url: string, options?: McpOAuth.Options) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(oauth(options))
    const client = yield* McpClient.connect(McpHttpTransport.layer({ url }), { timeout: "10 seconds" }).pipe(
      Effect.provide(context)
    )
    return {
      client,
      oauth: Context.get(context, McpOAuth.McpOAuth),
      store: Context.get(context, McpTokenStore.McpTokenStore)
    }
  })

/** The reason of a failed MCP call's transport error, when it is an `McpAuthError`. */
export const authReason = (error: McpError.McpError) =>
  error instanceof McpError.McpTransportError && error.reason._tag === "McpAuthError"
    ? error.reason.reason._tag
    : undefined

describe("McpOAuth", () => {
  it.live("logs in on the first 401 and calls the tool with the token", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make()
      const { client, oauth } = yield* connect(server.url)
      const result = yield* client.callTool("echo", { text: "hi" })
      assert.deepStrictEqual(result.content[0], { type: "text", text: "hi" })
      const [authorization] = server.recorded.authorizations
      assert.isDefined(authorization)
      assert.strictEqual(authorization!.get("code_challenge_method"), "S256")
      assert.strictEqual(authorization!.get("resource"), server.url)
      assert.strictEqual(authorization!.get("scope"), "mcp offline_access")
      assert.isNotNull(authorization!.get("state"))
      assert.strictEqual(server.recorded.registrations.length, 1)
      const tokens = Option.getOrThrow(yield* oauth.tokens(server.url))
      assert.strictEqual(server.recorded.issued.at(-1), Redacted.value(tokens.accessToken))
      const token = server.recorded.tokenRequests[0]!
      assert.strictEqual(token.params.grant_type, "authorization_code")
      assert.strictEqual(token.params.resource, server.url)
    }))
})

void McpAuth
