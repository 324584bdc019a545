/**
 * JSON Web Signatures with Web Crypto: client assertions (RFC 7523, `private_key_jwt`), workload
 * assertions and DPoP proofs. Keys come from PEM (PKCS#8, or PKCS#1 for RSA), a JWK, or a
 * `CryptoKey`. A key that cannot be used fails with `InvalidCredentials`, which never quotes the key.
 *
 * @since 0.3.0
 */
import { InvalidCredentials, McpAuthError } from "@effect-mcp/core/McpAuthError"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { webcrypto } from "node:crypto"

/** @internal */
export type CryptoKey = webcrypto.CryptoKey
/** @internal */
export type CryptoKeyPair = webcrypto.CryptoKeyPair
/** @internal */
export type JsonWebKey = webcrypto.JsonWebKey

/** @internal */
export type Algorithm = "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" | "ES256" | "ES384" | "ES512"

/** @internal */
export const algorithms: ReadonlyArray<Algorithm> = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512"
]

/** @internal */
export const isAlgorithm = (u: unknown): u is Algorithm => algorithms.includes(u as Algorithm)

/** A private key ready to sign, with its JWS algorithm. @internal */
export interface SigningKey {
  readonly algorithm: Algorithm
  readonly key: CryptoKey
  /** The `kid` header, when the key has one. */
  readonly keyId?: string | undefined
}

/** What a key can be given as. @internal */
export type KeyInput = string | JsonWebKey | CryptoKey

const invalid = (description: string, cause?: unknown) =>
  new McpAuthError({ reason: new InvalidCredentials({ description, cause }) })

const hashOf = (algorithm: Algorithm) => `SHA-${algorithm.slice(2)}`

/** The Web Crypto parameters of an algorithm: for importing, and for signing. */
const params = (algorithm: Algorithm): {
  readonly importParams: webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams
  readonly signParams: webcrypto.AlgorithmIdentifier | webcrypto.RsaPssParams | webcrypto.EcdsaParams
} => {
  const hash = hashOf(algorithm)
  switch (algorithm.slice(0, 2)) {
    case "RS":
      return { importParams: { name: "RSASSA-PKCS1-v1_5", hash }, signParams: { name: "RSASSA-PKCS1-v1_5" } }
    case "PS":
      return {
        importParams: { name: "RSA-PSS", hash },
        signParams: { name: "RSA-PSS", saltLength: Number(algorithm.slice(2)) / 8 }
      }
    default: {
      const namedCurve = algorithm === "ES256" ? "P-256" : algorithm === "ES384" ? "P-384" : "P-521"
      return { importParams: { name: "ECDSA", namedCurve }, signParams: { name: "ECDSA", hash } }
    }
  }
}

// -----------------------------------------------------------------------------
// encoding
// -----------------------------------------------------------------------------

/** @internal */
export const base64url = (bytes: Uint8Array | ArrayBuffer): string => {
  const array = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)
  let binary = ""
  for (const byte of array) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
}

const base64urlJson = (value: unknown): string => base64url(new TextEncoder().encode(JSON.stringify(value)))

/** @internal */
export const sha256 = (text: string): Effect.Effect<Uint8Array> =>
  Effect.promise(() => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))).pipe(
    Effect.map((digest) => new Uint8Array(digest))
  )

/** A DER length. */
const derLength = (length: number): Array<number> => {
  if (length < 0x80) return [length]
  const bytes: Array<number> = []
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256)
  return [0x80 | bytes.length, ...bytes]
}

/** Wraps a PKCS#1 RSA private key into PKCS#8, the only RSA form Web Crypto imports. */
const pkcs1ToPkcs8 = (pkcs1: Uint8Array): Uint8Array => {
  const version = [0x02, 0x01, 0x00]
  const rsaEncryption = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00]
  const octets = [0x04, ...derLength(pkcs1.length)]
  const body = version.length + rsaEncryption.length + octets.length + pkcs1.length
  return new Uint8Array([0x30, ...derLength(body), ...version, ...rsaEncryption, ...octets, ...pkcs1])
}

/** The DER bytes of a PEM private key, as PKCS#8. */
const pemToPkcs8 = (pem: string): Effect.Effect<Uint8Array, McpAuthError> =>
  Effect.suspend(() => {
    const match = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/.exec(pem)
    if (match === null) return Effect.fail(invalid("The private key is not in PEM format"))
    const label = match[1]!
    const der = Effect.try({
      try: () => Uint8Array.from(atob(match[2]!.replace(/\s+/g, "")), (c) => c.charCodeAt(0)),
      catch: (cause) => invalid("The PEM private key is not valid base64", cause)
    })
    if (label === "PRIVATE KEY") return der
    if (label === "RSA PRIVATE KEY") return Effect.map(der, pkcs1ToPkcs8)
    return Effect.fail(
      invalid(
        `A PEM "${label}" is not supported: give a PKCS#8 "PRIVATE KEY" (openssl pkcs8 -topk8 -nocrypt), a JWK or a CryptoKey`
      )
    )
  })

