/**
 * Everything a server sends on its own: `McpMessages.layer` observes every server request and
 * notification; the client's typed streams (`toolListChanged`, `promptListChanged`,
 * `resourceListChanged`, `resourceUpdated`) cover the common notifications.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Fiber, Layer, Stream } from "effect"
import { McpClient, McpInMemoryTransport, McpMessages } from "effect-mcp"
import { DemoServer } from "./DemoServer.ts"

const program = Effect.gen(function*() {
  const client = yield* McpClient.McpClient
  const toolsChanged = yield* client.toolListChanged.pipe(
    Stream.take(1),
    Stream.runCollect,
    Effect.forkChild({ startImmediately: true })
  )
  yield* client.callTool("reload")
  yield* Fiber.join(toolsChanged)
  const tools = yield* client.listTools()
  yield* Console.log(`tools changed; re-listed ${tools.length} tools`)
})

const ClientLive = McpClient.layer().pipe(
  Layer.provide([
    McpInMemoryTransport.layer(DemoServer),
    McpMessages.layer((message) => Console.log(`  observed ${message._tag.toLowerCase()}: ${message.method}`))
  ])
)

program.pipe(Effect.provide(ClientLive), NodeRuntime.runMain)
