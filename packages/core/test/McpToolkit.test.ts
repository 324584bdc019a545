/**
 * The `effect/ai` toolkit over real servers (Effect's `McpServer`, the SDK's, a router over two Effect
 * servers), driven by a scripted `LanguageModel` that asks for tool calls and reads their results.
 */
import { assert, describe, it } from "@effect/vitest"
import * as AiError from "effect/ai/AiError"
import * as LanguageModel from "effect/ai/LanguageModel"
import * as Prompt from "effect/ai/Prompt"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import { TestClock } from "effect/testing"
import * as McpClient from "../src/McpClient.ts"
import * as McpClientTest from "../src/McpClientTest.ts"
import * as McpError from "../src/McpError.ts"
import * as McpInMemoryTransport from "../src/McpInMemoryTransport.ts"
import * as McpQueueTransport from "../src/McpQueueTransport.ts"
import * as McpRouter from "../src/McpRouter.ts"
import * as McpToolkit from "../src/McpToolkit.ts"
import * as EffectServer from "./fixtures/EffectServer.ts"
import * as RouterServer from "./fixtures/RouterServer.ts"
import * as ScriptedModel from "./fixtures/ScriptedModel.ts"
import * as ScriptedPeer from "./fixtures/ScriptedPeer.ts"
import * as SdkServer from "./fixtures/SdkServer.ts"

/** Asks the model, runs the tool calls it makes, then asks again with their results (one agent step). */
const step = <Mode extends "return" | "error">(toolkit: McpToolkit.McpToolkit<Mode>, question: string) =>
  Effect.gen(function*() {
    const first = yield* LanguageModel.generateText({ prompt: question, toolkit })
    const history = Prompt.concat(Prompt.make(question), Prompt.fromResponseParts(first.content))
    const second = yield* LanguageModel.generateText({ prompt: history, toolkit })
    return { first, second }
  })

const withModel = (turns: Parameters<typeof ScriptedModel.layer>[0], seen: Array<ScriptedModel.Seen>) =>
  Effect.provide(ScriptedModel.layer(turns, seen))

