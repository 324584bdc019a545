/**
 * The authorization hook of the HTTP transports: it adds headers to every request (knowing its
 * method and URL), decides what to do when the server answers 401 or 403, and may watch every
 * response's headers (a DPoP nonce).
 *
 * Core knows nothing of OAuth: this module only defines the seam. The default is no authorization
 * (no headers; a 401 or 403 fails the request with `HttpStatus`). `@effect-mcp/auth` provides the
 * bearer and OAuth 2.1 layers; {@link layerHeaders} covers static credentials such as an API key.
 *
 * **Example** (A static bearer token)
 *
 * ```ts
 * import { Redacted } from "effect"
 * import { McpAuth } from "@effect-mcp/core"
 *
 * const AuthLive = McpAuth.layerHeaders({ Authorization: Redacted.make("Bearer s3cret") })
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type { McpAuthError } from "./McpAuthError.ts"

/**
 * The HTTP request the transport is about to send: what a DPoP proof (RFC 9449) signs.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Request {
  /** The HTTP method, upper case. */
  readonly method: string
  readonly url: string
}

/**
 * What the transport tells the hook about a response: its status and headers (lower-case names),
 * for `DPoP-Nonce` and `WWW-Authenticate`.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Response {
  readonly request: Request
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
}

/**
 * What the transport tells the hook about a refused request (401 or 403).
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Challenge {
  /** 401 or 403. */
  readonly status: number
  readonly url: string
  /** The `WWW-Authenticate` header, if any (scopes, `resource_metadata`, `error="insufficient_scope"`). */
  readonly wwwAuthenticate: string | undefined
  /**
   * The refused request (since 0.3.0): the very object `headers` was given for it, so a hook can tell
   * which credentials the refused request carried (an identity-keyed `WeakMap`).
   */
  readonly request: Request
  /** The response headers, lower-case names (since 0.3.0). */
  readonly headers: Readonly<Record<string, string>>
  /** How many challenges this request met so far, this one included: 1 for the first (since 0.3.0). */
  readonly attempt: number
}

/**
 * The most challenges a transport answers for one request: the hook decides how many it retries (a
 * step-up is tried at most three times), this only stops a hook that always says yes.
 *
 * @stability experimental
 * @category constants
 * @since 0.3.0
 */
export const maxChallenges = 6

/**
 * The authorization service.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Service {
  /**
   * Headers to add to a request. Values are `Redacted`: they never reach logs or errors. Failing
   * (a refused login, an unreachable token endpoint) fails the request with the `McpAuthError` as
   * the reason of its `McpTransportError`.
   */
  readonly headers: (
    request: Request
  ) => Effect.Effect<Readonly<Record<string, Redacted.Redacted<string>>>, McpAuthError>
  /**
   * Called when the server answers 401 or 403. Returning `true` sends the request again (with fresh
   * `headers`); `false` fails it with `HttpStatus`; failing fails it with the `McpAuthError`.
   */
  readonly onChallenge: (challenge: Challenge) => Effect.Effect<boolean, McpAuthError>
  /**
   * Called with every response before it is read, when present: a DPoP nonce the server rotates
   * arrives on any response. Leave it out and responses cost nothing extra.
   */
  readonly onResponse?: ((response: Response) => Effect.Effect<void>) | undefined
}

/**
 * The authorization service. Its default adds nothing and never retries.
 *
 * @stability experimental
 * @category services
 * @since 0.1.0
 */
export const McpAuth: Context.Reference<Service> = Context.Reference<Service>("@effect-mcp/core/McpAuth", {
  defaultValue: () => ({ headers: () => Effect.succeed({}), onChallenge: () => Effect.succeed(false) })
})

/**
 * Adds fixed headers (an API key, a pre-issued token) to every request.
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layerHeaders = (
  headers: Readonly<Record<string, Redacted.Redacted<string> | string>>
): Layer.Layer<never> => {
  const redacted: Record<string, Redacted.Redacted<string>> = {}
  for (const [name, value] of Object.entries(headers)) {
    redacted[name] = typeof value === "string" ? Redacted.make(value) : value
  }
  return Layer.succeed(McpAuth, { headers: () => Effect.succeed(redacted), onChallenge: () => Effect.succeed(false) })
}
