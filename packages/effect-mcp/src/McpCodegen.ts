/**
 * Typed calls of a server's tools, as TypeScript source: for each tool an Effect `Schema` of its input
 * and of its output (from the JSON Schemas the server lists), their types, and a function that calls
 * the tool through the `McpClient` in context and returns its decoded `structuredContent` (or the
 * `CallToolResult` when the tool declares no output schema), failing with `McpError` or `McpToolError`.
 * The tool's description becomes the function's JSDoc.
 *
 * The JSON Schemas are translated by Effect's own `SchemaRepresentation` (`fromJsonSchemaDocument`,
 * `toCodeDocument`), draft-07 or 2020-12 by the schema's `$schema`. A schema it cannot translate
 * (`if`/`then`, typed `additionalProperties` beside `properties`, open `patternProperties`, external
 * `$ref`, …) becomes `Schema.Unknown`, with a comment saying why: generation never fails on a schema.
 * Tool names become unique identifiers (`get-weather` → `getWeather`, `delete` → `delete_`, `123x` →
 * `_123x`); the original name is what the function sends.
 *
 * Not exported from the front door's index (`effect-mcp/McpCodegen`), so that programs that do not
 * generate code load no `effect/SchemaRepresentation`.
 *
 * **Example** (Calling a tool through a generated module)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { McpClient } from "effect-mcp"
 * // written by McpCodegen.fromClient() from server-everything (see fromClient)
 * import { getStructuredContent } from "./tools.ts"
 *
 * const weather = getStructuredContent({ location: "Chicago" }).pipe(
 *   Effect.map(({ conditions, temperature }) => `${temperature}°C, ${conditions}`),
 *   Effect.provide(McpClient.layerFrom("npx -y @modelcontextprotocol/server-everything"))
 * )
 * ```
 *
 * @stability experimental
 * @since 0.3.0
 */
import { McpClient } from "@effect-mcp/core/McpClient"
import type { McpError } from "@effect-mcp/core/McpError"
import type * as McpSchema from "@effect-mcp/core/McpSchema"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as Names from "./internal/codegen/names.ts"
import * as Render from "./internal/codegen/render.ts"
import * as Translate from "./internal/codegen/translate.ts"

// -----------------------------------------------------------------------------
// Models
// -----------------------------------------------------------------------------

/**
 * Options of {@link fromTools} and {@link fromClient}.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Options {
  /** The module the generated code imports `McpClient`, `McpError` and `McpSchema` from. Default `"effect-mcp"`. */
  readonly clientModule?: string | undefined
  /** Only these tools (by their names on the wire). Each must be listed, or generation fails with `UnknownTool`. */
  readonly include?: ReadonlyArray<string> | undefined
  /** Leave these tools out. Each must be listed, or generation fails with `UnknownTool`. */
  readonly exclude?: ReadonlyArray<string> | undefined
  /** A paragraph added to the module's header comment. */
  readonly header?: string | undefined
  /**
   * Keep JSON Schema's open objects: an object that lists `properties` and says nothing of
   * `additionalProperties` gets an index signature of `Schema.Json` beside them. By default such an
   * object is read as closed (`Schema.Struct`, whose decoding drops unknown keys), unless the schema uses
   * `allOf`, where closing would change what it accepts.
   */
  readonly openObjects?: boolean | undefined
  /**
   * What to do with `pattern` (and `patternProperties`): `"ignore"` (the default) leaves them out of the
   * schemas; `"apply"` enforces them with `Schema.isPattern`. A pattern runs in your process each time a
   * value is decoded, and a server's regular expression may take unbounded time: apply the patterns
   * of servers you trust.
   */
  readonly patterns?: "apply" | "ignore" | undefined
}

/**
 * The server named in the module's header: {@link fromClient} reads it from the session.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Server {
  readonly name: string
  readonly version?: string | undefined
  /** The negotiated protocol revision. */
  readonly protocolVersion?: string | undefined
}

