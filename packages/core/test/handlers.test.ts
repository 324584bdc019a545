import { assert, describe, it } from "@effect/vitest"
import * as LanguageModel from "effect/ai/LanguageModel"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as References from "effect/References"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import { TestClock } from "effect/testing"
import * as McpClient from "../src/McpClient.ts"
import * as McpClientTest from "../src/McpClientTest.ts"
import * as McpElicitation from "../src/McpElicitation.ts"
import * as McpError from "../src/McpError.ts"
import * as McpLogging from "../src/McpLogging.ts"
import * as McpMessages from "../src/McpMessages.ts"
import * as McpProgress from "../src/McpProgress.ts"
import * as McpQueueTransport from "../src/McpQueueTransport.ts"
import * as McpRoots from "../src/McpRoots.ts"
import * as McpSampling from "../src/McpSampling.ts"
import type * as McpSchema from "../src/McpSchema.ts"
import * as EffectServer from "./fixtures/EffectServer.ts"
import * as ScriptedPeer from "./fixtures/ScriptedPeer.ts"
import * as SdkServer from "./fixtures/SdkServer.ts"

/**
 * Lets other fibers run until `done()` holds: handlers run on the client's dispatcher fiber, so a reply
 * the caller already has does not mean they ran. No clock involved; fails if it never holds.
 */
const waitUntil = (done: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 10_000 && !done(); i++) yield* Effect.yieldNow
    assert.isTrue(done(), "the condition never held")
  })

/** The text of a tool result's first content block, parsed as JSON. */
const jsonOf = (result: McpSchema.CallToolResult): unknown => {
  const block = result.content[0]
  return block?.type === "text" ? JSON.parse(block.text) : undefined
}

/**
 * A scripted server that sends the given server requests once the session is open, and hands every
 * reply it receives to `replies`. It also answers `ping`.
 */
const askingPeer = (
  requests: ReadonlyArray<Record<string, unknown>>,
  replies: Deferred.Deferred<ReadonlyArray<ScriptedPeer.ClientMessage>>,
  log?: Array<ScriptedPeer.ClientMessage>
) =>
(peer: McpQueueTransport.Peer) =>
  Effect.gen(function*() {
    const received: Array<ScriptedPeer.ClientMessage> = []
    while (true) {
      const message = (yield* Effect.orDie(peer.receive)) as ScriptedPeer.ClientMessage
      log?.push(message)
      if (message.method === "initialize") {
        yield* peer.send({ jsonrpc: "2.0", id: message.id, result: ScriptedPeer.initializeResult() })
      } else if (message.method === "notifications/initialized") {
        for (const request of requests) yield* peer.send({ jsonrpc: "2.0", ...request })
      } else if (message.method === "ping") {
        yield* peer.send({ jsonrpc: "2.0", id: message.id, result: {} })
      } else if (message.method === undefined && message.id !== undefined) {
        received.push(message)
        if (received.length === requests.filter((r) => r.id !== undefined).length) {
          yield* Deferred.succeed(replies, received)
        }
      }
    }
  })

const clientWith = (
  layer: Layer.Layer<never>,
  peer: (p: McpQueueTransport.Peer) => Effect.Effect<void, never, never>
) =>
  McpClient.make({ protocolVersion: "legacy" }).pipe(
    Effect.provide(McpQueueTransport.layer(peer)),
    Effect.provide(layer)
  )

const sampleRequest = (id: number | string, params?: Record<string, unknown>) => ({
  id,
  method: "sampling/createMessage",
  params: { messages: [{ role: "user", content: { type: "text", text: "hello" } }], maxTokens: 10, ...params }
})

