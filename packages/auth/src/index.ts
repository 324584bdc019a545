/**
 * @effect-mcp/auth: authorization for effect-mcp's HTTP transports, as layers of core's `McpAuth`:
 * bearer tokens, OAuth 2.1 with PKCE, machine credentials and DPoP.
 *
 * @stability experimental
 * @since 0.3.0
 */

/**
 * A pre-issued token (from a string, a `Redacted` or a `Config`) as `Authorization: Bearer …`.
 *
 * @since 0.3.0
 */
export * as McpBearerAuth from "./McpBearerAuth.ts"

/**
 * Machine-to-machine tokens of the client-credentials grant: a client secret or `private_key_jwt`.
 *
 * @since 0.3.0
 */
export * as McpClientCredentials from "./McpClientCredentials.ts"

/**
 * DPoP (RFC 9449): an ES256 key, proofs per request, server nonces; usable with every token layer.
 *
 * @since 0.3.0
 */
export * as McpDpop from "./McpDpop.ts"

/**
 * Enterprise-managed authorization: the user's ID token → an ID-JAG at the identity provider → an
 * access token (RFC 8693, RFC 7523).
 *
 * @since 0.3.0
 */
export * as McpEnterpriseAuth from "./McpEnterpriseAuth.ts"

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

/**
 * Where the auth layers keep tokens and client registrations: in memory, on files, or over a
 * `KeyValueStore`; one entry per server and client identity.
 *
 * @since 0.3.0
 */
export * as McpTokenStore from "./McpTokenStore.ts"

/**
 * Workload identity federation: the workload's own JWT traded for an access token (RFC 7523).
 *
 * @since 0.3.0
 */
export * as McpWorkloadIdentity from "./McpWorkloadIdentity.ts"
