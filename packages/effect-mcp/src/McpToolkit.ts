/**
 * MCP tools as an `effect/ai` `Toolkit` that a `LanguageModel` calls: `@effect-mcp/core`'s `McpToolkit`,
 * under the front door. Not re-exported from the front door's index, so that programs that do not use
 * `effect/ai` do not load it.
 *
 * **Example** (A model answering with a server's tools)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { LanguageModel } from "effect/ai"
 * import * as McpToolkit from "effect-mcp/McpToolkit"
 *
 * const answer = Effect.gen(function*() {
 *   const toolkit = yield* McpToolkit.make({ include: ["add"] })
 *   return yield* LanguageModel.generateText({ prompt: "What is 2 + 3?", toolkit })
 * })
 * ```
 *
 * @stability experimental
 * @since 0.3.0
 */
export * from "@effect-mcp/core/McpToolkit"