describe("McpLogging", () => {
  it.effect("a custom handler receives every level in order, with logger, data and server name", () =>
    Effect.gen(function*() {
      const entries: Array<McpLogging.LogEntry> = []
      const client = yield* McpClientTest.makeClient(EffectServer.layer()).pipe(
        Effect.provide(McpLogging.layer((entry) => Effect.sync(() => entries.push(entry))))
      )
      yield* client.setLoggingLevel("debug")
      yield* client.callTool("log_all")
      yield* waitUntil(() => entries.length === 8)
      assert.deepStrictEqual(entries.map((e) => e.level), [...EffectServer.levels])
      assert.deepStrictEqual(entries[3], {
        level: "warning",
        logger: "fixture",
        data: { i: 3, level: "warning" },
        server: "test-server"
      })
    }))

  it.effect("the log lines a server wrote before its answer reach the handler even when the client closes at once", () =>
    Effect.gen(function*() {
      const entries: Array<unknown> = []
      // a slow handler: the dispatcher is still busy with the first lines when the answer arrives
      const slow = McpLogging.layer((entry) =>
        Effect.gen(function*() {
          for (let i = 0; i < 20; i++) yield* Effect.yieldNow
          entries.push(entry.data)
        })
      )
      const peer = (p: McpQueueTransport.Peer) =>
        Effect.gen(function*() {
          while (true) {
            const message = (yield* Effect.orDie(p.receive)) as ScriptedPeer.ClientMessage
            if (message.method === "initialize") {
              yield* p.send({ jsonrpc: "2.0", id: message.id, result: ScriptedPeer.initializeResult() })
            } else if (message.method === "tools/call") {
              for (let i = 0; i < 5; i++) {
                yield* p.send({
                  jsonrpc: "2.0",
                  method: "notifications/message",
                  params: { level: "info", data: i }
                })
              }
              yield* p.send({ jsonrpc: "2.0", id: message.id, result: { content: [] } })
            }
          }
        })
      yield* clientWith(slow, peer).pipe(Effect.flatMap((client) => client.callToolRaw("work")), Effect.scoped)
      assert.deepStrictEqual(entries, [0, 1, 2, 3, 4])
    }))

  it.effect("layerLogger writes each entry to Effect's logger at the matching level", () =>
    Effect.gen(function*() {
      const logs: Array<ScriptedPeer.LogEntry> = []
      const client = yield* McpClientTest.makeClient(EffectServer.layer()).pipe(
        Effect.provide(McpLogging.layerLogger),
        Effect.provide(ScriptedPeer.captureLogs(logs)),
        Effect.provideService(References.MinimumLogLevel, "Debug")
      )
      yield* client.setLoggingLevel("debug")
      yield* client.callTool("log_all")
      const fromServer = () => logs.filter((entry) => entry.annotations["mcp.server"] === "test-server")
      yield* waitUntil(() => fromServer().length === 8)
      const server = fromServer()
      assert.deepStrictEqual(server.map((entry) => entry.level), [
        "Debug",
        "Info",
        "Info",
        "Warn",
        "Error",
        "Fatal",
        "Fatal",
        "Fatal"
      ])
      assert.deepStrictEqual(server[0]!.annotations["mcp.data"], { i: 0, level: "debug" })
      assert.strictEqual(server[0]!.annotations["mcp.logger"], "fixture")
    }))

  it.effect("by default, entries go to Effect's logger at debug level", () =>
    Effect.gen(function*() {
      const logs: Array<ScriptedPeer.LogEntry> = []
      const client = yield* McpClientTest.makeClient(EffectServer.layer()).pipe(
        Effect.provide(ScriptedPeer.captureLogs(logs)),
        Effect.provideService(References.MinimumLogLevel, "Debug")
      )
      yield* client.setLoggingLevel("debug")
      yield* client.callTool("log_all")
      const fromServer = () => logs.filter((entry) => entry.annotations["mcp.server"] === "test-server")
      yield* waitUntil(() => fromServer().length === 8)
      const server = fromServer()
      assert.isTrue(server.every((entry) => entry.level === "Debug"))
      assert.deepStrictEqual(server.map((entry) => entry.annotations["mcp.level"]), [...EffectServer.levels])
    }))

  it.effect("layerStream publishes entries as a Stream", () =>
    Effect.gen(function*() {
      const { stream } = yield* McpLogging.McpLogEntries
      const collected = yield* stream.pipe(
        Stream.take(8),
        Stream.runCollect,
        Effect.forkChild({ startImmediately: true })
      )
      const client = yield* McpClientTest.makeClient(EffectServer.layer())
      yield* client.setLoggingLevel("debug")
      yield* client.callTool("log_all")
      const entries = yield* Fiber.join(collected)
      assert.deepStrictEqual(entries.map((e) => e.level), [...EffectServer.levels])
    }).pipe(Effect.provide(McpLogging.layerStream)))

  it.effect("a handler that fails, throws or interrupts itself is logged; later entries still arrive", () =>
    Effect.gen(function*() {
      let seen = 0
      const logs: Array<ScriptedPeer.LogEntry> = []
      const client = yield* McpClientTest.makeClient(EffectServer.layer()).pipe(
        Effect.provide(McpLogging.layer(() => {
          seen++
          if (seen === 1) throw new Error("thrown before returning an effect")
          if (seen === 2) return Effect.die("boom")
          if (seen === 3) return Effect.interrupt
          return Effect.void
        })),
        Effect.provide(ScriptedPeer.captureLogs(logs))
      )
      yield* client.setLoggingLevel("debug")
      yield* client.callTool("log_all")
      yield* waitUntil(() => seen === 8)
      const warnings = logs.filter((entry) => String(entry.message).includes("the logging handler failed"))
      assert.strictEqual(warnings.length, 3)
    }))
})