describe("McpToolkit over an Effect McpServer", () => {
  it.layer(McpClientTest.layer(EffectServer.layer()))("tools as a toolkit", (it) => {
    it.effect("offers every listed tool, with its JSON Schema and description", () =>
      Effect.gen(function*() {
        const toolkit = yield* McpToolkit.fromClient(yield* McpClient.McpClient)
        assert.includeMembers(Object.keys(toolkit.tools), ["add", "echo", "divide", "hang"])
        const add = toolkit.tools["add"]!
        assert.strictEqual(add.description, "Add two numbers")
        assert.deepStrictEqual((add.jsonSchema as { required?: unknown }).required, ["a", "b"])
      }))

    it.effect("a model's tool call reaches the server, and the structured output reaches the model", () =>
      Effect.gen(function*() {
        const seen: Array<ScriptedModel.Seen> = []
        const toolkit = yield* McpToolkit.make()
        const { first, second } = yield* step(toolkit, "What is 2 + 3?").pipe(
          withModel([ScriptedModel.toolCalls(["add", { a: 2, b: 3 }]), ScriptedModel.text("5")], seen)
        )
        assert.include(seen[0]!.tools, "add")
        assert.deepStrictEqual(first.toolResults.map((r) => [r.name, r.isFailure, r.result]), [
          ["add", false, { sum: 5 }]
        ])
        const results = ScriptedModel.toolResults(seen[1]!.prompt)
        assert.deepStrictEqual(results.map((r) => [r.id, r.name, r.isFailure, r.result]), [
          ["call-1", "add", false, { sum: 5 }]
        ])
        assert.strictEqual(second.text, "5")
      }))

    it.effect("isError goes back to the model as a failed result (failureMode \"return\")", () =>
      Effect.gen(function*() {
        const seen: Array<ScriptedModel.Seen> = []
        const toolkit = yield* McpToolkit.make()
        const { first } = yield* step(toolkit, "1 / 0?").pipe(
          withModel([ScriptedModel.toolCalls(["divide", { a: 1, b: 0 }]), ScriptedModel.text("cannot")], seen)
        )
        const result = first.toolResults[0]!
        assert.isTrue(result.isFailure)
        assert.instanceOf(result.result, McpError.McpToolError)
        assert.strictEqual((result.result as McpError.McpToolError).tool, "divide")
        const sent = ScriptedModel.toolResults(seen[1]!.prompt)[0]!
        assert.isTrue(sent.isFailure)
        const encoded = sent.result as { _tag: string; tool: string; result: { isError: boolean; content: unknown } }
        assert.strictEqual(encoded._tag, "McpToolError")
        assert.strictEqual(encoded.result.isError, true)
        assert.include(JSON.stringify(encoded.result.content), "division by zero")
      }))

    it.effect("isError fails the generation with McpToolError (failureMode \"error\")", () =>
      Effect.gen(function*() {
        const toolkit = yield* McpToolkit.make({ failureMode: "error" })
        const error = yield* LanguageModel.generateText({ prompt: "1 / 0?", toolkit }).pipe(
          withModel([ScriptedModel.toolCalls(["divide", { a: 1, b: 0 }])], []),
          Effect.flip
        )
        assert.instanceOf(error, McpError.McpToolError)
        assert.strictEqual(error.tool, "divide")
        assert.include(error.message, "division by zero")
      }))

    it.effect("arguments that are not an object are a parameter error the model sees", () =>
      Effect.gen(function*() {
        const toolkit = yield* McpToolkit.make({ include: ["echo"] })
        const { first } = yield* step(toolkit, "echo").pipe(
          withModel([ScriptedModel.toolCalls(["echo", ["not", "an", "object"]]), ScriptedModel.text("")], [])
        )
        const result = first.toolResults[0]!
        assert.isTrue(result.isFailure)
        assert.isTrue(AiError.isAiError(result.result))
        assert.strictEqual((result.result as AiError.AiError).reason._tag, "ToolParameterValidationError")
      }))

    it.effect("include and exclude, by name and by predicate", () =>
      Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        const only = yield* McpToolkit.fromClient(client, { include: ["add", "echo"] })
        assert.deepStrictEqual(Object.keys(only.tools).sort(), ["add", "echo"])
        const without = yield* McpToolkit.fromClient(client, {
          include: (tool) => tool.name.startsWith("a") || tool.name === "echo",
          exclude: ["ask_user"]
        })
        assert.deepStrictEqual(Object.keys(without.tools).sort(), ["add", "ask_model", "echo"])
        const seen: Array<ScriptedModel.Seen> = []
        yield* LanguageModel.generateText({ prompt: "hi", toolkit: only }).pipe(
          withModel([ScriptedModel.text("hello")], seen)
        )
        assert.deepStrictEqual([...seen[0]!.tools].sort(), ["add", "echo"])
      }))

    it.effect("a tool the filter left out is not callable", () =>
      Effect.gen(function*() {
        const toolkit = yield* McpToolkit.make({ exclude: ["divide"] })
        const error = yield* LanguageModel.generateText({ prompt: "1 / 0?", toolkit }).pipe(
          withModel([ScriptedModel.toolCalls(["divide", { a: 1, b: 0 }])], []),
          Effect.flip
        )
        assert.isTrue(AiError.isAiError(error))
        // the model asked for a tool it was not offered: its answer does not decode
        assert.strictEqual((error as AiError.AiError).reason._tag, "InvalidOutputError")
      }))
  })
})

