/**
 * How a machine client authenticates at a token endpoint: a client secret (`client_secret_basic`,
 * `client_secret_post`) or a private key (`private_key_jwt`, RFC 7523 assertions whose audience is
 * the authorization server's issuer).
 *
 * @internal
 */
import { InvalidCredentials, McpAuthError } from "@effect-mcp/core/McpAuthError"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type * as McpClientCredentials from "../McpClientCredentials.ts"
import type * as Discovery from "./discovery.ts"
import * as Jwt from "./jwt.ts"
import type * as TokenEndpoint from "./tokenEndpoint.ts"

const invalid = (description: string) => new McpAuthError({ reason: new InvalidCredentials({ description }) })

/** The algorithm a key implies when none is given. */
const defaultAlgorithm = (key: Jwt.KeyInput): Jwt.Algorithm => {
  if (typeof key === "string") return "RS256"
  if ("algorithm" in key && "usages" in key) {
    const algorithm = key.algorithm as { readonly name: string; readonly namedCurve?: string }
    return algorithm.name === "ECDSA" ? curveAlgorithm(algorithm.namedCurve) : "RS256"
  }
  const jwk = key as Jwt.JsonWebKey
  if (Jwt.isAlgorithm(jwk.alg)) return jwk.alg
  return jwk.kty === "EC" ? curveAlgorithm(jwk.crv) : "RS256"
}

const curveAlgorithm = (curve: string | undefined): Jwt.Algorithm =>
  curve === "P-384" ? "ES384" : curve === "P-521" ? "ES512" : "ES256"

const secretMethod = (
  metadata: Discovery.AuthorizationServerMetadata,
  configured: "client_secret_basic" | "client_secret_post" | undefined
): "client_secret_basic" | "client_secret_post" => {
  if (configured !== undefined) return configured
  const listed = metadata.token_endpoint_auth_methods_supported
  return listed !== undefined && listed.includes("client_secret_post") && !listed.includes("client_secret_basic")
    ? "client_secret_post"
    : "client_secret_basic"
}

/**
 * The client's authentication at the token endpoint, checked and prepared (the key imported): a
 * function of the authorization server's metadata (its issuer is the assertions' audience, its
 * listed methods choose how a secret is sent).
 */
export const make = (options: McpClientCredentials.ClientOptions): Effect.Effect<
  (metadata: Discovery.AuthorizationServerMetadata) => TokenEndpoint.ClientAuthentication,
  McpAuthError
> =>
  Effect.gen(function*() {
    const { clientId, clientSecret, privateKey } = options
    if (clientSecret !== undefined && privateKey !== undefined) {
      return yield* invalid("Give a client secret or a private key, not both")
    }
    if (privateKey !== undefined) {
      const key = yield* Jwt.importKey(privateKey, options.algorithm ?? defaultAlgorithm(privateKey), {
        keyId: options.keyId
      })
      return () => ({
        method: "private_key_jwt",
        clientId,
        assertion: (audience) => Jwt.clientAssertion({ clientId, audience, key })
      })
    }
    if (clientSecret === undefined) return yield* invalid("A client secret or a private key is required")
    const secret = typeof clientSecret === "string" ? Redacted.make(clientSecret) : clientSecret
    return (metadata) => ({ method: secretMethod(metadata, options.authMethod), clientId, clientSecret: secret })
  })
