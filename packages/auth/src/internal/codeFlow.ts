/**
 * The authorization-code flow of one MCP server, as a token source for the bearer session:
 *
 * - `acquire`: discovery (from the challenge), PKCE `S256` required of the authorization server, a
 *   client identity (pre-registered for that issuer → Client ID Metadata Document → a stored
 *   registration with the same issuer → Dynamic Client Registration), the login through `McpLogin`,
 *   the checks of its response, the code exchanged for tokens;
 * - `refresh`: the refresh-token grant with the client of the last login (after a restart: the one
 *   stored for the rediscovered issuer); `None` when the grant is refused.
 *
 * A registration is bound to its issuer: when the protected-resource metadata names a new
 * authorization server, the next login registers there and nothing of the old client is sent to it.
 *
 * @internal
 */
import type * as McpAuth from "@effect-mcp/core/McpAuth"
import { McpAuthError, Unsupported } from "@effect-mcp/core/McpAuthError"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as McpLogin from "../McpLogin.ts"
import type * as McpOAuth from "../McpOAuth.ts"
import * as McpTokenStore from "../McpTokenStore.ts"
import * as Authorize from "./authorize.ts"
import type * as Bearer from "./bearer.ts"
import * as Discovery from "./discovery.ts"
import * as Registration from "./registration.ts"
import * as TokenEndpoint from "./tokenEndpoint.ts"

/**
 * What the flow needs of `McpOAuth`'s options.
 */
export type Config = Omit<McpOAuth.Options, "identity">

/**
 * A token source for one server.
 */
export interface Flow {
  readonly acquire: (context: {
    readonly challenge: McpAuth.Challenge | undefined
    readonly current: McpTokenStore.Tokens | undefined
  }) => Effect.Effect<McpTokenStore.Tokens, McpAuthError, HttpClient.HttpClient | McpTokenStore.McpTokenStore>
  readonly refresh: (
    tokens: McpTokenStore.Tokens
  ) => Effect.Effect<
    Option.Option<McpTokenStore.Tokens>,
    McpAuthError,
    HttpClient.HttpClient | McpTokenStore.McpTokenStore
  >
}

/**
 * Fails with `Unsupported` when the authorization server does not list PKCE `S256`.
 */
export const requireS256 = (metadata: Discovery.AuthorizationServerMetadata): Effect.Effect<void, McpAuthError> =>
  metadata.code_challenge_methods_supported?.includes("S256")
    ? Effect.void
    : Effect.fail(
      new McpAuthError({
        reason: new Unsupported({
          description:
            `the authorization server ${metadata.issuer} does not list PKCE S256 in code_challenge_methods_supported`
        })
      })
    )

/**
 * The scopes of an authorization: the configured or discovered ones, the held and challenged ones
 * on a step-up (their union), and `offline_access` when the authorization server lists it.
 */
export const scopesFor = (options: {
  readonly configured: ReadonlyArray<string> | undefined
  readonly discovered: Discovery.Discovered
  readonly challenge: McpAuth.Challenge | undefined
  readonly current: McpTokenStore.Tokens | undefined
}): ReadonlyArray<string> | undefined => {
  const stepUp = options.challenge?.status === 403
  const challenged = Discovery.splitScopes(Discovery.challengeParams(options.challenge?.wwwAuthenticate).scope)
  const base = options.configured ?? options.discovered.scopes
  const held = stepUp ? Discovery.splitScopes(options.current?.scope) : undefined
  const all = new Set([...(held ?? []), ...(base ?? []), ...(stepUp ? challenged ?? [] : [])])
  if (all.size > 0 && options.discovered.authorizationServer.scopes_supported?.includes("offline_access")) {
    all.add("offline_access")
  }
  return all.size === 0 ? undefined : [...all]
}

const secretMethod = (
  metadata: Discovery.AuthorizationServerMetadata
): "client_secret_basic" | "client_secret_post" => {
  const supported = metadata.token_endpoint_auth_methods_supported
  return supported === undefined || supported.includes("client_secret_basic") ||
      !supported.includes("client_secret_post")
    ? "client_secret_basic"
    : "client_secret_post"
}

/**
 * Whether `url` can be a client id: a Client ID Metadata Document is named by an https URL with a path.
 */
export const isMetadataDocumentUrl = (url: string | undefined): url is string =>
  url !== undefined && URL.canParse(url) && new URL(url).protocol === "https:" && new URL(url).pathname.length > 1

/**
 * The token endpoint authentication of a client id and its secret, if any.
 */
export const authentication = (
  metadata: Discovery.AuthorizationServerMetadata,
  clientId: string,
  clientSecret: Redacted.Redacted<string> | undefined,
  registered?: string | undefined
): TokenEndpoint.ClientAuthentication => {
  if (clientSecret === undefined || registered === "none") return { method: "none", clientId }
  const method = registered === "client_secret_basic" || registered === "client_secret_post"
    ? registered
    : secretMethod(metadata)
  return { method, clientId, clientSecret }
}

const toTokens = (granted: McpTokenStore.Tokens, previous?: McpTokenStore.Tokens): McpTokenStore.Tokens =>
  new McpTokenStore.Tokens({
    accessToken: granted.accessToken,
    tokenType: granted.tokenType,
    refreshToken: granted.refreshToken ?? previous?.refreshToken,
    expiresAt: granted.expiresAt,
    scope: granted.scope ?? previous?.scope,
    idToken: granted.idToken ?? previous?.idToken
  })

/**
 * The flow of the server at `server`, keeping its registrations in the store under `key`.
 */
