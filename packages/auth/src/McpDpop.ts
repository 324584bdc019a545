/**
 * DPoP (RFC 9449): sender-constrained tokens. The client holds an ES256 key pair; every token
 * request and every request to the MCP server carries a fresh proof (a JWS over the method and the
 * URL, and over the access token for resource requests), so a stolen token is useless without the
 * key. Servers may demand a nonce: it arrives in a `DPoP-Nonce` header on any response, is remembered
 * per origin, and goes into the next proofs; a `use_dpop_nonce` error is answered by one retry.
 *
 * Provide {@link layer} next to any of the token layers (`McpOAuth`, `McpClientCredentials`, …): they
 * then ask for DPoP-bound tokens and send `Authorization: DPoP <token>` with a `DPoP` proof.
 *
 * **Example** (Client credentials bound to a DPoP key)
 *
 * ```ts
 * import { Layer, Redacted } from "effect"
 * import { McpClientCredentials, McpDpop } from "@effect-mcp/auth"
 *
 * const AuthLive = McpClientCredentials.layer({
 *   server: "https://example.com/mcp",
 *   clientId: "my-service",
 *   clientSecret: Redacted.make("s3cret")
 * }).pipe(Layer.provide(McpDpop.layer))
 * ```
 *
 * @stability experimental
 * @since 0.3.0
 */
import type * as McpAuth from "@effect-mcp/core/McpAuth"
import type { McpAuthError } from "@effect-mcp/core/McpAuthError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Jwt from "./internal/jwt.ts"

/**
 * The DPoP key of a client.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Service {
  /** The RFC 7638 JWK SHA-256 thumbprint of the public key (`dpop_jkt`, the token's `cnf.jkt`). */
  readonly thumbprint: string
  /**
   * A fresh proof for a request: `htm`, `htu` (without query and fragment), `iat`, `jti`, the nonce
   * remembered for the URL's origin, and `ath` when an access token is given.
   */
  readonly proof: (request: {
    readonly method: string
    readonly url: string
    readonly accessToken?: Redacted.Redacted<string> | undefined
  }) => Effect.Effect<Redacted.Redacted<string>>
  /** Remembers the `DPoP-Nonce` of a response (lower-case header names) for the URL's origin. */
  readonly observe: (url: string, headers: Readonly<Record<string, string>>) => Effect.Effect<void>
}

/**
 * The DPoP key of a client. Token layers use it when it is provided.
 *
 * @stability experimental
 * @category services
 * @since 0.3.0
 */
export class McpDpop extends Context.Service<McpDpop, Service>()("@effect-mcp/auth/McpDpop") {}

