/**
 * PKCE (RFC 7636, `S256` only) and the `state` of an authorization request: random values from the
 * platform's Web Crypto, base64url without padding.
 *
 * @internal
 */
import { InvalidCredentials, McpAuthError } from "@effect-mcp/core/McpAuthError"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

/**
 * Bytes as base64url without padding.
 */
export const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")

/**
 * `size` random bytes as base64url.
 */
export const random = (size: number): Effect.Effect<string> =>
  Effect.sync(() => base64url(globalThis.crypto.getRandomValues(new Uint8Array(size))))

/**
 * A PKCE pair: the verifier (kept secret until the token request) and its `S256` challenge.
 */
export interface Pkce {
  readonly verifier: Redacted.Redacted<string>
  readonly challenge: string
}

/**
 * A new PKCE pair: a 43-character verifier (32 random bytes) and `BASE64URL(SHA256(verifier))`.
 */
export const make: Effect.Effect<Pkce, McpAuthError> = Effect.gen(function*() {
  const verifier = yield* random(32)
  const digest = yield* Effect.tryPromise({
    try: () => globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)),
    catch: (cause) =>
      new McpAuthError({ reason: new InvalidCredentials({ description: "SHA-256 is not available", cause }) })
  })
  return { verifier: Redacted.make(verifier), challenge: base64url(new Uint8Array(digest)) }
})