describe("McpProgress", () => {
  it.effect("a client-level handler receives progress of calls without their own handler", () =>
    Effect.gen(function*() {
      const seen: Array<[string, number]> = []
      const client = yield* McpClientTest.makeClient(EffectServer.layer()).pipe(
        Effect.provide(McpProgress.layer((p, { method }) => Effect.sync(() => seen.push([method, p.progress]))))
      )
      yield* client.callTool("count", { n: 2 })
      assert.deepStrictEqual(seen, [["tools/call", 1], ["tools/call", 2]])
      const own: Array<number> = []
      yield* client.callTool("count", { n: 3 }, { onProgress: (p) => Effect.sync(() => own.push(p.progress)) })
      assert.deepStrictEqual(own, [1, 2, 3])
      assert.strictEqual(seen.length, 2) // the call's own handler took precedence
    }))

  it.effect("callToolStream emits progress events, then the result", () =>
    Effect.gen(function*() {
      const client = yield* McpClientTest.makeClient(EffectServer.layer())
      const events = yield* Stream.runCollect(client.callToolStream("count", { n: 3 }))
      assert.deepStrictEqual(events.map((e) => e._tag), ["Progress", "Progress", "Progress", "Result"])
      const last = events[3]!
      assert.deepStrictEqual(last._tag === "Result" ? last.result.structuredContent : undefined, { counted: 3 })
    }))

  it.effect("callToolStream fails like callTool, and stopping it cancels the call", () =>
    Effect.gen(function*() {
      const hangInterrupted = yield* Deferred.make<void>()
      const client = yield* McpClientTest.makeClient(EffectServer.layer({ hangInterrupted }))
      const error = yield* Stream.runCollect(client.callToolStream("divide", { a: 1, b: 0 })).pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpToolError)
      const running = yield* Stream.runCollect(client.callToolStream("hang")).pipe(
        Effect.forkChild({ startImmediately: true })
      )
      yield* client.ping()
      yield* Fiber.interrupt(running)
      yield* Deferred.await(hangInterrupted)
    }))
})

