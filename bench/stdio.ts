/**
 * stdio benchmark: this client against the official SDK client (`@modelcontextprotocol/sdk`) and a
 * raw NDJSON client (the protocol by hand: the floor), all against the same server in the same run.
 *
 * Figures: cold start to first result, sequential tools/call throughput, 64-way concurrent tools/call
 * throughput, 1 MiB round trip. Each is reported with its ratio to the SDK (> 1 means faster than the SDK).
 *
 *   npm run bench            # all cases
 *   BENCH_QUICK=1 npm run bench
 */
import { McpStdioTransport } from "@effect-mcp/transport-stdio"
import { NodeServices } from "@effect/platform-node"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js"
import { ManagedRuntime } from "effect"
import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { compare, type Driver, effectMcpDriver, promiseCalls, sdkDriver, type Session } from "./harness.ts"

const server = {
  command: process.execPath,
  args: [fileURLToPath(new URL("./servers/echo-server.ts", import.meta.url))]
}
const platform = ManagedRuntime.make(NodeServices.layer)

const transport = McpStdioTransport.layer({ ...server, keepAlive: false, stderr: "ignore" })
const effectMcp = effectMcpDriver(platform, transport)
const effectMcpLegacy = effectMcpDriver(platform, transport, "legacy")

const sdk = sdkDriver(() => new StdioClientTransport({ ...server, stderr: "ignore" }))

// -- raw NDJSON: the floor --------------------------------------------------------------------------

const raw: Driver = {
  name: "raw NDJSON",
  connect: async () => {
    const child = spawn(server.command, server.args, { stdio: ["pipe", "pipe", "ignore"] })
    const pending = new Map<number, (value: unknown) => void>()
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const message = JSON.parse(line) as { id?: number; result?: unknown }
      if (message.id !== undefined) pending.get(message.id)?.(message.result)
    })
    let id = 0
    const request = (method: string, params: unknown) =>
      new Promise<unknown>((resolve) => {
        const mine = ++id
        pending.set(mine, (value) => {
          pending.delete(mine)
          resolve(value)
        })
        child.stdin!.write(JSON.stringify({ jsonrpc: "2.0", id: mine, method, params }) + "\n")
      })
    await request("initialize", {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "raw", version: "0" }
    })
    child.stdin!.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n")
    const call: Session["call"] = (name, args) => request("tools/call", { name, arguments: args })
    return {
      call,
      calls: promiseCalls(call),
      close: async () => {
        child.stdin!.end()
        await new Promise((resolve) => child.once("exit", resolve))
      }
    }
  }
}

// -- cases ----------------------------------------------------------------------------------------

export const run = async () => {
  await compare("stdio", [raw, sdk, effectMcp, effectMcpLegacy])
  await platform.dispose()
}
