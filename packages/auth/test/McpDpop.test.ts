import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { TestClock } from "effect/testing"
import type { webcrypto } from "node:crypto"
import * as McpDpop from "../src/McpDpop.ts"

const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"))

/** Checks a proof as a server does: its signature under the `jwk` of its own header. */
const check = (proof: Redacted.Redacted<string>) =>
  Effect.promise(async () => {
    const [h, c, s] = Redacted.value(proof).split(".")
    const header = decode(h!)
    const key = await crypto.subtle.importKey("jwk", header.jwk, { name: "ECDSA", namedCurve: "P-256" }, false, [
      "verify"
    ])
    const valid = await crypto.subtle.verify(
      { name: "ECDSA", hash: "SHA-256" },
      key,
      Buffer.from(s!, "base64url"),
      new TextEncoder().encode(`${h}.${c}`)
    )
    return { valid, header, claims: decode(c!) }
  })

const sha256 = (text: string) =>
  Effect.promise(() => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))).pipe(
    Effect.map((d) => Buffer.from(d).toString("base64url"))
  )

describe("McpDpop", () => {
  it.effect("the RFC 7638 thumbprint (the RFC's own example)", () =>
    Effect.gen(function*() {
      const jwk: webcrypto.JsonWebKey = {
        kty: "RSA",
        n: "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        e: "AQAB",
        alg: "RS256"
      }
      assert.strictEqual(yield* McpDpop.thumbprint(jwk), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    }))

  it.effect("a proof: dpop+jwt with the public jwk, htm, htu without query or fragment, iat, a fresh jti", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_000)
      const dpop = yield* McpDpop.make()
      const first = yield* check(yield* dpop.proof({ method: "post", url: "https://rs.example.com/mcp?x=1#frag" }))
      const second = yield* check(yield* dpop.proof({ method: "POST", url: "https://rs.example.com/mcp" }))
      assert.isTrue(first.valid)
      assert.strictEqual(first.header.typ, "dpop+jwt")
      assert.strictEqual(first.header.alg, "ES256")
      assert.deepStrictEqual(Object.keys(first.header.jwk).sort(), ["crv", "kty", "x", "y"])
      assert.strictEqual(first.claims.htm, "POST")
      assert.strictEqual(first.claims.htu, "https://rs.example.com/mcp")
      assert.strictEqual(first.claims.iat, 1_700_000_000)
      assert.isUndefined(first.claims.ath)
      assert.isUndefined(first.claims.nonce)
      assert.notStrictEqual(first.claims.jti, second.claims.jti)
      assert.strictEqual(yield* McpDpop.thumbprint(first.header.jwk), dpop.thumbprint)
    }))

  it.effect("ath is the base64url SHA-256 of the access token", () =>
    Effect.gen(function*() {
      const dpop = yield* McpDpop.make()
      const { claims } = yield* check(
        yield* dpop.proof({ method: "GET", url: "https://rs.example.com/mcp", accessToken: Redacted.make("tok") })
      )
      assert.strictEqual(claims.ath, yield* sha256("tok"))
    }))

  it.effect("a DPoP-Nonce is remembered per origin", () =>
    Effect.gen(function*() {
      const dpop = yield* McpDpop.make()
      yield* dpop.observe("https://as.example.com/token", { "dpop-nonce": "n-as" })
      yield* dpop.observe("https://as.example.com/other", { "content-type": "application/json" })
      const atAs = yield* check(yield* dpop.proof({ method: "POST", url: "https://as.example.com/token" }))
      const atRs = yield* check(yield* dpop.proof({ method: "POST", url: "https://rs.example.com/mcp" }))
      assert.strictEqual(atAs.claims.nonce, "n-as")
      assert.isUndefined(atRs.claims.nonce)
      yield* dpop.observe("https://as.example.com/token", { "dpop-nonce": "n-as-2" })
      assert.strictEqual(
        (yield* check(yield* dpop.proof({ method: "POST", url: "https://as.example.com/x" }))).claims.nonce,
        "n-as-2"
      )
    }))

  it.effect("withNonces: a use_dpop_nonce challenge is retried once with the new nonce; other challenges go to the wrapped service", () =>
    Effect.gen(function*() {
      const dpop = yield* McpDpop.make()
      const seen: Array<number> = []
      const auth = McpDpop.withNonces(dpop, {
        headers: () => Effect.succeed({}),
        onChallenge: (challenge) => Effect.sync(() => (seen.push(challenge.status), false))
      })
      const request = { method: "POST", url: "https://rs.example.com/mcp" }
      const challenge = {
        status: 401,
        url: request.url,
        request,
        wwwAuthenticate: "DPoP error=\"use_dpop_nonce\", error_description=\"nonce required\"",
        headers: { "dpop-nonce": "n-rs" },
        attempt: 1
      }
      assert.isTrue(yield* auth.onChallenge(challenge))
      assert.strictEqual((yield* check(yield* dpop.proof(request))).claims.nonce, "n-rs")
      assert.isFalse(yield* auth.onChallenge({ ...challenge, attempt: 2 }))
      assert.isFalse(yield* auth.onChallenge({ ...challenge, wwwAuthenticate: "DPoP error=\"invalid_token\"" }))
      assert.deepStrictEqual(seen, [401, 401])
      yield* auth.onResponse!({ request, status: 200, headers: { "dpop-nonce": "n-rs-2" } })
      assert.strictEqual((yield* check(yield* dpop.proof(request))).claims.nonce, "n-rs-2")
      const headers = yield* McpDpop.resourceHeaders(dpop, request, Redacted.make("tok"))
      assert.strictEqual(Redacted.value(headers.Authorization!), "DPoP tok")
      assert.strictEqual((yield* check(headers.DPoP!)).claims.ath, yield* sha256("tok"))
    }))
})
