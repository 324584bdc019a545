/**
 * Schema-derived generators (`effect/Arbitrary`) of every MCP wire message, for property-testing
 * servers, clients and anything that handles MCP traffic.
 *
 * `schemas` names every wire schema of `McpSchema`; `arbitraries` holds one generator per name. The
 * generated values are valid JSON messages: numbers are finite, free-form fields are JSON, and open
 * objects come with random extra keys, which a conforming peer must keep or ignore.
 *
 * **Example** (Every generated tool result survives a JSON round trip)
 *
 * ```ts
 * import { it } from "@effect/vitest"
 * import { Schema } from "effect"
 * import { McpArbitrary, McpSchema } from "@effect-mcp/core"
 *
 * it.prop("round trip", [McpArbitrary.arbitraries.CallToolResult], ([result]) => {
 *   const json = JSON.parse(JSON.stringify(Schema.encodeSync(McpSchema.CallToolResult)(result)))
 *   Schema.decodeUnknownSync(McpSchema.CallToolResult)(json)
 * })
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import * as Arbitrary from "effect/Arbitrary"
import * as McpSchema from "./McpSchema.ts"

/**
 * Every wire schema, by name.
 *
 * @stability experimental
 * @category schemas
 * @since 0.1.0
 */
export const schemas = {
  Icon: McpSchema.Icon,
  Implementation: McpSchema.Implementation,
  Annotations: McpSchema.Annotations,
  TextContent: McpSchema.TextContent,
  ImageContent: McpSchema.ImageContent,
  AudioContent: McpSchema.AudioContent,
  ResourceLink: McpSchema.ResourceLink,
  TextResourceContents: McpSchema.TextResourceContents,
  BlobResourceContents: McpSchema.BlobResourceContents,
  ResourceContents: McpSchema.ResourceContents,
  EmbeddedResource: McpSchema.EmbeddedResource,
  ContentBlock: McpSchema.ContentBlock,
  ToolUseContent: McpSchema.ToolUseContent,
  ToolResultContent: McpSchema.ToolResultContent,
  SamplingContent: McpSchema.SamplingContent,
  ClientCapabilities: McpSchema.ClientCapabilities,
  ServerCapabilities: McpSchema.ServerCapabilities,
  InitializeRequestParams: McpSchema.InitializeRequestParams,
  InitializeResult: McpSchema.InitializeResult,
  EmptyResult: McpSchema.EmptyResult,
  RequestParams: McpSchema.RequestParams,
  PaginatedRequestParams: McpSchema.PaginatedRequestParams,
  ToolAnnotations: McpSchema.ToolAnnotations,
  ToolExecution: McpSchema.ToolExecution,
  Tool: McpSchema.Tool,
  ListToolsResult: McpSchema.ListToolsResult,
  TaskMetadata: McpSchema.TaskMetadata,
  CallToolRequestParams: McpSchema.CallToolRequestParams,
  CallToolResult: McpSchema.CallToolResult,
  Resource: McpSchema.Resource,
  ResourceTemplate: McpSchema.ResourceTemplate,
  ListResourcesResult: McpSchema.ListResourcesResult,
  ListResourceTemplatesResult: McpSchema.ListResourceTemplatesResult,
  ResourceRequestParams: McpSchema.ResourceRequestParams,
  ReadResourceResult: McpSchema.ReadResourceResult,
  PromptArgument: McpSchema.PromptArgument,
  Prompt: McpSchema.Prompt,
  ListPromptsResult: McpSchema.ListPromptsResult,
  GetPromptRequestParams: McpSchema.GetPromptRequestParams,
  PromptMessage: McpSchema.PromptMessage,
  GetPromptResult: McpSchema.GetPromptResult,
  PromptReference: McpSchema.PromptReference,
  ResourceTemplateReference: McpSchema.ResourceTemplateReference,
  CompletionReference: McpSchema.CompletionReference,
  CompleteRequestParams: McpSchema.CompleteRequestParams,
  Completion: McpSchema.Completion,
  CompleteResult: McpSchema.CompleteResult,
  LoggingLevel: McpSchema.LoggingLevel,
  SetLevelRequestParams: McpSchema.SetLevelRequestParams,
  LoggingMessageNotificationParams: McpSchema.LoggingMessageNotificationParams,
  ProgressNotificationParams: McpSchema.ProgressNotificationParams,
  CancelledNotificationParams: McpSchema.CancelledNotificationParams,
  ResourceUpdatedNotificationParams: McpSchema.ResourceUpdatedNotificationParams,
  NotificationParams: McpSchema.NotificationParams,
  SamplingMessage: McpSchema.SamplingMessage,
  ModelPreferences: McpSchema.ModelPreferences,
  ToolChoice: McpSchema.ToolChoice,
  CreateMessageRequestParams: McpSchema.CreateMessageRequestParams,
  CreateMessageResult: McpSchema.CreateMessageResult,
  ElicitFormRequestParams: McpSchema.ElicitFormRequestParams,
  ElicitUrlRequestParams: McpSchema.ElicitUrlRequestParams,
  ElicitRequestParams: McpSchema.ElicitRequestParams,
  ElicitResult: McpSchema.ElicitResult,
  ElicitationCompleteNotificationParams: McpSchema.ElicitationCompleteNotificationParams,
  Root: McpSchema.Root,
  ListRootsResult: McpSchema.ListRootsResult,
  Task: McpSchema.Task,
  CreateTaskResult: McpSchema.CreateTaskResult,
  TaskRequestParams: McpSchema.TaskRequestParams,
  GetTaskResult: McpSchema.GetTaskResult,
  ListTasksResult: McpSchema.ListTasksResult,
  TaskStatusNotificationParams: McpSchema.TaskStatusNotificationParams,
  ClientRequest: McpSchema.ClientRequest,
  ServerRequest: McpSchema.ServerRequest,
  ClientNotification: McpSchema.ClientNotification,
  ServerNotification: McpSchema.ServerNotification,
  ServerResult: McpSchema.ServerResult,
  ClientResult: McpSchema.ClientResult,
  JsonRpcErrorObject: McpSchema.JsonRpcErrorObject,
  JsonRpcRequest: McpSchema.JsonRpcRequest,
  JsonRpcNotification: McpSchema.JsonRpcNotification,
  JsonRpcResultResponse: McpSchema.JsonRpcResultResponse,
  JsonRpcErrorResponse: McpSchema.JsonRpcErrorResponse,
  JsonRpcMessage: McpSchema.JsonRpcMessage
}

/**
 * The name of a wire schema.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type Name = keyof typeof schemas

/**
 * One generator per wire schema. Derived on first access, then reused.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const arbitraries: { readonly [K in Name]: Arbitrary.Arbitrary<(typeof schemas)[K]["Type"]> } = (() => {
  const cache: Partial<Record<Name, Arbitrary.Arbitrary<unknown>>> = {}
  const out = {} as Record<Name, Arbitrary.Arbitrary<unknown>>
  for (const name of Object.keys(schemas) as Array<Name>) {
    Object.defineProperty(out, name, {
      enumerable: true,
      get: () => (cache[name] ??= Arbitrary.schema(schemas[name]))
    })
  }
  return out as never
})()

/**
 * A generator for one wire schema, by name.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const of = <K extends Name>(name: K): Arbitrary.Arbitrary<(typeof schemas)[K]["Type"]> => arbitraries[name]
