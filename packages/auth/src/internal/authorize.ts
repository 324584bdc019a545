/**
 * The authorization request and its response (OAuth 2.1 §4.1): the URL the user opens (PKCE `S256`,
 * a fresh `state`, the RFC 8707 `resource`, the scopes), and the checks of the redirect the login
 * layer brings back:
 *
 * - `error` ⇒ `AuthorizationDenied` (with the OAuth error code only);
 * - `state` other than the one sent ⇒ `StateMismatch`;
 * - RFC 9207: an `iss` other than the issuer recorded from the metadata (compared as strings, no
 *   normalization) ⇒ `IssuerMismatch`; no `iss` while the metadata advertises
 *   `authorization_response_iss_parameter_supported` ⇒ `IssuerMismatch`;
 * - no `code` ⇒ `AuthorizationDenied`.
 *
 * @internal
 */
import { AuthorizationDenied, IssuerMismatch, McpAuthError, StateMismatch } from "@effect-mcp/core/McpAuthError"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type { AuthorizationServerMetadata } from "./discovery.ts"
import * as Pkce from "./pkce.ts"

/**
 * An authorization request about to be sent: the URL, and what the response is checked against.
 */
export interface Request {
  readonly url: URL
  readonly state: string
  readonly pkce: Pkce.Pkce
}

/**
 * The authorization URL for `clientId`, with a new PKCE pair and state.
 */
export const request = Effect.fnUntraced(function*(options: {
  readonly metadata: AuthorizationServerMetadata
  readonly clientId: string
  readonly redirectUri: string
  readonly resource: string
  readonly scopes: ReadonlyArray<string> | undefined
}): Effect.fn.Return<Request, McpAuthError> {
  const pkce = yield* Pkce.make
  const state = yield* Pkce.random(24)
  const url = new URL(options.metadata.authorization_endpoint ?? `${options.metadata.issuer}/authorize`)
  url.searchParams.set("response_type", "code")
  url.searchParams.set("client_id", options.clientId)
  url.searchParams.set("redirect_uri", options.redirectUri)
  url.searchParams.set("code_challenge", pkce.challenge)
  url.searchParams.set("code_challenge_method", "S256")
  url.searchParams.set("state", state)
  url.searchParams.set("resource", options.resource)
  if (options.scopes !== undefined && options.scopes.length > 0) {
    url.searchParams.set("scope", options.scopes.join(" "))
  }
  return { url, state, pkce }
})

const fail = (reason: McpAuthError["reason"]) => Effect.fail(new McpAuthError({ reason }))

/**
 * The authorization code of a redirect's parameters, checked against the request and the metadata.
 */
export const code = (
  params: URLSearchParams,
  request: Request,
  metadata: AuthorizationServerMetadata
): Effect.Effect<Redacted.Redacted<string>, McpAuthError> => {
  const error = params.get("error")
  if (error !== null) {
    const shown = /^[\x20-\x7e]{1,64}$/.test(error) ? error : "malformed error code"
    return fail(new AuthorizationDenied({ description: `the authorization server refused the login (${shown})` }))
  }
  if (params.get("state") !== request.state) {
    return fail(
      new StateMismatch({ description: "the authorization response carries a state other than the one sent" })
    )
  }
  const iss = params.get("iss")
  if (iss !== null && iss !== metadata.issuer) {
    return fail(
      new IssuerMismatch({
        description: `the authorization response comes from the issuer ${
          iss.slice(0, 200)
        }, not from ${metadata.issuer}`
      })
    )
  }
  if (iss === null && metadata.authorization_response_iss_parameter_supported === true) {
    return fail(
      new IssuerMismatch({
        description: `the authorization response has no iss parameter, though ${metadata.issuer} advertises it`
      })
    )
  }
  const value = params.get("code")
  if (value === null || value.length === 0) {
    return fail(new AuthorizationDenied({ description: "the authorization response carries no code" }))
  }
  return Effect.succeed(Redacted.make(value))
}
