import * as McpOAuth from "@effect-mcp/auth/McpOAuth"
import * as McpTokenStore from "@effect-mcp/auth/McpTokenStore"
import { McpClient as Client } from "@effect-mcp/core"
import type * as McpClient from "@effect-mcp/core/McpClient"
import * as McpError from "@effect-mcp/core/McpError"
import { McpHttpTransport } from "@effect-mcp/transport-http"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { TestClock } from "effect/testing"
import * as AuthServer from "./fixtures/authServer.ts"

const Http = NodeHttpClient.layerUndici

/** A connected client to `url` with OAuth over the programmatic login, in the current scope. */
const connect = (url: string, options?: McpOAuth.Options, store?: McpTokenStore.Service) =>
  Effect.gen(function*() {
    const tokenStore = store ?? (yield* McpTokenStore.makeMemory)
    const context = yield* Layer.build(
      McpOAuth.layer(options).pipe(
        Layer.provide(AuthServer.login),
        Layer.provide(Layer.succeed(McpTokenStore.McpTokenStore)(tokenStore)),
        Layer.provideMerge(Http)
      )
    )
    const client = yield* Client.connect(McpHttpTransport.layer({ url }), { timeout: "10 seconds" }).pipe(
      Effect.provide(context)
    )
    return { client, oauth: Context.get(context, McpOAuth.McpOAuth), store: tokenStore }
  })

/** The reason of a failed call, when authorization failed. */
const authReason = (error: unknown): string | undefined =>
  error instanceof McpError.McpTransportError && error.reason._tag === "McpAuthError"
    ? error.reason.reason._tag
    : undefined

const echo = (client: McpClient.McpClient["Service"], text: string) =>
  Effect.map(client.callTool("echo", { text }), (result) => result.content[0])

const grants = (server: AuthServer.AuthServer, type: string) =>
  server.recorded.tokenRequests.filter((request) => request.params.grant_type === type).length

