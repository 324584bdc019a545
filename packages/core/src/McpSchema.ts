/**
 * Wire schemas for every message an MCP client sends or receives in the stateful revisions 2024-11-05,
 * 2025-03-26, 2025-06-18 and 2025-11-25, and what the stateless revision 2026-07-28 adds (discovery,
 * per-request `_meta`, `input_required` results, subscriptions, cache hints).
 *
 * Every object schema is **open**: fields the schema does not name are kept (as JSON) on decode and
 * written back on encode, so a newer server's additions survive a round trip through this client. Fields
 * the specification requires are required here too; a message missing one fails to decode.
 *
 * Numbers are `Schema.Finite`: JSON cannot carry `NaN` or infinities. Free-form payloads (`_meta`, tool
 * arguments, JSON Schemas, logging `data`) are `Schema.Json`.
 *
 * @stability experimental
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

// -----------------------------------------------------------------------------
// Revisions
// -----------------------------------------------------------------------------

/**
 * The protocol revisions that use the `initialize` handshake, newest first.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export const STATEFUL_PROTOCOL_VERSIONS = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"] as const

/**
 * A protocol revision that uses the `initialize` handshake.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type StatefulProtocolVersion = typeof STATEFUL_PROTOCOL_VERSIONS[number]

/**
 * The newest stateful revision, offered first in `initialize`.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export const LATEST_STATEFUL_PROTOCOL_VERSION: StatefulProtocolVersion = "2025-11-25"

/**
 * Tells whether a revision string names a stateful revision this client speaks.
 *
 * @stability experimental
 * @category guards
 * @since 0.1.0
 */
export const isStatefulProtocolVersion = (version: string): version is StatefulProtocolVersion =>
  (STATEFUL_PROTOCOL_VERSIONS as ReadonlyArray<string>).includes(version)

/**
 * The stateless protocol revisions (no handshake, no session), newest first.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export const STATELESS_PROTOCOL_VERSIONS = ["2026-07-28"] as const

/**
 * A stateless protocol revision.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export type StatelessProtocolVersion = typeof STATELESS_PROTOCOL_VERSIONS[number]

/**
 * The newest revision this client speaks.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export const LATEST_PROTOCOL_VERSION: StatelessProtocolVersion = "2026-07-28"

/**
 * Every revision this client speaks, newest first.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export const PROTOCOL_VERSIONS: ReadonlyArray<StatelessProtocolVersion | StatefulProtocolVersion> = [
  ...STATELESS_PROTOCOL_VERSIONS,
  ...STATEFUL_PROTOCOL_VERSIONS
]

/**
 * Tells whether a revision string names a stateless revision this client speaks.
 *
 * @stability experimental
 * @category guards
 * @since 0.2.0
 */
export const isStatelessProtocolVersion = (version: string): version is StatelessProtocolVersion =>
  (STATELESS_PROTOCOL_VERSIONS as ReadonlyArray<string>).includes(version)

