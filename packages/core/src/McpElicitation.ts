/**
 * Answers the servers' requests for input from the user (`elicitation/create`).
 *
 * Two modes exist. In **form** mode the server sends a message and a flat JSON Schema of the fields it
 * wants; the answer is `accept` (with the content), `decline` or `cancel`. In **URL** mode (2025-11-25)
 * the server asks the user to visit a URL (to sign in, to pay…); `accept` means consent only, and the
 * server may later send `notifications/elicitation/complete`.
 *
 * Without a layer the client advertises no `elicitation` capability. {@link layer} serves the modes
 * you choose with one handler; {@link layerForm} decodes the requested schema into an Effect `Schema`
 * and checks the handler's content against it, so a handler cannot send the server a value of the
 * wrong shape. Schema defaults are applied as 2025-11-25 requires: a field the user left out that has
 * a `default` is sent with it.
 *
 * **Example** (Accepting every form with its defaults)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { McpElicitation } from "@effect-mcp/core"
 *
 * const ElicitationLive = McpElicitation.layer((request) =>
 *   Effect.succeed(request._tag === "Form" ? McpElicitation.accept() : McpElicitation.decline)
 * )
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as JsonSchema from "effect/JsonSchema"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import type * as SchemaRepresentation from "effect/SchemaRepresentation"
import * as Elicitation from "./internal/elicitation.ts"
import { McpHandlerError, toHandlerError } from "./McpError.ts"
import type { ElicitFormRequestParams, ElicitResult } from "./McpSchema.ts"

/**
 * An elicitation request, by mode.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ElicitationRequest = Elicitation.ElicitationRequest

/**
 * What an elicitation handler learns beside the request.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ElicitationContext = Elicitation.ElicitationContext

/**
 * The elicitation service.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type Service = Elicitation.Service

/**
 * The elicitation service. Its default is none: no `elicitation` capability.
 *
 * @stability experimental
 * @category services
 * @since 0.1.0
 */
export const McpElicitation: Context.Reference<Service | undefined> = Elicitation.McpElicitation

/**
 * Accepts, with the given content (form mode) or none (URL mode, or a form of defaults only).
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const accept = (content?: ElicitResult["content"]): ElicitResult =>
  content === undefined ? { action: "accept" } : { action: "accept", content }

/**
 * Declines: the user said no.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const decline: ElicitResult = { action: "decline" }

/**
 * Cancels: the user dismissed the request without choosing.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const cancel: ElicitResult = { action: "cancel" }

/**
 * The `default` of every field of a requested schema that has one.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const defaultsOf: (
  requestedSchema: ElicitFormRequestParams["requestedSchema"]
) => Readonly<Record<string, Schema.Json>> = Elicitation.defaultsOf

/**
 * Fills the fields an accepted answer left out with their schema defaults (2025-11-25, SEP-1034).
 * Declined and cancelled answers are left alone.
 *
 * @stability experimental
 * @category combinators
 * @since 0.1.0
 */
export const applyDefaults: (
  requestedSchema: ElicitFormRequestParams["requestedSchema"],
  result: ElicitResult
) => ElicitResult = Elicitation.applyDefaults

/**
 * Options of {@link layer}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** Serve form mode. Default: true. */
  readonly form?: boolean | undefined
  /** Serve URL mode (2025-11-25). Default: false. */
  readonly url?: boolean | undefined
  /** Told when the server reports a URL-mode elicitation complete. */
  readonly onComplete?: ((elicitationId: string) => Effect.Effect<void>) | undefined
}

/**
 * Answers elicitation requests with `handler`, for the modes chosen in `options`.
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = <E>(
  handler: (request: ElicitationRequest, context: ElicitationContext) => Effect.Effect<ElicitResult, E>,
  options?: Options
): Layer.Layer<never> =>
  Layer.succeed(McpElicitation, {
    capabilities: { form: options?.form !== false, url: options?.url === true },
    elicit: (request, context) => Effect.mapError(handler(request, context), toHandlerError),
    onComplete: options?.onComplete
  })

/**
 * A typed form request: the requested JSON Schema decoded into an Effect `Schema`.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface FormRequest {
  readonly message: string
  /** The requested fields as a Schema: decode input with it, or read its AST to build a form. */
  readonly schema: Schema.Codec<unknown, unknown>
  readonly requestedSchema: ElicitFormRequestParams["requestedSchema"]
  readonly defaults: Readonly<Record<string, Schema.Json>>
  readonly context: ElicitationContext
}

/**
 * A form handler's answer: the content to accept (checked against the schema), or a refusal.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type FormAnswer =
  | { readonly action: "accept"; readonly content: unknown }
  | { readonly action: "decline" }
  | { readonly action: "cancel" }

/**
 * Turns a requested schema into an Effect `Schema`, failing with invalid params (-32602) when it uses
 * JSON Schema features Effect cannot import.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const toSchema = (
  requestedSchema: ElicitFormRequestParams["requestedSchema"]
): Effect.Effect<Schema.Codec<unknown, unknown>, McpHandlerError> =>
  Effect.flatMap(loadRepresentation, (Representation) =>
    Effect.try({
      try: () =>
        Representation.fromJsonSchemaDocument(
          JsonSchema.fromSchemaDraft2020_12(requestedSchema as JsonSchema.JsonSchema),
          { patterns: "ignore" }
        ) as Schema.Codec<unknown, unknown>,
      catch: (cause) =>
        new McpHandlerError({
          code: -32602,
          description: `Unsupported requested schema: ${cause instanceof Error ? cause.message : String(cause)}`
        })
    }))

/**
 * Effect's JSON Schema importer, loaded the first time a form is answered: it is large, and a
 * program that imports this module (every program that imports the front door's index) may never
 * answer one.
 */
const loadRepresentation: Effect.Effect<typeof SchemaRepresentation> = Effect.promise(() =>
  import("effect/SchemaRepresentation")
)

/**
 * Answers form-mode elicitation with a typed handler: it receives the requested schema as an Effect
 * `Schema`, and the content it accepts with is checked against that schema (defaults filled in first)
 * before it is sent. Content that does not match fails the request with invalid params (-32602)
 * instead of sending the server a wrong value.
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layerForm = <E>(handler: (request: FormRequest) => Effect.Effect<FormAnswer, E>): Layer.Layer<never> =>
  layer((request, context) =>
    Effect.gen(function*() {
      if (request._tag !== "Form") return cancel
      const schema = yield* toSchema(request.requestedSchema)
      const answer = yield* Effect.mapError(
        handler({
          message: request.message,
          schema,
          requestedSchema: request.requestedSchema,
          defaults: request.defaults,
          context
        }),
        toHandlerError
      )
      if (answer.action !== "accept") return answer
      const content: Record<string, unknown> = { ...request.defaults, ...(answer.content as object) }
      const extra = Object.keys(content).filter((key) => !Object.hasOwn(request.requestedSchema.properties, key))
      if (extra.length > 0) {
        return yield* new McpHandlerError({
          code: -32602,
          description: `The answer has fields the server did not ask for: ${extra.join(", ")}`
        })
      }
      // the decoded value is what is sent
      const decoded = yield* Schema.decodeUnknownEffect(schema)(content).pipe(
        Effect.mapError((error) =>
          new McpHandlerError({
            code: -32602,
            description: `The answer does not match the requested schema: ${
              SchemaIssue.makeFormatterDefault()(error.issue)
            }`
          })
        )
      )
      return accept(decoded as ElicitResult["content"])
    })
  )
