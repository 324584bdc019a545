/**
 * Server logs (`notifications/message`) three ways, each a Layer: into Effect's logger at the
 * matching level (`McpLogging.layerLogger`), through a handler of your own (`McpLogging.layer`), or
 * as a Stream (`McpLogging.layerStream`). Without any layer they go to Effect's logger at debug level.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Fiber, Layer, Stream } from "effect"
import { McpClient, McpInMemoryTransport, McpLogging } from "effect-mcp"
import { DemoServer } from "./DemoServer.ts"

const Transport = McpInMemoryTransport.layer(DemoServer)

const diagnose = Effect.gen(function*() {
  const client = yield* McpClient.McpClient
  yield* client.setLoggingLevel("debug")
  yield* client.callTool("diagnose")
  yield* client.ping()
})

// 1. Effect's logger, at the level each entry has
const toEffectLogger = diagnose.pipe(
  Effect.provide(McpClient.layer().pipe(Layer.provide([Transport, McpLogging.layerLogger])))
)

// 2. A handler of your own
const custom = diagnose.pipe(
  Effect.provide(
    McpClient.layer().pipe(Layer.provide([
      Transport,
      McpLogging.layer((entry) =>
        Console.log(
          `  [${entry.server}/${entry.logger ?? "-"}] ${entry.level.toUpperCase()}: ${JSON.stringify(entry.data)}`
        )
      )
    ]))
  )
)

// 3. A Stream of entries: here, only the errors
const errorsOnly = Effect.gen(function*() {
  const { stream } = yield* McpLogging.McpLogEntries
  const errors = yield* stream.pipe(
    Stream.filter((entry) => entry.level === "error"),
    Stream.take(1),
    Stream.runCollect,
    Effect.forkChild({ startImmediately: true })
  )
  yield* diagnose.pipe(Effect.provide(McpClient.layer().pipe(Layer.provide(Transport))))
  const [error] = yield* Fiber.join(errors)
  yield* Console.log(`  first error from the stream: ${JSON.stringify(error?.data)}`)
}).pipe(Effect.provide(McpLogging.layerStream))

const program = Effect.gen(function*() {
  yield* Console.log("1. McpLogging.layerLogger (Effect's logger at the matching level):")
  yield* toEffectLogger
  yield* Console.log("2. McpLogging.layer (a handler of your own):")
  yield* custom
  yield* Console.log("3. McpLogging.layerStream (a Stream of entries):")
  yield* errorsOnly
})

program.pipe(NodeRuntime.runMain)
