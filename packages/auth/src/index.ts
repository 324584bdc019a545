/**
 * @effect-mcp/auth: authorization for effect-mcp's HTTP transports, as layers of core's `McpAuth`:
 * bearer tokens, OAuth 2.1 with PKCE, machine credentials and DPoP.
 *
 * @stability experimental
 * @since 0.3.0
 */
