/**
 * effect-mcp: the MCP client toolkit for Effect applications. This front door re-exports every
 * package of the toolkit; import from here, or from the individual `@effect-mcp/*` packages.
 *
 * `McpArbitrary` (generators of every wire message, for property-based tests) is imported on its own,
 * as `effect-mcp/McpArbitrary`, so that programs do not load `effect/Arbitrary`; `McpToolkit` (MCP tools
 * as an `effect/ai` toolkit) as `effect-mcp/McpToolkit`, so that they do not load `effect/ai`.
 *
 * @stability experimental
 * @since 0.1.0
 */

/**
 * An optional cache of results, honouring the `ttlMs` / `cacheScope` hints of revision 2026-07-28.
 *
 * @since 0.2.0
 */
export { McpCache } from "@effect-mcp/core"

/**
 * An optional memory of the era each server speaks, shared by clients: no `server/discover` probe for
 * a server already found to speak the stateful revisions.
 *
 * @since 0.3.0
 */
export { McpEraCache } from "@effect-mcp/core"

/**
 * The scoped MCP client service and its operations, and `layerFrom`: one client for any source.
 *
 * @since 0.1.0
 */
export * as McpClient from "./McpClient.ts"

/**
 * Multi-server configurations decoded into one model, with `${NAME}` interpolation and typed errors.
 *
 * @since 0.3.0
 */
export { McpConfig } from "@effect-mcp/core"

/**
 * The configuration files of Claude Desktop, Claude Code, Cursor, VS Code, Windsurf, Codex, Gemini CLI,
 * opencode and Goose: found at each platform's paths, read and merged.
 *
 * @since 0.3.0
 */
export * as McpConfigFile from "./McpConfigFile.ts"

/**
 * Many servers as one `McpClient`: prefixed names, routing, partial failure and per-server status.
 *
 * @since 0.3.0
 */
export { McpRouter } from "@effect-mcp/core"

/**
 * A test kit: a client connected to an in-process Effect `McpServer`.
 *
 * @since 0.1.0
 */
export { McpClientTest } from "@effect-mcp/core"

/**
 * The typed errors of MCP client operations.
 *
 * @since 0.1.0
 */
export { McpError } from "@effect-mcp/core"

/**
 * The typed error of authorization, with its reasons.
 *
 * @since 0.3.0
 */
export { McpAuthError } from "@effect-mcp/core"

/**
 * A transport to an Effect `McpServer` running in the same process.
 *
 * @since 0.1.0
 */
export { McpInMemoryTransport } from "@effect-mcp/core"

/**
 * A transport of two in-memory queues with a scripted server side, for tests.
 *
 * @since 0.1.0
 */
export { McpQueueTransport } from "@effect-mcp/core"

/**
 * Wire schemas of every MCP message.
 *
 * @since 0.1.0
 */
export { McpSchema } from "@effect-mcp/core"

/**
 * The transport service every transport implements.
 *
 * @since 0.1.0
 */
export { McpTransport } from "@effect-mcp/core"

/**
 * Answers the servers' elicitation requests (form and URL modes).
 *
 * @since 0.1.0
 */
export { McpElicitation } from "@effect-mcp/core"

/**
 * What the client does with the servers' log messages.
 *
 * @since 0.1.0
 */
export { McpLogging } from "@effect-mcp/core"

/**
 * A catch-all observer of every server request and notification.
 *
 * @since 0.1.0
 */
export { McpMessages } from "@effect-mcp/core"

/**
 * A client-level handler for progress reports.
 *
 * @since 0.1.0
 */
export { McpProgress } from "@effect-mcp/core"

/**
 * The roots the client exposes to servers.
 *
 * @since 0.1.0
 */
export { McpRoots } from "@effect-mcp/core"

/**
 * Answers the servers' sampling requests, with a handler or an `effect/ai` LanguageModel.
 *
 * @since 0.1.0
 */
export { McpSampling } from "@effect-mcp/core"

/**
 * The client side of the skills extension: list, load and read skills, verified against their entries.
 *
 * @since 0.2.0
 */
export { McpSkills } from "@effect-mcp/core"

/**
 * Tracing and metrics of requests through Effect's `Tracer` and `Metric`, with W3C trace context in `_meta`.
 *
 * @since 0.3.0
 */
export { McpTelemetry } from "@effect-mcp/core"

/**
 * The stdio transport: MCP servers as child processes.
 *
 * @since 0.1.0
 */
export { McpStdioTransport } from "@effect-mcp/transport-stdio"

/**
 * Command inference and environment policy for stdio servers.
 *
 * @since 0.1.0
 */
export { McpStdioCommand } from "@effect-mcp/transport-stdio"

/**
 * The Streamable HTTP transport, and the inference of a transport from a URL.
 *
 * @since 0.1.0
 */
export { McpHttpTransport } from "@effect-mcp/transport-http"

/**
 * The legacy HTTP+SSE transport.
 *
 * @since 0.1.0
 */
export { McpSseTransport } from "@effect-mcp/transport-http"

/**
 * The authorization hook of the HTTP transports.
 *
 * @since 0.1.0
 */
export { McpAuth } from "@effect-mcp/core"

/**
 * A transport inferred from a source: a URL (HTTP or SSE) or a local server (stdio).
 *
 * @since 0.1.0
 */
export * as McpSource from "./McpSource.ts"
