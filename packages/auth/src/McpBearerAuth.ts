/**
 * A pre-issued token (an API key, a personal access token) as the authorization of an HTTP
 * transport: `Authorization: Bearer <token>` on every request. The token may come from a `Config`
 * (an environment variable), so it is read when the layer is built and never written in code.
 *
 * It does not refresh: a 401 fails the request with `HttpStatus`. For tokens that expire, use the
 * OAuth or machine-credential layers.
 *
 * **Example** (A token from the environment)
 *
 * ```ts
 * import { Config, Layer } from "effect"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { McpBearerAuth } from "@effect-mcp/auth"
 * import { McpHttpTransport } from "@effect-mcp/transport-http"
 *
 * const TransportLive = McpHttpTransport.layer({ url: "https://example.com/mcp" }).pipe(
 *   Layer.provide(McpBearerAuth.layer(Config.Redacted("MCP_TOKEN"))),
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 * ```
 *
 * @stability experimental
 * @since 0.3.0
 */
import * as McpAuth from "@effect-mcp/core/McpAuth"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

/**
 * A token: as a string, a `Redacted`, or a `Config` of either.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type Token =
  | string
  | Redacted.Redacted<string>
  | Config.Config<string>
  | Config.Config<Redacted.Redacted<string>>

/**
 * Options of {@link layer}.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Options {
  /** The header that carries the token. Default `Authorization`. */
  readonly header?: string | undefined
  /**
   * What precedes the token. Default `Bearer` in `Authorization`, nothing in another header; `""`
   * sends the bare token.
   */
  readonly scheme?: string | undefined
}

/**
 * The header value: the scheme and the bare token (a token the caller already prefixed with the
 * scheme is not prefixed twice).
 */
const headerValue = (token: Redacted.Redacted<string>, scheme: string): Redacted.Redacted<string> => {
  const bare = Redacted.value(token).trim()
  if (scheme === "" || bare.toLowerCase().startsWith(`${scheme.toLowerCase()} `)) return Redacted.make(bare)
  return Redacted.make(`${scheme} ${bare}`)
}

/**
 * The `McpAuth` service of a fixed token.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const make = (token: Redacted.Redacted<string> | string, options?: Options): McpAuth.Service => {
  const header = options?.header ?? "Authorization"
  const scheme = options?.scheme ?? (header.toLowerCase() === "authorization" ? "Bearer" : "")
  const headers = {
    [header]: headerValue(typeof token === "string" ? Redacted.make(token) : token, scheme)
  }
  return { headers: () => Effect.succeed(headers), onChallenge: () => Effect.succeed(false) }
}

/**
 * Sends a fixed token with every request of the HTTP transport it is given to. Callers give the
 * bare token; the layer adds `Bearer ` (or `options.scheme`) and puts it in `Authorization` (or
 * `options.header`). A `Config` is read when the layer is built: a missing variable fails the layer
 * with its `ConfigError`.
 *
 * **Example** (An API key in a custom header)
 *
 * ```ts
 * import { Config } from "effect"
 * import { McpBearerAuth } from "@effect-mcp/auth"
 *
 * const AuthLive = McpBearerAuth.layer(Config.Redacted("SEARCH_API_KEY"), { header: "X-API-Key" })
 * ```
 *
 * @stability experimental
 * @category layers
 * @since 0.3.0
 */
export const layer = (token: Token, options?: Options): Layer.Layer<never, Config.ConfigError> =>
  Config.isConfig(token)
    ? Layer.effect(McpAuth.McpAuth)(
      Effect.map(token as Config.Config<string | Redacted.Redacted<string>>, (value) => make(value, options))
    )
    : Layer.succeed(McpAuth.McpAuth)(make(token, options))