describe("McpSampling", () => {
  it.effect("the handler receives the whole request; a string answer becomes an assistant message", () =>
    Effect.gen(function*() {
      const requests: Array<McpSchema.CreateMessageRequestParams> = []
      const client = yield* McpClientTest.makeClient(EffectServer.layer()).pipe(
        Effect.provide(McpSampling.layer(
          (request, context) =>
            Effect.sync(() => {
              requests.push(request)
              return `hi from ${context.server}`
            }),
          { model: "test-model" }
        ))
      )
      const result = yield* client.callTool("ask_model", { prompt: "Say hi" })
      assert.deepStrictEqual(jsonOf(result), {
        role: "assistant",
        content: { type: "text", text: "hi from test-server" },
        model: "test-model"
      })
      assert.deepStrictEqual(requests[0], {
        messages: [{ role: "user", content: { type: "text", text: "Say hi" } }],
        systemPrompt: "Be brief",
        maxTokens: 50,
        temperature: 0.5,
        stopSequences: ["END"],
        metadata: { trace: "t1" }
      })
    }))

  it.effect("only a provided layer advertises sampling; without it the server's request is refused", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const replies = yield* Deferred.make<ReadonlyArray<ScriptedPeer.ClientMessage>>()
      yield* clientWith(Layer.empty, askingPeer([sampleRequest(1)], replies, log))
      const [reply] = yield* Deferred.await(replies)
      assert.deepStrictEqual(reply?.error?.code, -32601)
      assert.deepStrictEqual(log[0]!.params?.capabilities, {})

      const withLayer: Array<ScriptedPeer.ClientMessage> = []
      const done = yield* Deferred.make<ReadonlyArray<ScriptedPeer.ClientMessage>>()
      yield* clientWith(
        McpSampling.layer(() => Effect.succeed("ok"), { tools: true, context: true }),
        askingPeer([sampleRequest(1)], done, withLayer)
      )
      yield* Deferred.await(done)
      assert.deepStrictEqual(withLayer[0]!.params?.capabilities, { sampling: { context: {}, tools: {} } })
    }))

  it.effect("a full result passes through; failures become JSON-RPC errors; tools need the capability", () =>
    Effect.gen(function*() {
      const replies = yield* Deferred.make<ReadonlyArray<ScriptedPeer.ClientMessage>>()
      const handler = (request: McpSchema.CreateMessageRequestParams) => {
        const text = (request.messages[0]!.content as { text: string }).text
        switch (text) {
          case "reject":
            return Effect.fail(McpSampling.reject())
          case "fail":
            return Effect.fail(new Error("model unavailable"))
          case "die":
            return Effect.die("bug")
          default:
            return Effect.succeed({
              role: "assistant" as const,
              content: [{ type: "text" as const, text: "one" }, { type: "text" as const, text: "two" }],
              model: "m",
              stopReason: "endTurn"
            })
        }
      }
      const message = (text: string) => ({ messages: [{ role: "user", content: { type: "text", text } }] })
      yield* clientWith(
        McpSampling.layer(handler),
        askingPeer([
          sampleRequest(1, message("full")),
          sampleRequest(2, message("reject")),
          sampleRequest(3, message("fail")),
          sampleRequest(4, message("die")),
          sampleRequest(5, { tools: [{ name: "t", inputSchema: { type: "object" } }] }),
          { id: 6, method: "sampling/createMessage", params: { messages: "not a list" } }
        ], replies)
      )
      const byId = new Map((yield* Deferred.await(replies)).map((r) => [r.id, r]))
      assert.deepStrictEqual(byId.get(1)!.result, {
        role: "assistant",
        content: [{ type: "text", text: "one" }, { type: "text", text: "two" }],
        model: "m",
        stopReason: "endTurn"
      })
      assert.deepStrictEqual(byId.get(2)!.error, { code: -1, message: "User rejected sampling request" })
      assert.deepStrictEqual(byId.get(3)!.error, { code: -32603, message: "model unavailable" })
      assert.strictEqual(byId.get(4)!.error?.code, -32603)
      assert.strictEqual(byId.get(5)!.error?.code, -32602)
      assert.strictEqual(byId.get(6)!.error?.code, -32602)
    }))

  it.effect("the server's notifications/cancelled interrupts the running handler, which then sends nothing", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const interrupted = yield* Deferred.make<void>()
      const log: Array<ScriptedPeer.ClientMessage> = []
      const client = yield* clientWith(
        McpSampling.layer(() =>
          Deferred.succeed(started, undefined).pipe(
            Effect.andThen(Effect.never),
            Effect.onInterrupt(() => Deferred.succeed(interrupted, undefined))
          )
        ),
        (peer) =>
          Effect.gen(function*() {
            while (true) {
              const message = (yield* Effect.orDie(peer.receive)) as ScriptedPeer.ClientMessage
              log.push(message)
              if (message.method === "initialize") {
                yield* peer.send({ jsonrpc: "2.0", id: message.id, result: ScriptedPeer.initializeResult() })
              } else if (message.method === "notifications/initialized") {
                yield* peer.send({ jsonrpc: "2.0", ...sampleRequest("s1") })
                yield* Deferred.await(started)
                yield* peer.send({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: "s1" } })
              } else if (message.method === "ping") {
                yield* peer.send({ jsonrpc: "2.0", id: message.id, result: {} })
              }
            }
          })
      )
      yield* Deferred.await(interrupted)
      yield* client.ping()
      assert.isFalse(log.some((m) => m.id === "s1"))
    }))

  it.effect("a handler that stops for another reason still answers; a reused id is refused", () =>
    Effect.gen(function*() {
      const replies = yield* Deferred.make<ReadonlyArray<ScriptedPeer.ClientMessage>>()
      const release = yield* Deferred.make<void>()
      const handler = (request: McpSchema.CreateMessageRequestParams) => {
        const text = (request.messages[0]!.content as { text: string }).text
        if (text === "interrupt") return Effect.interrupt
        if (text === "tool") {
          return Effect.succeed({
            role: "assistant" as const,
            content: { type: "tool_use" as const, id: "t", name: "x", input: {} },
            model: "m"
          })
        }
        if (text === "nan") {
          return Effect.succeed(
            {
              role: "assistant" as const,
              content: { type: "text" as const, text: "x" },
              model: "m",
              temperature: NaN
            } as McpSchema.CreateMessageResult
          )
        }
        return Effect.as(Deferred.await(release), "released")
      }
      const message = (text: string) => ({ messages: [{ role: "user", content: { type: "text", text } }] })
      const log: Array<ScriptedPeer.ClientMessage> = []
      const client = yield* clientWith(
        McpSampling.layer(handler),
        askingPeer(
          [
            sampleRequest(1, message("interrupt")),
            sampleRequest(2, message("wait")),
            sampleRequest(2, message("wait")), // the same id while the first is running
            sampleRequest(3, message("tool")),
            sampleRequest(4, message("nan"))
          ],
          replies,
          log
        )
      )
      // the first id 2 must still be running when the second arrives: release it only once the
      // second was refused
      yield* waitUntil(() => log.some((m) => m.id === 2 && m.error?.code === -32600))
      yield* client.ping()
      yield* Deferred.succeed(release, undefined)
      const received = yield* Deferred.await(replies)
      const errors = received.map((r) => [r.id, r.error?.code ?? "ok"])
      assert.deepStrictEqual(errors.sort((a, b) => String(a).localeCompare(String(b))), [
        [1, -32603],
        [2, -32600],
        [2, "ok"],
        [3, -32603],
        [4, -32603]
      ])
    }))

  it.effect("a slow handler does not hold up the session; its answer goes out when it is done", () =>
    Effect.gen(function*() {
      const replies = yield* Deferred.make<ReadonlyArray<ScriptedPeer.ClientMessage>>()
      const client = yield* clientWith(
        McpSampling.layer(() => Effect.as(Effect.sleep("10 seconds"), "late but fine")),
        askingPeer([sampleRequest(1)], replies)
      )
      yield* client.ping()
      yield* client.ping()
      assert.isFalse(yield* Deferred.isDone(replies))
      yield* TestClock.adjust("10 seconds")
      const [reply] = yield* Deferred.await(replies)
      assert.deepStrictEqual((reply!.result as { content: unknown }).content, { type: "text", text: "late but fine" })
    }))

  it.effect("layerLanguageModel answers with an effect/ai LanguageModel, tool calls as tool_use", () =>
    Effect.gen(function*() {
      const prompts: Array<unknown> = []
      const offered: Array<unknown> = []
      const FakeModel = Layer.effect(
        LanguageModel.LanguageModel,
        LanguageModel.make({
          generateText: (options) =>
            Effect.sync(() => {
              prompts.push(options.prompt.content.map((m) => m.role))
              offered.push([options.tools.map((t) => t.name), options.toolChoice])
              const tool = options.tools[0]
              const said = options.prompt.content.at(-1)
              if (said?.role === "user" && said.content.some((p) => p.type === "text" && p.text === "silence")) {
                return [{
                  type: "finish" as const,
                  reason: "stop" as const,
                  usage: { inputTokens: {}, outputTokens: {} }
                }]
              }
              return tool === undefined
                ? [
                  { type: "text" as const, text: "plain answer" },
                  { type: "finish" as const, reason: "stop" as const, usage: { inputTokens: {}, outputTokens: {} } }
                ]
                : [
                  { type: "tool-call" as const, id: "c1", name: tool.name, params: { city: "Oslo" } },
                  {
                    type: "finish" as const,
                    reason: "tool-calls" as const,
                    usage: { inputTokens: {}, outputTokens: {} }
                  }
                ]
            }).pipe(Effect.map((parts) => [...parts])),
          streamText: () => Stream.die("not used")
        })
      )
      const replies = yield* Deferred.make<ReadonlyArray<ScriptedPeer.ClientMessage>>()
      const log: Array<ScriptedPeer.ClientMessage> = []
      yield* clientWith(
        McpSampling.layerLanguageModel({ model: "fake-1" }).pipe(Layer.provide(FakeModel)),
        askingPeer(
          [
            sampleRequest(1, { systemPrompt: "sys" }),
            sampleRequest(2, {
              tools: [{
                name: "weather",
                description: "Weather",
                inputSchema: { type: "object", properties: { city: { type: "string" } } }
              }],
              toolChoice: { mode: "required" }
            }),
            sampleRequest(3, { messages: [{ role: "user", content: { type: "text", text: "silence" } }] })
          ],
          replies,
          log
        )
      )
      const byId = new Map((yield* Deferred.await(replies)).map((r) => [r.id, r]))
      assert.deepStrictEqual(log[0]!.params?.capabilities, { sampling: { tools: {} } })
      assert.deepStrictEqual(byId.get(1)!.result, {
        role: "assistant",
        content: { type: "text", text: "plain answer" },
        model: "fake-1",
        stopReason: "endTurn"
      })
      assert.deepStrictEqual(byId.get(2)!.result, {
        role: "assistant",
        content: { type: "tool_use", id: "c1", name: "weather", input: { city: "Oslo" } },
        model: "fake-1",
        stopReason: "toolUse"
      })
      assert.deepStrictEqual(prompts[0], ["system", "user"])
      assert.deepStrictEqual(offered[1], [["weather"], "required"])
      // a model that says nothing still answers with an (empty) text block
      assert.deepStrictEqual((byId.get(3)!.result as { content: unknown }).content, { type: "text", text: "" })
    }))

  it("toPrompt maps tool_use and tool_result blocks to tool calls and tool messages", () => {
    const prompt = McpSampling.toPrompt({
      maxTokens: 10,
      messages: [
        { role: "user", content: { type: "text", text: "weather?" } },
        { role: "assistant", content: [{ type: "tool_use", id: "c1", name: "weather", input: { city: "Oslo" } }] },
        {
          role: "user",
          content: [{ type: "tool_result", toolUseId: "c1", content: [{ type: "text", text: "sunny" }] }]
        }
      ]
    })
    assert.deepStrictEqual(prompt, [
      { role: "user", content: [{ type: "text", text: "weather?" }] },
      { role: "assistant", content: [{ type: "tool-call", id: "c1", name: "weather", params: { city: "Oslo" } }] },
      {
        role: "tool",
        content: [{ type: "tool-result", id: "c1", name: "weather", isFailure: false, result: ["sunny"] }]
      }
    ])
  })
})

