/**
 * HTTP benchmark: this client (`McpHttpTransport` on undici) against the official SDK client
 * (`StreamableHTTPClientTransport`), against the same SDK server in the same run, once with JSON
 * answers and once with SSE answers.
 */
import { McpClient } from "@effect-mcp/core"
import { McpHttpTransport } from "@effect-mcp/transport-http"
import { NodeHttpClient } from "@effect/platform-node"
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import { Effect, Exit, ManagedRuntime, Scope } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { compare, type Driver, promiseCalls, type Session } from "./harness.ts"

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
  const effectMcp: Driver = {
    name: "effect-mcp",
    connect: async () => {
      const scope = await platform.runPromise(Scope.make())
      const client = await platform.runPromise(
        McpClient.make({ timeout: "60 seconds" }).pipe(
          Effect.provide(McpHttpTransport.layer({ url })),
          Scope.provide(scope)
        )
      )
      return {
        call: (name, args) => platform.runPromise(client.callToolRaw(name, args)),
        calls: (count, concurrency) =>
          platform.runPromise(
            Effect.forEach(
              Array.from({ length: count }, (_, i) => i),
              (i) => client.callToolRaw("add", { a: i, b: 1 }),
              { concurrency, discard: true }
            )
          ),
        close: () => platform.runPromise(Scope.close(scope, Exit.void))
      }
    }
  }
  const sdk: Driver = {
    name: "official SDK",
    connect: async () => {
      const client = new Client({ name: "bench", version: "1.0.0" })
      await client.connect(new StreamableHTTPClientTransport(new URL(url)))
      const call: Session["call"] = (name, args) =>
        client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 })
      return { call, calls: promiseCalls(call), close: () => client.close() }
    }
  }
  return [sdk, effectMcp]
}

export const run = async () => {
  for (const mode of ["json", "sse"] as const) {
    const { url, child } = await startServer(mode)
    await compare(`Streamable HTTP, ${mode === "json" ? "JSON" : "SSE"} answers`, drivers(url))
    child.kill()
  }
}
