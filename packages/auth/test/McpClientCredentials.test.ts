import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer, Redacted } from "effect"
import { TestClock } from "effect/testing"
import type { webcrypto } from "node:crypto"
import * as McpClientCredentials from "../src/McpClientCredentials.ts"
import * as McpDpop from "../src/McpDpop.ts"
import { clientOver } from "./fixtures/client.ts"
import * as MachineServer from "./fixtures/machineServer.ts"
import * as McpServer from "./fixtures/mcpServer.ts"

const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"))

const reasonOf = <A>(exit: Exit.Exit<A, unknown>) => {
  if (!Exit.isFailure(exit)) return undefined
  const reason = exit.cause.reasons[0]
  const error = reason?._tag === "Fail"
    ? reason.error as { reason?: { reason?: { _tag: string }; _tag: string } }
    : undefined
  // an McpTransportError whose reason is the McpAuthError, or the McpAuthError itself
  return error?.reason?.reason?._tag ?? error?.reason?._tag
}

const generate = (params: webcrypto.EcKeyGenParams | webcrypto.RsaHashedKeyGenParams) =>
  Effect.promise(() => crypto.subtle.generateKey(params, true, ["sign", "verify"]) as Promise<webcrypto.CryptoKeyPair>)

const toPem = (der: ArrayBuffer) =>
  `-----BEGIN PRIVATE KEY-----\n${Buffer.from(der).toString("base64")}\n-----END PRIVATE KEY-----\n`

const secretClients = { "svc": { secret: "s3cret-value" } }