// -----------------------------------------------------------------------------
// Errors
// -----------------------------------------------------------------------------

/**
 * `include` or `exclude` named tools the server does not list.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class UnknownTool extends Schema.TaggedError<UnknownTool>("effect-mcp/McpCodegen/UnknownTool")(
  "UnknownTool",
  { names: Schema.Array(Schema.String), available: Schema.Array(Schema.String) }
) {
  override get message(): string {
    return `No tool named ${this.names.map((name) => JSON.stringify(name)).join(", ")} ` +
      `(the server lists ${this.available.length === 0 ? "none" : this.available.join(", ")})`
  }
}

/**
 * The client could not list the server's tools.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class ListFailed extends Schema.TaggedError<ListFailed>("effect-mcp/McpCodegen/ListFailed")(
  "ListFailed",
  { cause: Schema.Defect() }
) {
  override get message(): string {
    const cause = this.cause
    return `Could not list the server's tools: ${
      typeof cause === "object" && cause !== null && "message" in cause ? String(cause.message) : String(cause)
    }`
  }
}

/**
 * Why generation failed.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type McpCodegenErrorReason = UnknownTool | ListFailed

/**
 * The schema of {@link McpCodegenErrorReason}.
 *
 * @stability experimental
 * @category schemas
 * @since 0.3.0
 */
export const McpCodegenErrorReason: Schema.Union<[typeof UnknownTool, typeof ListFailed]> = Schema.Union([
  UnknownTool,
  ListFailed
])

/**
 * Code could not be generated. `reason` says why. (A JSON Schema that cannot be translated is not an
 * error: it becomes `Schema.Unknown` with a comment.)
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class McpCodegenError extends Schema.TaggedError<McpCodegenError>("effect-mcp/McpCodegen/McpCodegenError")(
  "McpCodegenError",
  { reason: McpCodegenErrorReason }
) {
  override readonly cause = this.reason

  override get message(): string {
    return this.reason.message
  }
}

/**
 * Tells whether a value is an {@link McpCodegenError}.
 *
 * @stability experimental
 * @category guards
 * @since 0.3.0
 */
export const isMcpCodegenError = (u: unknown): u is McpCodegenError => Predicate.isTagged(u, "McpCodegenError")

// -----------------------------------------------------------------------------
// Constructors
// -----------------------------------------------------------------------------

/** The identifiers of the module's imports, which no generated name may take. */
const importNames = ["Effect", "Schema", "McpClient", "McpError", "McpSchema"]

/** The tools to generate: `include`, then without `exclude`; names neither lists fail. */
const select = (
  tools: ReadonlyArray<McpSchema.Tool>,
  options: Options | undefined
): Effect.Effect<ReadonlyArray<McpSchema.Tool>, McpCodegenError> => {
  const listed = new Set(tools.map((tool) => tool.name))
  const named = [...(options?.include ?? []), ...(options?.exclude ?? [])]
  const unknown = [...new Set(named.filter((name) => !listed.has(name)))]
  if (unknown.length > 0) {
    return Effect.fail(new McpCodegenError({ reason: new UnknownTool({ names: unknown, available: [...listed] }) }))
  }
  const include = options?.include === undefined ? undefined : new Set(options.include)
  const exclude = new Set(options?.exclude ?? [])
  return Effect.succeed(
    tools.filter((tool) => (include === undefined || include.has(tool.name)) && !exclude.has(tool.name))
  )
}

