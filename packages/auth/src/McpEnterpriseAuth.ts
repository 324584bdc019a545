/**
 * Enterprise-managed authorization (SEP-990, "cross-app access"): the enterprise's identity provider
 * decides which MCP servers a user may reach. The client trades the user's ID token, from their
 * single sign-on, for an Identity Assertion JWT Authorization Grant (ID-JAG) at the identity
 * provider (RFC 8693 token exchange), then trades the ID-JAG for an access token at the MCP server's
 * authorization server (RFC 7523 JWT-bearer grant). No browser, no consent screen.
 *
 * The ID token goes to the identity provider only; the ID-JAG to the authorization server the MCP
 * server names (or `issuer`). With `McpDpop` provided the access tokens are DPoP-bound.
 *
 * **Example** (An ID token from the application's SSO session)
 *
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { McpEnterpriseAuth } from "@effect-mcp/auth"
 *
 * declare const currentIdToken: Effect.Effect<Redacted.Redacted<string>>
 *
 * const AuthLive = McpEnterpriseAuth.layer({
 *   idToken: currentIdToken,
 *   idp: { issuer: "https://login.example.com", clientId: "mcp-client-at-idp" },
 *   clientId: "mcp-client",
 *   clientSecret: Redacted.make("s3cret")
 * })
 * ```
 *
 * @stability experimental
 * @since 0.3.0
 */
import { DiscoveryFailed, McpAuthError } from "@effect-mcp/core/McpAuthError"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as ClientAuth from "./internal/clientAuth.ts"
import * as Discovery from "./internal/discovery.ts"
import * as Machine from "./internal/machine.ts"
import * as Secret from "./internal/secret.ts"
import * as TokenEndpoint from "./internal/tokenEndpoint.ts"
import type * as McpClientCredentials from "./McpClientCredentials.ts"

/**
 * The grant type of RFC 8693 token exchange.
 *
 * @stability experimental
 * @category constants
 * @since 0.3.0
 */
export const tokenExchangeGrantType = "urn:ietf:params:oauth:grant-type:token-exchange"

/**
 * The token type of an Identity Assertion JWT Authorization Grant.
 *
 * @stability experimental
 * @category constants
 * @since 0.3.0
 */
export const idJagTokenType = "urn:ietf:params:oauth:token-type:id-jag"

const idTokenType = "urn:ietf:params:oauth:token-type:id_token"
const jwtBearerGrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"

/**
 * Options of {@link layer}.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Options<R = never> extends McpClientCredentials.ClientOptions {
  /** The user's ID token from the identity provider: a value, or an effect read each time. */
  readonly idToken:
    | string
    | Redacted.Redacted<string>
    | Effect.Effect<string | Redacted.Redacted<string>, McpAuthError, R>
  /** The identity provider: its token endpoint (or its issuer, for OpenID discovery) and this client there. */
  readonly idp: {
    readonly tokenEndpoint?: string | undefined
    readonly issuer?: string | undefined
    readonly clientId: string
    readonly clientSecret?: Redacted.Redacted<string> | string | undefined
  }
  /** The scopes to ask for. Default: the server's challenge's, else its `scopes_supported`, else none. */
  readonly scopes?: ReadonlyArray<string> | undefined
  /** The only authorization server the ID-JAG may be sent to. Default: the one the MCP server names. */
  readonly issuer?: string | undefined
  /** The client identity of the token store's entries. Default: the client id. */
  readonly identity?: string | undefined
}

/** The identity provider's token endpoint: configured, or from its OpenID / RFC 8414 metadata. */
const idpTokenEndpoint = (
  idp: Options<unknown>["idp"]
): Effect.Effect<string, McpAuthError, HttpClient.HttpClient> => {
  if (idp.tokenEndpoint !== undefined) return Effect.succeed(idp.tokenEndpoint)
  if (idp.issuer === undefined) {
    return Effect.fail(
      new McpAuthError({
        reason: new DiscoveryFailed({ description: "The identity provider needs a token endpoint or an issuer" })
      })
    )
  }
  const issuer = idp.issuer
  return Effect.flatMap(Discovery.authorizationServer(issuer), (metadata) =>
    Option.match(metadata, {
      onSome: (found) => Effect.succeed(found.token_endpoint),
      onNone: () =>
        Effect.fail(
          new McpAuthError({
            reason: new DiscoveryFailed({ description: `The identity provider ${issuer} publishes no metadata` })
          })
        )
    }))
}

const idpClient = (idp: Options<unknown>["idp"]): TokenEndpoint.ClientAuthentication =>
  idp.clientSecret === undefined
    ? { method: "none", clientId: idp.clientId }
    : {
      method: "client_secret_basic",
      clientId: idp.clientId,
      clientSecret: typeof idp.clientSecret === "string" ? Redacted.make(idp.clientSecret) : idp.clientSecret
    }

/**
 * Provides core's `McpAuth` with tokens of enterprise-managed authorization: ID token → ID-JAG at
 * the identity provider → access token at the MCP server's authorization server.
 *
 * @stability experimental
 * @category layers
 * @since 0.3.0
 */
export const layer = <R = never>(
  options: Options<R>
): Layer.Layer<never, McpAuthError, HttpClient.HttpClient | R> =>
  Machine.layer(
    Effect.zipWith(ClientAuth.make(options), Effect.context<R>(), (client, context): Machine.Grant => ({
      grantType: jwtBearerGrantType,
      identity: options.identity ?? options.clientId,
      client,
      run: ({ metadata, request, resource, scopes }) =>
        Effect.gen(function*() {
          const scope = scopes === undefined ? {} : { scope: scopes.join(" ") }
          const idToken = yield* Effect.provideContext(Secret.read(options.idToken), context)
          // the ID token goes to the identity provider only, never with a DPoP proof of ours
          const jag = yield* TokenEndpoint.request({
            endpoint: yield* idpTokenEndpoint(options.idp),
            client: idpClient(options.idp),
            grant: {
              grant_type: tokenExchangeGrantType,
              requested_token_type: idJagTokenType,
              audience: metadata.issuer,
              resource,
              subject_token: Redacted.value(idToken),
              subject_token_type: idTokenType,
              ...scope
            }
          })
          return yield* request({
            endpoint: metadata.token_endpoint,
            audience: metadata.issuer,
            client: client(metadata),
            grant: {
              grant_type: jwtBearerGrantType,
              assertion: Redacted.value(jag.accessToken),
              resource,
              ...scope
            }
          })
        })
    })),
    { scopes: options.scopes, issuer: options.issuer }
  )
