/**
 * @effect-mcp/transport-http: MCP over HTTP.
 *
 * @stability experimental
 * @since 0.1.0
 */

/**
 * The Streamable HTTP transport, and the inference of a transport from a URL.
 *
 * @since 0.1.0
 */
export * as McpHttpTransport from "./McpHttpTransport.ts"

/**
 * The legacy HTTP+SSE transport of revision 2024-11-05.
 *
 * @since 0.1.0
 */
export * as McpSseTransport from "./McpSseTransport.ts"
