/**
 * Roots: the directories the client lets servers work in. `McpRoots.layer` serves a fixed list;
 * `McpRoots.layerSubscriptionRef` follows a `SubscriptionRef` and tells the server when it changes
 * (`notifications/roots/list_changed`). Paths become `file://` URIs on every platform.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, SubscriptionRef } from "effect"
import { McpClient, McpInMemoryTransport, McpRoots } from "effect-mcp"
import { DemoServer } from "./DemoServer.ts"

const program = Effect.gen(function*() {
  const roots = yield* SubscriptionRef.make<ReadonlyArray<McpRoots.RootInput>>([
    { uri: "/srv/projects/effect-mcp", name: "effect-mcp" }
  ])
  const ClientLive = McpClient.layer().pipe(
    Layer.provide([McpInMemoryTransport.layer(DemoServer), McpRoots.layerSubscriptionRef(roots)])
  )
  yield* Effect.gen(function*() {
    const client = yield* McpClient.McpClient
    const show = Effect.flatMap(
      client.callTool("workspace"),
      (result) => Console.log(`  server sees: ${result.content[0]?.type === "text" ? result.content[0].text : ""}`)
    )
    yield* show
    yield* SubscriptionRef.set(roots, [
      { uri: "/srv/projects/effect-mcp", name: "effect-mcp" },
      { uri: "C:\\Users\\ada\\My Notes", name: "notes" }
    ])
    yield* Console.log("  (roots changed; the server was notified)")
    yield* show
    yield* Console.log(
      `  as URIs: ${(yield* SubscriptionRef.get(roots)).map((r) => McpRoots.toRoot(r).uri).join(", ")}`
    )
  }).pipe(Effect.provide(ClientLive))
})

program.pipe(NodeRuntime.runMain)
