/**
 * The HTTP benchmark's server: the official SDK's low-level `Server` behind its Streamable HTTP
 * transport, with sessions, answering with JSON bodies (`MODE=json`) or SSE streams (`MODE=sse`).
 * Tools `add` and `echo` (see `tools.ts`). Prints `listening <port>` on stdout when ready.
 */
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js"
import { randomUUID } from "node:crypto"
import { createServer, type IncomingMessage } from "node:http"
import { makeServer } from "./tools.ts"

const json = process.env.MODE === "json"

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
    await makeServer("bench-http-server").connect(transport)
    await transport.handleRequest(req, res, body)
  })()
})
http.keepAliveTimeout = 60_000
http.listen(0, "127.0.0.1", () => {
  const address = http.address()
  process.stdout.write(`listening ${typeof address === "object" && address !== null ? address.port : 0}\n`)
})
