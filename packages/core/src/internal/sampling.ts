/**
 * The sampling service's models and reference, apart from `McpSampling`'s constructors: the client
 * reads the reference without loading `effect/ai`, which only the `LanguageModel` bridge needs.
 *
 * @internal
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type { McpHandlerError } from "../McpError.ts"
import type { CreateMessageRequestParams, CreateMessageResult, RequestId } from "../McpSchema.ts"

/**
 * What a sampling handler learns about the request beside its parameters.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface SamplingContext {
  readonly requestId: RequestId
  /** The name of the server asking. */
  readonly server: string
}

/**
 * A handler's answer: a plain text (sent as an assistant text message) or a full result.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type SamplingResponse = string | CreateMessageResult

/**
 * The sampling service.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Service {
  /** What to advertise under the `sampling` capability. */
  readonly capabilities: { readonly context: boolean; readonly tools: boolean }
  readonly createMessage: (
    request: CreateMessageRequestParams,
    context: SamplingContext
  ) => Effect.Effect<CreateMessageResult, McpHandlerError>
}

/**
 * The sampling service. Its default is none: no `sampling` capability.
 *
 * @stability experimental
 * @category services
 * @since 0.1.0
 */
export const McpSampling: Context.Reference<Service | undefined> = Context.Reference<Service | undefined>(
  "@effect-mcp/core/McpSampling",
  { defaultValue: () => undefined }
)
