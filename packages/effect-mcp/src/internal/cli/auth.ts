/**
 * OAuth at the terminal: `McpOAuth` of `@effect-mcp/auth` with the tokens in the user's file store
 * (`McpTokenStore.layerFile`: `effect-mcp/tokens` in the config directory, `0600` files) and a login in
 * the system browser with a loopback callback, or headless (the URL printed, the redirect pasted back).
 * Loaded only by `login`, `logout` and `--oauth`.
 *
 * @internal
 */
import * as McpLogin from "@effect-mcp/auth/McpLogin"
import * as McpOAuth from "@effect-mcp/auth/McpOAuth"
import * as McpTokenStore from "@effect-mcp/auth/McpTokenStore"
import * as McpClient from "@effect-mcp/core/McpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as McpSource from "../../McpSource.ts"

/** How the user logs in. */
export interface Options {
  /** The server's OAuth options (from its configuration). */
  readonly oauth?: McpOAuth.Options | undefined
  /** Paste the redirect instead of a browser and a loopback callback, with this redirect URI. */
  readonly headless?: string | undefined
}

/** `McpOAuth` (and core's `McpAuth`) over the file store and a browser or headless login. */
export const layer = (options?: Options): Layer.Layer<McpOAuth.McpOAuth> =>
  McpOAuth.layer({ clientName: "effect-mcp", ...options?.oauth }).pipe(
    Layer.provide([
      options?.headless === undefined
        ? McpLogin.layerBrowser()
        : McpLogin.layerHeadless({ redirectUri: options.headless }),
      McpTokenStore.layerFile()
    ]),
    Layer.provide([NodeServices.layer, NodeHttpClient.layerUndici])
  )

/**
 * Logs in to the server at `url` afresh: forgets its tokens, connects (the server's 401 starts the
 * login), and reports the scopes granted. Never prints a token.
 */
export const login = (
  url: string,
  options: Options & { readonly client?: McpClient.Options | undefined }
) =>
  Effect.gen(function*() {
    const oauth = yield* McpOAuth.McpOAuth
    yield* oauth.logout(url)
    yield* Effect.scoped(McpClient.connect(McpSource.layerNode(url), options.client))
    const tokens = yield* oauth.tokens(url)
    const scope = Option.flatMapNullishOr(tokens, (held) => held.scope)
    yield* Console.log(
      `Logged in to ${url}` + Option.match(scope, { onNone: () => ".", onSome: (granted) => ` (scope: ${granted}).` })
    )
  }).pipe(Effect.provide(layer(options)))

/** Forgets the tokens of the server at `url`. */
export const logout = (url: string) =>
  Effect.andThen(McpOAuth.logout(url), Console.log(`Logged out of ${url}.`)).pipe(Effect.provide(layer()))