/**
 * The `_meta` keys of the stateless revision: every request names its revision, the client's
 * capabilities and info, and optionally the least severe log level it wants; results name the server;
 * subscription messages name their subscription.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export const MetaKey = {
  protocolVersion: "io.modelcontextprotocol/protocolVersion",
  clientCapabilities: "io.modelcontextprotocol/clientCapabilities",
  clientInfo: "io.modelcontextprotocol/clientInfo",
  logLevel: "io.modelcontextprotocol/logLevel",
  serverInfo: "io.modelcontextprotocol/serverInfo",
  subscriptionId: "io.modelcontextprotocol/subscriptionId",
  relatedTask: "io.modelcontextprotocol/related-task"
} as const

// -----------------------------------------------------------------------------
// Building blocks
// -----------------------------------------------------------------------------

const Rest = [Schema.Record(Schema.String, Schema.Json)] as const

/**
 * Builds an open object schema: the named fields are checked, every other field is kept as JSON.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const open = <const Fields extends Schema.Struct.Fields>(fields: Fields) =>
  Schema.StructWithRest(Schema.Struct(fields), Rest)

/**
 * A JSON object: `_meta`, tool arguments, JSON Schemas, capability objects.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const JsonObject = Schema.Record(Schema.String, Schema.Json)

/**
 * The decoded type of {@link JsonObject}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type JsonObject = typeof JsonObject.Type

/**
 * A JSON-RPC request id: a string or an integer (never `null`).
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const RequestId = Schema.Union([Schema.String, Schema.Int])

/**
 * The decoded type of {@link RequestId}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type RequestId = typeof RequestId.Type

/**
 * A progress token, chosen by the sender of a request and echoed by `notifications/progress`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ProgressToken = Schema.Union([Schema.String, Schema.Int])

/**
 * The decoded type of {@link ProgressToken}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ProgressToken = typeof ProgressToken.Type

/**
 * An opaque pagination cursor. Never parsed by the client.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const Cursor = Schema.String

const optional = Schema.optionalKey
const Finite = Schema.Finite

/**
 * `params._meta` of a request: the progress token plus any other keys.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const RequestMeta = open({ progressToken: optional(ProgressToken) })

/**
 * The decoded type of {@link RequestMeta}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type RequestMeta = typeof RequestMeta.Type

const meta = { _meta: optional(JsonObject) }
const requestParams = { _meta: optional(RequestMeta) }

// -----------------------------------------------------------------------------
// Shared models
// -----------------------------------------------------------------------------

/**
 * An icon for an implementation, tool, prompt, resource or template (2025-11-25).
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const Icon = open({
  src: Schema.String,
  mimeType: optional(Schema.String),
  sizes: optional(Schema.Array(Schema.String)),
  theme: optional(Schema.Literals(["light", "dark"]))
})

/**
 * The decoded type of {@link Icon}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type Icon = typeof Icon.Type

const icons = { icons: optional(Schema.Array(Icon)) }

/**
 * The name and version of a client or server (`clientInfo`, `serverInfo`).
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const Implementation = open({
  name: Schema.String,
  version: Schema.String,
  title: optional(Schema.String),
  description: optional(Schema.String),
  websiteUrl: optional(Schema.String),
  ...icons
})

/**
 * The decoded type of {@link Implementation}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type Implementation = typeof Implementation.Type

/**
 * Who a message or content block is meant for.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const Role = Schema.Literals(["user", "assistant"])

/**
 * The decoded type of {@link Role}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type Role = typeof Role.Type

/**
 * Hints on how a client should use a content block or resource.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const Annotations = open({
  audience: optional(Schema.Array(Role)),
  priority: optional(Finite),
  lastModified: optional(Schema.String)
})

/**
 * The decoded type of {@link Annotations}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type Annotations = typeof Annotations.Type

const annotated = { annotations: optional(Annotations), ...meta }

// -----------------------------------------------------------------------------
// Content
// -----------------------------------------------------------------------------

/**
 * Text content.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const TextContent = open({ type: Schema.Literal("text"), text: Schema.String, ...annotated })

/**
 * The decoded type of {@link TextContent}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type TextContent = typeof TextContent.Type

/**
 * Base64-encoded image content.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ImageContent = open({
  type: Schema.Literal("image"),
  data: Schema.String,
  mimeType: Schema.String,
  ...annotated
})

/**
 * The decoded type of {@link ImageContent}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ImageContent = typeof ImageContent.Type

/**
 * Base64-encoded audio content (2025-03-26).
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const AudioContent = open({
  type: Schema.Literal("audio"),
  data: Schema.String,
  mimeType: Schema.String,
  ...annotated
})

/**
 * The decoded type of {@link AudioContent}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type AudioContent = typeof AudioContent.Type

const resourceFields = {
  uri: Schema.String,
  name: Schema.String,
  title: optional(Schema.String),
  description: optional(Schema.String),
  mimeType: optional(Schema.String),
  size: optional(Finite),
  ...icons,
  ...annotated
}

/**
 * A link to a resource the server can read (2025-06-18).
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ResourceLink = open({ type: Schema.Literal("resource_link"), ...resourceFields })

/**
 * The decoded type of {@link ResourceLink}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ResourceLink = typeof ResourceLink.Type

/**
 * The text contents of a resource.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const TextResourceContents = open({
  uri: Schema.String,
  mimeType: optional(Schema.String),
  text: Schema.String,
  ...meta
})

/**
 * The decoded type of {@link TextResourceContents}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type TextResourceContents = typeof TextResourceContents.Type

/**
 * The binary contents of a resource, base64-encoded.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const BlobResourceContents = open({
  uri: Schema.String,
  mimeType: optional(Schema.String),
  blob: Schema.String,
  ...meta
})

/**
 * The decoded type of {@link BlobResourceContents}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type BlobResourceContents = typeof BlobResourceContents.Type

/**
 * Text or binary resource contents.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ResourceContents = Schema.Union([TextResourceContents, BlobResourceContents])

/**
 * The decoded type of {@link ResourceContents}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ResourceContents = typeof ResourceContents.Type

/**
 * Tells text contents from blob contents. (Open objects may carry any key, so `"text" in contents`
 * does not narrow the union; this guard does.)
 *
 * @stability experimental
 * @category guards
 * @since 0.1.0
 */
export const isTextResourceContents = (contents: ResourceContents): contents is TextResourceContents =>
  typeof contents.text === "string"

/**
 * Tells blob contents from text contents.
 *
 * @stability experimental
 * @category guards
 * @since 0.1.0
 */
export const isBlobResourceContents = (contents: ResourceContents): contents is BlobResourceContents =>
  typeof contents.blob === "string" && typeof contents.text !== "string"

