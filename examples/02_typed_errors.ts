/**
 * Typed errors: every failure of an MCP call is a tagged error you can catch by tag or by reason.
 * A tool that answers `isError` is `McpToolError`; a request past its timeout is `McpTimeoutError`
 * (the server is told with `notifications/cancelled`); a JSON-RPC error is `McpProtocolError` with
 * reason `RpcError`; `callToolRaw` returns the protocol result instead of raising.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer } from "effect"
import { McpClient, McpInMemoryTransport } from "effect-mcp"
import { DemoServer } from "./DemoServer.ts"

const program = Effect.gen(function*() {
  const client = yield* McpClient.McpClient

  // A tool error, caught by tag
  const quotient = yield* client.callTool("divide", { a: 1, b: 0 }).pipe(
    Effect.as("no error?"),
    Effect.catchTag("McpToolError", (error) => Effect.succeed(`tool ${error.tool} said: ${error.message}`))
  )
  yield* Console.log(quotient)

  // The raw variant hands back the protocol result, isError included
  const raw = yield* client.callToolRaw("divide", { a: 1, b: 0 })
  yield* Console.log(`callToolRaw: isError=${raw.isError}, content=${JSON.stringify(raw.content)}`)

  // A per-call timeout: the call fails with McpTimeoutError after 50 ms, and the server cancels the tool
  const slow = yield* client.callTool("sleep", { millis: 5_000 }, { timeout: "50 millis" }).pipe(
    Effect.as("finished"),
    Effect.catchTag("McpTimeoutError", (error) => Effect.succeed(`timed out: ${error.message}`))
  )
  yield* Console.log(slow)

  // A JSON-RPC error from the server, matched by its reason
  const missing = yield* client.readResource("docs://nowhere").pipe(
    Effect.as("found?"),
    Effect.catchReason(
      "McpProtocolError",
      "RpcError",
      (reason) => Effect.succeed(`server error ${reason.code}: ${reason.description}`),
      (reason) => Effect.succeed(`other protocol problem: ${reason._tag}`)
    )
  )
  yield* Console.log(missing)

  // The session survives all of the above
  yield* client.ping()
  yield* Console.log("still connected")
})

program.pipe(
  Effect.provide(McpClient.layer().pipe(Layer.provide(McpInMemoryTransport.layer(DemoServer)))),
  NodeRuntime.runMain
)