describe("McpToolkit and time", () => {
  it.effect("a timeout reaches the model like a tool error", () =>
    Effect.gen(function*() {
      const seen: Array<ScriptedModel.Seen> = []
      const called = yield* Deferred.make<void>()
      // a server that lists `hang` and never answers its calls
      const server = ScriptedPeer.serve({
        onMessage: (message) =>
          message.method === "tools/list"
            ? Effect.succeed({ result: { tools: [{ name: "hang", inputSchema: { type: "object" } }] } })
            : Effect.as(Deferred.succeed(called, undefined), undefined)
      })
      const client = yield* McpClient.make().pipe(Effect.provide(McpQueueTransport.layer(server)))
      const toolkit = yield* McpToolkit.fromClient(client, { timeout: "1 second" })
      const fiber = yield* step(toolkit, "wait").pipe(
        withModel([ScriptedModel.toolCalls(["hang", {}]), ScriptedModel.text("gave up")], seen),
        Effect.forkChild({ startImmediately: true })
      )
      yield* Deferred.await(called)
      // the deadline keeper wakes on its own fiber: move the clock until the call has timed out
      for (let i = 0; i < 10 && fiber.pollUnsafe() === undefined; i++) yield* TestClock.adjust("1 second")
      const { first } = yield* Fiber.join(fiber)
      assert.isTrue(first.toolResults[0]!.isFailure)
      assert.instanceOf(first.toolResults[0]!.result, McpError.McpTimeoutError)
      const sent = ScriptedModel.toolResults(seen[1]!.prompt)[0]!.result as { _tag: string; method: string }
      assert.strictEqual(sent._tag, "McpTimeoutError")
      assert.strictEqual(sent.method, "tools/call")
    }))
})

describe("McpToolkit over the SDK's server", () => {
  const events = SdkServer.makeEvents()
  it.layer(McpClient.layer().pipe(Layer.provide(SdkServer.layer(events))))("content without structure", (it) => {
    it.effect("a tool without structured output answers with its content blocks", () =>
      Effect.gen(function*() {
        const toolkit = yield* McpToolkit.make({ include: ["log_levels"] })
        const { first } = yield* step(toolkit, "log").pipe(
          withModel([ScriptedModel.toolCalls(["log_levels", {}]), ScriptedModel.text("done")], [])
        )
        assert.deepStrictEqual(first.toolResults[0]!.result, [{ type: "text", text: "logged" }])
        assert.isTrue(events.received.some((m) => m.method === "tools/call"))
      }))
  })
})

describe("McpToolkit over a router", () => {
  const RouterLive = McpRouter.layer({
    servers: {
      notes: {
        transport: McpInMemoryTransport.layer(RouterServer.layer("notes", "stateful", { extraTools: ["files.read"] }))
      },
      search: { transport: McpInMemoryTransport.layer(RouterServer.layer("search", "stateless")) }
    }
  })
  it.layer(RouterLive)("prefixed names", (it) => {
    it.effect("prefixed tools of both servers; a name a provider refuses is mapped and routed back", () =>
      Effect.gen(function*() {
        const seen: Array<ScriptedModel.Seen> = []
        const toolkit = yield* McpToolkit.make({ exclude: (tool) => tool.name.endsWith("secrets") })
        const mapped = McpToolkit.modelName("notes_files.read")
        assert.match(mapped, /^notes_files_read_[0-9a-f]{8}$/)
        assert.includeMembers(Object.keys(toolkit.tools), ["notes_add", "search_add", mapped])
        const { first } = yield* step(toolkit, "add").pipe(
          withModel([
            ScriptedModel.toolCalls(["search_add", { a: 1, b: 2 }], [mapped, {}]),
            ScriptedModel.text("")
          ], seen)
        )
        assert.deepStrictEqual(first.toolResults.map((r) => [r.name, r.result]), [
          ["search_add", { sum: 3, server: "search" }],
          [mapped, [{ type: "text", text: "files.read" }]]
        ])
        assert.includeMembers([...seen[0]!.tools], ["notes_whoami", "search_whoami", mapped])
        assert.notInclude([...seen[0]!.tools], "notes_secrets")
      }))
  })
})

describe("McpToolkit.modelName", () => {
  it("keeps a name a provider accepts", () => {
    assert.strictEqual(McpToolkit.modelName("get_weather-2"), "get_weather-2")
  })

  it("maps other names into the pattern, deterministically and distinctly", () => {
    const long = "x".repeat(80)
    const names = ["files.read", "files/read", "files read", long, `${long}y`, "", "ünï"]
    const mapped = names.map(McpToolkit.modelName)
    for (const name of mapped) assert.match(name, /^[a-zA-Z0-9_-]{1,64}$/)
    assert.strictEqual(new Set(mapped).size, names.length)
    assert.deepStrictEqual(names.map(McpToolkit.modelName), mapped)
  })
})
