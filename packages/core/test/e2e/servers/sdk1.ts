/**
 * The "SDK v1" server of the end-to-end suite: the official TypeScript SDK v1 (`@modelcontextprotocol/sdk`)
 * `McpServer`, which speaks only the stateful revisions (it refuses `server/discover`). Every transport
 * runs this same server: over stdio as a process (`node main.ts sdk1 stdio`), behind the SDK's Streamable
 * HTTP or HTTP+SSE server (`transport-http/test/fixtures/servers.ts`), and in process over an in-memory
 * stdio (`McpInMemoryTransport`, see `NodeStdio.ts`).
 *
 * Tools: `add` (structured), `echo`, `pid` (the serving process's id, as text), `notify` (a log message
 * and a progress report), `elicit` (asks for a name). Test code: the SDK's promises are fine here.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js"
import { z } from "zod"

/** The server's `serverInfo`. */
export const serverInfo = { name: "effect-mcp-sdk1-fixture", version: "1.0.0" } as const

/** A fresh server, not yet connected. */
export const makeServer = (): McpServer => {
  const server = new McpServer({ ...serverInfo }, { capabilities: { logging: {} } })
  server.registerTool("add", { inputSchema: { a: z.number(), b: z.number() } }, ({ a, b }) => ({
    content: [{ type: "text", text: String(a + b) }],
    structuredContent: { sum: a + b }
  }))
  server.registerTool("echo", { inputSchema: { text: z.string() } }, ({ text }) => ({
    content: [{ type: "text", text }]
  }))
  server.registerTool("pid", { inputSchema: {} }, () => ({ content: [{ type: "text", text: String(process.pid) }] }))
  server.registerTool("notify", { inputSchema: {} }, async (_args, extra) => {
    await server.server.sendLoggingMessage({ level: "info", data: "working" }, extra.sessionId)
    const token = extra._meta?.progressToken
    if (token !== undefined) {
      await extra.sendNotification({
        method: "notifications/progress",
        params: { progressToken: token, progress: 1, total: 1 }
      })
    }
    return { content: [{ type: "text", text: "notified" }] }
  })
  server.registerTool("elicit", { inputSchema: {} }, async () => {
    const result = await server.server.elicitInput({
      message: "Name?",
      requestedSchema: { type: "object", properties: { name: { type: "string", default: "Ada" } } }
    })
    return { content: [{ type: "text", text: JSON.stringify(result) }] }
  })
  return server
}
