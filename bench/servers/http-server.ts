/**
 * The HTTP benchmark's server: the official SDK's low-level `Server` behind its Streamable HTTP
 * transport, with sessions, answering with JSON bodies (`MODE=json`) or SSE streams (`MODE=sse`).
 * Tools `add` and `echo`. Prints `listening <port>` on stdout when ready.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js"
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js"
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js"
import { randomUUID } from "node:crypto"
import { createServer, type IncomingMessage } from "node:http"

const json = process.env.MODE === "json"

const makeServer = () => {
  const server = new Server({ name: "bench-http-server", version: "1.0.0" }, { capabilities: { tools: {} } })
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

const readBody = (req: IncomingMessage) =>
  new Promise<unknown>((resolve) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined))
  })

const transports = new Map<string, StreamableHTTPServerTransport>()
const http = createServer((req, res) => {
  void (async () => {
    const body = req.method === "POST" ? await readBody(req) : undefined
    const sessionId = req.headers["mcp-session-id"]
    const existing = typeof sessionId === "string" ? transports.get(sessionId) : undefined
    if (existing !== undefined) return existing.handleRequest(req, res, body)
    if (req.method !== "POST") return void res.writeHead(405).end()
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: json,
      onsessioninitialized: (id) => {
        transports.set(id, transport)
      }
    })
    transport.onclose = () => {
      if (transport.sessionId !== undefined) transports.delete(transport.sessionId)
    }
    await makeServer().connect(transport)
    await transport.handleRequest(req, res, body)
  })()
})
http.keepAliveTimeout = 60_000
http.listen(0, "127.0.0.1", () => {
  const address = http.address()
  process.stdout.write(`listening ${typeof address === "object" && address !== null ? address.port : 0}\n`)
})
