/**
 * The two tools every benchmark server offers, `add` (with structured output) and `echo` (padded to
 * `BENCH_TOOLS` tools with idle ones, for the router benchmark), on the
 * official SDK's low-level `Server`: no validation work beyond the SDK's own, so that the clients'
 * costs dominate.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js"
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js"

export const makeServer = (name: string): Server => {
  const server = new Server({ name, version: "1.0.0" }, { capabilities: { tools: {} } })
  // BENCH_TOOLS pads the listing to that many tools (the router benchmark lists 50 × 200)
  const padding = Array.from(
    { length: Math.max(0, Number(process.env.BENCH_TOOLS ?? 0) - 2) },
    (_, i) => ({ name: `tool_${i}`, description: `Padding tool number ${i}`, inputSchema: { type: "object" } })
  )
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [
      { name: "add", inputSchema: { type: "object" } },
      { name: "echo", inputSchema: { type: "object" } },
      ...padding
    ]
  }))
  server.setRequestHandler(CallToolRequestSchema, (request) => {
    const args = request.params.arguments ?? {}
    if (request.params.name === "add") {
      const sum = Number(args.a) + Number(args.b)
      return { content: [{ type: "text", text: String(sum) }], structuredContent: { sum } }
    }
    return { content: [{ type: "text", text: String(args.text) }] }
  })
  return server
}
