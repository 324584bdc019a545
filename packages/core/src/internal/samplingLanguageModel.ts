/**
 * The `LanguageModel` side of `McpSampling.layerLanguageModel`: a sampling request answered by the
 * `effect/ai` model in the context. A module of its own so that `effect/ai` loads only when that
 * layer is built.
 *
 * @internal
 */
import * as LanguageModel from "effect/ai/LanguageModel"
import * as Tool from "effect/ai/Tool"
import * as Toolkit from "effect/ai/Toolkit"
import * as Effect from "effect/Effect"
import { toPrompt } from "../McpSampling.ts"
import type { CreateMessageRequestParams, CreateMessageResult, SamplingContent, ToolUseContent } from "../McpSchema.ts"

/**
 * Asks the model for the answer to a sampling request: the request's tools are offered as
 * `Tool.dynamic` definitions and the calls the model makes come back as `tool_use` blocks, unexecuted.
 */
export const createMessage = (request: CreateMessageRequestParams, model: string) =>
  Effect.gen(function*() {
    const tools = request.tools ?? []
    const toolkit = tools.length === 0 ? undefined : Toolkit.make(
      ...tools.map((tool) =>
        Tool.dynamic(tool.name, {
          ...(tool.description === undefined ? {} : { description: tool.description }),
          parameters: tool.inputSchema
        })
      )
    )
    const mode = request.toolChoice?.mode
    const prompt = toPrompt(request)
    const response = yield* (toolkit === undefined
      ? LanguageModel.generateText({ prompt })
      : LanguageModel.generateText({
        prompt,
        toolkit,
        ...(mode === undefined ? {} : { toolChoice: mode }),
        disableToolCallResolution: true
      }))
    const content: Array<SamplingContent> = []
    if (response.text.length > 0) content.push({ type: "text", text: response.text })
    for (const call of response.toolCalls) {
      const input = call.params
      content.push({
        type: "tool_use",
        id: call.id,
        name: call.name,
        input: (typeof input === "object" && input !== null ? input : {}) as ToolUseContent["input"]
      })
    }
    // a model that said nothing still answers with an (empty) text block: content may not be empty
    if (content.length === 0) content.push({ type: "text", text: "" })
    const result: CreateMessageResult = {
      role: "assistant",
      content: content.length === 1 ? content[0]! : content,
      model,
      stopReason: stopReason(response.finishReason)
    }
    return result
  })

const stopReason = (reason: string): string => {
  switch (reason) {
    case "stop":
      return "endTurn"
    case "length":
      return "maxTokens"
    case "tool-calls":
      return "toolUse"
    default:
      return reason
  }
}