/**
 * The `htu` of a URL: scheme, authority and path, without query and fragment.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const htu = (url: string): string => {
  const parsed = new URL(url)
  return `${parsed.origin}${parsed.pathname}`
}

const originOf = (url: string): string => new URL(url).origin

/**
 * The RFC 7638 thumbprint of a public JWK (EC or RSA): SHA-256 over its required members in
 * lexicographic order, base64url.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const thumbprint = (jwk: Jwt.JsonWebKey): Effect.Effect<string> => {
  const members = jwk.kty === "EC"
    ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
    : jwk.kty === "OKP"
    ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x }
    : { e: jwk.e, kty: jwk.kty, n: jwk.n }
  return Effect.map(Jwt.sha256(JSON.stringify(members)), Jwt.base64url)
}

/**
 * Makes a DPoP key from an ES256 key pair (a fresh one by default).
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const make: (
  keyPair?: Jwt.CryptoKeyPair
) => Effect.Effect<Service> = Effect.fnUntraced(function*(keyPair?: Jwt.CryptoKeyPair) {
  const pair = keyPair ??
    (yield* Effect.promise(() =>
      crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])
    ))
  const exported = yield* Effect.promise(() => crypto.subtle.exportKey("jwk", pair.publicKey))
  const jwk: Jwt.JsonWebKey = { kty: exported.kty!, crv: exported.crv!, x: exported.x!, y: exported.y! }
  const key: Jwt.SigningKey = { algorithm: "ES256", key: pair.privateKey }
  const nonces = new Map<string, string>()
  return McpDpop.of({
    thumbprint: yield* thumbprint(jwk),
    proof: Effect.fnUntraced(function*(request) {
      const nonce = nonces.get(originOf(request.url))
      const ath = request.accessToken === undefined
        ? undefined
        : Jwt.base64url(yield* Jwt.sha256(Redacted.value(request.accessToken)))
      const claims = {
        jti: Jwt.randomId(),
        htm: request.method.toUpperCase(),
        htu: htu(request.url),
        iat: yield* Jwt.nowSeconds,
        ...(nonce === undefined ? {} : { nonce }),
        ...(ath === undefined ? {} : { ath })
      }
      // An ES256 key made here always signs: a failure is a defect.
      const proof = yield* Effect.orDie(Jwt.sign(claims, key, { typ: "dpop+jwt", jwk }))
      return Redacted.make(proof)
    }),
    observe: (url, headers) =>
      Effect.sync(() => {
        const nonce = headers["dpop-nonce"]
        if (nonce !== undefined && nonce !== "") nonces.set(originOf(url), nonce)
      })
  })
})

/**
 * A fresh ES256 DPoP key for the layer's lifetime.
 *
 * @stability experimental
 * @category layers
 * @since 0.3.0
 */
export const layer: Layer.Layer<McpDpop> = Layer.effect(McpDpop)(make())

// -----------------------------------------------------------------------------
// using it with McpAuth
// -----------------------------------------------------------------------------

/**
 * The headers of a resource request with a DPoP-bound token: `Authorization: DPoP <token>` and a
 * `DPoP` proof over the request and the token.
 *
 * @stability experimental
 * @category combinators
 * @since 0.3.0
 */
export const resourceHeaders = (
  dpop: Service,
  request: McpAuth.Request,
  accessToken: Redacted.Redacted<string>
): Effect.Effect<Readonly<Record<string, Redacted.Redacted<string>>>> =>
  Effect.map(dpop.proof({ method: request.method, url: request.url, accessToken }), (proof) => ({
    Authorization: Redacted.make(`DPoP ${Redacted.value(accessToken)}`),
    DPoP: proof
  }))

/**
 * Whether a challenge asks for a DPoP nonce (`error="use_dpop_nonce"` with a `DPoP-Nonce`): then
 * the nonce is remembered and the request is worth one more try.
 *
 * @stability experimental
 * @category guards
 * @since 0.3.0
 */
export const isNonceChallenge = (challenge: McpAuth.Challenge): boolean =>
  challenge.status === 401 &&
  challenge.headers["dpop-nonce"] !== undefined &&
  /error\s*=\s*"?use_dpop_nonce"?/i.test(challenge.wwwAuthenticate ?? "")

/**
 * Wraps an `McpAuth` service whose tokens are DPoP-bound: every response's `DPoP-Nonce` is
 * remembered, and a `use_dpop_nonce` challenge is retried (once per request) with the new nonce
 * before the wrapped service sees any challenge.
 *
 * @stability experimental
 * @category combinators
 * @since 0.3.0
 */
export const withNonces = (dpop: Service, auth: McpAuth.Service): McpAuth.Service => ({
  headers: auth.headers,
  onChallenge: (challenge): Effect.Effect<boolean, McpAuthError> =>
    isNonceChallenge(challenge) && challenge.attempt === 1
      ? Effect.as(dpop.observe(challenge.request.url, challenge.headers), true)
      : auth.onChallenge(challenge),
  onResponse: (response) =>
    Effect.andThen(
      dpop.observe(response.request.url, response.headers),
      auth.onResponse === undefined ? Effect.void : auth.onResponse(response)
    )
})
