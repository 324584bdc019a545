/**
 * Discovery: from an MCP server's URL (and the `WWW-Authenticate` of its 401) to the authorization
 * server to use, as the MCP authorization spec orders it:
 *
 * 1. the protected-resource metadata (RFC 9728): the challenge's `resource_metadata`, else
 *    `/.well-known/oauth-protected-resource/<path>`, then `/.well-known/oauth-protected-resource`;
 *    its `resource` must name the server (the same origin, a path the server's path starts with);
 * 2. the authorization-server metadata of its first `authorization_servers` entry: RFC 8414, then
 *    OpenID discovery (path-inserted, then path-appended for an issuer with a path); the metadata's
 *    `issuer` must be the issuer it was fetched for;
 * 3. without protected-resource metadata (2025-03-26 servers): the server's origin is the
 *    authorization server, and without its metadata the endpoints are `/authorize`, `/token` and
 *    `/register` there. Its metadata may name an issuer with a path on that origin (servers of that
 *    revision put their endpoints under one); any other issuer is refused.
 *
 * Every metadata URL and the token and registration endpoints must be https, or http on a loopback
 * host. Scopes come from the challenge's `scope`, else the resource's `scopes_supported`.
 *
 * @internal
 */
import {
  DiscoveryFailed,
  InsecureEndpoint,
  IssuerMismatch,
  McpAuthError,
  ResourceMismatch
} from "@effect-mcp/core/McpAuthError"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/**
 * RFC 9728 protected-resource metadata (the fields the client reads).
 */
export const ProtectedResourceMetadata = Schema.Struct({
  resource: Schema.String,
  authorization_servers: Schema.optionalKey(Schema.Array(Schema.String)),
  scopes_supported: Schema.optionalKey(Schema.Array(Schema.String)),
  bearer_methods_supported: Schema.optionalKey(Schema.Array(Schema.String)),
  dpop_signing_alg_values_supported: Schema.optionalKey(Schema.Array(Schema.String)),
  dpop_bound_access_tokens_required: Schema.optionalKey(Schema.Boolean)
})

/**
 * RFC 9728 protected-resource metadata.
 */
export type ProtectedResourceMetadata = typeof ProtectedResourceMetadata.Type

/**
 * RFC 8414 authorization-server metadata (the fields the client reads).
 */
export const AuthorizationServerMetadata = Schema.Struct({
  issuer: Schema.String,
  authorization_endpoint: Schema.optionalKey(Schema.String),
  token_endpoint: Schema.String,
  registration_endpoint: Schema.optionalKey(Schema.String),
  scopes_supported: Schema.optionalKey(Schema.Array(Schema.String)),
  response_types_supported: Schema.optionalKey(Schema.Array(Schema.String)),
  grant_types_supported: Schema.optionalKey(Schema.Array(Schema.String)),
  code_challenge_methods_supported: Schema.optionalKey(Schema.Array(Schema.String)),
  token_endpoint_auth_methods_supported: Schema.optionalKey(Schema.Array(Schema.String)),
  token_endpoint_auth_signing_alg_values_supported: Schema.optionalKey(Schema.Array(Schema.String)),
  client_id_metadata_document_supported: Schema.optionalKey(Schema.Boolean),
  authorization_response_iss_parameter_supported: Schema.optionalKey(Schema.Boolean),
  dpop_signing_alg_values_supported: Schema.optionalKey(Schema.Array(Schema.String))
})

/**
 * RFC 8414 authorization-server metadata.
 */
export type AuthorizationServerMetadata = typeof AuthorizationServerMetadata.Type

/**
 * What discovery found.
 */
export interface Discovered {
  /** The protected-resource metadata; `undefined` for a 2025-03-26 server, which has none. */
  readonly resource: ProtectedResourceMetadata | undefined
  readonly authorizationServer: AuthorizationServerMetadata
  /**
   * The `resource` parameter (RFC 8707) to send: the metadata's `resource` exactly as published, else
   * the server's URL without its fragment.
   */
  readonly resourceIndicator: string
  /** The scopes to ask for: the challenge's, else the resource's `scopes_supported`; `undefined`: none. */
  readonly scopes: ReadonlyArray<string> | undefined
  /**
   * Whether the authorization-server metadata is the 2025-03-26 default (`/authorize`, `/token`,
   * `/register` at the server's origin), not a document the server published.
   */
  readonly defaulted: boolean
}

/**
 * One challenge of a `WWW-Authenticate` header: its scheme (lower case) and parameters.
 */
export interface Challenge {
  readonly scheme: string
  readonly params: Readonly<Record<string, string>>
}

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/