describe("McpElicitation", () => {
  it.effect("accept fills in schema defaults; decline and cancel pass through", () =>
    Effect.gen(function*() {
      let answer: McpSchema.ElicitResult = McpElicitation.accept({ newsletter: true })
      const seen: Array<McpElicitation.ElicitationRequest> = []
      const client = yield* McpClientTest.makeClient(EffectServer.layer()).pipe(
        Effect.provide(McpElicitation.layer((request) => Effect.sync(() => (seen.push(request), answer))))
      )
      const accepted = yield* client.callTool("ask_user")
      assert.deepStrictEqual(jsonOf(accepted), {
        action: "accept",
        content: { name: "Ada", age: 36, newsletter: true }
      })
      const request = seen[0]!
      assert.strictEqual(request._tag, "Form")
      if (request._tag === "Form") {
        assert.strictEqual(request.message, "Who are you?")
        assert.deepStrictEqual(request.defaults, { name: "Ada", age: 36 })
      }
      answer = McpElicitation.accept({ name: "Grace" })
      assert.deepStrictEqual(jsonOf(yield* client.callTool("ask_user")), {
        action: "accept",
        content: { name: "Grace", age: 36 }
      })
      answer = McpElicitation.decline
      assert.deepStrictEqual(jsonOf(yield* client.callTool("ask_user")), { action: "decline" })
      answer = McpElicitation.cancel
      assert.deepStrictEqual(jsonOf(yield* client.callTool("ask_user")), { action: "cancel" })
    }))

  it.effect("layerForm hands the handler an Effect Schema and checks the content against it", () =>
    Effect.gen(function*() {
      let content: unknown = { newsletter: false }
      const client = yield* McpClientTest.makeClient(EffectServer.layer()).pipe(
        Effect.provide(McpElicitation.layerForm((request) =>
          Effect.gen(function*() {
            // the schema knows the fields: a valid value decodes, an invalid one does not
            assert.isTrue(Schema.is(request.schema)({ name: "x", age: 1 }))
            assert.isFalse(Schema.is(request.schema)({ name: 1 }))
            return { action: "accept" as const, content }
          })
        ))
      )
      assert.deepStrictEqual(jsonOf(yield* client.callTool("ask_user")), {
        action: "accept",
        content: { name: "Ada", age: 36, newsletter: false }
      })
      content = { age: "old" }
      // the wrong content never reaches the server as an answer: the server's elicit fails instead
      const error = yield* client.callTool("ask_user").pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpToolError)
    }))

  it.effect("URL mode: advertised only when asked for; accept is consent; completion is reported", () =>
    Effect.gen(function*() {
      const replies = yield* Deferred.make<ReadonlyArray<ScriptedPeer.ClientMessage>>()
      const completed = yield* Deferred.make<string>()
      const urls: Array<string> = []
      const log: Array<ScriptedPeer.ClientMessage> = []
      const urlRequest = {
        id: 1,
        method: "elicitation/create",
        params: { mode: "url", message: "Sign in", url: "https://example.com/auth?x=1", elicitationId: "e1" }
      }
      yield* clientWith(
        McpElicitation.layer(
          (request) =>
            Effect.sync(() => {
              if (request._tag === "Url") urls.push(request.url)
              return McpElicitation.accept({ ignored: "consent only" })
            }),
          { form: false, url: true, onComplete: (id) => Deferred.succeed(completed, id).pipe(Effect.asVoid) }
        ),
        askingPeer(
          [
            urlRequest,
            {
              id: 2,
              method: "elicitation/create",
              params: { message: "form?", requestedSchema: { type: "object", properties: {} } }
            },
            { method: "notifications/elicitation/complete", params: { elicitationId: "e1" } }
          ],
          replies,
          log
        )
      )
      const byId = new Map((yield* Deferred.await(replies)).map((r) => [r.id, r]))
      assert.deepStrictEqual(log[0]!.params?.capabilities, { elicitation: { url: {} } })
      assert.deepStrictEqual(byId.get(1)!.result, { action: "accept" })
      assert.deepStrictEqual(urls, ["https://example.com/auth?x=1"])
      assert.strictEqual(byId.get(2)!.error?.code, -32602) // form mode was not declared
      assert.strictEqual(yield* Deferred.await(completed), "e1")
    }))

  it.effect("layerForm refuses content with fields outside the schema (-32602) and sends the decoded value", () =>
    Effect.gen(function*() {
      const replies = yield* Deferred.make<ReadonlyArray<ScriptedPeer.ClientMessage>>()
      const form = (id: number, message: string) => ({
        id,
        method: "elicitation/create",
        params: {
          message,
          requestedSchema: {
            type: "object",
            properties: { name: { type: "string" }, age: { type: "number", default: 36 } },
            required: ["name"]
          }
        }
      })
      yield* clientWith(
        McpElicitation.layerForm((request) =>
          Effect.succeed({
            action: "accept" as const,
            content: request.message === "extra" ? { name: "Ada", admin: true } : { name: "Ada" }
          })
        ),
        askingPeer([form(1, "extra"), form(2, "fine")], replies)
      )
      const byId = new Map((yield* Deferred.await(replies)).map((r) => [r.id, r]))
      assert.strictEqual(byId.get(1)!.error?.code, -32602)
      assert.deepStrictEqual(byId.get(2)!.result, { action: "accept", content: { name: "Ada", age: 36 } })
    }))

  it("applyDefaults leaves declines alone and fills accepts", () => {
    const schema = {
      type: "object" as const,
      properties: { a: { type: "string", default: "x" }, b: { type: "number" } }
    }
    assert.deepStrictEqual(McpElicitation.applyDefaults(schema, McpElicitation.decline), { action: "decline" })
    assert.deepStrictEqual(McpElicitation.applyDefaults(schema, McpElicitation.accept()), {
      action: "accept",
      content: { a: "x" }
    })
    assert.deepStrictEqual(McpElicitation.applyDefaults(schema, McpElicitation.accept({ a: "y", b: 2 })), {
      action: "accept",
      content: { a: "y", b: 2 }
    })
  })
})

