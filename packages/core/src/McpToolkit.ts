/**
 * MCP tools as an `effect/ai` `Toolkit`, so that a `LanguageModel` can call them: each listed tool becomes
 * a `Tool.dynamic` whose parameters are the tool's JSON Schema, with a handler that calls the tool on the
 * server. Works over one `McpClient` or an `McpRouter` (the router is an `McpClient`; its tools carry their
 * server's prefix).
 *
 * - **Success**: the tool's `structuredContent` when it answered with one, its `content` blocks otherwise.
 * - **Failure**: an answer with `isError: true` is an `McpToolError` (the tool's name and its whole
 *   result); a call that could not be made fails with its `McpError`. With `failureMode: "return"` (the
 *   default) the failure goes back to the model as the tool's result (`isFailure: true`), so the model
 *   reads the tool's error text and can try again; with `"error"` it fails `generateText`.
 * - **Names**: providers accept tool names matching `[a-zA-Z0-9_-]{1,64}`, MCP allows more (dots,
 *   slashes, any length). A name that fits is kept; another becomes {@link modelName}: each character
 *   outside the set replaced by `_`, cut to 55 characters, then `_` and eight hex digits of a hash of the
 *   whole name. The toolkit keeps the table from model name to MCP name, so calls reach the right tool.
 * - **Filters**: `include` and `exclude` take MCP names (as listed: a router's are prefixed) or a
 *   predicate on the listed tool.
 *
 * Arguments are not validated here (the server validates them against its schema and answers an error the
 * model sees); the MCP annotations `readOnlyHint`, `destructiveHint`, `idempotentHint` and `openWorldHint`
 * become the `Tool` annotations of the same meaning. The toolkit is a snapshot of the listing: build a new
 * one after `toolListChanged`. Not re-exported from the package index, so that programs which do not use
 * `effect/ai` do not load it: import `@effect-mcp/core/McpToolkit` (or `effect-mcp/McpToolkit`).
 *
 * **Example** (A model answering with a server's tools)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { LanguageModel } from "effect/ai"
 * import { McpClient } from "@effect-mcp/core"
 * import * as McpToolkit from "@effect-mcp/core/McpToolkit"
 *
 * const answer = Effect.gen(function*() {
 *   const client = yield* McpClient.McpClient
 *   const toolkit = yield* McpToolkit.fromClient(client, { exclude: ["delete_everything"] })
 *   return yield* LanguageModel.generateText({ prompt: "What is 2 + 3?", toolkit })
 * })
 * ```
 *
 * @stability experimental
 * @since 0.3.0
 */
import * as AiError from "effect/ai/AiError"
import * as Tool from "effect/ai/Tool"
import * as Toolkit from "effect/ai/Toolkit"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as JsonSchema from "effect/JsonSchema"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as McpClient from "./McpClient.ts"
import {
  McpCapabilityError,
  type McpError,
  McpProtocolError,
  McpTimeoutError,
  McpToolError,
  McpTransportError,
  McpVersionError
} from "./McpError.ts"
import type * as McpSchema from "./McpSchema.ts"

// -----------------------------------------------------------------------------
// Models
// -----------------------------------------------------------------------------

/**
 * What a tool call of the toolkit fails with: the tool's `isError` answer (`McpToolError`) or the
 * client's error. A schema, so that the toolkit can encode it for the model.
 *
 * @stability experimental
 * @category schemas
 * @since 0.3.0
 */
export const Failure: Schema.Union<
  readonly [
    typeof McpToolError,
    typeof McpTransportError,
    typeof McpProtocolError,
    typeof McpTimeoutError,
    typeof McpCapabilityError,
    typeof McpVersionError
  ]
> = Schema.Union([
  McpToolError,
  McpTransportError,
  McpProtocolError,
  McpTimeoutError,
  McpCapabilityError,
  McpVersionError
])

/**
 * The decoded type of {@link Failure}.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type Failure = McpToolError | McpError

/**
 * One MCP tool as an `effect/ai` tool: JSON Schema parameters (not validated locally), any JSON as
 * success, {@link Failure} as failure, and the toolkit's failure mode.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type McpTool<Mode extends Tool.FailureMode = "return"> = Tool.Dynamic<string, {
  readonly parameters: JsonSchema.JsonSchema
  readonly success: typeof Schema.Unknown
  readonly failure: typeof Failure
  readonly failureMode: Mode
}>

/**
 * The toolkit with its handlers, ready for `LanguageModel.generateText({ toolkit })`, keyed by model name.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type McpToolkit<Mode extends Tool.FailureMode = "return"> = Toolkit.WithHandler<Record<string, McpTool<Mode>>>

/**
 * Which tools to offer: MCP names as listed (a router's carry the server's prefix), or a predicate.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type Filter = ReadonlyArray<string> | ((tool: McpSchema.Tool) => boolean)

/**
 * Options of {@link fromClient} and {@link make}.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Options<Mode extends Tool.FailureMode = "return"> {
  /** Only these tools. Default: every listed tool. */
  readonly include?: Filter | undefined
  /** Not these tools (applied after `include`). */
  readonly exclude?: Filter | undefined
  /** `"return"` (default): failures go back to the model as the tool's result; `"error"`: they fail the generation. */
  readonly failureMode?: Mode | undefined
  /** The deadline of each tool call. Default: the client's. */
  readonly timeout?: Duration.Input | undefined
}

// -----------------------------------------------------------------------------
// Constructors
// -----------------------------------------------------------------------------

