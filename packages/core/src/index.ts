/**
 * @effect-mcp/core: the MCP client for Effect applications.
 *
 * `McpArbitrary` (generators of every wire message, for property-based tests) is not re-exported here,
 * so that programs do not load `effect/Arbitrary`: import it as `@effect-mcp/core/McpArbitrary`.
 * `McpToolkit` (MCP tools as an `effect/ai` toolkit) neither, so that they do not load `effect/ai`:
 * `@effect-mcp/core/McpToolkit`.
 *
 * @stability experimental
 * @since 0.1.0
 */

/**
 * The authorization hook of the HTTP transports (headers, 401/403 handling).
 *
 * @since 0.1.0
 */
export * as McpAuth from "./McpAuth.ts"

/**
 * The typed error of authorization, with its reasons.
 *
 * @since 0.3.0
 */
export * as McpAuthError from "./McpAuthError.ts"

/**
 * An optional cache of results, honouring the `ttlMs` / `cacheScope` hints of revision 2026-07-28.
 *
 * @since 0.2.0
 */
export * as McpCache from "./McpCache.ts"

/**
 * An optional memory of the era each server speaks, shared by clients: no `server/discover` probe
 * for a server already found to speak the stateful revisions.
 *
 * @since 0.3.0
 */
export * as McpEraCache from "./McpEraCache.ts"

/**
 * The scoped MCP client service and its operations.
 *
 * @since 0.1.0
 */
export * as McpClient from "./McpClient.ts"

/**
 * Multi-server configurations (`mcpServers`, VS Code `servers`, Codex `mcp_servers`, opencode, Goose),
 * decoded with `${NAME}` interpolation and typed errors.
 *
 * @since 0.3.0
 */
export * as McpConfig from "./McpConfig.ts"

/**
 * A test kit: a client connected to an in-process Effect `McpServer`.
 *
 * @since 0.1.0
 */
export * as McpClientTest from "./McpClientTest.ts"

/**
 * Answers the servers' elicitation requests (form and URL modes).
 *
 * @since 0.1.0
 */
export * as McpElicitation from "./McpElicitation.ts"

/**
 * The typed errors of MCP client operations.
 *
 * @since 0.1.0
 */
export * as McpError from "./McpError.ts"

/**
 * A transport to an Effect `McpServer` running in the same process.
 *
 * @since 0.1.0
 */
export * as McpInMemoryTransport from "./McpInMemoryTransport.ts"

/**
 * What the client does with the servers' log messages.
 *
 * @since 0.1.0
 */
export * as McpLogging from "./McpLogging.ts"

/**
 * A catch-all observer of every server request and notification.
 *
 * @since 0.1.0
 */
export * as McpMessages from "./McpMessages.ts"

/**
 * A client-level handler for progress reports.
 *
 * @since 0.1.0
 */
export * as McpProgress from "./McpProgress.ts"

/**
 * A transport of two in-memory queues with a scripted server side, for tests.
 *
 * @since 0.1.0
 */
export * as McpQueueTransport from "./McpQueueTransport.ts"

/**
 * The roots the client exposes to servers.
 *
 * @since 0.1.0
 */
export * as McpRoots from "./McpRoots.ts"

/**
 * Many servers as one `McpClient`: prefixed names, routing, partial failure and per-server status.
 *
 * @since 0.3.0
 */
export * as McpRouter from "./McpRouter.ts"

/**
 * Answers the servers' sampling requests, with a handler or an `effect/ai` LanguageModel.
 *
 * @since 0.1.0
 */
export * as McpSampling from "./McpSampling.ts"

/**
 * The client side of the skills extension: list, load and read skills, verified against their entries.
 *
 * @since 0.2.0
 */
export * as McpSkills from "./McpSkills.ts"

/**
 * Wire schemas of every MCP message, stateful revisions 2024-11-05 … 2025-11-25.
 *
 * @since 0.1.0
 */
export * as McpSchema from "./McpSchema.ts"

/**
 * Tracing and metrics of requests through Effect's `Tracer` and `Metric`, with W3C trace context in `_meta`.
 *
 * @since 0.3.0
 */
export * as McpTelemetry from "./McpTelemetry.ts"

/**
 * The transport service every transport implements.
 *
 * @since 0.1.0
 */
export * as McpTransport from "./McpTransport.ts"
