/**
 * The typed error of authorization: why the client could not get, refresh or use credentials for an
 * MCP server. `McpAuthError` carries a tagged `reason`; the auth layers of `@effect-mcp/auth` fail
 * with it, and an HTTP transport whose `McpAuth` hook fails reports it as the `reason` of its
 * `McpTransportError`.
 *
 * No token, secret, code or verifier ever appears in a description: descriptions name endpoints,
 * statuses and OAuth error codes only.
 *
 * **Example** (Telling a refused login from the rest)
 *
 * ```ts
 * import { Effect } from "effect"
 * import type { McpAuthError } from "@effect-mcp/core"
 *
 * declare const login: Effect.Effect<void, McpAuthError.McpAuthError>
 *
 * login.pipe(Effect.catchReason("McpAuthError", "AuthorizationDenied", () => Effect.log("login refused")))
 * ```
 *
 * @stability experimental
 * @since 0.3.0
 */
import * as Schema from "effect/Schema"

const fields = {
  /** What happened, in plain words, without secrets. */
  description: Schema.String,
  cause: Schema.optional(Schema.Defect())
}

/**
 * The protected-resource or authorization-server metadata could not be found or read.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class DiscoveryFailed
  extends Schema.TaggedError<DiscoveryFailed>("@effect-mcp/core/McpAuthError/DiscoveryFailed")(
    "DiscoveryFailed",
    fields
  )
{
  override get message(): string {
    return this.description
  }
}

/**
 * The client could not get an identity from the authorization server: dynamic registration was refused or is not offered, and no client id was configured.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class RegistrationFailed
  extends Schema.TaggedError<RegistrationFailed>("@effect-mcp/core/McpAuthError/RegistrationFailed")(
    "RegistrationFailed",
    fields
  )
{
  override get message(): string {
    return this.description
  }
}

/**
 * The user or the authorization server refused the authorization request (`error=access_denied`, a closed or timed-out login).
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class AuthorizationDenied
  extends Schema.TaggedError<AuthorizationDenied>("@effect-mcp/core/McpAuthError/AuthorizationDenied")(
    "AuthorizationDenied",
    fields
  )
{
  override get message(): string {
    return this.description
  }
}

/**
 * The authorization response carried a `state` other than the one sent: a forged or crossed redirect.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class StateMismatch
  extends Schema.TaggedError<StateMismatch>("@effect-mcp/core/McpAuthError/StateMismatch")("StateMismatch", fields)
{
  override get message(): string {
    return this.description
  }
}

/**
 * An issuer did not match: the `iss` of the authorization response (RFC 9207) or the `issuer` of the metadata is not the authorization server the client chose.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class IssuerMismatch
  extends Schema.TaggedError<IssuerMismatch>("@effect-mcp/core/McpAuthError/IssuerMismatch")("IssuerMismatch", fields)
{
  override get message(): string {
    return this.description
  }
}

/**
 * The protected-resource metadata names a `resource` that is not the MCP server the client connects to.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class ResourceMismatch
  extends Schema.TaggedError<ResourceMismatch>("@effect-mcp/core/McpAuthError/ResourceMismatch")(
    "ResourceMismatch",
    fields
  )
{
  override get message(): string {
    return this.description
  }
}

/**
 * The token endpoint refused a grant: an authorization code, a refresh token, client credentials or an assertion.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class TokenExchangeFailed
  extends Schema.TaggedError<TokenExchangeFailed>("@effect-mcp/core/McpAuthError/TokenExchangeFailed")(
    "TokenExchangeFailed",
    fields
  )
{
  override get message(): string {
    return this.description
  }
}

/**
 * An endpoint is not https (http is allowed for loopback addresses only), or a token would leave its origin.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class InsecureEndpoint
  extends Schema.TaggedError<InsecureEndpoint>("@effect-mcp/core/McpAuthError/InsecureEndpoint")(
    "InsecureEndpoint",
    fields
  )
{
  override get message(): string {
    return this.description
  }
}

/**
 * The authorization server lacks something the client requires (PKCE with `S256`, a grant type, a client authentication method).
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class Unsupported
  extends Schema.TaggedError<Unsupported>("@effect-mcp/core/McpAuthError/Unsupported")("Unsupported", fields)
{
  override get message(): string {
    return this.description
  }
}

/**
 * The server kept answering 403 `insufficient_scope` after the client asked for the scopes it named (at most three step-ups).
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class InsufficientScope
  extends Schema.TaggedError<InsufficientScope>("@effect-mcp/core/McpAuthError/InsufficientScope")(
    "InsufficientScope",
    fields
  )
{
  override get message(): string {
    return this.description
  }
}

/**
 * A user login is needed and nobody can do it: no interaction layer, or a headless session without input.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class LoginRequired
  extends Schema.TaggedError<LoginRequired>("@effect-mcp/core/McpAuthError/LoginRequired")("LoginRequired", fields)
{
  override get message(): string {
    return this.description
  }
}

/**
 * The configured credentials cannot be used: a missing secret, an unreadable private key, a malformed token.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class InvalidCredentials
  extends Schema.TaggedError<InvalidCredentials>("@effect-mcp/core/McpAuthError/InvalidCredentials")(
    "InvalidCredentials",
    fields
  )
{
  override get message(): string {
    return this.description
  }
}

/**
 * The token store could not be read, written or locked.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class TokenStoreFailed
  extends Schema.TaggedError<TokenStoreFailed>("@effect-mcp/core/McpAuthError/TokenStoreFailed")(
    "TokenStoreFailed",
    fields
  )
{
  override get message(): string {
    return this.description
  }
}

/**
 * Why authorization failed.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type McpAuthErrorReason =
  | DiscoveryFailed
  | RegistrationFailed
  | AuthorizationDenied
  | StateMismatch
  | IssuerMismatch
  | ResourceMismatch
  | TokenExchangeFailed
  | InsecureEndpoint
  | Unsupported
  | InsufficientScope
  | LoginRequired
  | InvalidCredentials
  | TokenStoreFailed

/**
 * The schema of {@link McpAuthErrorReason}.
 *
 * @stability experimental
 * @category schemas
 * @since 0.3.0
 */
export const McpAuthErrorReason: Schema.Union<
  [
    typeof DiscoveryFailed,
    typeof RegistrationFailed,
    typeof AuthorizationDenied,
    typeof StateMismatch,
    typeof IssuerMismatch,
    typeof ResourceMismatch,
    typeof TokenExchangeFailed,
    typeof InsecureEndpoint,
    typeof Unsupported,
    typeof InsufficientScope,
    typeof LoginRequired,
    typeof InvalidCredentials,
    typeof TokenStoreFailed
  ]
> = Schema.Union([
  DiscoveryFailed,
  RegistrationFailed,
  AuthorizationDenied,
  StateMismatch,
  IssuerMismatch,
  ResourceMismatch,
  TokenExchangeFailed,
  InsecureEndpoint,
  Unsupported,
  InsufficientScope,
  LoginRequired,
  InvalidCredentials,
  TokenStoreFailed
])

/**
 * Authorization failed: discovery, registration, the login, a token exchange, or the token store.
 * `server` is the MCP server the credentials were for, when known.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class McpAuthError extends Schema.TaggedError<McpAuthError>("@effect-mcp/core/McpAuthError")("McpAuthError", {
  reason: McpAuthErrorReason,
  server: Schema.optional(Schema.String)
}) {
  override readonly cause = this.reason

  override get message(): string {
    return this.server === undefined
      ? `Authorization failed: ${this.reason.message}`
      : `Authorization for ${this.server} failed: ${this.reason.message}`
  }
}