/**
 * A resource embedded in a prompt message or tool result.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const EmbeddedResource = open({ type: Schema.Literal("resource"), resource: ResourceContents, ...annotated })

/**
 * The decoded type of {@link EmbeddedResource}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type EmbeddedResource = typeof EmbeddedResource.Type

/**
 * Any content block of a tool result or prompt message.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ContentBlock = Schema.Union([TextContent, ImageContent, AudioContent, ResourceLink, EmbeddedResource])

/**
 * The decoded type of {@link ContentBlock}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ContentBlock = typeof ContentBlock.Type

/**
 * A tool call requested by a model in a sampling result (2025-11-25).
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ToolUseContent = open({
  type: Schema.Literal("tool_use"),
  id: Schema.String,
  name: Schema.String,
  input: JsonObject,
  ...meta
})

/**
 * The decoded type of {@link ToolUseContent}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ToolUseContent = typeof ToolUseContent.Type

/**
 * The result of a tool call, sent back to the model in a sampling request (2025-11-25). Its
 * `structuredContent` is an object in 2025-11-25 and any JSON value in 2026-07-28, as for
 * {@link CallToolResult}.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ToolResultContent = open({
  type: Schema.Literal("tool_result"),
  toolUseId: Schema.String,
  content: Schema.Array(ContentBlock),
  structuredContent: optional(Schema.Json),
  isError: optional(Schema.Boolean),
  ...meta
})

/**
 * The decoded type of {@link ToolResultContent}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ToolResultContent = typeof ToolResultContent.Type

/**
 * Content allowed in a sampling message.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const SamplingContent = Schema.Union([
  TextContent,
  ImageContent,
  AudioContent,
  ToolUseContent,
  ToolResultContent
])

/**
 * The decoded type of {@link SamplingContent}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type SamplingContent = typeof SamplingContent.Type

// -----------------------------------------------------------------------------
// Capabilities and lifecycle
// -----------------------------------------------------------------------------

// each experimental capability and extension is an object: `{ [key: string]: object }` (2025-11-25),
// `{ [key: string]: JSONObject }` (2026-07-28)
const capabilityObjects = Schema.Record(Schema.String, JsonObject)

/**
 * What the client offers to servers.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ClientCapabilities = open({
  experimental: optional(capabilityObjects),
  roots: optional(open({ listChanged: optional(Schema.Boolean) })),
  sampling: optional(open({ context: optional(JsonObject), tools: optional(JsonObject) })),
  elicitation: optional(open({ form: optional(JsonObject), url: optional(JsonObject) })),
  tasks: optional(JsonObject),
  extensions: optional(capabilityObjects)
})

/**
 * The decoded type of {@link ClientCapabilities}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ClientCapabilities = typeof ClientCapabilities.Type

const listChanged = open({ listChanged: optional(Schema.Boolean) })

/**
 * What a server offers.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ServerCapabilities = open({
  experimental: optional(JsonObject),
  logging: optional(JsonObject),
  completions: optional(JsonObject),
  prompts: optional(listChanged),
  resources: optional(open({ subscribe: optional(Schema.Boolean), listChanged: optional(Schema.Boolean) })),
  tools: optional(listChanged),
  tasks: optional(JsonObject),
  extensions: optional(JsonObject)
})

/**
 * The decoded type of {@link ServerCapabilities}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ServerCapabilities = typeof ServerCapabilities.Type

/**
 * Parameters of `initialize`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const InitializeRequestParams = open({
  protocolVersion: Schema.String,
  capabilities: ClientCapabilities,
  clientInfo: Implementation,
  ...requestParams
})

/**
 * The decoded type of {@link InitializeRequestParams}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type InitializeRequestParams = typeof InitializeRequestParams.Type

/**
 * The server's answer to `initialize`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const InitializeResult = open({
  protocolVersion: Schema.String,
  capabilities: ServerCapabilities,
  serverInfo: Implementation,
  instructions: optional(Schema.String),
  ...meta
})

/**
 * The decoded type of {@link InitializeResult}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type InitializeResult = typeof InitializeResult.Type

/**
 * A result with no fields of its own (`ping`, `resources/subscribe`, `logging/setLevel`, …).
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const EmptyResult = open({ ...meta })

/**
 * The decoded type of {@link EmptyResult}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type EmptyResult = typeof EmptyResult.Type

/**
 * Parameters of a request that takes nothing but `_meta` (`ping`, `roots/list`, …).
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const RequestParams = open({ ...requestParams })

/**
 * The decoded type of {@link RequestParams}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type RequestParams = typeof RequestParams.Type

/**
 * Parameters of a paginated listing.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const PaginatedRequestParams = open({ cursor: optional(Cursor), ...requestParams })

/**
 * The decoded type of {@link PaginatedRequestParams}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type PaginatedRequestParams = typeof PaginatedRequestParams.Type

// `null` is read as "no more pages": some servers write it instead of omitting the key
const page = { nextCursor: optional(Schema.NullOr(Cursor)), ...meta }

// -----------------------------------------------------------------------------
// Tools
// -----------------------------------------------------------------------------

/**
 * Untrusted hints about a tool's behaviour.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ToolAnnotations = open({
  title: optional(Schema.String),
  readOnlyHint: optional(Schema.Boolean),
  destructiveHint: optional(Schema.Boolean),
  idempotentHint: optional(Schema.Boolean),
  openWorldHint: optional(Schema.Boolean)
})

/**
 * The decoded type of {@link ToolAnnotations}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ToolAnnotations = typeof ToolAnnotations.Type

/**
 * Execution properties of a tool (2025-11-25): whether it may run as a task.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ToolExecution = open({
  taskSupport: optional(Schema.Literals(["forbidden", "optional", "required"]))
})

/**
 * A tool a server offers.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const Tool = open({
  name: Schema.String,
  title: optional(Schema.String),
  description: optional(Schema.String),
  inputSchema: JsonObject,
  outputSchema: optional(JsonObject),
  annotations: optional(ToolAnnotations),
  execution: optional(ToolExecution),
  ...icons,
  ...meta
})

/**
 * The decoded type of {@link Tool}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type Tool = typeof Tool.Type

/**
 * A page of `tools/list`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ListToolsResult = open({ tools: Schema.Array(Tool), ...page })

/**
 * The decoded type of {@link ListToolsResult}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ListToolsResult = typeof ListToolsResult.Type

/**
 * Task augmentation of a request (2025-11-25): ask the receiver to run it as a task.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const TaskMetadata = open({ ttl: optional(Finite) })

/**
 * The decoded type of {@link TaskMetadata}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type TaskMetadata = typeof TaskMetadata.Type

/**
 * Parameters of `tools/call`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const CallToolRequestParams = open({
  name: Schema.String,
  arguments: optional(JsonObject),
  task: optional(TaskMetadata),
  ...requestParams
})

/**
 * The decoded type of {@link CallToolRequestParams}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type CallToolRequestParams = typeof CallToolRequestParams.Type

/**
 * The result of `tools/call`. `isError: true` means the tool failed (the model should see why).
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const CallToolResult = open({
  content: Schema.Array(ContentBlock),
  structuredContent: optional(Schema.Json),
  isError: optional(Schema.Boolean),
  ...meta
})

/**
 * The decoded type of {@link CallToolResult}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type CallToolResult = typeof CallToolResult.Type

// -----------------------------------------------------------------------------
// Resources
// -----------------------------------------------------------------------------

/**
 * A resource a server offers.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const Resource = open(resourceFields)

/**
 * The decoded type of {@link Resource}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type Resource = typeof Resource.Type

/**
 * A URI template (RFC 6570) for resources a server can read.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ResourceTemplate = open({
  uriTemplate: Schema.String,
  name: Schema.String,
  title: optional(Schema.String),
  description: optional(Schema.String),
  mimeType: optional(Schema.String),
  ...icons,
  ...annotated
})

/**
 * The decoded type of {@link ResourceTemplate}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ResourceTemplate = typeof ResourceTemplate.Type

/**
 * A page of `resources/list`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ListResourcesResult = open({ resources: Schema.Array(Resource), ...page })

/**
 * The decoded type of {@link ListResourcesResult}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ListResourcesResult = typeof ListResourcesResult.Type

/**
 * A page of `resources/templates/list`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ListResourceTemplatesResult = open({ resourceTemplates: Schema.Array(ResourceTemplate), ...page })

/**
 * The decoded type of {@link ListResourceTemplatesResult}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ListResourceTemplatesResult = typeof ListResourceTemplatesResult.Type

/**
 * Parameters of `resources/read`, `resources/subscribe` and `resources/unsubscribe`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ResourceRequestParams = open({ uri: Schema.String, ...requestParams })

/**
 * The decoded type of {@link ResourceRequestParams}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ResourceRequestParams = typeof ResourceRequestParams.Type

/**
 * The result of `resources/read`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ReadResourceResult = open({ contents: Schema.Array(ResourceContents), ...meta })

/**
 * The decoded type of {@link ReadResourceResult}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ReadResourceResult = typeof ReadResourceResult.Type

// -----------------------------------------------------------------------------
// Prompts
// -----------------------------------------------------------------------------

/**
 * An argument a prompt accepts.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const PromptArgument = open({
  name: Schema.String,
  title: optional(Schema.String),
  description: optional(Schema.String),
  required: optional(Schema.Boolean)
})

/**
 * A prompt template a server offers.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const Prompt = open({
  name: Schema.String,
  title: optional(Schema.String),
  description: optional(Schema.String),
  arguments: optional(Schema.Array(PromptArgument)),
  ...icons,
  ...meta
})

/**
 * The decoded type of {@link Prompt}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type Prompt = typeof Prompt.Type

/**
 * A page of `prompts/list`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ListPromptsResult = open({ prompts: Schema.Array(Prompt), ...page })

/**
 * The decoded type of {@link ListPromptsResult}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ListPromptsResult = typeof ListPromptsResult.Type

/**
 * Parameters of `prompts/get`. Argument values are strings on the wire.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const GetPromptRequestParams = open({
  name: Schema.String,
  arguments: optional(Schema.Record(Schema.String, Schema.String)),
  ...requestParams
})

/**
 * The decoded type of {@link GetPromptRequestParams}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type GetPromptRequestParams = typeof GetPromptRequestParams.Type

/**
 * One message of a rendered prompt.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const PromptMessage = open({ role: Role, content: ContentBlock })

/**
 * The decoded type of {@link PromptMessage}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type PromptMessage = typeof PromptMessage.Type

/**
 * The result of `prompts/get`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const GetPromptResult = open({
  description: optional(Schema.String),
  messages: Schema.Array(PromptMessage),
  ...meta
})

/**
 * The decoded type of {@link GetPromptResult}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type GetPromptResult = typeof GetPromptResult.Type

// -----------------------------------------------------------------------------
// Completion
// -----------------------------------------------------------------------------

/**
 * A reference to a prompt, for completion.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const PromptReference = open({ type: Schema.Literal("ref/prompt"), name: Schema.String })

/**
 * A reference to a resource template, for completion.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ResourceTemplateReference = open({ type: Schema.Literal("ref/resource"), uri: Schema.String })

/**
 * What a completion request completes an argument of.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const CompletionReference = Schema.Union([PromptReference, ResourceTemplateReference])

/**
 * The decoded type of {@link CompletionReference}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type CompletionReference = typeof CompletionReference.Type

/**
 * Parameters of `completion/complete`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const CompleteRequestParams = open({
  ref: CompletionReference,
  argument: open({ name: Schema.String, value: Schema.String }),
  context: optional(open({ arguments: optional(Schema.Record(Schema.String, Schema.String)) })),
  ...requestParams
})

/**
 * The decoded type of {@link CompleteRequestParams}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type CompleteRequestParams = typeof CompleteRequestParams.Type

/**
 * The values a server suggests for an argument.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const Completion = open({
  values: Schema.Array(Schema.String),
  total: optional(Finite),
  hasMore: optional(Schema.Boolean)
})

/**
 * The decoded type of {@link Completion}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type Completion = typeof Completion.Type

/**
 * The result of `completion/complete`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const CompleteResult = open({ completion: Completion, ...meta })

/**
 * The decoded type of {@link CompleteResult}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type CompleteResult = typeof CompleteResult.Type

// -----------------------------------------------------------------------------
// Logging, progress, cancellation
// -----------------------------------------------------------------------------

/**
 * The eight syslog (RFC 5424) levels MCP logging uses, least severe first.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const LoggingLevel = Schema.Literals([
  "debug",
  "info",
  "notice",
  "warning",
  "error",
  "critical",
  "alert",
  "emergency"
])

/**
 * The decoded type of {@link LoggingLevel}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type LoggingLevel = typeof LoggingLevel.Type

/**
 * Parameters of `logging/setLevel`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const SetLevelRequestParams = open({ level: LoggingLevel, ...requestParams })

/**
 * Parameters of `notifications/message`: one log entry from the server.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const LoggingMessageNotificationParams = open({
  level: LoggingLevel,
  logger: optional(Schema.String),
  data: Schema.Json,
  ...meta
})

/**
 * The decoded type of {@link LoggingMessageNotificationParams}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type LoggingMessageNotificationParams = typeof LoggingMessageNotificationParams.Type

/**
 * Parameters of `notifications/progress`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ProgressNotificationParams = open({
  progressToken: ProgressToken,
  progress: Finite,
  total: optional(Finite),
  message: optional(Schema.String),
  ...meta
})

/**
 * The decoded type of {@link ProgressNotificationParams}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ProgressNotificationParams = typeof ProgressNotificationParams.Type

/**
 * Parameters of `notifications/cancelled`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const CancelledNotificationParams = open({
  requestId: optional(RequestId),
  reason: optional(Schema.String),
  ...meta
})

/**
 * The decoded type of {@link CancelledNotificationParams}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type CancelledNotificationParams = typeof CancelledNotificationParams.Type

/**
 * Parameters of `notifications/resources/updated`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ResourceUpdatedNotificationParams = open({ uri: Schema.String, ...meta })

/**
 * Parameters of a notification that carries nothing but `_meta` (`initialized`, the list_changed ones).
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const NotificationParams = open({ ...meta })

// -----------------------------------------------------------------------------
// Sampling
// -----------------------------------------------------------------------------

/**
 * One message of a sampling conversation. `content` is a block or, since 2025-11-25, a list of blocks.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const SamplingMessage = open({
  role: Role,
  content: Schema.Union([SamplingContent, Schema.Array(SamplingContent)]),
  ...meta
})

/**
 * The decoded type of {@link SamplingMessage}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type SamplingMessage = typeof SamplingMessage.Type

/**
 * The server's preferences for model selection.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ModelPreferences = open({
  hints: optional(Schema.Array(open({ name: optional(Schema.String) }))),
  costPriority: optional(Finite),
  speedPriority: optional(Finite),
  intelligencePriority: optional(Finite)
})

/**
 * The decoded type of {@link ModelPreferences}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ModelPreferences = typeof ModelPreferences.Type

/**
 * How the model may use the offered tools (2025-11-25).
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ToolChoice = open({ mode: optional(Schema.Literals(["auto", "required", "none"])) })

/**
 * Parameters of `sampling/createMessage`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const CreateMessageRequestParams = open({
  messages: Schema.Array(SamplingMessage),
  maxTokens: Finite,
  modelPreferences: optional(ModelPreferences),
  systemPrompt: optional(Schema.String),
  includeContext: optional(Schema.Literals(["none", "thisServer", "allServers"])),
  temperature: optional(Finite),
  stopSequences: optional(Schema.Array(Schema.String)),
  metadata: optional(JsonObject),
  tools: optional(Schema.Array(Tool)),
  toolChoice: optional(ToolChoice),
  task: optional(TaskMetadata),
  ...requestParams
})

/**
 * The decoded type of {@link CreateMessageRequestParams}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type CreateMessageRequestParams = typeof CreateMessageRequestParams.Type

/**
 * The client's answer to `sampling/createMessage`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const CreateMessageResult = open({
  role: Role,
  content: Schema.Union([SamplingContent, Schema.Array(SamplingContent)]),
  model: Schema.String,
  stopReason: optional(Schema.String),
  ...meta
})

/**
 * The decoded type of {@link CreateMessageResult}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type CreateMessageResult = typeof CreateMessageResult.Type

// -----------------------------------------------------------------------------
// Elicitation
// -----------------------------------------------------------------------------

/**
 * Parameters of a form-mode `elicitation/create`: a flat JSON Schema of primitive fields.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ElicitFormRequestParams = open({
  mode: optional(Schema.Literal("form")),
  message: Schema.String,
  requestedSchema: open({
    type: Schema.Literal("object"),
    properties: JsonObject,
    required: optional(Schema.Array(Schema.String))
  }),
  task: optional(TaskMetadata),
  ...requestParams
})

/**
 * The decoded type of {@link ElicitFormRequestParams}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ElicitFormRequestParams = typeof ElicitFormRequestParams.Type

/**
 * Parameters of a URL-mode `elicitation/create` (2025-11-25): ask the user to visit a URL.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ElicitUrlRequestParams = open({
  mode: Schema.Literal("url"),
  message: Schema.String,
  url: Schema.String,
  elicitationId: Schema.String,
  task: optional(TaskMetadata),
  ...requestParams
})

/**
 * The decoded type of {@link ElicitUrlRequestParams}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ElicitUrlRequestParams = typeof ElicitUrlRequestParams.Type

/**
 * Parameters of `elicitation/create`, either mode.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ElicitRequestParams = Schema.Union([ElicitUrlRequestParams, ElicitFormRequestParams])

/**
 * The decoded type of {@link ElicitRequestParams}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ElicitRequestParams = typeof ElicitRequestParams.Type

/**
 * The client's answer to `elicitation/create`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ElicitResult = open({
  action: Schema.Literals(["accept", "decline", "cancel"]),
  content: optional(
    Schema.Record(Schema.String, Schema.Union([Schema.String, Finite, Schema.Boolean, Schema.Array(Schema.String)]))
  ),
  ...meta
})

/**
 * The decoded type of {@link ElicitResult}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ElicitResult = typeof ElicitResult.Type

/**
 * Parameters of `notifications/elicitation/complete` (2025-11-25).
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ElicitationCompleteNotificationParams = open({ elicitationId: Schema.String, ...meta })

// -----------------------------------------------------------------------------
// Roots
// -----------------------------------------------------------------------------

/**
 * A root the client exposes to servers: a `file://` URI and an optional name.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const Root = open({ uri: Schema.String, name: optional(Schema.String), ...meta })

/**
 * The decoded type of {@link Root}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type Root = typeof Root.Type

/**
 * The client's answer to `roots/list`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ListRootsResult = open({ roots: Schema.Array(Root), ...meta })

/**
 * The decoded type of {@link ListRootsResult}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ListRootsResult = typeof ListRootsResult.Type

// -----------------------------------------------------------------------------
// Tasks (2025-11-25, experimental)
// -----------------------------------------------------------------------------

/**
 * The status of a task.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const TaskStatus = Schema.Literals(["working", "input_required", "completed", "failed", "cancelled"])

const taskFields = {
  taskId: Schema.String,
  status: TaskStatus,
  statusMessage: optional(Schema.String),
  createdAt: Schema.String,
  lastUpdatedAt: Schema.String,
  ttl: Schema.NullOr(Finite),
  pollInterval: optional(Finite)
}

/**
 * A task: a request the receiver runs in the background.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const Task = open(taskFields)

/**
 * The decoded type of {@link Task}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type Task = typeof Task.Type

/**
 * The immediate answer to a task-augmented request.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const CreateTaskResult = open({ task: Task, ...meta })

/**
 * Parameters of `tasks/get`, `tasks/result` and `tasks/cancel`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const TaskRequestParams = open({ taskId: Schema.String, ...requestParams })

/**
 * The result of `tasks/get` and `tasks/cancel`: the task itself, plus `_meta`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const GetTaskResult = open({ ...taskFields, ...meta })

/**
 * A page of `tasks/list`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ListTasksResult = open({ tasks: Schema.Array(Task), ...page })

/**
 * Parameters of `notifications/tasks/status`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const TaskStatusNotificationParams = open({ ...taskFields, ...meta })

/**
 * The id of the tasks extension of revision 2026-07-28, declared under `capabilities.extensions`.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export const TASKS_EXTENSION = "io.modelcontextprotocol/tasks"

/**
 * A task of the 2026-07-28 tasks extension, as `tasks/get` and a `resultType: "task"` answer carry it
 * (flat, with `ttlMs` and `pollIntervalMs`): the input it waits for when `input_required`, its result
 * when `completed`, its JSON-RPC error when `failed`.
 *
 * @stability experimental
 * @category schemas
 * @since 0.2.0
 */
