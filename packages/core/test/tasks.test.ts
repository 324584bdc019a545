import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import { TestClock } from "effect/testing"
import * as McpClient from "../src/McpClient.ts"
import * as McpElicitation from "../src/McpElicitation.ts"
import * as McpError from "../src/McpError.ts"
import * as McpQueueTransport from "../src/McpQueueTransport.ts"
import * as ScriptedPeer from "./fixtures/ScriptedPeer.ts"

/**
 * The tasks extension of 2026-07-28 (`io.modelcontextprotocol/tasks`) against a scripted server (no
 * server implements the extension yet): `long` becomes a task that works, waits for a confirmation,
 * then completes with it; `failing` fails; `slow` works until cancelled.
 */
type Tasks = Map<string, { tool: string; polls: number; answer?: unknown; cancelled?: boolean }>

const server = (log: Array<ScriptedPeer.ClientMessage>, tasks: Tasks = new Map()) => (peer: McpQueueTransport.Peer) =>
  Effect.gen(function*() {
    const task = (taskId: string, status: string, rest?: Record<string, unknown>) => ({
      resultType: "complete",
      taskId,
      status,
      createdAt: "2026-11-25T00:00:00Z",
      lastUpdatedAt: "2026-11-25T00:00:00Z",
      ttlMs: 60_000,
      pollIntervalMs: 200,
      ...rest
    })
    while (true) {
      const taken = yield* Effect.result(peer.receive)
      if (taken._tag === "Failure") return
      const message = taken.success as ScriptedPeer.ClientMessage
      log.push(message)
      if (message.id === undefined) continue
      const params = message.params ?? {}
      const reply = (result: Record<string, unknown>) => peer.send({ jsonrpc: "2.0", id: message.id, result })
      switch (message.method) {
        case "server/discover": {
          yield* reply({
            resultType: "complete",
            supportedVersions: ["2026-07-28"],
            capabilities: { tools: {}, extensions: { "io.modelcontextprotocol/tasks": {} } },
            ttlMs: 0,
            cacheScope: "private"
          })
          break
        }
        case "tools/call": {
          const taskId = `task-${params.name as string}`
          tasks.set(taskId, { tool: params.name as string, polls: 0 })
          yield* reply({ ...task(taskId, "working"), resultType: "task" })
          break
        }
        case "tasks/get": {
          const taskId = params.taskId as string
          const state = tasks.get(taskId)!
          state.polls++
          // `flaky` loses its connection at its first poll; the task lives on in the server
          if (state.tool === "flaky" && state.polls === 1) return yield* peer.close
          if (state.cancelled === true) yield* reply(task(taskId, "cancelled", { statusMessage: "as asked" }))
          else if (state.tool === "failing") {
            yield* reply(task(taskId, "failed", { error: { code: -32000, message: "boom" } }))
          } else if (state.tool === "slow") yield* reply(task(taskId, "working"))
          else if (state.answer !== undefined) {
            yield* reply(task(taskId, "completed", {
              result: { content: [{ type: "text", text: `done: ${JSON.stringify(state.answer)}` }] }
            }))
          } else if (state.polls === 1) yield* reply(task(taskId, "working", { statusMessage: "step 1" }))
          else {
            yield* reply(task(taskId, "input_required", {
              inputRequests: {
                confirm: {
                  method: "elicitation/create",
                  params: { message: "Go on?", requestedSchema: { type: "object", properties: {} } }
                }
              }
            }))
          }
          break
        }
        case "tasks/update": {
          tasks.get(params.taskId as string)!.answer = (params.inputResponses as Record<string, unknown>).confirm
          yield* reply({ resultType: "complete" })
          break
        }
        case "tasks/cancel": {
          tasks.get(params.taskId as string)!.cancelled = true
          yield* reply({ resultType: "complete" })
          break
        }
      }
    }
  })

const client = (log: Array<ScriptedPeer.ClientMessage>) =>
  McpClient.make().pipe(
    Effect.provide(McpQueueTransport.layer(server(log))),
    Effect.provide(McpElicitation.layer(() => Effect.succeed(McpElicitation.accept({ go: true }))))
  )

/** Steps the clock by the poll interval until the fiber is done. */
const runPolls = <A, E>(fiber: Fiber.Fiber<A, E>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 50 && fiber.pollUnsafe() === undefined; i++) {
      yield* TestClock.adjust("200 millis")
      for (let j = 0; j < 20; j++) yield* Effect.yieldNow
    }
    return yield* Fiber.join(fiber)
  })

