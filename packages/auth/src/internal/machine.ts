/**
 * What the machine-credential layers share (client credentials, enterprise-managed authorization,
 * workload identity): core's `McpAuth` over one bearer session per MCP server origin, whose token
 * source discovers the server's authorization server from its 401 and runs the layer's grant there.
 *
 * - No user: a token that expires, or that the server refuses, is replaced by running the grant
 *   again (a refresh token is used first when the server issued one).
 * - The token store is optional (memory by default): `McpTokenStore` when provided.
 * - DPoP is used when `McpDpop` is provided: proofs at the token endpoint and on every request, the
 *   server's nonces, `Authorization: DPoP`.
 * - `issuer` pins the authorization server: credentials are sent to no other.
 *
 * @internal
 */
import * as McpAuth from "@effect-mcp/core/McpAuth"
import { McpAuthError, Unsupported } from "@effect-mcp/core/McpAuthError"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as McpDpop from "../McpDpop.ts"
import * as McpTokenStore from "../McpTokenStore.ts"
import * as Bearer from "./bearer.ts"
import * as Discovery from "./discovery.ts"
import * as TokenEndpoint from "./tokenEndpoint.ts"

/** What a grant runs with: the discovered authorization server and the server's resource. */
export interface GrantContext {
  readonly metadata: Discovery.AuthorizationServerMetadata
  /** The `resource` parameter (RFC 8707). */
  readonly resource: string
  /** The scopes to ask for, if any. */
  readonly scopes: ReadonlyArray<string> | undefined
  /** A token request at `endpoint` with the DPoP proof, when DPoP is on. */
  readonly request: (
    options: TokenEndpoint.Options
  ) => Effect.Effect<McpTokenStore.Tokens, McpAuthError, HttpClient.HttpClient>
}

/** A machine grant. */
export interface Grant {
  /** The `grant_type` the authorization server must list (when it lists any). */
  readonly grantType: string
  /** The client identity of the store's entries. */
  readonly identity: string
  /** The client authentication at the MCP authorization server, for a refresh. */
  readonly client?:
    | ((metadata: Discovery.AuthorizationServerMetadata) => TokenEndpoint.ClientAuthentication)
    | undefined
  readonly run: (context: GrantContext) => Effect.Effect<McpTokenStore.Tokens, McpAuthError, HttpClient.HttpClient>
}

/** The options all machine layers share. */
export interface Options {
  /** The scopes to ask for. Default: the challenge's, else the server's `scopes_supported`, else none. */
  readonly scopes?: ReadonlyArray<string> | undefined
  /** The only authorization server the credentials may be sent to. Default: the one the server names. */
  readonly issuer?: string | undefined
}

const fail = (description: string, server: string) =>
  new McpAuthError({ reason: new Unsupported({ description }), server })

/** The token source of one server. */
const source = (
  server: string,
  grant: Grant,
  options: Options,
  dpop: Option.Option<McpDpop.Service>
): {
  readonly acquire: (
    context: Parameters<Bearer.Source["acquire"]>[0]
  ) => Effect.Effect<McpTokenStore.Tokens, McpAuthError, HttpClient.HttpClient>
  readonly refresh: (
    tokens: McpTokenStore.Tokens
  ) => Effect.Effect<Option.Option<McpTokenStore.Tokens>, McpAuthError, HttpClient.HttpClient>
} => {
  let discovered: Discovery.Discovered | undefined
  const request = (requestOptions: TokenEndpoint.Options) =>
    TokenEndpoint.request(
      Option.match(dpop, {
        onNone: () => requestOptions,
        onSome: (key) => ({ ...requestOptions, proof: key.proof, observe: key.observe })
      })
    )
  const acquire = ({ challenge }: Parameters<Bearer.Source["acquire"]>[0]) =>
    Effect.gen(function*() {
      const found = yield* Discovery.discover(server, challenge)
      const metadata = found.authorizationServer
      if (options.issuer !== undefined && !Discovery.sameIssuer(metadata.issuer, options.issuer)) {
        return yield* fail(
          `the server's authorization server ${metadata.issuer} is not the configured issuer ${options.issuer}`,
          server
        )
      }
      const listed = metadata.grant_types_supported
      if (listed !== undefined && !listed.includes(grant.grantType)) {
        return yield* fail(
          `the authorization server ${metadata.issuer} does not support the ${grant.grantType} grant`,
          server
        )
      }
      discovered = found
      const challenged = Discovery.splitScopes(Discovery.challengeParams(challenge?.wwwAuthenticate).scope)
      return yield* grant.run({
        metadata,
        resource: found.resourceIndicator,
        scopes: options.scopes ?? challenged ?? found.scopes,
        request
      })
    })
  const refresh = (tokens: McpTokenStore.Tokens) =>
    Effect.gen(function*() {
      if (discovered === undefined || grant.client === undefined || tokens.refreshToken === undefined) {
        return Option.none<McpTokenStore.Tokens>()
      }
      const metadata = discovered.authorizationServer
      return yield* request({
        endpoint: metadata.token_endpoint,
        audience: metadata.issuer,
        client: grant.client(metadata),
        grant: {
          grant_type: "refresh_token",
          refresh_token: Redacted.value(tokens.refreshToken),
          resource: discovered.resourceIndicator
        }
      }).pipe(
        Effect.map(Option.some),
        Effect.catchReason("McpAuthError", "TokenExchangeFailed", () => Effect.succeedNone)
      )
    })
  return { acquire, refresh }
}

/**
 * Core's `McpAuth` over `grant`: one session per server origin.
 */
export const make = Effect.fnUntraced(function*(
  grant: Grant,
  options: Options
): Effect.fn.Return<McpAuth.Service, never, HttpClient.HttpClient> {
  const http = yield* HttpClient.HttpClient
  const dpop = yield* Effect.serviceOption(McpDpop.McpDpop)
  const store = Option.getOrUndefined(yield* Effect.serviceOption(McpTokenStore.McpTokenStore)) ??
    (yield* McpTokenStore.makeMemory)
  const provide = <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient>) =>
    Effect.provideService(effect, HttpClient.HttpClient, http)

  return Bearer.perOrigin((server) => {
    const { acquire, refresh } = source(server, grant, options, dpop)
    return Bearer.make({
      server,
      key: { server, identity: grant.identity },
      acquire: (context) => provide(acquire(context)),
      refresh: (tokens) => provide(refresh(tokens)),
      dpop: Option.getOrUndefined(dpop)
    }).pipe(Effect.provideService(McpTokenStore.McpTokenStore, store))
  }, Option.getOrUndefined(dpop)).auth
})

/**
 * The layer of a machine grant: core's `McpAuth`.
 */
export const layer = <E, R>(
  grant: Effect.Effect<Grant, E, R>,
  options: Options
): Layer.Layer<never, E, R | HttpClient.HttpClient> =>
  Layer.effect(McpAuth.McpAuth)(Effect.flatMap(grant, (g) => make(g, options)))
