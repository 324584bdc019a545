/**
 * Progress: per call (`onProgress`), for every request (`McpProgress.layer`), or as a Stream of events
 * ending with the result (`callToolStream`).
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Stream } from "effect"
import { McpClient, McpInMemoryTransport, McpProgress } from "effect-mcp"
import { DemoServer } from "./DemoServer.ts"

const program = Effect.gen(function*() {
  const client = yield* McpClient.McpClient

  yield* Console.log("per call:")
  yield* client.callTool("forecast", { city: "Lima", days: 2 }, {
    onProgress: (p) => Console.log(`  ${p.progress}/${p.total} ${p.message ?? ""}`)
  })

  yield* Console.log("client-level handler (McpProgress.layer):")
  yield* client.callTool("forecast", { city: "Oslo", days: 2 })

  yield* Console.log("as a Stream:")
  yield* client.callToolStream("forecast", { city: "Osaka", days: 3 }).pipe(
    Stream.runForEach((event) =>
      event._tag === "Progress"
        ? Console.log(`  progress ${event.progress.progress}/${event.progress.total}`)
        : Console.log(`  result: ${JSON.stringify(event.result.structuredContent)}`)
    )
  )
})

const ClientLive = McpClient.layer().pipe(
  Layer.provide([
    McpInMemoryTransport.layer(DemoServer),
    McpProgress.layer((p, { method }) =>
      Console.log(`  [${method}] ${p.progress}/${p.total ?? "?"} ${p.message ?? ""}`)
    )
  ])
)

program.pipe(Effect.provide(ClientLive), NodeRuntime.runMain)
