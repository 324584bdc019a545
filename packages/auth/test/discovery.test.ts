import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HttpRouter from "effect/http/HttpRouter"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Discovery from "../src/internal/discovery.ts"
import * as AuthServer from "./fixtures/authServer.ts"

const reasonOf = <R>(effect: Effect.Effect<unknown, { readonly reason: { readonly _tag: string } }, R>) =>
  Effect.map(Effect.flip(effect), (error) => error.reason._tag)

describe("discovery", () => {
  it("parses WWW-Authenticate challenges: several, quoted, token68", () => {
    const challenges = Discovery.parseChallenges(
      `Basic abc==, Bearer resource_metadata="https://x.example/.well-known/oauth-protected-resource", ` +
        `scope="a b", error="insufficient_scope", DPoP algs="ES256", realm=plain, note="say \\"hi\\""`
    )
    assert.deepStrictEqual(challenges.map((challenge) => challenge.scheme), ["basic", "bearer", "dpop"])
    assert.deepStrictEqual(challenges[1]!.params, {
      resource_metadata: "https://x.example/.well-known/oauth-protected-resource",
      scope: "a b",
      error: "insufficient_scope"
    })
    assert.deepStrictEqual(challenges[2]!.params, { algs: "ES256", realm: "plain", note: `say "hi"` })
    assert.deepStrictEqual(Discovery.challengeParams(`Bearer scope="mcp"`), { scope: "mcp" })
    assert.deepStrictEqual(Discovery.splitScopes("  a  b "), ["a", "b"])
    assert.isUndefined(Discovery.splitScopes(""))
  })

  it("orders the well-known locations as the spec does", () => {
    assert.deepStrictEqual(Discovery.protectedResourceUrls(new URL("https://s.example/api/mcp")), [
      "https://s.example/.well-known/oauth-protected-resource/api/mcp",
      "https://s.example/.well-known/oauth-protected-resource"
    ])
    assert.deepStrictEqual(Discovery.authorizationServerUrls(new URL("https://as.example/t1")), [
      "https://as.example/.well-known/oauth-authorization-server/t1",
      "https://as.example/.well-known/openid-configuration/t1",
      "https://as.example/t1/.well-known/openid-configuration"
    ])
    assert.deepStrictEqual(Discovery.authorizationServerUrls(new URL("https://as.example")), [
      "https://as.example/.well-known/oauth-authorization-server",
      "https://as.example/.well-known/openid-configuration"
    ])
  })

  it("matches a resource to the server: same origin, a path the server's is below", () => {
    const server = new URL("https://s.example/api/mcp")
    assert.isTrue(Discovery.resourceMatches("https://s.example/api/mcp", server))
    assert.isTrue(Discovery.resourceMatches("https://s.example", server))
    assert.isTrue(Discovery.resourceMatches("https://s.example/api", server))
    assert.isFalse(Discovery.resourceMatches("https://s.example/ap", server))
    assert.isFalse(Discovery.resourceMatches("https://other.example/api/mcp", server))
    assert.isFalse(Discovery.resourceMatches("http://s.example/api/mcp", server))
  })

  it.effect("allows http for loopback hosts only", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* Discovery.secureUrl("http://localhost:3000/token", "token endpoint")).port, "3000")
      yield* Discovery.secureUrl("http://127.0.0.1/token", "token endpoint")
      yield* Discovery.secureUrl("http://[::1]:8080/token", "token endpoint")
      yield* Discovery.secureUrl("https://as.example/token", "token endpoint")
      assert.strictEqual(
        yield* reasonOf(Discovery.secureUrl("http://as.example/token", "token endpoint")),
        "InsecureEndpoint"
      )
      assert.strictEqual(
        yield* reasonOf(Discovery.secureUrl("http://localhost.example.com/token", "token endpoint")),
        "InsecureEndpoint"
      )
    }))

  it.live("falls back to /authorize, /token, /register at the origin of a 2025-03-26 server without metadata", () =>
    Effect.gen(function*() {
      const base = yield* AuthServer.serve(HttpRouter.add("GET", "/health", HttpServerResponse.text("ok")))
      const found = yield* Discovery.discover(`${base}/mcp`)
      assert.isTrue(found.defaulted)
      assert.isUndefined(found.resource)
      assert.strictEqual(found.authorizationServer.issuer, base)
      assert.strictEqual(found.authorizationServer.authorization_endpoint, `${base}/authorize`)
      assert.strictEqual(found.authorizationServer.token_endpoint, `${base}/token`)
      assert.strictEqual(found.authorizationServer.registration_endpoint, `${base}/register`)
      assert.strictEqual(found.resourceIndicator, `${base}/mcp`)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("refuses an authorization server that is not https, before fetching from it", () =>
    Effect.gen(function*() {
      const base: string = yield* AuthServer.serve(
        HttpRouter.add("GET", "/.well-known/oauth-protected-resource/mcp", (request) =>
          Effect.sync(() =>
            HttpServerResponse.jsonUnsafe({
              resource: `http://${request.headers.host}/mcp`,
              authorization_servers: ["http://as.example"]
            })
          ))
      )
      const reason = yield* reasonOf(
        Discovery.discover(`${base}/mcp`, { wwwAuthenticate: `Bearer scope="read write"` })
      )
      assert.strictEqual(reason, "InsecureEndpoint")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("takes the scopes of the challenge, else the resource's scopes_supported", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make()
      const challenged = yield* Discovery.discover(server.url, { wwwAuthenticate: `Bearer scope="read write"` })
      assert.deepStrictEqual(challenged.scopes, ["read", "write"])
      assert.strictEqual(challenged.authorizationServer.issuer, server.issuer)
      const supported = yield* Discovery.discover(server.url)
      assert.deepStrictEqual(supported.scopes, ["mcp", "mcp:admin"])
      assert.strictEqual(supported.resourceIndicator, server.url)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))
})