export const DetailedTask = open({
  taskId: Schema.String,
  status: TaskStatus,
  statusMessage: optional(Schema.String),
  createdAt: optional(Schema.String),
  lastUpdatedAt: optional(Schema.String),
  ttlMs: optional(Schema.NullOr(Finite)),
  pollIntervalMs: optional(Finite),
  inputRequests: optional(Schema.Record(Schema.String, open({ method: Schema.String, params: optional(JsonObject) }))),
  result: optional(JsonObject),
  error: optional(open({ code: Schema.Finite, message: Schema.String, data: optional(Schema.Json) })),
  resultType: optional(Schema.String),
  ...meta
})

/**
 * The decoded type of {@link DetailedTask}.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export type DetailedTask = typeof DetailedTask.Type

/**
 * The `_meta` key that ties a request or notification to a task.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export const RELATED_TASK_META_KEY = "io.modelcontextprotocol/related-task"

// -----------------------------------------------------------------------------
// Subscriptions (2026-07-28)
// -----------------------------------------------------------------------------

/**
 * What a `subscriptions/listen` stream asks for (and, in its acknowledgement, what the server agreed to).
 *
 * @stability experimental
 * @category schemas
 * @since 0.2.0
 */
export const SubscriptionFilter = open({
  toolsListChanged: optional(Schema.Boolean),
  promptsListChanged: optional(Schema.Boolean),
  resourcesListChanged: optional(Schema.Boolean),
  resourceSubscriptions: optional(Schema.Array(Schema.String))
})

