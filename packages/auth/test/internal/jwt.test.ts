import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { TestClock } from "effect/testing"
import type { webcrypto } from "node:crypto"
import { generateKeyPairSync } from "node:crypto"
import * as Jwt from "../../src/internal/jwt.ts"

const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"))

/** Verifies a compact JWS with Web Crypto and returns its header and claims. */
const verify = (
  jws: string,
  publicKey: webcrypto.CryptoKey,
  algorithm: webcrypto.AlgorithmIdentifier | webcrypto.RsaPssParams | webcrypto.EcdsaParams
) =>
  Effect.promise(async () => {
    const [header, claims, signature] = jws.split(".")
    const valid = await crypto.subtle.verify(
      algorithm,
      publicKey,
      Buffer.from(signature!, "base64url"),
      new TextEncoder().encode(`${header}.${claims}`)
    )
    return { valid, header: decode(header!), claims: decode(claims!), signature: Buffer.from(signature!, "base64url") }
  })

const generate = (params: webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams) =>
  Effect.promise(() => crypto.subtle.generateKey(params, true, ["sign", "verify"]) as Promise<webcrypto.CryptoKeyPair>)

const toPem = (der: ArrayBuffer, label = "PRIVATE KEY") =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n")}\n-----END ${label}-----\n`

const rsaParams: webcrypto.RsaHashedKeyGenParams = {
  name: "RSASSA-PKCS1-v1_5",
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: "SHA-256"
}

const reasonOf = <A>(exit: Exit.Exit<A, { readonly reason: { readonly _tag: string } }>) =>
  Exit.isFailure(exit) && exit.cause.reasons[0]?._tag === "Fail" ? exit.cause.reasons[0].error.reason._tag : undefined

describe("jwt", () => {
  it.effect("ES256 from a PKCS#8 PEM: a 64-byte r||s signature Web Crypto verifies", () =>
    Effect.gen(function*() {
      const pair = yield* generate({ name: "ECDSA", namedCurve: "P-256" })
      const pem = toPem(yield* Effect.promise(() => crypto.subtle.exportKey("pkcs8", pair.privateKey)))
      const key = yield* Jwt.importKey(pem, "ES256")
      const jws = yield* Jwt.sign({ sub: "me", n: 1 }, key)
      const checked = yield* verify(jws, pair.publicKey, { name: "ECDSA", hash: "SHA-256" })
      assert.isTrue(checked.valid)
      assert.strictEqual(checked.signature.length, 64)
      assert.deepStrictEqual(checked.header, { alg: "ES256", typ: "JWT" })
      assert.deepStrictEqual(checked.claims, { sub: "me", n: 1 })
    }))

  it.effect("RS256 from a JWK (its kid in the header) and from a CryptoKey", () =>
    Effect.gen(function*() {
      const pair = yield* generate(rsaParams)
      const jwk = yield* Effect.promise(() => crypto.subtle.exportKey("jwk", pair.privateKey))
      const fromJwk = yield* Jwt.importKey({ ...jwk, kid: "key-1" } as webcrypto.JsonWebKey, "RS256")
      const first = yield* verify(yield* Jwt.sign({ a: 1 }, fromJwk), pair.publicKey, { name: "RSASSA-PKCS1-v1_5" })
      assert.isTrue(first.valid)
      assert.strictEqual(first.header.kid, "key-1")
      const fromCryptoKey = yield* Jwt.importKey(pair.privateKey, "RS256")
      const second = yield* verify(yield* Jwt.sign({ a: 2 }, fromCryptoKey, { typ: "x+jwt" }), pair.publicKey, {
        name: "RSASSA-PKCS1-v1_5"
      })
      assert.isTrue(second.valid)
      assert.strictEqual(second.header.typ, "x+jwt")
    }))

  it.effect("RS256 from a PKCS#1 PEM (BEGIN RSA PRIVATE KEY)", () =>
    Effect.gen(function*() {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", {
        modulusLength: 2048,
        privateKeyEncoding: { type: "pkcs1", format: "pem" },
        publicKeyEncoding: { type: "spki", format: "der" }
      })
      assert.include(privateKey, "BEGIN RSA PRIVATE KEY")
      const key = yield* Jwt.importKey(privateKey, "RS256")
      const verifier = yield* Effect.promise(() =>
        crypto.subtle.importKey("spki", publicKey, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"])
      )
      assert.isTrue((yield* verify(yield* Jwt.sign({ a: 1 }, key), verifier, { name: "RSASSA-PKCS1-v1_5" })).valid)
    }))

  it.effect("PS256 and ES384", () =>
    Effect.gen(function*() {
      const rsa = yield* generate({ ...rsaParams, name: "RSA-PSS" })
      const ps = yield* Jwt.importKey(rsa.privateKey, "PS256")
      assert.isTrue((yield* verify(yield* Jwt.sign({}, ps), rsa.publicKey, { name: "RSA-PSS", saltLength: 32 })).valid)
      const ec = yield* generate({ name: "ECDSA", namedCurve: "P-384" })
      const es = yield* Jwt.importKey(ec.privateKey, "ES384")
      assert.isTrue((yield* verify(yield* Jwt.sign({}, es), ec.publicKey, { name: "ECDSA", hash: "SHA-384" })).valid)
    }))

  it.effect("a client assertion: iss = sub = client id, aud, jti, iat and exp from the Clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_000)
      const pair = yield* generate({ name: "ECDSA", namedCurve: "P-256" })
      const key = yield* Jwt.importKey(pair.privateKey, "ES256")
      const assertion = yield* Jwt.clientAssertion({ clientId: "svc", audience: "https://as.example.com", key })
      const again = yield* Jwt.clientAssertion({ clientId: "svc", audience: "https://as.example.com", key })
      const { valid, claims } = yield* verify(assertion, pair.publicKey, { name: "ECDSA", hash: "SHA-256" })
      assert.isTrue(valid)
      assert.strictEqual(claims.iss, "svc")
      assert.strictEqual(claims.sub, "svc")
      assert.strictEqual(claims.aud, "https://as.example.com")
      assert.strictEqual(claims.iat, 1_700_000_000)
      assert.strictEqual(claims.exp, 1_700_000_300)
      assert.notStrictEqual(claims.jti, decode(again.split(".")[1]!).jti)
    }))

  it.effect("unusable keys fail with InvalidCredentials, never quoting the key", () =>
    Effect.gen(function*() {
      const notPem = yield* Effect.exit(Jwt.importKey("s3cret-not-a-key", "ES256"))
      assert.strictEqual(reasonOf(notPem), "InvalidCredentials")
      assert.notInclude(String(Exit.isFailure(notPem) ? notPem.cause : ""), "s3cret")
      const sec1 = yield* Effect.exit(Jwt.importKey(toPem(new ArrayBuffer(8), "EC PRIVATE KEY"), "ES256"))
      assert.strictEqual(reasonOf(sec1), "InvalidCredentials")
      const rsa = yield* generate(rsaParams)
      const pem = toPem(yield* Effect.promise(() => crypto.subtle.exportKey("pkcs8", rsa.privateKey)))
      assert.strictEqual(reasonOf(yield* Effect.exit(Jwt.importKey(pem, "ES256"))), "InvalidCredentials")
      assert.strictEqual(reasonOf(yield* Effect.exit(Jwt.importKey(rsa.publicKey, "RS256"))), "InvalidCredentials")
      assert.strictEqual(
        reasonOf(yield* Effect.exit(Jwt.importKey(rsa.privateKey, "HS256" as Jwt.Algorithm))),
        "InvalidCredentials"
      )
    }))
})
