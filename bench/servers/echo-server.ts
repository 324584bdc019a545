/**
 * The benchmark's server: the official SDK's low-level `Server` over stdio with two tools, `add` and
 * `echo`, and no validation work beyond the SDK's own, so that the clients' costs dominate.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js"
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js"
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js"

const server = new Server({ name: "bench-server", version: "1.0.0" }, { capabilities: { tools: {} } })
server.setRequestHandler(ListToolsRequestSchema, () => ({
  tools: [
    { name: "add", inputSchema: { type: "object" } },
    { name: "echo", inputSchema: { type: "object" } }
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
void server.connect(new StdioServerTransport())