/**
 * The decoded type of {@link SubscriptionFilter}.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export type SubscriptionFilter = typeof SubscriptionFilter.Type

/**
 * Parameters of `subscriptions/listen` (2026-07-28): the notifications the stream asks for.
 *
 * @stability experimental
 * @category schemas
 * @since 0.3.0
 */
export const SubscriptionsListenRequestParams = open({ notifications: SubscriptionFilter, ...requestParams })

/**
 * Parameters of `notifications/subscriptions/acknowledged` (2026-07-28), the first message of a
 * `subscriptions/listen` stream: the notifications the server agreed to send on it.
 *
 * @stability experimental
 * @category schemas
 * @since 0.3.0
 */
export const SubscriptionsAcknowledgedNotificationParams = open({ notifications: SubscriptionFilter, ...meta })

// -----------------------------------------------------------------------------
// Messages by method
// -----------------------------------------------------------------------------

const request = <const Method extends string, P extends Schema.Top>(method: Method, params: P) =>
  Schema.Struct({ method: Schema.Literal(method), params })
const requestOptionalParams = <const Method extends string, P extends Schema.Top>(method: Method, params: P) =>
  Schema.Struct({ method: Schema.Literal(method), params: optional(params) })

/**
 * Every request a client sends, by method (without the JSON-RPC envelope), in every revision.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ClientRequest = Schema.Union([
  request("initialize", InitializeRequestParams),
  requestOptionalParams("server/discover", RequestParams),
  requestOptionalParams("ping", RequestParams),
  requestOptionalParams("tools/list", PaginatedRequestParams),
  request("tools/call", CallToolRequestParams),
  requestOptionalParams("resources/list", PaginatedRequestParams),
  requestOptionalParams("resources/templates/list", PaginatedRequestParams),
  request("resources/read", ResourceRequestParams),
  request("resources/subscribe", ResourceRequestParams),
  request("resources/unsubscribe", ResourceRequestParams),
  requestOptionalParams("prompts/list", PaginatedRequestParams),
  request("prompts/get", GetPromptRequestParams),
  request("completion/complete", CompleteRequestParams),
  request("logging/setLevel", SetLevelRequestParams),
  request("tasks/get", TaskRequestParams),
  request("tasks/result", TaskRequestParams),
  requestOptionalParams("tasks/list", PaginatedRequestParams),
  request("tasks/cancel", TaskRequestParams),
  request("subscriptions/listen", SubscriptionsListenRequestParams)
])

/**
 * The decoded type of {@link ClientRequest}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ClientRequest = typeof ClientRequest.Type

/**
 * Every request a server sends to a client, by method.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ServerRequest = Schema.Union([
  requestOptionalParams("ping", RequestParams),
  request("sampling/createMessage", CreateMessageRequestParams),
  request("elicitation/create", ElicitRequestParams),
  requestOptionalParams("roots/list", RequestParams),
  request("tasks/get", TaskRequestParams),
  request("tasks/result", TaskRequestParams),
  requestOptionalParams("tasks/list", PaginatedRequestParams),
  request("tasks/cancel", TaskRequestParams)
])

/**
 * The decoded type of {@link ServerRequest}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ServerRequest = typeof ServerRequest.Type

/**
 * Every notification a client sends, by method.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ClientNotification = Schema.Union([
  requestOptionalParams("notifications/initialized", NotificationParams),
  request("notifications/cancelled", CancelledNotificationParams),
  request("notifications/progress", ProgressNotificationParams),
  requestOptionalParams("notifications/roots/list_changed", NotificationParams),
  request("notifications/tasks/status", TaskStatusNotificationParams)
])

/**
 * The decoded type of {@link ClientNotification}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ClientNotification = typeof ClientNotification.Type

/**
 * Every notification a server sends, by method, in every revision.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ServerNotification = Schema.Union([
  request("notifications/cancelled", CancelledNotificationParams),
  request("notifications/progress", ProgressNotificationParams),
  request("notifications/message", LoggingMessageNotificationParams),
  request("notifications/resources/updated", ResourceUpdatedNotificationParams),
  requestOptionalParams("notifications/resources/list_changed", NotificationParams),
  requestOptionalParams("notifications/tools/list_changed", NotificationParams),
  requestOptionalParams("notifications/prompts/list_changed", NotificationParams),
  request("notifications/elicitation/complete", ElicitationCompleteNotificationParams),
  request("notifications/tasks/status", TaskStatusNotificationParams),
  request("notifications/subscriptions/acknowledged", SubscriptionsAcknowledgedNotificationParams)
])

/**
 * The decoded type of {@link ServerNotification}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ServerNotification = typeof ServerNotification.Type

/**
 * Every result a server returns to a client request.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ServerResult = Schema.Union([
  InitializeResult,
  ListToolsResult,
  CallToolResult,
  ListResourcesResult,
  ListResourceTemplatesResult,
  ReadResourceResult,
  ListPromptsResult,
  GetPromptResult,
  CompleteResult,
  CreateTaskResult,
  GetTaskResult,
  ListTasksResult,
  EmptyResult
])

/**
 * Every result a client returns to a server request.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const ClientResult = Schema.Union([
  CreateMessageResult,
  ElicitResult,
  ListRootsResult,
  CreateTaskResult,
  GetTaskResult,
  ListTasksResult,
  EmptyResult
])

// -----------------------------------------------------------------------------
// JSON-RPC envelopes
// -----------------------------------------------------------------------------

/**
 * The JSON-RPC error object.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const JsonRpcErrorObject = open({
  code: Schema.Int,
  message: Schema.String,
  data: optional(Schema.Json)
})

/**
 * The decoded type of {@link JsonRpcErrorObject}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type JsonRpcErrorObject = typeof JsonRpcErrorObject.Type

/**
 * A JSON-RPC request.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const JsonRpcRequest = Schema.Struct({
  jsonrpc: Schema.Literal("2.0"),
  id: RequestId,
  method: Schema.String,
  params: optional(JsonObject)
})

/**
 * A JSON-RPC notification.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const JsonRpcNotification = Schema.Struct({
  jsonrpc: Schema.Literal("2.0"),
  method: Schema.String,
  params: optional(JsonObject)
})

/**
 * A successful JSON-RPC response.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const JsonRpcResultResponse = Schema.Struct({
  jsonrpc: Schema.Literal("2.0"),
  id: RequestId,
  result: JsonObject
})

/**
 * A JSON-RPC error response. `id` is absent only when the request's id could not be read.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const JsonRpcErrorResponse = Schema.Struct({
  jsonrpc: Schema.Literal("2.0"),
  id: optional(RequestId),
  error: JsonRpcErrorObject
})

/**
 * Any JSON-RPC message.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const JsonRpcMessage = Schema.Union([
  JsonRpcRequest,
  JsonRpcNotification,
  JsonRpcResultResponse,
  JsonRpcErrorResponse
])

/**
 * The decoded type of {@link JsonRpcMessage}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type JsonRpcMessage = typeof JsonRpcMessage.Type

/**
 * The client→server methods whose requests can be sent again without harm when the first attempt was
 * lost (no state changes, or the same state again). Not `initialize` (a second session), not
 * `tools/call` (tools may act).
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export const SAFE_TO_REPEAT_METHODS: ReadonlySet<string> = new Set([
  "ping",
  "tools/list",
  "resources/list",
  "resources/templates/list",
  "resources/read",
  "resources/subscribe",
  "resources/unsubscribe",
  "prompts/list",
  "prompts/get",
  "completion/complete",
  "logging/setLevel",
  "tasks/get",
  "tasks/list",
  "tasks/result"
])

/**
 * Standard JSON-RPC and MCP error codes.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  ResourceNotFound: -32002,
  UrlElicitationRequired: -32042,
  /** 2026-07-28: an `Mcp-*` header is missing or does not match the body. */
  HeaderMismatch: -32020,
  /** 2026-07-28: the request needs a client capability the client did not declare. */
  MissingRequiredClientCapability: -32021,
  /** 2026-07-28: the server does not speak the request's revision (`data: { supported, requested }`). */
  UnsupportedProtocolVersion: -32022
} as const

