/**
 * Property-based protocol testing: drive a server with generated inputs (`effect/Arbitrary`) through
 * the real client, and check generated wire messages with `McpArbitrary`. `McpClientTest.makeClient`
 * gives a client connected to an in-process server, as in a test suite.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Arbitrary, Console, Effect, Schema } from "effect"
import { McpClientTest, McpSchema } from "effect-mcp"
// not in the front door's index: only programs that test load effect/Arbitrary
import * as McpArbitrary from "effect-mcp/McpArbitrary"
import { DemoServer } from "./DemoServer.ts"

const Sum = Schema.Struct({ sum: Schema.Number })
const Operands = Schema.Struct({ a: Schema.Int, b: Schema.Int })

const program = Effect.gen(function*() {
  const client = yield* McpClientTest.makeClient(DemoServer)

  // 1. The server's `add` tool agrees with `+` on 200 generated pairs of integers
  const sums = yield* Arbitrary.checkEffect(
    Arbitrary.schema(Operands),
    ({ a, b }) =>
      client.callTool("add", { a, b }, { output: Sum }).pipe(
        Effect.map(({ sum }) => sum === a + b),
        Effect.orElseSucceed(() => false)
      ),
    { runs: 200 }
  )
  yield* Console.log(`add(a, b) === a + b: ${sums._tag}`)

  // 2. Generated tool results (with unknown extra fields) survive a JSON round trip unchanged
  const encode = Schema.encodeSync(McpSchema.CallToolResult)
  const decode = Schema.decodeUnknownSync(McpSchema.CallToolResult)
  const roundTrip = yield* Arbitrary.checkEffect(
    McpArbitrary.arbitraries.CallToolResult,
    (result) => {
      const wire = JSON.parse(JSON.stringify(encode(result)))
      return JSON.stringify(encode(decode(wire))) === JSON.stringify(wire)
    },
    { runs: 200 }
  )
  yield* Console.log(`CallToolResult round trip: ${roundTrip._tag}`)

  if (sums._tag !== "Passed" || roundTrip._tag !== "Passed") {
    return yield* Effect.die(Arbitrary.formatCheckFailure(sums) ?? Arbitrary.formatCheckFailure(roundTrip))
  }
})

program.pipe(Effect.scoped, NodeRuntime.runMain)
