/**
 * HTTP benchmark: this client (`McpHttpTransport` on undici) against the official SDK client
 * (`StreamableHTTPClientTransport`), against the same SDK server in the same run, once with JSON
 * answers and once with SSE answers.
 */
import { McpHttpTransport } from "@effect-mcp/transport-http"
import { NodeHttpClient } from "@effect/platform-node"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import { ManagedRuntime } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { compare, type Driver, effectMcpDriver, sdkDriver } from "./harness.ts"

const startServer = (mode: "json" | "sse") =>
  new Promise<{ url: string; child: ChildProcess }>((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL("./servers/http-server.ts", import.meta.url))], {
      env: { ...process.env, MODE: mode },
      stdio: ["ignore", "pipe", "inherit"]
    })
    child.stdout!.on("data", (chunk: Buffer) => {
      const port = /listening (\d+)/.exec(String(chunk))?.[1]
      if (port !== undefined) resolve({ url: `http://127.0.0.1:${port}/mcp`, child })
    })
  })

const drivers = (url: string): ReadonlyArray<Driver> => {
  // one runtime (one undici agent) for the run, as an application would have
  const platform = ManagedRuntime.make(NodeHttpClient.layerUndici)
  const transport = McpHttpTransport.layer({ url })
  const sdk = sdkDriver(() => new StreamableHTTPClientTransport(new URL(url)))
  return [sdk, effectMcpDriver(platform, transport), effectMcpDriver(platform, transport, "legacy")]
}

export const run = async () => {
  for (const mode of ["json", "sse"] as const) {
    const { url, child } = await startServer(mode)
    await compare(`Streamable HTTP, ${mode === "json" ? "JSON" : "SSE"} answers`, drivers(url))
    child.kill()
  }
}
