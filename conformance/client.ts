/**
 * The conformance suite's client (`@modelcontextprotocol/conformance`): the suite runs
 * `node conformance/client.ts <server-url>` with the scenario in `MCP_CONFORMANCE_SCENARIO`; the
 * program does the scenario's task with this client and exits 0, or 1 on failure.
 */
import { McpClient, McpElicitation } from "@effect-mcp/core"
import { McpHttpTransport } from "@effect-mcp/transport-http"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"

const url = process.argv.at(-1) ?? ""
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? "initialize"

const task: Effect.Effect<void, unknown, McpClient.McpClient> = Effect.gen(function*() {
  const client = yield* McpClient.McpClient
  switch (scenario) {
    case "initialize": {
      // the handshake is the whole task (the scenario's server offers no capabilities)
      yield* client.session
      return
    }
    case "tools_call": {
      yield* client.callTool("add_numbers", { a: 5, b: 3 })
      return
    }
    case "elicitation-sep1034-client-defaults": {
      yield* client.callTool("test_client_elicitation_defaults")
      return
    }
    case "sse-retry": {
      yield* client.listTools()
      yield* client.callTool("test_reconnection")
      return
    }
    default:
      return yield* Effect.fail(`scenario ${scenario} is not supported yet`)
  }
})

const ClientLive = McpClient.layer({
  clientInfo: { name: "effect-mcp-conformance", version: "0.1.0" },
  timeout: "20 seconds"
}).pipe(
  Layer.provide([
    McpHttpTransport.layerUrl(url),
    // accept every form with the schema's defaults (SEP-1034)
    McpElicitation.layer(() => Effect.succeed(McpElicitation.accept()))
  ]),
  Layer.provide(NodeHttpClient.layerUndici)
)

task.pipe(Effect.provide(ClientLive), NodeRuntime.runMain)
