/**
 * OAuth 2.1 authorization-code login with PKCE for MCP servers, as the MCP authorization spec
 * describes it, as a layer of core's `McpAuth`.
 *
 * On a server's first 401 the layer discovers its authorization server (RFC 9728 protected-resource
 * metadata, RFC 8414 / OpenID metadata, the 2025-03-26 defaults), gets a client identity
 * (pre-registered → Client ID Metadata Document → Dynamic Client Registration), has the user log in
 * through `McpLogin` (PKCE `S256`, `state`, RFC 8707 `resource`, RFC 9207 `iss`), exchanges the code,
 * and keeps the tokens and the registration in the `McpTokenStore`, per server and client identity.
 * Tokens are refreshed before they expire and on a 401, one refresh at a time (also across
 * processes sharing a file store); a 403 `insufficient_scope` logs in again for the union of the
 * scopes, at most three times for a request; a server whose metadata names a new authorization
 * server gets a new registration there.
 *
 * Tokens go to the origin of the server that asked for them only; the authorization server's
 * endpoints must be https (http on loopback hosts only).
 *
 * **Example** (Logging in with the browser)
 *
 * ```ts
 * import { McpClient } from "@effect-mcp/core"
 * import { McpHttpTransport } from "@effect-mcp/transport-http"
 * import { McpLogin, McpOAuth, McpTokenStore } from "@effect-mcp/auth"
 * import { NodeHttpClient, NodeServices } from "@effect/platform-node"
 * import { Layer } from "effect"
 *
 * const ClientLive = McpClient.layer({ clientInfo: { name: "app", version: "1.0.0" } }).pipe(
 *   Layer.provide(McpHttpTransport.layerUrl("https://mcp.example.com/mcp")),
 *   Layer.provide(McpOAuth.layer({ clientName: "My app" })),
 *   Layer.provide([McpLogin.layerBrowser(), McpTokenStore.layerFile()]),
 *   Layer.provide([NodeHttpClient.layerUndici, NodeServices.layer])
 * )
 * ```
 *
 * @stability experimental
 * @since 0.3.0
 */
import * as McpAuth from "@effect-mcp/core/McpAuth"
import type { McpAuthError } from "@effect-mcp/core/McpAuthError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Bearer from "./internal/bearer.ts"
import * as CodeFlow from "./internal/codeFlow.ts"
import * as McpDpop from "./McpDpop.ts"
import * as McpLogin from "./McpLogin.ts"
import * as McpTokenStore from "./McpTokenStore.ts"

/**
 * The options of {@link layer}. Every field is optional: with none, the client registers itself
 * dynamically (or by its metadata document) and asks for the scopes the server names.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Options {
  /**
   * The scopes to ask for. Default: the `scope` of the server's challenge, else the
   * `scopes_supported` of its protected-resource metadata, else none. A step-up adds the challenged
   * ones. `offline_access` is added when the authorization server lists it.
   */
  readonly scopes?: ReadonlyArray<string> | undefined
  /** The `client_name` of a dynamic registration. Default: `"effect-mcp"`. */
  readonly clientName?: string | undefined
  /** More client metadata for a dynamic registration (RFC 7591), merged over the defaults. */
  readonly clientMetadata?: Readonly<Record<string, unknown>> | undefined
  /** A pre-registered client id: used first. */
  readonly clientId?: string | undefined
  /** The secret of the pre-registered client (a confidential client). */
  readonly clientSecret?: Redacted.Redacted<string> | string | undefined
  /**
   * The issuer the pre-registered client belongs to: its id and secret are sent to that
   * authorization server only. Default: any.
   */
  readonly issuer?: string | undefined
  /**
   * The https URL of this client's Client ID Metadata Document: its client id wherever the
   * authorization server supports them (`client_id_metadata_document_supported`).
   */
  readonly clientMetadataUrl?: string | undefined
  /**
   * The client identity of the store's entries. Default: the client id, else the metadata document
   * URL, else the client name, else `"default"`.
   */
  readonly identity?: string | undefined
}