/**
 * The error codes only a stateless (2026-07-28) server answers with: one of them to a probe means the
 * server speaks the new era.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export const STATELESS_ERROR_CODES: ReadonlySet<number> = new Set([
  ErrorCode.HeaderMismatch,
  ErrorCode.MissingRequiredClientCapability,
  ErrorCode.UnsupportedProtocolVersion
])

// -----------------------------------------------------------------------------
// Revision 2026-07-28
// -----------------------------------------------------------------------------

/**
 * How long a result may be reused (`ttlMs`, milliseconds) and by whom (`cacheScope`: `"private"`
 * results belong to the credentials that fetched them). Required on complete results of
 * `server/discover` and the list and read methods in 2026-07-28; absent in older revisions.
 *
 * @stability experimental
 * @category schemas
 * @since 0.2.0
 */
export const CacheHints = open({
  ttlMs: optional(Finite),
  cacheScope: optional(Schema.Literals(["public", "private"]))
})

/**
 * The decoded type of {@link CacheHints}.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export type CacheHints = typeof CacheHints.Type

/**
 * The answer to `server/discover`: the revisions, capabilities and instructions of a stateless server
 * (its name and version are in `_meta["io.modelcontextprotocol/serverInfo"]`).
 *
 * @stability experimental
 * @category schemas
 * @since 0.2.0
 */
