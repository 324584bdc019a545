/**
 * Answers the servers' requests for an LLM completion (`sampling/createMessage`).
 *
 * Without a layer the client advertises no `sampling` capability, so servers know not to ask. With
 * {@link layer} your handler receives the whole request (messages, system prompt, model preferences,
 * temperature, max tokens, stop sequences, metadata, include-context, and, from 2025-11-25, tools and
 * tool choice) and answers with a plain string or a full result. {@link layerLanguageModel} answers
 * with any `effect/ai` `LanguageModel` in the context: this is how an Effect application plugs its own
 * LLM provider in.
 *
 * A handler that fails answers the server with a JSON-RPC error and never harms the client: fail with
 * {@link reject} (code -1, "User rejected sampling request") or any `McpHandlerError` to choose the
 * error; any other failure is answered as an internal error (-32603) with its message.
 *
 * **Example** (Answering sampling with a fixed text)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { McpSampling } from "@effect-mcp/core"
 *
 * const SamplingLive = McpSampling.layer((request) =>
 *   Effect.succeed(`You asked ${request.messages.length} message(s); the answer is 42.`)
 * )
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import type * as LanguageModel from "effect/ai/LanguageModel"
import type * as Prompt from "effect/ai/Prompt"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Sampling from "./internal/sampling.ts"
import { McpHandlerError, toHandlerError } from "./McpError.ts"
import type { CreateMessageRequestParams, CreateMessageResult, SamplingContent } from "./McpSchema.ts"

/**
 * What a sampling handler learns about the request beside its parameters.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type SamplingContext = Sampling.SamplingContext

/**
 * A handler's answer: a plain text (sent as an assistant text message) or a full result.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type SamplingResponse = Sampling.SamplingResponse

/**
 * The sampling service.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type Service = Sampling.Service

/**
 * The sampling service. Its default is none: no `sampling` capability.
 *
 * @stability experimental
 * @category services
 * @since 0.1.0
 */
export const McpSampling: Context.Reference<Service | undefined> = Sampling.McpSampling

/**
 * The refusal a user gives a sampling request: JSON-RPC error -1, as the specification words it.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const reject = (description = "User rejected sampling request"): McpHandlerError =>
  new McpHandlerError({ code: -1, description })

/**
 * Options of {@link layer}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** Advertise `sampling.tools` (2025-11-25): the handler understands `tools` and `toolChoice`. Default: false. */
  readonly tools?: boolean | undefined
  /** Advertise `sampling.context`: the handler honours `includeContext`. Default: false. */
  readonly context?: boolean | undefined
  /** The model name reported when the handler answers with a plain string. Default: "effect-mcp". */
  readonly model?: string | undefined
}

/**
 * Answers sampling requests with `handler`.
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = <E>(
  handler: (request: CreateMessageRequestParams, context: SamplingContext) => Effect.Effect<SamplingResponse, E>,
  options?: Options
): Layer.Layer<never> => {
  const model = options?.model ?? "effect-mcp"
  return Layer.succeed(McpSampling, {
    capabilities: { context: options?.context === true, tools: options?.tools === true },
    createMessage: (request, context) =>
      handler(request, context).pipe(
        Effect.map((response): CreateMessageResult =>
          typeof response === "string"
            ? { role: "assistant", content: { type: "text", text: response }, model }
            : response
        ),
        Effect.mapError(toHandlerError)
      )
  })
}

// -----------------------------------------------------------------------------
// effect/ai LanguageModel
// -----------------------------------------------------------------------------

const blocksOf = (content: SamplingContent | ReadonlyArray<SamplingContent>): ReadonlyArray<SamplingContent> =>
  Array.isArray(content) ? content : [content as SamplingContent]

/**
 * Converts the messages of a sampling request into an `effect/ai` prompt: `tool_result` blocks become
 * tool messages, `tool_use` blocks tool calls, images and audio files.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const toPrompt = (request: CreateMessageRequestParams): Array<Prompt.MessageEncoded> => {
  const prompt: Array<Prompt.MessageEncoded> = []
  if (request.systemPrompt !== undefined) prompt.push({ role: "system", content: request.systemPrompt })
  const toolNames = new Map<string, string>()
  for (const message of request.messages) {
    const blocks = blocksOf(message.content)
    if (message.role === "assistant") {
      const parts: Array<Prompt.AssistantMessagePartEncoded> = []
      for (const block of blocks) {
        if (block.type === "text") parts.push({ type: "text", text: block.text })
        else if (block.type === "image" || block.type === "audio") {
          parts.push({ type: "file", mediaType: block.mimeType, data: block.data })
        } else if (block.type === "tool_use") {
          toolNames.set(block.id, block.name)
          parts.push({ type: "tool-call", id: block.id, name: block.name, params: block.input })
        }
      }
      prompt.push({ role: "assistant", content: parts })
      continue
    }
    const results: Array<Prompt.ToolMessagePartEncoded> = []
    const parts: Array<Prompt.UserMessagePartEncoded> = []
    for (const block of blocks) {
      if (block.type === "tool_result") {
        results.push({
          type: "tool-result",
          id: block.toolUseId,
          name: toolNames.get(block.toolUseId) ?? "",
          isFailure: block.isError === true,
          result: block.structuredContent ??
            block.content.map((item) => item.type === "text" ? item.text : item)
        })
      } else if (block.type === "text") parts.push({ type: "text", text: block.text })
      else if (block.type === "image" || block.type === "audio") {
        parts.push({ type: "file", mediaType: block.mimeType, data: block.data })
      }
    }
    if (results.length > 0) prompt.push({ role: "tool", content: results })
    if (parts.length > 0) prompt.push({ role: "user", content: parts })
  }
  return prompt
}

/**
 * Answers sampling with the `effect/ai` `LanguageModel` in the context. Advertises `sampling.tools`:
 * the request's tools are offered to the model (as `Tool.dynamic` definitions from their JSON Schemas)
 * and the calls it makes come back to the server as `tool_use` blocks, unexecuted.
 *
 * **Details**
 *
 * `systemPrompt` and the messages become the prompt; `toolChoice` maps to the model's tool choice.
 * `maxTokens`, `temperature` and `stopSequences` are provider settings in `effect/ai`, not prompt
 * input, so configure them on the provider layer.
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layerLanguageModel = (
  options?: { readonly model?: string | undefined }
): Layer.Layer<never, never, LanguageModel.LanguageModel> =>
  Layer.effect(
    McpSampling,
    Effect.gen(function*() {
      const context = yield* Effect.context<LanguageModel.LanguageModel>()
      const model = options?.model ?? "effect/ai LanguageModel"
      // effect/ai is loaded with the first layer that uses it, not with this module
      const bridge = yield* Effect.promise(() => import("./internal/samplingLanguageModel.ts"))
      const service: Service = {
        capabilities: { context: false, tools: true },
        createMessage: (request) =>
          bridge.createMessage(request, model).pipe(Effect.provideContext(context), Effect.mapError(toHandlerError))
      }
      return service
    })
  )
