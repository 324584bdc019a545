/**
 * Health through `status`: a router from a real `mcpServers` file (`servers/mcp.json`: two demo servers
 * over stdio, and one whose script does not exist). The broken server is skipped with a warning and
 * retried on a schedule; the others serve. `router.status` is a `SubscriptionRef` of each server's
 * state, so the program prints a health table, shows the broken server failing and restarting, and
 * says which exit code a health check would give. `McpClient.layerFrom` takes the file's path, the
 * same entry as for a URL or a script. No external network.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Schedule, Stream, SubscriptionRef } from "effect"
import { McpClient, McpRouter } from "effect-mcp"
import { fileURLToPath } from "node:url"

const file = fileURLToPath(new URL("./servers/mcp.json", import.meta.url))

const describe = (state: McpRouter.ServerStatus): string => {
  switch (state._tag) {
    case "Ready":
      return `ready (${state.session.serverInfo.name}, ${state.session.protocolVersion})`
    case "Failed":
      return `failed after ${state.attempts} attempt(s): ${state.error.message.split("\n")[0]}`
    case "Restarting":
      return `restarting (attempt ${state.attempt})`
    default:
      return state._tag.toLowerCase()
  }
}

const program = Effect.gen(function*() {
  const router = yield* McpRouter.McpRouter
  const health = yield* SubscriptionRef.get(router.status)
  for (const [name, state] of Object.entries(health)) yield* Console.log(`${name.padEnd(8)} ${describe(state)}`)

  // the program itself does not change: the McpClient service, routed
  const client = yield* McpClient.McpClient
  const tools = (yield* client.listTools()).map((tool) => tool.name)
  yield* Console.log(`tools: ${tools.filter((name) => name.startsWith("again_")).join(", ")} (again: includeTools)`)
  const missing = yield* Effect.flip(client.callTool("missing_add", { a: 1, b: 2 }))
  yield* Console.log(`missing_add -> ${missing._tag}: ${missing.message.split("\n")[0]}`)

  // watch the broken server being retried
  const seen = yield* SubscriptionRef.changes(router.status).pipe(
    Stream.map((all) => all.missing?._tag),
    Stream.changes,
    Stream.take(3),
    Stream.runCollect
  )
  yield* Console.log(`missing: ${seen.join(" -> ")}`)

  const down = Object.entries(yield* SubscriptionRef.get(router.status)).filter(([, s]) => s._tag !== "Ready")
  yield* Console.log(
    `a health check would exit with ${down.length === 0 ? 0 : 1} (${down.map(([n]) => n).join(", ")} down)`
  )
})

program.pipe(
  Effect.provide(McpClient.layerFrom(file, {
    env: { ...process.env, NODE: process.execPath, EXAMPLES: import.meta.dirname },
    stdio: { stderr: "ignore" },
    retry: Schedule.spaced("200 millis")
  })),
  NodeRuntime.runMain
)