// -----------------------------------------------------------------------------
// keys
// -----------------------------------------------------------------------------

/**
 * Imports a private key for `algorithm`.
 *
 * @internal
 */
export const importKey = (
  key: KeyInput,
  algorithm: Algorithm,
  options?: { readonly keyId?: string | undefined }
): Effect.Effect<SigningKey, McpAuthError> =>
  Effect.gen(function*() {
    if (!isAlgorithm(algorithm)) return yield* invalid(`The signing algorithm ${String(algorithm)} is not supported`)
    const { importParams } = params(algorithm)
    const imported = typeof key === "string"
      ? yield* Effect.flatMap(pemToPkcs8(key), (der) =>
        Effect.tryPromise({
          try: () => crypto.subtle.importKey("pkcs8", der, importParams, false, ["sign"]),
          catch: (cause) => invalid(`The PEM private key cannot be used for ${algorithm}`, cause)
        }))
      : isCryptoKey(key)
      ? key
      : yield* Effect.tryPromise({
        try: () => crypto.subtle.importKey("jwk", withoutAlg(key), importParams, false, ["sign"]),
        catch: (cause) => invalid(`The JWK private key cannot be used for ${algorithm}`, cause)
      })
    if (imported.type !== "private" || !imported.usages.includes("sign")) {
      return yield* invalid("The key is not a private signing key")
    }
    const keyId = options?.keyId ?? (!isCryptoKey(key) && typeof key === "object" ? kidOf(key) : undefined)
    return { algorithm, key: imported, keyId }
  })

const isCryptoKey = (u: unknown): u is CryptoKey =>
  typeof globalThis.CryptoKey !== "undefined" && u instanceof globalThis.CryptoKey

/** Web Crypto refuses a JWK whose `alg` differs from the import's; the caller's algorithm decides. */
const withoutAlg = (jwk: JsonWebKey): JsonWebKey => {
  const { alg: _alg, key_ops: _ops, use: _use, ...rest } = jwk
  return rest
}

const kidOf = (jwk: JsonWebKey): string | undefined => {
  const kid = (jwk as { readonly kid?: unknown }).kid
  return typeof kid === "string" ? kid : undefined
}

// -----------------------------------------------------------------------------
// signing
// -----------------------------------------------------------------------------

/**
 * Signs `claims` as a compact JWS. The header holds `alg`, `typ: "JWT"` and the key's `kid`;
 * `header` adds to it or overrides them (`typ: "dpop+jwt"`, `jwk`).
 *
 * @internal
 */
export const sign = (
  claims: Readonly<Record<string, unknown>>,
  key: SigningKey,
  header?: Readonly<Record<string, unknown>>
): Effect.Effect<string, McpAuthError> =>
  Effect.gen(function*() {
    const protectedHeader = {
      alg: key.algorithm,
      typ: "JWT",
      ...(key.keyId === undefined ? {} : { kid: key.keyId }),
      ...header
    }
    const input = `${base64urlJson(protectedHeader)}.${base64urlJson(claims)}`
    const signature = yield* Effect.tryPromise({
      try: () => crypto.subtle.sign(params(key.algorithm).signParams, key.key, new TextEncoder().encode(input)),
      catch: (cause) => invalid(`The key cannot sign with ${key.algorithm}`, cause)
    })
    return `${input}.${base64url(signature)}`
  })

/** A random identifier for `jti`. @internal */
export const randomId = (): string => base64url(crypto.getRandomValues(new Uint8Array(16)))

/** Seconds since the epoch, from the Clock. @internal */
export const nowSeconds: Effect.Effect<number> = Effect.map(Clock.currentTimeMillis, (ms) => Math.floor(ms / 1000))

/**
 * An RFC 7523 client assertion: `iss` and `sub` the client id, `aud` the authorization server,
 * a fresh `jti`, valid for `lifetimeSeconds` (default 300).
 *
 * @internal
 */
export const clientAssertion = (options: {
  readonly clientId: string
  readonly audience: string
  readonly key: SigningKey
  readonly lifetimeSeconds?: number | undefined
}): Effect.Effect<string, McpAuthError> =>
  Effect.flatMap(nowSeconds, (now) =>
    sign({
      iss: options.clientId,
      sub: options.clientId,
      aud: options.audience,
      jti: randomId(),
      iat: now,
      exp: now + (options.lifetimeSeconds ?? 300)
    }, options.key))