/**
 * The OAuth service: the `McpAuth` hook it provides, and the tokens it holds.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Service {
  /** Core's hook: the layer provides it as `McpAuth`. */
  readonly auth: McpAuth.Service
  /** The tokens held for the MCP server at `server`, if any. */
  readonly tokens: (server: string) => Effect.Effect<Option.Option<McpTokenStore.Tokens>, McpAuthError>
  /**
   * Forgets the tokens of `server`, or of every server: held ones and the store's (client
   * registrations stay). The next request logs in again.
   */
  readonly logout: (server?: string) => Effect.Effect<void, McpAuthError>
}

/**
 * The OAuth service.
 *
 * @stability experimental
 * @category services
 * @since 0.3.0
 */
export class McpOAuth extends Context.Service<McpOAuth, Service>()("@effect-mcp/auth/McpOAuth") {}

/**
 * Builds the OAuth service.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const make = Effect.fnUntraced(function*(
  options: Options = {}
): Effect.fn.Return<Service, never, McpLogin.McpLogin | McpTokenStore.McpTokenStore | HttpClient.HttpClient> {
  const login = yield* McpLogin.McpLogin
  const store = yield* McpTokenStore.McpTokenStore
  const http = yield* HttpClient.HttpClient
  // DPoP-bound tokens when a DPoP key is provided (auth-base)
  const dpop = Option.getOrUndefined(yield* Effect.serviceOption(McpDpop.McpDpop))
  const identity = options.identity ?? options.clientId ?? options.clientMetadataUrl ?? options.clientName ??
    "default"
  const withServices = <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient | McpTokenStore.McpTokenStore>) =>
    effect.pipe(
      Effect.provideService(HttpClient.HttpClient, http),
      Effect.provideService(McpTokenStore.McpTokenStore, store)
    )
  const sessions = Bearer.perOrigin((server) => {
    const key = { server, identity }
    const flow = CodeFlow.make({ options, key, server, login, dpop })
    return withServices(Bearer.make({
      server,
      key,
      acquire: (context) => withServices(flow.acquire(context)),
      refresh: (tokens) => withServices(flow.refresh(tokens)),
      dpop
    }))
  }, dpop)

  const tokens = (server: string) =>
    Effect.flatMap(
      sessions.get(server),
      (session) => session === undefined ? Effect.succeedNone : Effect.map(session.tokens, Option.fromNullishOr)
    )

  const logout = (server?: string) =>
    Effect.gen(function*() {
      const origin = server === undefined ? undefined : new URL(server).origin
      for (const [key, session] of sessions.all) {
        if (origin === undefined || origin === key) yield* session.logout
      }
      yield* store.clear(server === undefined ? undefined : Bearer.serverOf(server))
    })

  return { auth: sessions.auth, tokens, logout }
})

/**
 * Provides core's `McpAuth` (and {@link McpOAuth}) logging in with OAuth 2.1 and PKCE. Requires the
 * user's side (`McpLogin`), a token store and an `HttpClient`.
 *
 * @stability experimental
 * @category layers
 * @since 0.3.0
 */
export const layer = (
  options: Options = {}
): Layer.Layer<McpOAuth, never, McpLogin.McpLogin | McpTokenStore.McpTokenStore | HttpClient.HttpClient> =>
  Layer.effectContext(
    Effect.map(
      make(options),
      (service) => Context.make(McpOAuth, service).pipe(Context.add(McpAuth.McpAuth, service.auth))
    )
  )

/**
 * Forgets the tokens of `server`, or of every server (see {@link Service.logout}).
 *
 * @stability experimental
 * @category combinators
 * @since 0.3.0
 */
export const logout = (server?: string): Effect.Effect<void, McpAuthError, McpOAuth> =>
  McpOAuth.use((service) => service.logout(server))