describe("McpRoots", () => {
  it.effect("a static list is served, with paths as file URIs", () =>
    Effect.gen(function*() {
      const client = yield* McpClientTest.makeClient(EffectServer.layer()).pipe(
        Effect.provide(McpRoots.layer(["/srv/my project", { uri: "file:///data", name: "data" }]))
      )
      assert.deepStrictEqual(jsonOf(yield* client.callTool("list_roots")), [
        { uri: "file:///srv/my%20project" },
        { uri: "file:///data", name: "data" }
      ])
    }))

  it.effect("a SubscriptionRef's changes reach the server: list_changed, then the new list", () =>
    Effect.gen(function*() {
      const roots = yield* SubscriptionRef.make<ReadonlyArray<McpRoots.RootInput>>(["/a"])
      const client = yield* McpClientTest.makeClient(EffectServer.layer()).pipe(
        Effect.provide(McpRoots.layerSubscriptionRef(roots))
      )
      assert.deepStrictEqual(jsonOf(yield* client.callTool("list_roots")), [{ uri: "file:///a" }])
      yield* SubscriptionRef.set(roots, ["/a", "/b"])
      assert.deepStrictEqual(jsonOf(yield* client.callTool("list_roots")), [{ uri: "file:///a" }, { uri: "file:///b" }])
    }))

  it.effect("each change sends notifications/roots/list_changed; the capability says listChanged", () =>
    Effect.gen(function*() {
      const roots = yield* SubscriptionRef.make<ReadonlyArray<McpRoots.RootInput>>([])
      const log: Array<ScriptedPeer.ClientMessage> = []
      const client = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({ log }))),
        Effect.provide(McpRoots.layerSubscriptionRef(roots))
      )
      yield* client.ping()
      yield* SubscriptionRef.set(roots, ["/x"])
      yield* SubscriptionRef.set(roots, ["/y"])
      yield* waitUntil(() => log.filter((m) => m.method === "notifications/roots/list_changed").length === 2)
      assert.deepStrictEqual(log[0]!.params?.capabilities, { roots: { listChanged: true } })
      assert.strictEqual(log.filter((m) => m.method === "notifications/roots/list_changed").length, 2)
    }))

  it("fileUri handles POSIX, Windows and UNC paths, and leaves URIs alone", () => {
    const posix = { platform: "linux", cwd: "/home/me" }
    const windows = { platform: "win32", cwd: "C:\\work" }
    const cases: Array<[string, typeof posix, string]> = [
      ["/home/me/a b#c%d", posix, "file:///home/me/a%20b%23c%25d"],
      ["/", posix, "file:///"],
      ["/srv/", posix, "file:///srv/"],
      ["/a/./b/../c", posix, "file:///a/c"],
      ["/a//b", posix, "file:///a/b"],
      ["relative/dir", posix, "file:///home/me/relative/dir"],
      [".", posix, "file:///home/me"],
      ["//srv/x", posix, "file:///srv/x"], // a POSIX path, not a host
      ["/tmp/ünï?x", posix, "file:///tmp/%C3%BCn%C3%AF%3Fx"],
      ["/x/\uD800y", posix, "file:///x/%EF%BF%BDy"], // a lone surrogate does not throw
      ["C:\\Users\\Me\\My Docs", windows, "file:///C:/Users/Me/My%20Docs"],
      ["C:\\", windows, "file:///C:/"],
      ["c:\\x\\", windows, "file:///C:/x/"],
      ["d:/work", windows, "file:///D:/work"],
      ["\\\\?\\C:\\very\\long", windows, "file:///C:/very/long"],
      ["\\\\?\\UNC\\srv\\sh\\d", windows, "file://srv/sh/d"],
      ["\\\\server\\share\\dir", windows, "file://server/share/dir"],
      ["//server/share", windows, "file://server/share"],
      ["notes", windows, "file:///C:/work/notes"],
      ["file:///already", posix, "file:///already"]
    ]
    for (const [path, options, uri] of cases) assert.strictEqual(McpRoots.fileUri(path, options), uri, path)
  })
})