/**
 * The challenges of a `WWW-Authenticate` header (RFC 9110 §11.6.1): `Bearer resource_metadata="…",
 * scope="a b", error="insufficient_scope"`, possibly several, comma-separated.
 */
export const parseChallenges = (header: string | undefined): ReadonlyArray<Challenge> => {
  const challenges: Array<{ scheme: string; params: Record<string, string> }> = []
  let rest = header ?? ""
  while (rest.length > 0) {
    rest = rest.replace(/^[\s,]+/, "")
    const name = token.exec(rest)?.[0]
    if (name === undefined) break
    rest = rest.slice(name.length)
    const param = /^\s*=\s*/.exec(rest)
    const current = challenges.at(-1)
    if (param !== null && current !== undefined) {
      rest = rest.slice(param[0].length)
      const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(rest)
      const value = quoted !== null ? quoted[1]!.replace(/\\(.)/g, "$1") : (/^[^\s,]*/.exec(rest)?.[0] ?? "")
      rest = rest.slice(quoted !== null ? quoted[0].length : value.length)
      current.params[name.toLowerCase()] = value
    } else {
      challenges.push({ scheme: name.toLowerCase(), params: {} })
      // a token68 (`Basic abc==`) is not a parameter
      const token68 = /^\s+[A-Za-z0-9\-._~+/]+=*\s*(?:,|$)/.exec(rest)
      if (token68 !== null) rest = rest.slice(token68[0].length)
    }
  }
  return challenges
}

/**
 * The parameters of the first `Bearer` or `DPoP` challenge (the ones an MCP server sends), or of the
 * first challenge.
 */
export const challengeParams = (header: string | undefined): Readonly<Record<string, string>> => {
  const challenges = parseChallenges(header)
  const chosen = challenges.find((challenge) => challenge.scheme === "bearer" || challenge.scheme === "dpop") ??
    challenges[0]
  return chosen?.params ?? {}
}

/**
 * The scopes of a `scope` parameter.
 */
export const splitScopes = (scope: string | undefined): ReadonlyArray<string> | undefined => {
  const scopes = scope?.split(/\s+/).filter((part) => part.length > 0)
  return scopes === undefined || scopes.length === 0 ? undefined : scopes
}

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]", "::1"])

/**
 * Whether `url` names a loopback host (where http is allowed).
 */
export const isLoopback = (url: URL): boolean =>
  loopbackHosts.has(url.hostname) || /^127(?:\.\d{1,3}){3}$/.test(url.hostname) ||
  url.hostname.endsWith(".localhost")

const fail = (reason: McpAuthError["reason"], server?: string) =>
  Effect.fail(new McpAuthError(server === undefined ? { reason } : { reason, server }))

/**
 * `url` parsed, when it is https, or http on a loopback host; else `InsecureEndpoint` (`what`
 * names it in the description).
 */
export const secureUrl = (url: string, what: string): Effect.Effect<URL, McpAuthError> => {
  const parsed = URL.canParse(url) ? new URL(url) : undefined
  if (parsed === undefined) {
    return fail(new DiscoveryFailed({ description: `the ${what} is not a URL` }))
  }
  if (parsed.protocol === "https:" || (parsed.protocol === "http:" && isLoopback(parsed))) {
    return Effect.succeed(parsed)
  }
  return fail(
    new InsecureEndpoint({
      description:
        `the ${what} ${parsed.origin}${parsed.pathname} is not https (http is allowed for loopback hosts only)`
    })
  )
}

/**
 * A metadata document: `None` when the URL answers 404 or another 4xx (the next location is tried),
 * the decoded document on 200, `DiscoveryFailed` on a document that does not decode or a failed
 * request.
 */
const fetchMetadata = <S extends Schema.Codec<unknown, unknown>>(
  url: URL,
  schema: S,
  what: string
): Effect.Effect<Option.Option<S["Type"]>, McpAuthError, HttpClient.HttpClient | S["DecodingServices"]> =>
  Effect.gen(function*() {
    const shown = `${url.origin}${url.pathname}`
    const response = yield* HttpClient.execute(
      HttpClientRequest.get(url).pipe(HttpClientRequest.acceptJson)
    ).pipe(
      Effect.mapError((cause) =>
        new McpAuthError({
          reason: new DiscoveryFailed({ description: `the ${what} at ${shown} could not be fetched`, cause })
        })
      )
    )
    if (response.status >= 400 && response.status < 500) {
      yield* Effect.ignore(response.text)
      return Option.none()
    }
    if (response.status !== 200) {
      yield* Effect.ignore(response.text)
      return yield* fail(new DiscoveryFailed({ description: `the ${what} at ${shown} answered ${response.status}` }))
    }
    const body = yield* Effect.orElseSucceed(response.json, () => undefined)
    return yield* Schema.decodeUnknownEffect(schema)(body).pipe(
      Effect.map(Option.some),
      Effect.mapError((cause) =>
        new McpAuthError({
          reason: new DiscoveryFailed({ description: `the ${what} at ${shown} is not valid metadata`, cause })
        })
      )
    )
  })