export const DiscoverResult = open({
  supportedVersions: Schema.Array(Schema.String),
  capabilities: ServerCapabilities,
  instructions: optional(Schema.String),
  resultType: optional(Schema.String),
  ttlMs: optional(Finite),
  cacheScope: optional(Schema.Literals(["public", "private"])),
  ...meta
})

/**
 * The decoded type of {@link DiscoverResult}.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export type DiscoverResult = typeof DiscoverResult.Type

/**
 * One request for input inside an `input_required` result: the server asks the client to run one of
 * the requests servers sent directly in the stateful era.
 *
 * @stability experimental
 * @category schemas
 * @since 0.2.0
 */
export const InputRequest = open({
  method: Schema.Literals(["elicitation/create", "sampling/createMessage", "roots/list"]),
  params: optional(JsonObject)
})

/**
 * The decoded type of {@link InputRequest}.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export type InputRequest = typeof InputRequest.Type

/**
 * A result asking for input before the request can complete (`resultType: "input_required"`): the
 * client answers each input request under the same key and sends the request again with a new id,
 * `inputResponses` and `requestState` as it came.
 *
 * @stability experimental
 * @category schemas
 * @since 0.2.0
 */
export const InputRequiredResult = open({
  resultType: Schema.Literal("input_required"),
  inputRequests: optional(Schema.Record(Schema.String, InputRequest)),
  requestState: optional(Schema.String),
  ...meta
})

/**
 * The decoded type of {@link InputRequiredResult}.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export type InputRequiredResult = typeof InputRequiredResult.Type