describe("McpMessages and typed notification streams", () => {
  it.effect("the observer sees server requests and notifications in order", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const client = yield* McpClientTest.makeClient(EffectServer.layer()).pipe(
        Effect.provide(
          McpMessages.layer((message) => Effect.sync(() => seen.push(`${message._tag} ${message.method}`)))
        ),
        Effect.provide(McpRoots.layer(["/r"]))
      )
      yield* client.callTool("list_roots")
      yield* client.subscribeResource("memo://readme") // the server only tells subscribers of updates
      yield* client.callTool("touch")
      yield* waitUntil(() => seen.length === 5)
      assert.deepStrictEqual(seen, [
        "Request roots/list",
        "Notification notifications/tools/list_changed",
        "Notification notifications/prompts/list_changed",
        "Notification notifications/resources/list_changed",
        "Notification notifications/resources/updated"
      ])
    }))

  it.effect("list_changed and resources/updated have typed streams", () =>
    Effect.gen(function*() {
      const client = yield* McpClientTest.makeClient(EffectServer.layer())
      const collect = <A>(stream: Stream.Stream<A>) =>
        stream.pipe(Stream.take(1), Stream.runCollect, Effect.forkChild({ startImmediately: true }))
      const tools = yield* collect(client.toolListChanged)
      const prompts = yield* collect(client.promptListChanged)
      const resources = yield* collect(client.resourceListChanged)
      const updated = yield* collect(client.resourceUpdated)
      yield* client.subscribeResource("memo://readme")
      yield* client.callTool("touch")
      assert.strictEqual((yield* Fiber.join(tools)).length, 1)
      assert.strictEqual((yield* Fiber.join(prompts)).length, 1)
      assert.strictEqual((yield* Fiber.join(resources)).length, 1)
      assert.deepStrictEqual(yield* Fiber.join(updated), ["memo://readme"])
    }))
})

