/**
 * @effect-mcp/auth: authorization for effect-mcp's HTTP transports, as layers of core's `McpAuth`:
 * bearer tokens, OAuth 2.1 with PKCE, machine credentials and DPoP.
 *
 * @stability experimental
 * @since 0.3.0
 */

/**
 * Where the auth layers keep tokens and client registrations: in memory, on files, or over a
 * `KeyValueStore`; one entry per server and client identity.
 *
 * @since 0.3.0
 */
export * as McpTokenStore from "./McpTokenStore.ts"

/**
 * The user's side of a login: the system browser with a loopback callback, a headless prompt, or a
 * function.
 *
 * @since 0.3.0
 */
export * as McpLogin from "./McpLogin.ts"

/**
 * OAuth 2.1 authorization-code login with PKCE as a layer of core's `McpAuth`: discovery, client
 * registration, the login, refresh, step-up and logout.
 *
 * @since 0.3.0
 */
export * as McpOAuth from "./McpOAuth.ts"
