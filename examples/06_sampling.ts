/**
 * Sampling: the server asks the client's LLM for a completion. `McpSampling.layerLanguageModel`
 * answers with any `effect/ai` LanguageModel in the context; here a tiny fake provider stands in for
 * OpenAI, Anthropic or your own. `McpSampling.layer` takes a plain handler instead.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Stream } from "effect"
import { McpClient, McpInMemoryTransport, McpSampling } from "effect-mcp"
import { LanguageModel } from "effect/ai"
import { DemoServer } from "./DemoServer.ts"

// A stand-in LLM provider: answers with the first sentence of the last user message.
const FakeProvider = Layer.effect(
  LanguageModel.LanguageModel,
  LanguageModel.make({
    generateText: (options) =>
      Effect.sync(() => {
        const last = options.prompt.content.at(-1)
        const text = last?.role === "user"
          ? last.content.map((part) => part.type === "text" ? part.text : "").join("")
          : ""
        const firstSentence = text.split("\n").at(-1)?.split(".")[0] ?? ""
        return [
          { type: "text" as const, text: `${firstSentence}.` },
          { type: "finish" as const, reason: "stop" as const, usage: { inputTokens: {}, outputTokens: {} } }
        ]
      }).pipe(Effect.map((parts) => [...parts])),
    streamText: () => Stream.die("streaming is not used by sampling")
  })
)

const text = "Effect is a TypeScript library for typed, composable programs. It has fibers, layers and schemas."

const program = Effect.gen(function*() {
  const client = yield* McpClient.McpClient
  const result = yield* client.callTool("summarize", { text })
  yield* Console.log(`with a LanguageModel: ${result.content[0]?.type === "text" ? result.content[0].text : ""}`)
})

const withLanguageModel = program.pipe(
  Effect.provide(
    McpClient.layer().pipe(Layer.provide([
      McpInMemoryTransport.layer(DemoServer),
      McpSampling.layerLanguageModel({ model: "fake-provider-1" }).pipe(Layer.provide(FakeProvider))
    ]))
  )
)

// A plain handler: sees the whole request (messages, system prompt, max tokens, …)
const withHandler = Effect.gen(function*() {
  const client = yield* McpClient.McpClient
  const result = yield* client.callTool("summarize", { text })
  yield* Console.log(`with a handler: ${result.content[0]?.type === "text" ? result.content[0].text : ""}`)
}).pipe(
  Effect.provide(
    McpClient.layer().pipe(Layer.provide([
      McpInMemoryTransport.layer(DemoServer),
      McpSampling.layer(
        (request) => Effect.succeed(`(${request.messages.length} message, at most ${request.maxTokens} tokens)`),
        { model: "handler" }
      )
    ]))
  )
)

Effect.andThen(withLanguageModel, withHandler).pipe(NodeRuntime.runMain)
