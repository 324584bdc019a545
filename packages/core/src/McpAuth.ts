/**
 * The authorization hook of the HTTP transports: it adds headers to every request and decides what
 * to do when the server answers 401 or 403.
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

/**
 * What the transport tells the hook about a refused request.
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
}

/**
 * The authorization service.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Service {
  /** Headers to add to a request to `url`. Values are `Redacted`: they never reach logs or errors. */
  readonly headers: (url: string) => Effect.Effect<Readonly<Record<string, Redacted.Redacted<string>>>>
  /**
   * Called when the server answers 401 or 403. Returning `true` retries the request once (with fresh
   * `headers`); `false` fails it with `HttpStatus`.
   */
  readonly onChallenge: (challenge: Challenge) => Effect.Effect<boolean>
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
