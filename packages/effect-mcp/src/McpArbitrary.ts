/**
 * Schema-derived generators of every MCP wire message, for property-based tests: `@effect-mcp/core`'s
 * `McpArbitrary`, under the front door. Not re-exported from the front door's index, so that programs
 * that do not test load no `effect/Arbitrary`.
 *
 * **Example** (A generated tool result)
 *
 * ```ts
 * import { Arbitrary } from "effect"
 * import * as McpArbitrary from "effect-mcp/McpArbitrary"
 *
 * const results = Arbitrary.sampleEffect(McpArbitrary.arbitraries.CallToolResult)
 * ```
 *
 * @stability experimental
 * @since 0.3.0
 */
export * from "@effect-mcp/core/McpArbitrary"
