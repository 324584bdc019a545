/**
 * The two tools every benchmark server offers, `add` (with structured output) and `echo`, on the
 * official SDK's low-level `Server`: no validation work beyond the SDK's own, so that the clients'
 * costs dominate.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js"
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js"

export const makeServer = (name: string): Server => {
  const server = new Server({ name, version: "1.0.0" }, { capabilities: { tools: {} } })
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [{ name: "add", inputSchema: { type: "object" } }, { name: "echo", inputSchema: { type: "object" } }]
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
