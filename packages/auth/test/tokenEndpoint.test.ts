import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HttpRouter from "effect/http/HttpRouter"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as UrlParams from "effect/http/UrlParams"
import * as Redacted from "effect/Redacted"
import * as TokenEndpoint from "../src/internal/tokenEndpoint.ts"
import * as AuthServer from "./fixtures/authServer.ts"

interface Seen {
  readonly form: Record<string, string>
  readonly headers: Record<string, string>
}

/** A token endpoint answering with `answer` (by the try), recording what it received. */
const endpoint = (answer: (seen: Seen, attempt: number) => HttpServerResponse.HttpServerResponse) =>
  Effect.gen(function*() {
    const seen: Array<Seen> = []
    const base = yield* AuthServer.serve(HttpRouter.add("POST", "/token", (request) =>
      Effect.gen(function*() {
        const params = UrlParams.toRecord(yield* Effect.orDie(request.urlParamsBody))
        const form = Object.fromEntries(
          Object.entries(params).map(([name, value]) => [name, typeof value === "string" ? value : value[0]])
        )
        const entry = { form, headers: { ...request.headers } }
        seen.push(entry)
        return answer(entry, seen.length)
      })))
    return { url: `${base}/token`, seen }
  })

const tokens = HttpServerResponse.jsonUnsafe({
  access_token: "at-1",
  token_type: "bearer",
  expires_in: 60,
  refresh_token: "rt-1",
  scope: "a b"
})

describe("tokenEndpoint", () => {
  it.live("posts the grant with client_secret_basic, form-encoding id and secret", () =>
    Effect.gen(function*() {
      const server = yield* endpoint(() => tokens)
      const granted = yield* TokenEndpoint.request({
        endpoint: server.url,
        grant: { grant_type: "authorization_code", code: "c0de" },
        client: { method: "client_secret_basic", clientId: "a:b", clientSecret: Redacted.make("p@ss word") }
      })
      assert.strictEqual(Redacted.value(granted.accessToken), "at-1")
      assert.strictEqual(granted.tokenType, "Bearer")
      assert.strictEqual(Redacted.value(granted.refreshToken!), "rt-1")
      assert.strictEqual(granted.scope, "a b")
      assert.isDefined(granted.expiresAt)
      const [request] = server.seen
      assert.strictEqual(request!.headers.authorization, `Basic ${btoa("a%3Ab:p%40ss+word")}`)
      assert.deepStrictEqual(request!.form, { grant_type: "authorization_code", code: "c0de" })
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("client_secret_post and none put the client in the form; private_key_jwt an assertion", () =>
    Effect.gen(function*() {
      const server = yield* endpoint(() => tokens)
      const grant = { grant_type: "client_credentials" }
      yield* TokenEndpoint.request({
        endpoint: server.url,
        grant,
        client: { method: "client_secret_post", clientId: "app", clientSecret: Redacted.make("s") }
      })
      yield* TokenEndpoint.request({ endpoint: server.url, grant, client: { method: "none", clientId: "app" } })
      const audiences: Array<string> = []
      yield* TokenEndpoint.request({
        endpoint: server.url,
        grant,
        client: {
          method: "private_key_jwt",
          clientId: "app",
          assertion: (audience) => Effect.sync(() => (audiences.push(audience), "signed.jwt.value"))
        }
      })
      assert.deepStrictEqual(server.seen.map((seen) => seen.form), [
        { grant_type: "client_credentials", client_id: "app", client_secret: "s" },
        { grant_type: "client_credentials", client_id: "app" },
        {
          grant_type: "client_credentials",
          client_id: "app",
          client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
          client_assertion: "signed.jwt.value"
        }
      ])
      assert.deepStrictEqual(audiences, [server.url])
      assert.isUndefined(server.seen[0]!.headers.authorization)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("answers use_dpop_nonce with one more try and a fresh proof", () =>
    Effect.gen(function*() {
      const server = yield* endpoint((_, attempt) =>
        attempt === 1
          ? HttpServerResponse.jsonUnsafe({ error: "use_dpop_nonce" }, {
            status: 400,
            headers: { "dpop-nonce": "n-1" }
          })
          : tokens
      )
      const nonces: Array<string | undefined> = []
      let proofs = 0
      yield* TokenEndpoint.request({
        endpoint: server.url,
        grant: { grant_type: "client_credentials" },
        client: { method: "none", clientId: "app" },
        proof: () => Effect.sync(() => Redacted.make(`proof-${++proofs}`)),
        observe: (_, headers) => Effect.sync(() => void nonces.push(headers["dpop-nonce"]))
      })
      assert.deepStrictEqual(server.seen.map((seen) => seen.headers.dpop), ["proof-1", "proof-2"])
      assert.deepStrictEqual(nonces, ["n-1", undefined])
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.live("an OAuth error is TokenExchangeFailed with its code, never the secret or the grant", () =>
    Effect.gen(function*() {
      const server = yield* endpoint(() =>
        HttpServerResponse.jsonUnsafe({ error: "invalid_grant", error_description: "code c0de-secret is used" }, {
          status: 400
        })
      )
      const error = yield* Effect.flip(TokenEndpoint.request({
        endpoint: server.url,
        grant: { grant_type: "authorization_code", code: "c0de-secret" },
        client: { method: "client_secret_post", clientId: "app", clientSecret: Redacted.make("hunter2") }
      }))
      assert.strictEqual(error.reason._tag, "TokenExchangeFailed")
      assert.include(error.message, "invalid_grant")
      assert.include(error.message, "authorization_code")
      const shown = `${error.message}\n${String(error)}\n${JSON.stringify(error)}`
      assert.notInclude(shown, "hunter2")
      assert.notInclude(shown, "c0de-secret")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))

  it.effect("refuses an http token endpoint that is not loopback", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(TokenEndpoint.request({
        endpoint: "http://as.example/token",
        grant: { grant_type: "client_credentials" },
        client: { method: "none", clientId: "app" }
      }))
      assert.strictEqual(error.reason._tag, "InsecureEndpoint")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))
})