/** Names a tool's function and schemas, then translates its schemas. */
const toolSource = Effect.fnUntraced(function*(
  tool: McpSchema.Tool,
  names: Names.Registry,
  options: Translate.TranslateOptions
) {
  const fn = names.claim(Names.camelCase(tool.name))
  const base = Names.pascalCase(tool.name)
  const inputName = names.claim(`${base}Input`)
  const outputName = tool.outputSchema === undefined ? undefined : names.claim(`${base}Output`)
  const input = yield* Translate.translate(tool.inputSchema, inputName, names, options)
  const output = tool.outputSchema === undefined || outputName === undefined
    ? undefined
    : { name: outputName, translation: yield* Translate.translate(tool.outputSchema, outputName, names, options) }
  const source: Render.ToolSource = { tool, fn, inputName, input, output }
  return source
})

/**
 * Generates the module of `tools`: its source text. Pure: nothing is connected or written.
 *
 * Fails only with `UnknownTool` (`include` or `exclude` name a tool not in `tools`); a JSON Schema
 * that cannot be translated becomes `Schema.Unknown` with a comment.
 *
 * **Example** (A module from a listed tool)
 *
 * ```ts
 * import { Effect } from "effect"
 * import * as McpCodegen from "effect-mcp/McpCodegen"
 *
 * const source = McpCodegen.fromTools([{
 *   name: "get-weather",
 *   description: "The weather of a city",
 *   inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
 *   outputSchema: { type: "object", properties: { celsius: { type: "number" } }, required: ["celsius"] }
 * }], { server: { name: "weather", protocolVersion: "2025-11-25" } })
 *
 * // Effect.runSync(source) contains
 * // export const getWeather = (input: GetWeatherInput, options?: McpClient.CallToolOptions):
 * //   Effect.Effect<GetWeatherOutput, McpError.McpError | McpError.McpToolError, McpClient.McpClient>
 * ```
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const fromTools: (
  tools: ReadonlyArray<McpSchema.Tool>,
  options?: Options & { readonly server?: Server | undefined }
) => Effect.Effect<string, McpCodegenError> = Effect.fnUntraced(function*(tools, options) {
  const selected = yield* select(tools, options)
  const names = Names.registry(importNames)
  const translateOptions: Translate.TranslateOptions = {
    openObjects: options?.openObjects ?? false,
    patterns: options?.patterns ?? "ignore"
  }
  const sources = yield* Effect.forEach(selected, (tool) => toolSource(tool, names, translateOptions))
  return Render.render(sources, {
    clientModule: options?.clientModule ?? "effect-mcp",
    server: options?.server,
    header: options?.header
  })
})

/**
 * Lists every tool of the `McpClient` in context (all pages) and generates their module with
 * {@link fromTools}; the header names the server (its name, version and the negotiated revision).
 *
 * **Example** (Writing the module of a local server)
 *
 * ```ts
 * import { NodeServices } from "@effect/platform-node"
 * import { Effect, FileSystem } from "effect"
 * import { McpSource } from "effect-mcp"
 * import * as McpCodegen from "effect-mcp/McpCodegen"
 *
 * const generate = Effect.gen(function*() {
 *   const source = yield* McpCodegen.fromClient({ include: ["get-sum", "echo"] })
 *   yield* (yield* FileSystem.FileSystem).writeFileString("tools.ts", source)
 * }).pipe(
 *   Effect.provide(McpSource.layerFrom("npx -y @modelcontextprotocol/server-everything")),
 *   Effect.provide(NodeServices.layer)
 * )
 * ```
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const fromClient: (
  options?: Options
) => Effect.Effect<string, McpCodegenError, McpClient> = Effect.fnUntraced(
  function*(options) {
    const client = yield* McpClient
    const listFailed = (cause: McpError) => new McpCodegenError({ reason: new ListFailed({ cause }) })
    const session = yield* Effect.mapError(client.session, listFailed)
    const tools = yield* Effect.mapError(client.listTools(), listFailed)
    return yield* fromTools(tools, {
      ...options,
      server: {
        name: session.serverInfo.name,
        version: session.serverInfo.version,
        protocolVersion: session.protocolVersion
      }
    })
  },
  (effect) => Effect.withSpan(effect, "McpCodegen.fromClient", { captureStackTrace: false })
)