export const make = (config: {
  readonly options: Config
  readonly key: McpTokenStore.Key
  readonly server: string
  readonly login: McpLogin.Service
  /** DPoP (RFC 9449): a proof with each token request, the token endpoint's nonces. */
  readonly dpop?: Bearer.Dpop | undefined
}): Flow => {
  const { key, login, options, server } = config
  const dpop = config.dpop === undefined ? {} : { proof: config.dpop.proof, observe: config.dpop.observe }
  const configuredSecret = typeof options.clientSecret === "string"
    ? Redacted.make(options.clientSecret)
    : options.clientSecret
  // the authorization server and client of the last login: what a refresh uses
  let last:
    | {
      readonly metadata: Discovery.AuthorizationServerMetadata
      readonly resource: string
      readonly client: TokenEndpoint.ClientAuthentication
    }
    | undefined

  const stored = (metadata: Discovery.AuthorizationServerMetadata, redirectUri: string | undefined) =>
    Effect.gen(function*() {
      const store = yield* McpTokenStore.McpTokenStore
      const client = Option.getOrUndefined(yield* store.get(key))?.client
      if (client === undefined || client.issuer !== metadata.issuer) return undefined
      if (
        redirectUri !== undefined && client.redirectUris !== undefined && !client.redirectUris.includes(redirectUri)
      ) {
        return undefined
      }
      if (
        client.clientSecretExpiresAt !== undefined && client.clientSecretExpiresAt <= (yield* Clock.currentTimeMillis)
      ) return undefined
      return authentication(metadata, client.clientId, client.clientSecret, client.tokenEndpointAuthMethod)
    })

  // without a login to register for (a refresh after a restart): the configured or stored client
  const knownClient = (metadata: Discovery.AuthorizationServerMetadata, redirectUri: string | undefined) =>
    Effect.gen(function*() {
      if (
        options.clientId !== undefined &&
        (options.issuer === undefined || Discovery.sameIssuer(options.issuer, metadata.issuer))
      ) {
        return authentication(metadata, options.clientId, configuredSecret)
      }
      if (isMetadataDocumentUrl(options.clientMetadataUrl) && metadata.client_id_metadata_document_supported === true) {
        return { method: "none", clientId: options.clientMetadataUrl } as const
      }
      return yield* stored(metadata, redirectUri)
    })

  const clientFor = (
    metadata: Discovery.AuthorizationServerMetadata,
    redirectUri: string,
    scopes: ReadonlyArray<string> | undefined
  ) =>
    Effect.gen(function*() {
      const known = yield* knownClient(metadata, redirectUri)
      if (known !== undefined) return known
      const registered = yield* Registration.register({
        metadata,
        redirectUri,
        clientName: options.clientName ?? "effect-mcp",
        scope: scopes?.join(" "),
        clientMetadata: options.clientMetadata
      })
      const store = yield* McpTokenStore.McpTokenStore
      const entry = Option.getOrUndefined(yield* store.get(key))
      yield* store.set(key, new McpTokenStore.Entry({ ...entry, client: registered }))
      return authentication(metadata, registered.clientId, registered.clientSecret, registered.tokenEndpointAuthMethod)
    })

  const acquire: Flow["acquire"] = ({ challenge, current }) =>
    Effect.gen(function*() {
      const discovered = yield* Discovery.discover(server, challenge)
      const metadata = discovered.authorizationServer
      yield* requireS256(metadata)
      const scopes = scopesFor({ configured: options.scopes, discovered, challenge, current })
      return yield* Effect.scoped(Effect.gen(function*() {
        const callback = yield* login.start
        const client = yield* clientFor(metadata, callback.redirectUri, scopes)
        const request = yield* Authorize.request({
          metadata,
          clientId: client.clientId,
          redirectUri: callback.redirectUri,
          resource: discovered.resourceIndicator,
          scopes
        })
        const params = yield* callback.await(request.url)
        const code = yield* Authorize.code(params, request, metadata)
        const granted = yield* TokenEndpoint.request({
          endpoint: metadata.token_endpoint,
          grant: {
            grant_type: "authorization_code",
            code: Redacted.value(code),
            redirect_uri: callback.redirectUri,
            code_verifier: Redacted.value(request.pkce.verifier),
            resource: discovered.resourceIndicator
          },
          client,
          ...dpop
        })
        last = { metadata, resource: discovered.resourceIndicator, client }
        return toTokens(granted)
      }))
    }).pipe(withServer(server))

  const refresh: Flow["refresh"] = (tokens) =>
    Effect.gen(function*() {
      if (tokens.refreshToken === undefined) return Option.none()
      if (last === undefined) {
        const discovered = yield* Discovery.discover(server)
        const client = yield* knownClient(discovered.authorizationServer, undefined)
        if (client === undefined) return Option.none()
        last = { metadata: discovered.authorizationServer, resource: discovered.resourceIndicator, client }
      }
      const { client, metadata, resource } = last
      return yield* TokenEndpoint.request({
        endpoint: metadata.token_endpoint,
        grant: { grant_type: "refresh_token", refresh_token: Redacted.value(tokens.refreshToken), resource },
        client,
        ...dpop
      }).pipe(
        Effect.map((granted) => Option.some(toTokens(granted, tokens))),
        Effect.catchReason("McpAuthError", "TokenExchangeFailed", () => Effect.succeedNone)
      )
    }).pipe(withServer(server))

  return { acquire, refresh }
}

/**
 * Names `server` in errors that do not name one.
 */
const withServer = (server: string) => <A, R>(effect: Effect.Effect<A, McpAuthError, R>) =>
  Effect.mapError(
    effect,
    (error) => error.server === undefined ? new McpAuthError({ reason: error.reason, server }) : error
  )