/**
 * The first location in `urls` that has a document.
 */
const firstFound = <A, R>(
  urls: ReadonlyArray<string>,
  fetch: (url: string) => Effect.Effect<Option.Option<A>, McpAuthError, R>
): Effect.Effect<Option.Option<A>, McpAuthError, R> =>
  Effect.gen(function*() {
    for (const url of urls) {
      const found = yield* fetch(url)
      if (Option.isSome(found)) return found
    }
    return Option.none()
  })

const trimSlash = (path: string): string => path.replace(/\/+$/, "")

/**
 * The well-known locations of the protected-resource metadata of `server` (RFC 9728 §3.1): the
 * path-suffixed one first (when the server has a path), then the root one.
 */
export const protectedResourceUrls = (server: URL): ReadonlyArray<string> => {
  const path = trimSlash(server.pathname)
  const root = `${server.origin}/.well-known/oauth-protected-resource`
  return path === "" ? [root] : [`${root}${path}`, root]
}

/**
 * The metadata locations of an issuer, in the spec's order: with a path `/t1`,
 * `/.well-known/oauth-authorization-server/t1`, `/.well-known/openid-configuration/t1`,
 * `/t1/.well-known/openid-configuration`; without one, `oauth-authorization-server` then
 * `openid-configuration`.
 */
export const authorizationServerUrls = (issuer: URL): ReadonlyArray<string> => {
  const path = trimSlash(issuer.pathname)
  const origin = issuer.origin
  return path === ""
    ? [`${origin}/.well-known/oauth-authorization-server`, `${origin}/.well-known/openid-configuration`]
    : [
      `${origin}/.well-known/oauth-authorization-server${path}`,
      `${origin}/.well-known/openid-configuration${path}`,
      `${origin}${path}/.well-known/openid-configuration`
    ]
}

/**
 * Whether the protected resource `resource` names the MCP server `server`: the same origin, and the
 * server's path is the resource's path or below it.
 */
export const resourceMatches = (resource: string, server: URL): boolean => {
  if (!URL.canParse(resource)) return false
  const parsed = new URL(resource)
  if (parsed.origin !== server.origin) return false
  const base = trimSlash(parsed.pathname)
  const path = trimSlash(server.pathname)
  return path === base || path.startsWith(`${base}/`)
}

/**
 * Two issuer identifiers name the same authorization server: equal, but for a trailing slash.
 */
export const sameIssuer = (a: string, b: string): boolean => trimSlash(a) === trimSlash(b)

/**
 * The protected-resource metadata of `server`, when it publishes one; `ResourceMismatch` when its
 * `resource` is another server.
 */
export const protectedResource = Effect.fnUntraced(function*(
  server: URL,
  resourceMetadataUrl: string | undefined
): Effect.fn.Return<Option.Option<ProtectedResourceMetadata>, McpAuthError, HttpClient.HttpClient> {
  const urls = resourceMetadataUrl === undefined
    ? protectedResourceUrls(server)
    : [resourceMetadataUrl, ...protectedResourceUrls(server)]
  const found = yield* firstFound(urls, (url) =>
    Effect.flatMap(
      secureUrl(url, "protected-resource metadata URL"),
      (parsed) => fetchMetadata(parsed, ProtectedResourceMetadata, "protected-resource metadata")
    ))
  if (Option.isSome(found) && !resourceMatches(found.value.resource, server)) {
    return yield* fail(
      new ResourceMismatch({
        description:
          `the protected-resource metadata names the resource ${found.value.resource}, not ${server.origin}${server.pathname}`
      }),
      server.href
    )
  }
  return found
})

/**
 * The authorization-server metadata of `issuer`, checked: its `issuer` is `issuer`, its token and
 * registration endpoints are https (or loopback). `None` when no location has a document.
 */