describe("McpOAuth", () => {
  it.live("logs in on the first 401 and calls the tool with the token", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make()
      const { client, oauth } = yield* connect(server.url)
      assert.deepStrictEqual(yield* echo(client, "hi"), { type: "text", text: "hi" })
      const [authorization] = server.recorded.authorizations
      assert.isDefined(authorization)
      assert.strictEqual(authorization!.get("code_challenge_method"), "S256")
      assert.strictEqual(authorization!.get("resource"), server.url)
      assert.strictEqual(authorization!.get("scope"), "mcp offline_access")
      assert.isNotNull(authorization!.get("state"))
      assert.strictEqual(server.recorded.registrations.length, 1)
      assert.strictEqual(server.recorded.registrations[0]!.application_type, "native")
      const tokens = Option.getOrThrow(yield* oauth.tokens(server.url))
      assert.strictEqual(server.recorded.issued.at(-1), Redacted.value(tokens.accessToken))
      const token = server.recorded.tokenRequests[0]!
      assert.strictEqual(token.params.grant_type, "authorization_code")
      assert.strictEqual(token.params.resource, server.url)
    }))

  it.effect("refreshes a token before it expires (TestClock), without a new login", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make({ expiresIn: 600 })
      const { client } = yield* connect(server.url)
      yield* echo(client, "one")
      assert.strictEqual(grants(server, "refresh_token"), 0)
      const before = server.recorded.requests.length
      // 20 seconds before expiry: within the 30 seconds a token is renewed ahead
      yield* TestClock.adjust("580 seconds")
      assert.deepStrictEqual(yield* echo(client, "two"), { type: "text", text: "two" })
      assert.strictEqual(grants(server, "refresh_token"), 1)
      assert.strictEqual(server.recorded.authorizations.length, 1)
      // the old token was not sent again: the refresh came first
      const after = server.recorded.requests.slice(before).filter((request) => request.server === "mcp")
      assert.isAbove(after.length, 0)
      for (const request of after) {
        assert.strictEqual(request.headers.authorization, `Bearer ${server.recorded.issued[1]}`)
      }
    }))

  it.effect("renews a short-lived token at half its life, not at every request", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make({ expiresIn: 20 })
      const { client } = yield* connect(server.url)
      yield* echo(client, "one")
      yield* echo(client, "two")
      assert.strictEqual(grants(server, "refresh_token"), 0)
      yield* TestClock.adjust("11 seconds")
      yield* echo(client, "three")
      assert.strictEqual(grants(server, "refresh_token"), 1)
    }))

  it.live("refreshes on a 401 when the server revoked the token", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make()
      const { client } = yield* connect(server.url)
      yield* echo(client, "one")
      yield* server.revokeAll
      assert.deepStrictEqual(yield* echo(client, "two"), { type: "text", text: "two" })
      assert.strictEqual(grants(server, "refresh_token"), 1)
      assert.strictEqual(server.recorded.authorizations.length, 1)
    }))

  it.effect("50 concurrent calls with an expired token cause one refresh", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make({ expiresIn: 600 })
      const { client } = yield* connect(server.url)
      yield* echo(client, "warm")
      yield* TestClock.adjust("1 hour")
      const results = yield* Effect.all(
        Array.from({ length: 50 }, (_, i) => echo(client, `call ${i}`)),
        { concurrency: "unbounded" }
      )
      assert.strictEqual(results.length, 50)
      assert.deepStrictEqual(results[49], { type: "text", text: "call 49" })
      assert.strictEqual(grants(server, "refresh_token"), 1)
    }))

  it.live("50 concurrent calls refused with 401 cause one refresh", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make()
      const { client } = yield* connect(server.url)
      yield* echo(client, "warm")
      yield* server.revokeAll
      yield* Effect.all(Array.from({ length: 50 }, (_, i) => echo(client, `call ${i}`)), { concurrency: "unbounded" })
      assert.strictEqual(grants(server, "refresh_token"), 1)
      assert.strictEqual(server.recorded.authorizations.length, 1)
    }))

  it.effect("two sessions sharing a store redeem the refresh token once", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make({ expiresIn: 600 })
      const store = yield* McpTokenStore.makeMemory
      const first = yield* connect(server.url, {}, store)
      yield* echo(first.client, "login")
      // a second client (another process, sharing the store) starts with the stored tokens
      const second = yield* connect(server.url, {}, store)
      assert.strictEqual(server.recorded.authorizations.length, 1)
      yield* TestClock.adjust("1 hour")
      yield* Effect.all([echo(first.client, "a"), echo(second.client, "b")], { concurrency: "unbounded" })
      // the refresh token is single-use: a second redemption would have been refused (and a new login made)
      assert.strictEqual(grants(server, "refresh_token"), 1)
      assert.strictEqual(server.recorded.authorizations.length, 1)
    }))

  it.live("a second client with the same store uses the stored tokens; logout forgets them", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make()
      const store = yield* McpTokenStore.makeMemory
      const first = yield* connect(server.url, {}, store)
      yield* echo(first.client, "login")
      const second = yield* connect(server.url, {}, store)
      yield* echo(second.client, "again")
      assert.strictEqual(server.recorded.authorizations.length, 1)
      yield* second.oauth.logout(server.url)
      assert.isTrue(Option.isNone(yield* store.get({ server: server.url, identity: "default" })))
      assert.isTrue(Option.isNone(yield* second.oauth.tokens(server.url)))
    }))

  it.live("registers again when the stored registration belongs to another authorization server", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make()
      const store = yield* McpTokenStore.makeMemory
      const key = { server: server.url, identity: "default" }
      const registration = (issuer: string, clientId: string) =>
        new McpTokenStore.Entry({
          client: new McpTokenStore.ClientRegistration({
            clientId,
            issuer,
            redirectUris: ["http://127.0.0.1:9/callback"],
            tokenEndpointAuthMethod: "none"
          })
        })
      // a registration with the server's previous authorization server is never sent to the new one
      yield* store.set(key, registration("https://old-as.example", "old-client"))
      yield* echo((yield* connect(server.url, {}, store)).client, "moved")
      assert.strictEqual(server.recorded.registrations.length, 1)
      assert.notInclude(server.recorded.authorizations.map((params) => params.get("client_id")), "old-client")
      // one with the same issuer is reused
      const same = yield* AuthServer.make({ clients: { "kept-client": undefined } })
      const sameStore = yield* McpTokenStore.makeMemory
      yield* sameStore.set({ server: same.url, identity: "default" }, registration(same.issuer, "kept-client"))
      yield* echo((yield* connect(same.url, {}, sameStore)).client, "kept")
      assert.strictEqual(same.recorded.registrations.length, 0)
      assert.strictEqual(same.recorded.authorizations[0]!.get("client_id"), "kept-client")
    }))

  it.live("steps up on 403 insufficient_scope with the union of the scopes", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make()
      const { client } = yield* connect(server.url)
      const result = yield* client.callTool("admin")
      assert.deepStrictEqual(result.content[0], { type: "text", text: "granted" })
      assert.strictEqual(server.recorded.authorizations.length, 2)
      const scopes = server.recorded.authorizations[1]!.get("scope")?.split(" ") ?? []
      assert.includeMembers(scopes, ["mcp", "mcp:admin"])
    }))

  it.live("10 concurrent calls refused for scope cause one step-up", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make()
      const { client } = yield* connect(server.url)
      yield* echo(client, "login")
      yield* Effect.all(Array.from({ length: 10 }, () => client.callTool("admin")), { concurrency: "unbounded" })
      assert.strictEqual(server.recorded.authorizations.length, 2)
    }))

  it.live("gives up a step-up after three authorizations", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make({ adminScopes: ["mcp:root"], grantable: ["mcp", "offline_access"] })
      const { client } = yield* connect(server.url)
      const error = yield* Effect.flip(client.callTool("admin"))
      assert.strictEqual(authReason(error), "InsufficientScope")
      // the login of the connection, then three step-ups
      assert.strictEqual(server.recorded.authorizations.length, 4)
    }))

  it.live("refuses a redirect with another state, before any token request", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make({ state: "wrong" })
      const error = yield* Effect.flip(connect(server.url))
      assert.strictEqual(authReason(error), "StateMismatch")
      assert.strictEqual(server.recorded.tokenRequests.length, 0)
    }))

  it.live("refuses a redirect from another issuer (RFC 9207), and one without iss when advertised", () =>
    Effect.gen(function*() {
      const wrong = yield* AuthServer.make({ iss: "wrong" })
      assert.strictEqual(authReason(yield* Effect.flip(connect(wrong.url))), "IssuerMismatch")
      assert.strictEqual(wrong.recorded.tokenRequests.length, 0)
      const missing = yield* AuthServer.make({ iss: "omit" })
      assert.strictEqual(authReason(yield* Effect.flip(connect(missing.url))), "IssuerMismatch")
      assert.strictEqual(missing.recorded.tokenRequests.length, 0)
    }))

  it.live("refuses metadata naming another issuer, before using its endpoints", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make({ issuer: () => "https://attacker.example.com" })
      assert.strictEqual(authReason(yield* Effect.flip(connect(server.url))), "IssuerMismatch")
      assert.strictEqual(server.recorded.registrations.length, 0)
      assert.strictEqual(server.recorded.authorizations.length, 0)
    }))

  it.live("refuses protected-resource metadata naming another resource", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make({ resource: () => "https://other.example.com/mcp" })
      assert.strictEqual(authReason(yield* Effect.flip(connect(server.url))), "ResourceMismatch")
      assert.strictEqual(server.recorded.authorizations.length, 0)
    }))

  it.live("refuses an authorization server without PKCE S256", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make({ codeChallengeMethods: null })
      assert.strictEqual(authReason(yield* Effect.flip(connect(server.url))), "Unsupported")
      assert.strictEqual(server.recorded.authorizations.length, 0)
    }))

  it.live("uses a pre-registered confidential client with client_secret_basic", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make({
        clients: { "my-app": "s3cret" },
        authMethods: ["client_secret_basic"]
      })
      const { client } = yield* connect(server.url, { clientId: "my-app", clientSecret: "s3cret" })
      yield* echo(client, "hi")
      assert.strictEqual(server.recorded.registrations.length, 0)
      const token = server.recorded.tokenRequests[0]!
      assert.strictEqual(token.authorization, `Basic ${btoa("my-app:s3cret")}`)
      assert.isUndefined(token.params.client_secret)
    }))

  it.live("sends the token to the MCP server's origin only, never to the authorization server", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make()
      const { client, oauth } = yield* connect(server.url)
      yield* echo(client, "hi")
      yield* server.revokeAll
      yield* echo(client, "after a refresh")
      assert.strictEqual(server.recorded.issued.length, 2)
      const toAs = server.recorded.requests.filter((request) => request.server === "as")
      assert.isAbove(toAs.length, 0)
      for (const request of toAs) {
        const seen = JSON.stringify(request.headers) + request.body
        for (const token of server.recorded.issued) assert.notInclude(seen, token)
      }
      const other = new URL(server.issuer)
      const headers = yield* oauth.auth.headers({ method: "POST", url: `${other.origin}/mcp` })
      assert.deepStrictEqual(headers, {})
      const own = yield* oauth.auth.headers({ method: "POST", url: server.url })
      assert.strictEqual(Redacted.value(own.authorization!), `Bearer ${server.recorded.issued[1]}`)
    }))

  it.live("puts no secret in an error or a log line", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const capture = Logger.make((options) => {
        lines.push(`${String(options.message)} ${JSON.stringify(options.message)}`)
      })
      const server = yield* AuthServer.make({
        clients: { "my-app": "right-secret" },
        authMethods: ["client_secret_post"]
      })
      const error = yield* Effect.flip(connect(server.url, { clientId: "my-app", clientSecret: "wrong-s3cret" })).pipe(
        Effect.tap((error) => Effect.logError(error)),
        Effect.provide(Logger.layer([capture]))
      )
      assert.strictEqual(authReason(error), "TokenExchangeFailed")
      const code = server.recorded.tokenRequests[0]!.params.code!
      const verifier = server.recorded.tokenRequests[0]!.params.code_verifier!
      const shown = [String(error), error.message, JSON.stringify(error), ...lines].join("\n")
      assert.include(shown, "invalid_client")
      for (const secret of ["wrong-s3cret", code, verifier]) assert.notInclude(shown, secret)
    }))
})
