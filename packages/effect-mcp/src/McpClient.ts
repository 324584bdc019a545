/**
 * Core's `McpClient` module, with the front door's single entry {@link layerFrom}: one client for a
 * URL, a script, a command, a configuration object or a configuration file.
 *
 * **Example** (A client from a configuration file)
 *
 * ```ts
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Console, Effect } from "effect"
 * import { McpClient } from "effect-mcp"
 *
 * Effect.gen(function*() {
 *   const client = yield* McpClient.McpClient
 *   yield* Console.log((yield* client.listTools()).map((tool) => tool.name))
 * }).pipe(Effect.provide(McpClient.layerFrom("mcp.json")), NodeRuntime.runMain)
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import * as McpSource from "./McpSource.ts"

/**
 * Everything of core's `McpClient` module: the service, its models, `make`, `connect` and `layer`.
 *
 * @stability experimental
 * @category services
 * @since 0.1.0
 */
export * from "@effect-mcp/core/McpClient"

/**
 * Provides an `McpClient` (and its `McpRouter`) for any source: a URL, a script, a command line, a
 * configuration object (`{ mcpServers: { … } }`) or a configuration file path. See
 * `McpSource.layerFrom`.
 *
 * @stability experimental
 * @category layers
 * @since 0.3.0
 */
export const layerFrom: typeof McpSource.layerFrom = McpSource.layerFrom
