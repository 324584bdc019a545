/**
 * The scaling benchmark's server: MCP by hand over stdio (NDJSON), so that its own cost stays small and known.
 * `node scaling-server.ts <tool count>` serves:
 * - `tools/list`: that many tools, 100 a page (the cursor is the page's number);
 * - tool `hold` `{ n }`: answers nothing until `n` calls of it are pending, then answers them all (so `n`
 *   requests are in flight at once);
 * - tool `progress` `{ bytes, chunk }`: progress notifications whose messages add up to `bytes`, `chunk` each,
 *   then its result;
 * - tool `big` `{ bytes }`: one result whose text is `bytes` long;
 * - tool `add`.
 * It writes with back-pressure (waits for `drain`), so a slow client slows it instead of growing its buffers.
 */
import { once } from "node:events"

const toolCount = Number(process.argv[2] ?? 0)
const PAGE = 100

interface Request {
  readonly id: number | string
  readonly method: string
  readonly params?: {
    readonly cursor?: string
    readonly name?: string
    readonly arguments?: Record<string, number>
    readonly _meta?: { readonly progressToken?: string | number }
  }
}

const send = async (message: unknown) => {
  if (!process.stdout.write(JSON.stringify(message) + "\n")) await once(process.stdout, "drain")
}
const reply = (id: Request["id"], result: unknown) => send({ jsonrpc: "2.0", id, result })
const text = (value: string) => ({ content: [{ type: "text", text: value }] })

const tool = (i: number) => ({
  name: `tool_${i}`,
  description: `Tool number ${i} of the scaling benchmark`,
  inputSchema: { type: "object", properties: { a: { type: "number" }, b: { type: "string" } }, required: ["a"] }
})

const listTools = (request: Request) => {
  const page = Number(request.params?.cursor ?? 0)
  const end = Math.min(toolCount, (page + 1) * PAGE)
  const tools = Array.from({ length: end - page * PAGE }, (_, i) => tool(page * PAGE + i))
  return reply(request.id, end < toolCount ? { tools, nextCursor: String(page + 1) } : { tools })
}

let held: Array<Request["id"]> = []
const hold = async (request: Request, n: number) => {
  held.push(request.id)
  if (held.length < n) return
  const ids = held
  held = []
  for (const id of ids) await reply(id, text("held"))
}

const progress = async (request: Request, bytes: number, chunk: number) => {
  const progressToken = request.params?._meta?.progressToken
  const message = "p".repeat(chunk)
  for (let sent = 0, i = 1; sent < bytes; sent += chunk, i++) {
    await send({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken, progress: i, message } })
  }
  await reply(request.id, text("done"))
}

const callTool = (request: Request) => {
  const args = request.params?.arguments ?? {}
  switch (request.params?.name) {
    case "hold":
      return hold(request, args.n!)
    case "progress":
      return progress(request, args.bytes!, args.chunk!)
    case "big":
      return reply(request.id, text("b".repeat(args.bytes!)))
    default:
      return reply(request.id, text(String(Number(args.a) + Number(args.b))))
  }
}

const handle = (request: Request) => {
  if (request.id === undefined) return
  switch (request.method) {
    case "initialize":
      return reply(request.id, {
        protocolVersion: "2025-11-25",
        capabilities: { tools: {} },
        serverInfo: { name: "bench-scaling-server", version: "1.0.0" }
      })
    case "tools/list":
      return listTools(request)
    case "tools/call":
      return callTool(request)
    case "ping":
      return reply(request.id, {})
    default:
      return send({ jsonrpc: "2.0", id: request.id, error: { code: -32601, message: `no method ${request.method}` } })
  }
}

let buffer = ""
process.stdin.setEncoding("utf8").on("data", (chunk: string) => {
  buffer += chunk
  let newline: number
  while ((newline = buffer.indexOf("\n")) >= 0) {
    const line = buffer.slice(0, newline)
    buffer = buffer.slice(newline + 1)
    if (line.trim() !== "") void handle(JSON.parse(line) as Request)
  }
})
process.stdin.on("end", () => process.exit(0))
