/**
 * The elicitation service's models, reference and schema defaults, apart from `McpElicitation`'s
 * constructors: the client reads them without loading `effect/SchemaRepresentation`, which only
 * `toSchema` needs.
 *
 * @internal
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import type { McpHandlerError } from "../McpError.ts"
import type { ElicitFormRequestParams, ElicitResult, ElicitUrlRequestParams, RequestId } from "../McpSchema.ts"

/**
 * An elicitation request, by mode.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ElicitationRequest =
  | {
    readonly _tag: "Form"
    readonly message: string
    /** The flat JSON Schema of the wanted fields. */
    readonly requestedSchema: ElicitFormRequestParams["requestedSchema"]
    /** The `default` of each field that has one (to pre-fill a form). */
    readonly defaults: Readonly<Record<string, Schema.Json>>
    readonly params: ElicitFormRequestParams
  }
  | {
    readonly _tag: "Url"
    readonly message: string
    /** The URL to show the user in full; never open it without their consent. */
    readonly url: string
    readonly elicitationId: string
    readonly params: ElicitUrlRequestParams
  }

/**
 * What an elicitation handler learns beside the request.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface ElicitationContext {
  readonly requestId: RequestId
  /** The name of the server asking. */
  readonly server: string
}

/**
 * The elicitation service.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Service {
  /** The modes to advertise under the `elicitation` capability. */
  readonly capabilities: { readonly form: boolean; readonly url: boolean }
  readonly elicit: (
    request: ElicitationRequest,
    context: ElicitationContext
  ) => Effect.Effect<ElicitResult, McpHandlerError>
  /** Told when the server reports a URL-mode elicitation complete. */
  readonly onComplete: ((elicitationId: string) => Effect.Effect<void>) | undefined
}

/**
 * The elicitation service. Its default is none: no `elicitation` capability.
 *
 * @stability experimental
 * @category services
 * @since 0.1.0
 */
export const McpElicitation: Context.Reference<Service | undefined> = Context.Reference<Service | undefined>(
  "@effect-mcp/core/McpElicitation",
  { defaultValue: () => undefined }
)

type Properties = Readonly<Record<string, Schema.Json>>

/**
 * The `default` of every field of a requested schema that has one.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const defaultsOf = (requestedSchema: ElicitFormRequestParams["requestedSchema"]): Properties => {
  const defaults: Record<string, Schema.Json> = {}
  for (const [name, property] of Object.entries(requestedSchema.properties)) {
    if (typeof property === "object" && property !== null && !Array.isArray(property) && "default" in property) {
      defaults[name] = (property as Properties).default!
    }
  }
  return defaults
}

/**
 * Fills the fields an accepted answer left out with their schema defaults (2025-11-25, SEP-1034).
 * Declined and cancelled answers are left alone.
 *
 * @stability experimental
 * @category combinators
 * @since 0.1.0
 */
export const applyDefaults = (
  requestedSchema: ElicitFormRequestParams["requestedSchema"],
  result: ElicitResult
): ElicitResult => {
  if (result.action !== "accept") return result
  const defaults = defaultsOf(requestedSchema)
  if (Object.keys(defaults).length === 0) return result
  return { ...result, content: { ...defaults, ...result.content } as NonNullable<ElicitResult["content"]> }
}
