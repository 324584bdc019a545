/**
 * Machine-to-machine authorization with the OAuth client-credentials grant (the MCP extension
 * `io.modelcontextprotocol/oauth-client-credentials`): a service authenticates as itself, with a
 * client secret (`client_secret_basic`, `client_secret_post`) or a private key (`private_key_jwt`,
 * RFC 7523 assertions signed with Web Crypto), and no user.
 *
 * On the server's first 401 the layer discovers its authorization server (RFC 9728, RFC 8414), asks
 * the token endpoint for a token for the server (`resource`, RFC 8707) and sends it on every request
 * to that server's origin. A token that expires or is refused is replaced by asking again, one
 * request at a time. With `McpDpop` provided the tokens are DPoP-bound; with `McpTokenStore`
 * provided they are kept there (in memory otherwise).
 *
 * **Example** (A client secret from the environment)
 *
 * ```ts
 * import { Config, Effect, Layer } from "effect"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { McpClientCredentials } from "@effect-mcp/auth"
 * import { McpHttpTransport } from "@effect-mcp/transport-http"
 *
 * const TransportLive = Layer.unwrap(
 *   Effect.gen(function*() {
 *     const clientSecret = yield* Config.Redacted("MCP_CLIENT_SECRET")
 *     return McpHttpTransport.layer({ url: "https://example.com/mcp" }).pipe(
 *       Layer.provide(McpClientCredentials.layer({ clientId: "reporting-service", clientSecret }))
 *     )
 *   })
 * ).pipe(Layer.provide(NodeHttpClient.layerUndici))
 * ```
 *
 * @stability experimental
 * @since 0.3.0
 */
import type { McpAuthError } from "@effect-mcp/core/McpAuthError"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as ClientAuth from "./internal/clientAuth.ts"
import type * as Jwt from "./internal/jwt.ts"
import * as Machine from "./internal/machine.ts"

/**
 * A JWS algorithm for `private_key_jwt`.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type Algorithm = Jwt.Algorithm

/**
 * A private key: PEM (PKCS#8, or PKCS#1 for RSA), a JWK, or a Web Crypto `CryptoKey`.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type PrivateKey = Jwt.KeyInput

/**
 * How a machine client authenticates at the authorization server: a client id, and either a secret
 * or a private key. `McpEnterpriseAuth` takes the same.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface ClientOptions {
  readonly clientId: string
  /** The client secret: `client_secret_basic` (or `client_secret_post`, see `authMethod`). */
  readonly clientSecret?: Redacted.Redacted<string> | string | undefined
  /** The private key of `private_key_jwt`: each token request carries a fresh signed assertion. */
  readonly privateKey?: PrivateKey | undefined
  /** The algorithm of the assertions. Default: the JWK's `alg`, else `ES256` for an EC key, else `RS256`. */
  readonly algorithm?: Algorithm | undefined
  /** The `kid` of the assertions' header. */
  readonly keyId?: string | undefined
  /**
   * How a secret is sent. Default: `client_secret_basic`, unless the authorization server lists
   * only `client_secret_post`.
   */
  readonly authMethod?: "client_secret_basic" | "client_secret_post" | undefined
}

/**
 * Options of {@link layer}: the client's authentication, and what to ask for.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Options extends ClientOptions {
  /** The scopes to ask for. Default: the server's challenge's, else its `scopes_supported`, else none. */
  readonly scopes?: ReadonlyArray<string> | undefined
  /** The only authorization server the credentials may be sent to. Default: the one the server names. */
  readonly issuer?: string | undefined
  /** The client identity of the token store's entries. Default: the client id. */
  readonly identity?: string | undefined
}

/**
 * Provides core's `McpAuth` with tokens of the client-credentials grant. Fails to build with
 * `InvalidCredentials` when neither (or both) of a secret and a key is given, or the key cannot sign.
 *
 * **Example** (`private_key_jwt` with a PEM key)
 *
 * ```ts
 * import { McpClientCredentials } from "@effect-mcp/auth"
 *
 * declare const pem: string
 *
 * const AuthLive = McpClientCredentials.layer({ clientId: "svc", privateKey: pem, algorithm: "ES256" })
 * ```
 *
 * @stability experimental
 * @category layers
 * @since 0.3.0
 */
export const layer = (options: Options): Layer.Layer<never, McpAuthError, HttpClient.HttpClient> =>
  Machine.layer(
    Effect.map(ClientAuth.make(options), (client): Machine.Grant => ({
      grantType: "client_credentials",
      identity: options.identity ?? options.clientId,
      client,
      run: ({ metadata, request, resource, scopes }) =>
        request({
          endpoint: metadata.token_endpoint,
          audience: metadata.issuer,
          client: client(metadata),
          grant: {
            grant_type: "client_credentials",
            resource,
            ...(scopes === undefined ? {} : { scope: scopes.join(" ") })
          }
        })
    })),
    { scopes: options.scopes, issuer: options.issuer }
  )
