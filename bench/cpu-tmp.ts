import { McpStdioTransport } from "@effect-mcp/transport-stdio"
import { NodeServices } from "@effect/platform-node"
import { ManagedRuntime } from "effect"
import { fileURLToPath } from "node:url"
import { effectMcpDriver } from "./harness.ts"
const server = {
  command: process.execPath,
  args: [fileURLToPath(new URL("./servers/echo-server.ts", import.meta.url))]
}
const platform = ManagedRuntime.make(NodeServices.layer)
const transport = McpStdioTransport.layer({ ...server, keepAlive: false, stderr: "ignore" })
const driver = effectMcpDriver(platform, transport, "legacy")
const session = await driver.connect()
await session.calls(2000, 1)
await session.calls(5000, 64)
const measure = async (n: number, c: number) => {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await session.calls(n, c)
  const cpu = process.cpuUsage(cpu0)
  const ms = performance.now() - t0
  return { cpuUs: ((cpu.user + cpu.system) / n).toFixed(1), perSec: Math.round(n / ms * 1000) }
}
const seq = await measure(20000, 1)
const par = { cpuUs: 0, perSec: 0 }
console.log(JSON.stringify({ seq, par }))
await session.close()
await platform.dispose()