export const authorizationServer = Effect.fnUntraced(function*(
  issuer: string,
  options?: {
    /**
     * 2025-03-26 servers (no protected-resource metadata): the metadata at the server's origin may name
     * an issuer with a path on that origin.
     */
    readonly sameOrigin?: boolean | undefined
  }
): Effect.fn.Return<Option.Option<AuthorizationServerMetadata>, McpAuthError, HttpClient.HttpClient> {
  const issuerUrl = yield* secureUrl(issuer, "authorization server")
  const found = yield* firstFound(authorizationServerUrls(issuerUrl), (url) =>
    Effect.flatMap(
      secureUrl(url, "authorization-server metadata URL"),
      (parsed) => fetchMetadata(parsed, AuthorizationServerMetadata, "authorization-server metadata")
    ))
  if (Option.isNone(found)) return found
  const accepted = sameIssuer(found.value.issuer, issuer) ||
    (options?.sameOrigin === true && URL.canParse(found.value.issuer) &&
      new URL(found.value.issuer).origin === issuerUrl.origin)
  if (!accepted) {
    return yield* fail(
      new IssuerMismatch({
        description: `the authorization-server metadata of ${issuer} names the issuer ${found.value.issuer}`
      })
    )
  }
  yield* checkEndpoints(found.value)
  return found
})

const checkEndpoints = (metadata: AuthorizationServerMetadata): Effect.Effect<void, McpAuthError> =>
  Effect.gen(function*() {
    yield* secureUrl(metadata.token_endpoint, "token endpoint")
    if (metadata.registration_endpoint !== undefined) {
      yield* secureUrl(metadata.registration_endpoint, "registration endpoint")
    }
    if (metadata.authorization_endpoint !== undefined) {
      yield* secureUrl(metadata.authorization_endpoint, "authorization endpoint")
    }
  })

/**
 * The 2025-03-26 defaults: the endpoints `/authorize`, `/token` and `/register` at `origin`.
 */
export const defaultMetadata = (origin: string): AuthorizationServerMetadata => ({
  issuer: origin,
  authorization_endpoint: `${origin}/authorize`,
  token_endpoint: `${origin}/token`,
  registration_endpoint: `${origin}/register`,
  response_types_supported: ["code"],
  grant_types_supported: ["authorization_code", "refresh_token"],
  // a server without metadata cannot list it; the 2025-03-26 revision requires S256 of it
  code_challenge_methods_supported: ["S256"]
})

/**
 * The authorization server of the MCP server at `server`, from the challenge of its 401.
 *
 * **Details**
 *
 * `authorizationServer` picks the issuer among the resource's `authorization_servers` (default:
 * the first).
 */
export const discover = Effect.fnUntraced(function*(
  server: string,
  challenge?: { readonly wwwAuthenticate?: string | undefined } | undefined
): Effect.fn.Return<Discovered, McpAuthError, HttpClient.HttpClient> {
  const serverUrl = yield* Effect.mapError(
    secureUrl(server, "MCP server"),
    (error) => new McpAuthError({ reason: error.reason, server })
  )
  const params = challengeParams(challenge?.wwwAuthenticate)
  const resource = Option.getOrUndefined(yield* protectedResource(serverUrl, params.resource_metadata))
  const scopes = splitScopes(params.scope) ?? nonEmpty(resource?.scopes_supported)
  const withServer = Effect.mapError((error: McpAuthError) =>
    error.server === undefined ? new McpAuthError({ reason: error.reason, server }) : error
  )
  const resourceIndicator = resource?.resource ?? withoutFragment(serverUrl)
  if (resource !== undefined) {
    const issuer = resource.authorization_servers?.[0]
    if (issuer === undefined) {
      return yield* fail(
        new DiscoveryFailed({ description: "the protected-resource metadata names no authorization server" }),
        server
      )
    }
    const metadata = yield* withServer(authorizationServer(issuer))
    if (Option.isNone(metadata)) {
      return yield* fail(
        new DiscoveryFailed({ description: `the authorization server ${issuer} publishes no metadata` }),
        server
      )
    }
    return { resource, authorizationServer: metadata.value, resourceIndicator, scopes, defaulted: false }
  }
  // 2025-03-26: the server's origin is the authorization server
  const metadata = yield* withServer(authorizationServer(serverUrl.origin, { sameOrigin: true }))
  return Option.match(metadata, {
    onNone: () => ({
      resource,
      authorizationServer: defaultMetadata(serverUrl.origin),
      resourceIndicator,
      scopes,
      defaulted: true
    }),
    onSome: (authorizationServer) => ({ resource, authorizationServer, resourceIndicator, scopes, defaulted: false })
  })
})

const nonEmpty = (scopes: ReadonlyArray<string> | undefined): ReadonlyArray<string> | undefined =>
  scopes === undefined || scopes.length === 0 ? undefined : scopes

const withoutFragment = (url: URL): string => {
  const copy = new URL(url.href)
  copy.hash = ""
  return copy.href
}