describe("tasks extension (2026-07-28)", () => {
  it.effect("a call the server turns into a task is awaited: polled, its input answered, its result returned", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const c = yield* client(log)
      const fiber = yield* c.callTool("long").pipe(Effect.forkChild({ startImmediately: true }))
      const result = yield* runPolls(fiber)
      const block = result.content[0] as { readonly text: string }
      assert.strictEqual(block.text, "done: {\"action\":\"accept\",\"content\":{\"go\":true}}")
      // the extension is declared on every request; the input went back with tasks/update
      const call = log.find((m) => m.method === "tools/call")!
      const meta = call.params?._meta as Record<string, { readonly extensions?: unknown }>
      assert.deepStrictEqual(meta["io.modelcontextprotocol/clientCapabilities"]?.extensions, {
        "io.modelcontextprotocol/tasks": {}
      })
      const updates = log.filter((m) => m.method === "tasks/update")
      assert.strictEqual(updates.length, 1)
      assert.deepStrictEqual(updates[0]!.params?.taskId, "task-long")
    }).pipe(Effect.scoped))

  it.effect("the status stream emits each change and ends with the task", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const c = yield* client(log)
      const task = yield* c.callToolTask("long")
      assert.strictEqual(task.taskId, "task-long")
      const fiber = yield* Stream.runCollect(task.status).pipe(Effect.forkChild({ startImmediately: true }))
      const states = yield* runPolls(fiber)
      assert.deepStrictEqual(states.map((s) => [s.status, s.statusMessage]), [
        ["working", undefined],
        ["working", "step 1"],
        ["input_required", undefined],
        ["completed", undefined]
      ])
      assert.deepStrictEqual([states[0]!.ttlMillis, states[0]!.pollIntervalMillis], [60_000, 200])
    }).pipe(Effect.scoped))

  it.effect("a failed task fails the call with its JSON-RPC error", () =>
    Effect.gen(function*() {
      const c = yield* client([])
      const fiber = yield* c.callTool("failing").pipe(Effect.flip, Effect.forkChild({ startImmediately: true }))
      const error = yield* runPolls(fiber)
      assert.instanceOf(error, McpError.McpProtocolError)
      assert.deepStrictEqual(error.reason, new McpError.RpcError({ code: -32000, description: "boom" }))
    }).pipe(Effect.scoped))

  it.effect("interrupting the caller sends tasks/cancel; a cancelled task fails with TaskCancelled", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const c = yield* client(log)
      const fiber = yield* c.callTool("slow").pipe(Effect.forkChild({ startImmediately: true }))
      // the task exists (and is being polled) before the caller walks away
      for (let i = 0; i < 20 && !log.some((m) => m.method === "tasks/get"); i++) {
        yield* TestClock.adjust("200 millis")
        for (let j = 0; j < 20; j++) yield* Effect.yieldNow
      }
      yield* Fiber.interrupt(fiber)
      for (let i = 0; i < 100 && !log.some((m) => m.method === "tasks/cancel"); i++) yield* Effect.yieldNow
      assert.deepStrictEqual(log.find((m) => m.method === "tasks/cancel")?.params?.taskId, "task-slow")
      const task = yield* c.callToolTask("slow")
      yield* task.cancel
      const waiting = yield* Effect.flip(task.result).pipe(Effect.forkChild({ startImmediately: true }))
      const error = yield* runPolls(waiting)
      assert.instanceOf(error, McpError.McpProtocolError)
      assert.deepStrictEqual(
        error.reason,
        new McpError.TaskCancelled({ taskId: "task-slow", statusMessage: "as asked" })
      )
    }).pipe(Effect.scoped))
})

describe("tasks extension (2026-07-28), across connections", () => {
  it.effect("a stateless task is polled on the new connection after its connection died", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const tasks: Tasks = new Map()
      const c = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer(server(log, tasks))),
        Effect.provide(McpElicitation.layer(() => Effect.succeed(McpElicitation.accept({ go: true }))))
      )
      const fiber = yield* c.callTool("flaky").pipe(Effect.forkChild({ startImmediately: true }))
      const result = yield* runPolls(fiber)
      assert.include((result.content[0] as { readonly text: string }).text, "done")
      // discovered twice: once per connection
      assert.strictEqual(log.filter((m) => m.method === "server/discover").length, 2)
    }).pipe(Effect.scoped))
})

describe("core tasks (2025-11-25), scripted", () => {
  it.effect("a timeout while awaiting a task cancels the task and names tools/call", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const c = yield* McpClient.make({ protocolVersion: "legacy" }).pipe(
        Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({
          log,
          initialize: { capabilities: { tools: {}, tasks: { cancel: {}, requests: { tools: { call: {} } } } } },
          onMessage: (message) => {
            if (message.method === "tools/call") {
              return Effect.succeed({
                result: {
                  task: {
                    taskId: "t1",
                    status: "working",
                    createdAt: "2025-11-25T00:00:00Z",
                    lastUpdatedAt: "2025-11-25T00:00:00Z",
                    ttl: null
                  }
                }
              })
            }
            // tasks/result never answers; tasks/cancel does
            return message.method === "tasks/cancel" ? Effect.succeed({ result: {} }) : Effect.never
          }
        })))
      )
      const fiber = yield* c.callTool("slow", {}, { task: true, timeout: "10 seconds" }).pipe(
        Effect.flip,
        Effect.forkChild({ startImmediately: true })
      )
      // the task exists and is awaited with tasks/result before the clock moves
      for (let i = 0; i < 100 && !log.some((m) => m.method === "tasks/result"); i++) yield* Effect.yieldNow
      yield* TestClock.adjust("10 seconds")
      const error = yield* Fiber.join(fiber)
      assert.instanceOf(error, McpError.McpTimeoutError)
      assert.strictEqual(error.method, "tools/call")
      for (let i = 0; i < 100 && !log.some((m) => m.method === "tasks/cancel"); i++) yield* Effect.yieldNow
      const call = log.find((m) => m.method === "tools/call")!
      assert.deepStrictEqual(call.params?.task, {})
      assert.deepStrictEqual(log.find((m) => m.method === "tasks/cancel")?.params?.taskId, "t1")
    }).pipe(Effect.scoped))
})
