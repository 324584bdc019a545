/**
 * A `LanguageModel` answering with MCP tools: `McpToolkit.make` turns the server's tools into an
 * `effect/ai` toolkit (JSON Schema parameters, the structured output as the result, `isError` as a
 * failure the model reads). A scripted model stands in for OpenAI, Anthropic or your own provider: its
 * first turn asks for two tool calls, its second reads their results from the prompt and answers. The
 * server is `DemoServer`, in process; no network.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Stream } from "effect"
import { McpClient, McpInMemoryTransport } from "effect-mcp"
import * as McpToolkit from "effect-mcp/McpToolkit"
import { LanguageModel, Prompt } from "effect/ai"
import { DemoServer } from "./DemoServer.ts"

const usage = { inputTokens: {}, outputTokens: {} }

// The stand-in model: without tool results in its prompt it calls tools; with them, it answers.
const ScriptedModel = Layer.effect(
  LanguageModel.LanguageModel,
  LanguageModel.make({
    generateText: (options) =>
      Effect.sync(() => {
        const results = options.prompt.content.flatMap((message) =>
          message.role === "tool" ? message.content.filter((part) => part.type === "tool-result") : []
        )
        if (results.length === 0) {
          return [
            { type: "tool-call" as const, id: "1", name: "add", params: { a: 40, b: 2 } },
            { type: "tool-call" as const, id: "2", name: "divide", params: { a: 1, b: 0 } },
            { type: "finish" as const, reason: "tool-calls" as const, usage }
          ]
        }
        const seen = results.map((part) =>
          `${part.name} ${part.isFailure ? "failed with" : "returned"} ${JSON.stringify(part.result)}`
        )
        return [
          { type: "text" as const, text: `I saw: ${seen.join("; ")}` },
          { type: "finish" as const, reason: "stop" as const, usage }
        ]
      }),
    streamText: () => Stream.die("not used here")
  })
)

const program = Effect.gen(function*() {
  // only the two tools the model needs; failures go back to the model ("return", the default)
  const toolkit = yield* McpToolkit.make({ include: ["add", "divide"] })
  yield* Console.log(`tools offered: ${Object.keys(toolkit.tools).join(", ")}`)

  const question = "What is 40 + 2, and 1 / 0?"
  const first = yield* LanguageModel.generateText({ prompt: question, toolkit })
  for (const result of first.toolResults) {
    // `result` is decoded (an `McpToolError` on failure); `encodedResult` is the JSON the model is sent
    yield* Console.log(
      `${result.name}: ${result.isFailure ? "failure" : "success"} ${JSON.stringify(result.encodedResult)}`
    )
  }
  // the next turn carries the calls and their results: the model reads them
  const history = Prompt.concat(Prompt.make(question), Prompt.fromResponseParts(first.content))
  const answer = yield* LanguageModel.generateText({ prompt: history, toolkit })
  yield* Console.log(`model: ${answer.text}`)

  // a name a provider refuses (dots, slashes, more than 64 characters) is mapped, and mapped back on calls
  yield* Console.log(`"files.read" is offered as ${McpToolkit.modelName("files.read")}`)
})

program.pipe(
  Effect.provide([McpClient.layer().pipe(Layer.provide(McpInMemoryTransport.layer(DemoServer))), ScriptedModel]),
  NodeRuntime.runMain
)