describe("McpClientCredentials", () => {
  it.effect("client_secret_basic: a token for the server's resource, sent to the server's origin only", () =>
    Effect.gen(function*() {
      const server = yield* MachineServer.make({ clients: secretClients })
      const client = yield* clientOver(
        server.url,
        McpClientCredentials.layer({ clientId: "svc", clientSecret: Redacted.make("s3cret-value") })
      )
      assert.isTrue((yield* client.listTools()).length > 0)
      assert.strictEqual(server.tokenRequests.length, 1)
      const [request] = server.tokenRequests
      assert.strictEqual(request!.headers.authorization, `Basic ${btoa("svc:s3cret-value")}`)
      assert.strictEqual(request!.params.grant_type, "client_credentials")
      assert.strictEqual(request!.params.resource, server.url)
      assert.isUndefined(request!.params.client_secret)
      const authorized = server.mcpRequests.filter((r) => r.headers.authorization !== undefined)
      assert.isTrue(authorized.length >= 2)
      for (const r of authorized) assert.strictEqual(r.headers.authorization, `Bearer ${server.issued[0]}`)
      for (const r of server.mcpRequests) assert.notInclude(JSON.stringify(r.headers), "s3cret-value")
    }))

  it.effect("client_secret_post when the authorization server lists only it", () =>
    Effect.gen(function*() {
      const server = yield* MachineServer.make({ clients: secretClients, authMethods: ["client_secret_post"] })
      const client = yield* clientOver(
        server.url,
        McpClientCredentials.layer({ clientId: "svc", clientSecret: "s3cret-value" })
      )
      yield* client.listTools()
      const [request] = server.tokenRequests
      assert.isUndefined(request!.headers.authorization)
      assert.strictEqual(request!.params.client_id, "svc")
      assert.strictEqual(request!.params.client_secret, "s3cret-value")
    }))

  it.effect("private_key_jwt with an ES256 PEM: an assertion the server verifies (iss = sub = client, aud = issuer)", () =>
    Effect.gen(function*() {
      const keys = yield* generate({ name: "ECDSA", namedCurve: "P-256" })
      const pem = toPem(yield* Effect.promise(() => crypto.subtle.exportKey("pkcs8", keys.privateKey)))
      const server = yield* MachineServer.make({ clients: { "svc": { publicKey: keys.publicKey } } })
      const client = yield* clientOver(
        server.url,
        McpClientCredentials.layer({ clientId: "svc", privateKey: pem, algorithm: "ES256", keyId: "k1" })
      )
      assert.isTrue((yield* client.listTools()).length > 0)
      const { params } = server.tokenRequests[0]!
      assert.strictEqual(params.client_assertion_type, "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
      const [header, claims] = params.client_assertion!.split(".").map((part, i) => i < 2 ? decode(part) : part)
      assert.deepStrictEqual(header, { alg: "ES256", typ: "JWT", kid: "k1" })
      assert.strictEqual(claims.aud, server.issuer)
    }))

  it.effect("private_key_jwt with an RS256 JWK (the algorithm from the key)", () =>
    Effect.gen(function*() {
      const keys = yield* generate({
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256"
      })
      const jwk = yield* Effect.promise(() => crypto.subtle.exportKey("jwk", keys.privateKey))
      const server = yield* MachineServer.make({ clients: { "svc": { publicKey: keys.publicKey } } })
      const client = yield* clientOver(server.url, McpClientCredentials.layer({ clientId: "svc", privateKey: jwk }))
      assert.isTrue((yield* client.listTools()).length > 0)
      assert.strictEqual(server.tokenRequests.length, 1)
    }))

  it.effect("a wrong secret fails with TokenExchangeFailed; no secret and no key fails the layer", () =>
    Effect.gen(function*() {
      const server = yield* MachineServer.make({ clients: secretClients })
      const exit = yield* Effect.exit(
        clientOver(server.url, McpClientCredentials.layer({ clientId: "svc", clientSecret: "wrong" })).pipe(
          Effect.flatMap((client) => client.listTools())
        )
      )
      assert.strictEqual(reasonOf(exit), "TokenExchangeFailed")
      assert.notInclude(String(Exit.isFailure(exit) ? exit.cause : ""), "wrong")
      const none = yield* Effect.exit(clientOver(server.url, McpClientCredentials.layer({ clientId: "svc" })))
      assert.strictEqual(reasonOf(none), "InvalidCredentials")
    }))

  it.effect("a configured issuer: credentials are never sent to another authorization server", () =>
    Effect.gen(function*() {
      const server = yield* MachineServer.make({ clients: secretClients })
      const exit = yield* Effect.exit(
        clientOver(
          server.url,
          McpClientCredentials.layer({
            clientId: "svc",
            clientSecret: "s3cret-value",
            issuer: "https://as.example.com"
          })
        ).pipe(Effect.flatMap((client) => client.listTools()))
      )
      assert.strictEqual(reasonOf(exit), "Unsupported")
      assert.strictEqual(server.tokenRequests.length, 0)
    }))

  it.effect("an expired token is replaced before the request (TestClock)", () =>
    Effect.gen(function*() {
      const server = yield* MachineServer.make({ clients: secretClients, expiresIn: 120 })
      const client = yield* clientOver(
        server.url,
        McpClientCredentials.layer({ clientId: "svc", clientSecret: "s3cret-value" })
      )
      yield* client.listTools()
      assert.strictEqual(server.tokenRequests.length, 1)
      yield* TestClock.adjust("5 minutes")
      yield* client.callTool("add", { a: 1, b: 2 })
      assert.strictEqual(server.tokenRequests.length, 2)
      const last = server.mcpRequests.at(-1)!
      assert.strictEqual(last.headers.authorization, `Bearer ${server.issued[1]}`)
    }))

  it.effect("50 concurrent requests refused at once cause one token request", () =>
    Effect.gen(function*() {
      const server = yield* MachineServer.make({ clients: secretClients })
      const client = yield* clientOver(
        server.url,
        McpClientCredentials.layer({ clientId: "svc", clientSecret: "s3cret-value" })
      )
      yield* client.listTools()
      yield* server.revokeAll
      const results = yield* Effect.forEach(
        Array.from({ length: 50 }, (_, i) => i),
        (i) => client.callTool("add", { a: i, b: 1 }),
        { concurrency: "unbounded" }
      )
      assert.strictEqual(results.length, 50)
      assert.strictEqual(server.tokenRequests.length, 2)
    }))

  it.effect("with McpDpop: DPoP-bound tokens, a proof per request, the nonces of both servers", () =>
    Effect.gen(function*() {
      const server = yield* MachineServer.make({ clients: secretClients, dpopNonce: true })
      const client = yield* clientOver(
        server.url,
        McpClientCredentials.layer({ clientId: "svc", clientSecret: "s3cret-value" }).pipe(Layer.provide(McpDpop.layer))
      )
      assert.isTrue((yield* client.listTools()).length > 0)
      // the token request was refused for its nonce once, then sent again with it
      assert.strictEqual(server.tokenRequests.length, 2)
      assert.isUndefined(decode(server.tokenRequests[0]!.headers.dpop!.split(".")[1]!).nonce)
      assert.strictEqual(decode(server.tokenRequests[1]!.headers.dpop!.split(".")[1]!).nonce, "as-nonce-1")
      const authorized = server.mcpRequests.filter((r) => r.headers.authorization !== undefined)
      for (const r of authorized) assert.strictEqual(r.headers.authorization, `DPoP ${server.issued[0]}`)
      const proofs = authorized.map((r) => decode(r.headers.dpop!.split(".")[1]!))
      assert.strictEqual(new Set(proofs.map((p) => p.jti)).size, proofs.length)
      // the first request met the nonce challenge; the ones after carry the nonce
      assert.isUndefined(proofs[0]!.nonce)
      assert.strictEqual(proofs.at(-1)!.nonce, "rs-nonce-1")
    }))
})

describe("McpClientCredentials across servers", () => {
  it.effect("one auth layer for two transports: the token of one server never reaches the other", () =>
    Effect.gen(function*() {
      const protectedServer = yield* MachineServer.make({ clients: secretClients })
      const other = yield* McpServer.serve()
      const auth = yield* Layer.build(
        McpClientCredentials.layer({ clientId: "svc", clientSecret: "s3cret-value" }).pipe(
          Layer.provide(NodeHttpClient.layerUndici)
        )
      )
      const shared = Layer.succeedContext(auth)
      const first = yield* clientOver(protectedServer.url, shared)
      const second = yield* clientOver(other.url, shared)
      yield* first.listTools()
      yield* second.listTools()
      yield* first.callTool("add", { a: 1, b: 2 })
      yield* second.callTool("add", { a: 1, b: 2 })
      assert.strictEqual(protectedServer.issued.length, 1)
      assert.isTrue(other.requests.length >= 3)
      for (const request of other.requests) {
        assert.isUndefined(request.headers.authorization)
        assert.notInclude(JSON.stringify(request.headers), protectedServer.issued[0]!)
      }
    }))
})