/**
 * Lists the client's tools (or a router's, across its servers) and binds a handler to each: the
 * toolkit a `LanguageModel` calls them through.
 *
 * **Details**
 *
 * The handler calls the MCP tool with the model's arguments (an object; anything else is a parameter
 * error) and succeeds with the `structuredContent` of the answer, or its `content` when it has none.
 * `isError: true` fails with `McpToolError`; see the module's doc for the failure modes and names.
 *
 * **Example** (Only the read-only tools, failing the generation on a tool error)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { McpClient } from "@effect-mcp/core"
 * import * as McpToolkit from "@effect-mcp/core/McpToolkit"
 *
 * const toolkit = Effect.flatMap(McpClient.McpClient, (client) =>
 *   McpToolkit.fromClient(client, {
 *     include: (tool) => tool.annotations?.readOnlyHint === true,
 *     failureMode: "error"
 *   }))
 * ```
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const fromClient = <Mode extends Tool.FailureMode = "return">(
  client: McpClient.McpClient["Service"],
  options?: Options<Mode>
): Effect.Effect<McpToolkit<Mode>, McpError> =>
  Effect.flatMap(client.listTools(), (listed) => {
    const tools: Array<McpTool<Mode>> = []
    const handlers: Record<string, (params: unknown) => Effect.Effect<unknown, Failure | AiError.AiErrorReason>> =
      Object.create(null)
    const mode = (options?.failureMode ?? "return") as Mode
    for (const descriptor of listed) {
      if (!offered(descriptor, options)) continue
      const name = modelName(descriptor.name)
      // two names mapping to one would need a hash collision, or a tool named like another's mapping
      if (Object.hasOwn(handlers, name)) continue
      tools.push(toTool(name, descriptor, mode))
      handlers[name] = callTool(client, descriptor.name, options?.timeout)
    }
    const toolkit = Toolkit.make(...tools)
    return Effect.flatMap(
      toolkit.toHandlers(handlers as never),
      (context) => Effect.provideContext(toolkit, context)
    ) as unknown as Effect.Effect<McpToolkit<Mode>>
  })

/**
 * {@link fromClient} over the `McpClient` in the context (a client's layer, or a router's).
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const make = <Mode extends Tool.FailureMode = "return">(
  options?: Options<Mode>
): Effect.Effect<McpToolkit<Mode>, McpError, McpClient.McpClient> =>
  Effect.gen(function*() {
    return yield* fromClient(yield* McpClient.McpClient, options)
  })

// -----------------------------------------------------------------------------
// Names
// -----------------------------------------------------------------------------

const modelNamePattern = /^[a-zA-Z0-9_-]{1,64}$/

/**
 * The name a model sees for an MCP tool: the name itself when it matches `[a-zA-Z0-9_-]{1,64}`;
 * otherwise its allowed characters (others replaced by `_`, at most 55), `_`, and eight hex digits of
 * the FNV-1a hash of the whole name. Deterministic, so a name maps the same way in every toolkit.
 *
 * **Example** (Names a provider refuses)
 *
 * ```ts
 * import * as McpToolkit from "@effect-mcp/core/McpToolkit"
 *
 * McpToolkit.modelName("get_weather") // => "get_weather"
 * McpToolkit.modelName("files.read") // => "files_read_" followed by 8 hex digits
 * ```
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const modelName = (name: string): string =>
  modelNamePattern.test(name) ? name : `${name.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 55)}_${fnv1a(name)}`

/** FNV-1a, 32 bits, as eight hex digits. */
const fnv1a = (text: string): string => {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(16).padStart(8, "0")
}

// -----------------------------------------------------------------------------
// Internals
// -----------------------------------------------------------------------------

const matches = (filter: Filter, tool: McpSchema.Tool): boolean =>
  typeof filter === "function" ? filter(tool) : filter.includes(tool.name)

const offered = (tool: McpSchema.Tool, options: Options<Tool.FailureMode> | undefined): boolean =>
  (options?.include === undefined || matches(options.include, tool)) &&
  (options?.exclude === undefined || !matches(options.exclude, tool))

/** The `effect/ai` tool of a listed MCP tool, its hints as the tool's annotations. */
const toTool = <Mode extends Tool.FailureMode>(name: string, tool: McpSchema.Tool, mode: Mode): McpTool<Mode> => {
  const description = tool.description ?? tool.title
  let result = Tool.dynamic(name, {
    ...(description === undefined ? {} : { description }),
    parameters: tool.inputSchema as JsonSchema.JsonSchema,
    success: Schema.Unknown,
    failure: Failure,
    failureMode: mode
  }).annotate(Tool.Strict, false)
  const hints = tool.annotations
  if (hints?.readOnlyHint !== undefined) result = result.annotate(Tool.Readonly, hints.readOnlyHint)
  if (hints?.destructiveHint !== undefined) result = result.annotate(Tool.Destructive, hints.destructiveHint)
  if (hints?.idempotentHint !== undefined) result = result.annotate(Tool.Idempotent, hints.idempotentHint)
  if (hints?.openWorldHint !== undefined) result = result.annotate(Tool.OpenWorld, hints.openWorldHint)
  return result as McpTool<Mode>
}

/** The handler of one tool: the model's arguments to `tools/call`, the answer to the model. */
const callTool = (
  client: McpClient.McpClient["Service"],
  tool: string,
  timeout: Duration.Input | undefined
) =>
(params: unknown): Effect.Effect<unknown, Failure | AiError.AiErrorReason> => {
  if (params !== undefined && params !== null && (!Predicate.isObject(params) || Array.isArray(params))) {
    return Effect.fail(
      new AiError.ToolParameterValidationError({ toolName: tool, description: "MCP tool arguments must be an object" })
    )
  }
  return Effect.flatMap(
    client.callToolRaw(tool, (params ?? undefined) as McpClient.ToolArguments | undefined, { timeout }),
    (result) =>
      result.isError === true
        ? Effect.fail(new McpToolError({ tool, result }))
        : Effect.succeed(result.structuredContent ?? result.content)
  )
}
