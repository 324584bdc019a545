/**
 * The tools a session listed, by name: a call's route carries its tool as the server listed it
 * (Streamable HTTP mirrors the arguments its `x-mcp-header` annotations name into headers in
 * 2026-07-28). Tools the transport cannot route are left out of the listings, with a warning.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type * as McpSchema from "../McpSchema.ts"

/**
 * The tools of one session.
 */
export interface ToolTable {
  readonly get: (name: string) => McpSchema.Tool | undefined
  /** Records the tools of a listing page, and returns it without those the transport cannot route. */
  readonly learn: (page: McpSchema.ListToolsResult) => Effect.Effect<McpSchema.ListToolsResult>
}

/**
 * An empty table; `unroutable` says why the transport cannot route a tool, if it cannot.
 */
export const make = (unroutable: ((tool: McpSchema.Tool) => string | undefined) | undefined): ToolTable => {
  const tools = new Map<string, McpSchema.Tool>()
  const record = (page: McpSchema.ListToolsResult) => {
    for (const tool of page.tools) tools.set(tool.name, tool)
    return page
  }
  return {
    get: (name) => tools.get(name),
    learn: (page) => {
      if (unroutable === undefined) return Effect.succeed(record(page))
      const dropped: Array<string> = []
      const kept = page.tools.filter((tool) => {
        const reason = unroutable(tool)
        if (reason === undefined) return true
        tools.delete(tool.name)
        dropped.push(`${tool.name} (${reason})`)
        return false
      })
      if (dropped.length === 0) return Effect.succeed(record(page))
      return Effect.as(
        Effect.logWarning("MCP: dropped tools this transport cannot route").pipe(
          Effect.annotateLogs({ "mcp.tools": dropped.join("; ") })
        ),
        record({ ...page, tools: kept })
      )
    }
  }
}