describe("against the official SDK server", () => {
  const events = SdkServer.makeEvents()

  it.effect("sampling with tools: the handler sees tools and tool choice, and answers with tool_use", () =>
    Effect.gen(function*() {
      const seen: Array<McpSchema.CreateMessageRequestParams> = []
      const client = yield* McpClient.make().pipe(
        Effect.provide(SdkServer.layer(events)),
        Effect.provide(McpSampling.layer(
          (request) =>
            Effect.sync(() => {
              seen.push(request)
              return {
                role: "assistant" as const,
                content: { type: "tool_use" as const, id: "call-1", name: "weather", input: { city: "Oslo" } },
                model: "test",
                stopReason: "toolUse"
              }
            }),
          { tools: true }
        ))
      )
      const result = yield* client.callTool("sample_with_tools", { city: "Oslo" })
      assert.deepStrictEqual(jsonOf(result), {
        role: "assistant",
        content: { type: "tool_use", id: "call-1", name: "weather", input: { city: "Oslo" } },
        model: "test",
        stopReason: "toolUse"
      })
      assert.deepStrictEqual(seen[0]!.tools?.map((tool) => tool.name), ["weather"])
      assert.deepStrictEqual(seen[0]!.toolChoice, { mode: "required" })
    }))

  it.effect("URL elicitation: the handler gets the URL, accepts, and hears the completion", () =>
    Effect.gen(function*() {
      const completed = yield* Deferred.make<string>()
      const urls: Array<string> = []
      const client = yield* McpClient.make().pipe(
        Effect.provide(SdkServer.layer(events)),
        Effect.provide(McpElicitation.layer(
          (request) =>
            Effect.sync(() => {
              if (request._tag === "Url") urls.push(`${request.elicitationId} ${request.url}`)
              return McpElicitation.accept()
            }),
          { url: true, onComplete: (id) => Effect.asVoid(Deferred.succeed(completed, id)) }
        ))
      )
      const result = yield* client.callTool("elicit_url")
      assert.deepStrictEqual(result.content, [{ type: "text", text: "accept" }])
      assert.deepStrictEqual(urls, ["elicit-1 https://auth.example.com/start?session=abc"])
      assert.strictEqual(yield* Deferred.await(completed), "elicit-1")
    }))

  it.effect("roots before and after a change, with the server told of the change", () =>
    Effect.gen(function*() {
      const roots = yield* SubscriptionRef.make<ReadonlyArray<McpRoots.RootInput>>(["/one"])
      const client = yield* McpClient.make().pipe(
        Effect.provide(SdkServer.layer(events)),
        Effect.provide(McpRoots.layerSubscriptionRef(roots))
      )
      assert.deepStrictEqual(jsonOf(yield* client.callTool("list_roots")), [{ uri: "file:///one" }])
      const before = events.rootsListChanged
      yield* SubscriptionRef.set(roots, ["/two"])
      yield* waitUntil(() => events.rootsListChanged === before + 1)
      assert.deepStrictEqual(jsonOf(yield* client.callTool("list_roots")), [{ uri: "file:///two" }])
    }))

  it.effect("logging from the SDK server reaches the handler", () =>
    Effect.gen(function*() {
      const entries: Array<McpLogging.LogEntry> = []
      const client = yield* McpClient.make().pipe(
        Effect.provide(SdkServer.layer(events)),
        Effect.provide(McpLogging.layer((entry) => Effect.sync(() => entries.push(entry))))
      )
      yield* client.setLoggingLevel("debug")
      yield* client.callTool("log_levels")
      yield* waitUntil(() => entries.length === 2)
      assert.deepStrictEqual(entries, [
        { level: "info", logger: "sdk", data: "at info", server: "sdk-server" },
        { level: "error", logger: "sdk", data: "at error", server: "sdk-server" }
      ])
    }))
})
