/**
 * @effect-mcp/transport-stdio: MCP servers as child processes.
 *
 * @stability experimental
 * @since 0.1.0
 */

/**
 * Builds a server's command line from a script path or a command string, and its environment.
 *
 * @since 0.1.0
 */
export * as McpStdioCommand from "./McpStdioCommand.ts"

/**
 * The stdio transport: keep-alive, restart, clean shutdown, linear framing.
 *
 * @since 0.1.0
 */
export * as McpStdioTransport from "./McpStdioTransport.ts"
