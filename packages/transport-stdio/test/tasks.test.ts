import * as McpClient from "@effect-mcp/core/McpClient"
import * as McpElicitation from "@effect-mcp/core/McpElicitation"
import * as McpError from "@effect-mcp/core/McpError"
import type * as McpSchema from "@effect-mcp/core/McpSchema"
import { NodeServices } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { fileURLToPath } from "node:url"
import * as McpStdioCommand from "../src/McpStdioCommand.ts"
import * as McpStdioTransport from "../src/McpStdioTransport.ts"

/**
 * Tasks of revision 2025-11-25 against a real server: server-everything's `simulate-research-query`
 * runs four one-second stages as a task, and with `ambiguous: true` asks for a clarification
 * (elicitation) while the task waits for input.
 */
const everything = McpStdioTransport.layer(
  McpStdioCommand.infer(
    fileURLToPath(import.meta.resolve("@modelcontextprotocol/server-everything/dist/index.js")),
    { node: process.execPath, args: ["stdio"] }
  )
).pipe(Layer.provide(NodeServices.layer))

const textOf = (result: McpSchema.CallToolResult): string =>
  result.content.map((block) => block.type === "text" ? block.text : "").join("\n")

// the tool requires a task (execution.taskSupport: "required"): a plain call would be refused
const research = "simulate-research-query"

const TaskList = Schema.Struct({
  tasks: Schema.Array(Schema.Struct({ taskId: Schema.String, status: Schema.String }))
})

describe("tasks (2025-11-25) against server-everything", () => {
  it.live("a call with task: true runs as a task and is awaited transparently", () =>
    Effect.gen(function*() {
      const client = yield* McpClient.make({ timeout: "20 seconds" })
      const result = yield* client.callTool(research, { topic: "tides" }, { task: true })
      assert.include(textOf(result), "tides")
    }).pipe(Effect.scoped, Effect.provide(everything)), { timeout: 60_000 })

  it.live(
    "callToolTask hands out the task: its status stream follows the stages until completed",
    () =>
      Effect.gen(function*() {
        const client = yield* McpClient.make({ timeout: "20 seconds" })
        const task = yield* client.callToolTask(research, { topic: "tides" }, { task: { ttl: "1 minute" } })
        assert.isString(task.taskId)
        const states = yield* Stream.runCollect(task.status)
        assert.strictEqual(states[0]?.status, "working")
        assert.strictEqual(states.at(-1)?.status, "completed")
        // the stages show up as status messages
        assert.isTrue(states.filter((state) => state.statusMessage !== undefined).length >= 2)
        assert.include(textOf(yield* task.result), "tides")
      }).pipe(Effect.scoped, Effect.provide(everything)),
    { timeout: 60_000 }
  )

  it.live("a task waiting for input gets it from the elicitation layer", () =>
    Effect.gen(function*() {
      const asked: Array<string> = []
      const client = yield* McpClient.make({ timeout: "20 seconds" }).pipe(
        Effect.provide(McpElicitation.layer((request) =>
          Effect.sync(() => {
            asked.push(request.message)
            return McpElicitation.accept({ interpretation: "ocean tides" })
          })
        ))
      )
      const result = yield* client.callTool(research, { topic: "tides", ambiguous: true }, { task: true })
      assert.strictEqual(asked.length, 1)
      assert.include(textOf(result), "ocean tides")
    }).pipe(Effect.scoped, Effect.provide(everything)), { timeout: 60_000 })

  it.live("interrupting a caller awaiting a task cancels the task", () =>
    Effect.gen(function*() {
      const client = yield* McpClient.make({ timeout: "20 seconds" })
      const call = yield* client.callTool(research, { topic: "tides" }, { task: true }).pipe(
        Effect.forkChild({ startImmediately: true })
      )
      // wait until the task exists, then walk away from it
      const listTasks = client.request("tasks/list", {}, TaskList)
      let tasks = yield* listTasks
      for (let i = 0; i < 50 && tasks.tasks.length === 0; i++) {
        yield* Effect.sleep("50 millis")
        tasks = yield* listTasks
      }
      assert.strictEqual(tasks.tasks.length, 1)
      yield* Fiber.interrupt(call)
      for (let i = 0; i < 50 && tasks.tasks[0]?.status !== "cancelled"; i++) {
        yield* Effect.sleep("50 millis")
        tasks = yield* listTasks
      }
      assert.strictEqual(tasks.tasks[0]?.status, "cancelled")
    }).pipe(Effect.scoped, Effect.provide(everything)), { timeout: 60_000 })

  it.live("callToolTask leaves the task running; cancel ends it, and its result fails", () =>
    Effect.gen(function*() {
      const client = yield* McpClient.make({ timeout: "20 seconds" })
      const task = yield* client.callToolTask(research, { topic: "tides" }, { task: true })
      yield* task.cancel
      const states = yield* Stream.runCollect(task.status)
      assert.strictEqual(states.at(-1)?.status, "cancelled")
      const error = yield* Effect.flip(task.result)
      assert.instanceOf(error, McpError.McpProtocolError)
    }).pipe(Effect.scoped, Effect.provide(everything)), { timeout: 60_000 })
})
