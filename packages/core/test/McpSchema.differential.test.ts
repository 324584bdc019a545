/**
 * Differential properties: this client's wire schemas against the official TypeScript SDKs' zod
 * schemas, written independently of ours. SDK v1 (`@modelcontextprotocol/sdk`) speaks the stateful
 * revisions; SDK v2 (`@modelcontextprotocol/core`) is compared for revision 2026-07-28 only.
 *
 * - What the client writes (requests, notifications, the results of server requests and input
 *   requests), generated from `McpSchema` by `effect/Arbitrary` (as `McpArbitrary` is, one message
 *   kind at a time) and encoded by `McpSchema`, is accepted by the SDK.
 * - What the SDK accepts (generated from its zod schemas: `fixtures/ZodArbitrary.ts`) decodes here,
 *   and encodes back to the same JSON.
 *
 * Messages the client only reads are not checked in the first direction: our decoders are meant to be
 * more lenient than the specification there (a client that refused a whole tool listing over one
 * `lastModified` that is not ISO 8601 would help nobody). A failure names the field: zod's issue path,
 * or the path from Effect's `SchemaIssue` formatter. The exceptions are listed where they apply, each
 * with its reason.
 */
import { assert, describe, it } from "@effect/vitest"
import * as V2 from "@modelcontextprotocol/core"
import * as V1 from "@modelcontextprotocol/sdk/types.js"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import type { z } from "zod"
import * as McpArbitrary from "../src/McpArbitrary.ts"
import * as McpSchema from "../src/McpSchema.ts"
import * as ZodArbitrary from "./fixtures/ZodArbitrary.ts"

const RUNS = 40

type Codec = Schema.Codec<unknown, unknown>

const codec = (schema: Schema.Top): Codec => schema as unknown as Codec

/** As on the wire (see `ZodArbitrary.toWire` for why not `JSON.parse`). */
const json = ZodArbitrary.toWire

/** A path as `a.0.b` (a StandardSchema path segment may be `{ key }`). */
const formatPath = (path: ReadonlyArray<unknown>): string => {
  const keys = path.map((key) => typeof key === "object" && key !== null && "key" in key ? key.key : key)
  return keys.length === 0 ? "(root)" : keys.map(String).join(".")
}

interface ZodIssue {
  readonly code: string
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
  readonly errors?: ReadonlyArray<ReadonlyArray<ZodIssue>>
}

/**
 * The issues under a zod union's "Invalid input": those of the member that got furthest (its deepest
 * issue is the deepest; then the fewest issues), so that the path goes down to the field.
 */
const leaves = (issue: ZodIssue, prefix: ReadonlyArray<PropertyKey>): Array<ZodIssue> => {
  const path = [...prefix, ...issue.path]
  if (issue.code !== "invalid_union" || issue.errors === undefined || issue.errors.length === 0) {
    return [{ ...issue, path }]
  }
  const depth = (branch: ReadonlyArray<ZodIssue>) => Math.max(...branch.map((inner) => inner.path.length))
  const closest = issue.errors.reduce((best, branch) =>
    depth(branch) > depth(best) || (depth(branch) === depth(best) && branch.length < best.length) ? branch : best
  )
  return closest.flatMap((inner) => leaves(inner, path))
}

/** Why the zod schema refuses `value`, one `path: message` per line; `undefined` if it accepts it. */
const zodIssues = (schema: z.ZodType, value: unknown): string | undefined => {
  const result = schema.safeParse(value)
  return result.success ? undefined : (result.error.issues as ReadonlyArray<ZodIssue>)
    .flatMap((issue) => leaves(issue, []))
    .map((issue) => `SDK refuses ${formatPath(issue.path)}: ${issue.message}`)
    .join("\n")
}

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/**
 * Exception: the `{ method, params }` of a request or notification is a closed object in `McpSchema`,
 * as the JSON-RPC envelope around it; zod's `z.object` accepts other keys there too, and drops them
 * just the same. Only `method` and `params` are compared on the way back.
 */
const envelope = (value: unknown): unknown => {
  const { method, params } = value as { readonly method?: unknown; readonly params?: unknown }
  return params === undefined ? { method } : { method, params }
}

/** Why our schema refuses `value`, or loses part of it on the way back; `undefined` if neither. */
const ourIssues = (schema: Codec, value: unknown, compared: (value: unknown) => unknown): string | undefined => {
  const decoded = Schema.decodeUnknownResult(schema)(value)
  if (Result.isFailure(decoded)) {
    return formatter(decoded.failure.issue).issues
      .map((issue) => `McpSchema refuses ${formatPath(issue.path ?? [])}: ${issue.message}`)
      .join("\n")
  }
  const encoded = json(Schema.encodeSync(schema)(decoded.success))
  const difference = firstDifference(compared(value), compared(encoded), [])
  return difference === undefined ? undefined : `McpSchema changes the message at ${difference}`
}

/** Where two JSON values first differ, with what each holds there; `undefined` if they are equal. */
const firstDifference = (sent: unknown, back: unknown, path: ReadonlyArray<string>): string | undefined => {
  const here = () => `${formatPath(path)}: ${JSON.stringify(sent)} came back as ${JSON.stringify(back)}`
  if (typeof sent !== "object" || sent === null || typeof back !== "object" || back === null) {
    return Object.is(sent, back) ? undefined : here()
  }
  if (Array.isArray(sent) !== Array.isArray(back)) return here()
  if (Array.isArray(sent) && Array.isArray(back) && sent.length !== back.length) return here()
  const keys = new Set([...Object.keys(sent), ...Object.keys(back)])
  for (const key of keys) {
    if (!Object.hasOwn(sent, key) || !Object.hasOwn(back, key)) {
      return `${formatPath(path)}: key ${JSON.stringify(key)} ${Object.hasOwn(sent, key) ? "was dropped" : "was added"}`
    }
    const difference = firstDifference(
      (sent as Record<string, unknown>)[key],
      (back as Record<string, unknown>)[key],
      [...path, key]
    )
    if (difference !== undefined) return difference
  }
  return undefined
}

const methodOf = (value: unknown): string | undefined =>
  typeof value === "object" && value !== null && "method" in value && typeof value.method === "string"
    ? value.method
    : undefined

/** The members of one of our unions of `{ method, params }`, by method. */
const ourMembers = (union: { readonly members: ReadonlyArray<Schema.Top> }) =>
  union.members.map((member) => {
    const method = (member as unknown as { fields: { method: { literal: string } } }).fields.method.literal
    return [method, member] as const
  })

/** The members of one of the SDK's unions of `{ method, params }`, by method. */
const sdkMembers = (union: z.ZodUnion<ReadonlyArray<z.ZodType>>) =>
  union.options.map((option) => {
    const method = (option as unknown as { shape: { method: { _zod: { def: { values: Array<string> } } } } })
      .shape.method._zod.def.values[0]!
    return [method, option] as const
  })

/**
 * A zod union of requests or notifications, checked member by member: the member for the message's
 * method, so that the issues name the field instead of "no member matched".
 */
const byMethod = (union: z.ZodUnion<ReadonlyArray<z.ZodType>>) => {
  const members = new Map(sdkMembers(union))
  return (value: unknown): string | undefined => {
    const method = methodOf(value)
    const member = method === undefined ? undefined : members.get(method)
    return member === undefined ? `SDK has no message with method ${JSON.stringify(method)}` : zodIssues(member, value)
  }
}

const passed = <A>(result: Arbitrary.CheckResult<A, string>) =>
  assert.strictEqual(result._tag, "Passed", Arbitrary.formatCheckFailure(result))

// -----------------------------------------------------------------------------
// What the client writes: McpArbitrary → McpSchema encode → JSON → the SDK accepts it
// -----------------------------------------------------------------------------

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64")

/**
 * Exceptions, what the client writes. `McpSchema` checks that a field is there and its JSON type, not
 * its format or range, and writes what the application gave it. The specification constrains these,
 * and the SDKs check them, so generated values are brought within them before the SDK sees them:
 *
 * - `data` of image and audio content and `blob` of resource contents are base64 (`@format byte`);
 * - `annotations.priority` is in [0, 1] (`@minimum 0`, `@maximum 1`);
 * - `annotations.lastModified` is ISO 8601 ("Should be an ISO 8601 formatted string");
 * - a root's `uri` starts with `file://` (2025-11-25 and 2026-07-28: "This *must* start with
 *   `file://`"). `McpRoots` passes a URI of another scheme through unchanged, as it documents.
 */
const withinSpecification = (node: unknown, key?: string): unknown => {
  if (Array.isArray(node)) return node.map((item) => withinSpecification(item, key))
  if (typeof node !== "object" || node === null) return node
  // fromEntries defines own properties, even one named __proto__
  const out: Record<string, unknown> = Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, withinSpecification(v, k)])
  )
  if ((out.type === "image" || out.type === "audio") && typeof out.data === "string") out.data = base64(out.data)
  if (typeof out.blob === "string" && typeof out.uri === "string") out.blob = base64(out.blob)
  if (key === "annotations") {
    if (typeof out.priority === "number") out.priority = Math.min(1, Math.max(0, out.priority))
    if (typeof out.lastModified === "string") out.lastModified = "2025-01-12T15:00:58Z"
  }
  if (key === "roots" && typeof out.uri === "string" && !out.uri.startsWith("file://")) {
    out.uri = `file:///${Buffer.from(out.uri, "utf8").toString("hex")}`
  }
  return out
}

/**
 * Exception, stateful revisions: a `tool_result` block's `structuredContent` is an object up to
 * 2025-11-25 and any JSON value in 2026-07-28. `McpSchema` has one schema for every revision, the one
 * that allows more, so a value compared with SDK v1 is wrapped in an object.
 */
const withinStatefulSpecification = (node: unknown): unknown => {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk)
    if (typeof value !== "object" || value === null) return value
    const out: Record<string, unknown> = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]))
    const structured = out.structuredContent
    if (
      out.type === "tool_result" && structured !== undefined &&
      (typeof structured !== "object" || structured === null || Array.isArray(structured))
    ) {
      out.structuredContent = { value: structured }
    }
    return out
  }
  return walk(withinSpecification(node))
}

/**
 * Exception: the SDKs refuse any key of an empty result but `_meta` (`ResultSchema.strict()`). The
 * specification's `EmptyResult` is a `Result`, which allows any (`[key: string]: unknown`): the SDK is
 * stricter than the specification. The client answers `ping` with `{}`.
 */
const onlyMeta = (value: unknown): unknown => {
  const { _meta } = value as { readonly _meta?: unknown }
  return _meta === undefined ? {} : { _meta }
}

const accepted = (
  name: string,
  arbitrary: Arbitrary.Arbitrary<unknown>,
  schema: Codec,
  check: (wire: unknown) => string | undefined,
  adjust: (wire: unknown) => unknown = withinSpecification
) =>
  it.effect(`${name}: what the client writes, the SDK accepts`, () =>
    Effect.gen(function*() {
      const encode = Schema.encodeSync(schema)
      passed(
        yield* Arbitrary.checkEffect(arbitrary, (value) => {
          const issues = check(adjust(json(encode(value))))
          return issues === undefined ? Effect.succeed(true) : Effect.fail(issues)
        }, { runs: RUNS })
      )
    }))

// -----------------------------------------------------------------------------
// What the SDK accepts: generated from its zod schema → decodes with McpSchema, and encodes back
// -----------------------------------------------------------------------------

const decoded = (
  name: string,
  arbitrary: Arbitrary.Arbitrary<unknown>,
  schema: Codec,
  compared: (value: unknown) => unknown = (value) => value
) =>
  it.effect(`${name}: what the SDK accepts, the client reads`, () =>
    Effect.gen(function*() {
      passed(
        yield* Arbitrary.checkEffect(arbitrary, (value) => {
          const issues = ourIssues(schema, value, compared)
          return issues === undefined ? Effect.succeed(true) : Effect.fail(issues)
        }, { runs: RUNS })
      )
    }))

const arbitraryOf = (name: McpArbitrary.Name) => McpArbitrary.arbitraries[name] as Arbitrary.Arbitrary<unknown>

/** The requests and notifications revision 2026-07-28 removed (docs/mcp-protocol.md §7). */
const removedIn2026 = new Set([
  "initialize",
  "notifications/initialized",
  "ping",
  "logging/setLevel",
  "resources/subscribe",
  "resources/unsubscribe",
  "notifications/roots/list_changed",
  "notifications/elicitation/complete",
  "tasks/get",
  "tasks/result",
  "tasks/list",
  "tasks/cancel",
  "notifications/tasks/status"
])

const in2026 = (method: string) => !removedIn2026.has(method)

/** The requests and notifications revision 2026-07-28 added: compared against v2 only. */
const addedIn2026 = new Set(["server/discover", "subscriptions/listen", "notifications/subscriptions/acknowledged"])

const stateful = (method: string) => !addedIn2026.has(method)

/** Our requests or notifications of one kind, each method against the SDK's message of that method. */
const acceptedMessages = (
  name: string,
  union: { readonly members: ReadonlyArray<Schema.Top> },
  sdk: z.ZodUnion<ReadonlyArray<z.ZodType>>,
  adjust: (wire: unknown) => unknown,
  keep: (method: string) => boolean = () => true
) => {
  const check = byMethod(sdk)
  for (const [method, member] of ourMembers(union)) {
    if (keep(method)) {
      accepted(
        `${name} ${method}`,
        Arbitrary.schema(member) as Arbitrary.Arbitrary<unknown>,
        codec(member),
        check,
        adjust
      )
    }
  }
}

/** The SDK's requests or notifications of one kind, each method, decoded by our message of that method. */
const decodedMessages = (
  name: string,
  union: { readonly members: ReadonlyArray<Schema.Top> },
  sdk: z.ZodUnion<ReadonlyArray<z.ZodType>>,
  keep: (method: string) => boolean = () => true
) => {
  const ours = new Map(ourMembers(union))
  for (const [method, member] of sdkMembers(sdk)) {
    if (!keep(method)) continue
    const schema = ours.get(method)
    if (schema === undefined) {
      it(`${name} ${method}: what the SDK accepts, the client reads`, () => {
        assert.fail(`McpSchema.${name} has no message with method ${method}`)
      })
    } else {
      decoded(`${name} ${method}`, ZodArbitrary.arbitrary(member), codec(schema), envelope)
    }
  }
}

describe("McpSchema against SDK v1 (stateful revisions)", () => {
  describe("what the client writes", () => {
    acceptedMessages(
      "ClientRequest",
      McpSchema.ClientRequest,
      V1.ClientRequestSchema,
      withinStatefulSpecification,
      stateful
    )
    acceptedMessages(
      "ClientNotification",
      McpSchema.ClientNotification,
      V1.ClientNotificationSchema,
      withinStatefulSpecification
    )
    const results: ReadonlyArray<readonly [McpArbitrary.Name, z.ZodType]> = [
      ["CreateMessageResult", V1.CreateMessageResultWithToolsSchema],
      ["ElicitResult", V1.ElicitResultSchema],
      ["ListRootsResult", V1.ListRootsResultSchema],
      ["JsonRpcMessage", V1.JSONRPCMessageSchema]
    ]
    for (const [name, sdk] of results) {
      accepted(
        name,
        arbitraryOf(name),
        codec(McpArbitrary.schemas[name]),
        (wire) => zodIssues(sdk, wire),
        withinStatefulSpecification
      )
    }
    accepted(
      "EmptyResult",
      arbitraryOf("EmptyResult"),
      codec(McpSchema.EmptyResult),
      (wire) => zodIssues(V1.EmptyResultSchema, wire),
      onlyMeta
    )
  })

  describe("what the client reads", () => {
    decodedMessages("ServerRequest", McpSchema.ServerRequest, V1.ServerRequestSchema)
    decodedMessages("ServerNotification", McpSchema.ServerNotification, V1.ServerNotificationSchema)
    const pairs: ReadonlyArray<readonly [McpArbitrary.Name, z.ZodType]> = [
      ["InitializeResult", V1.InitializeResultSchema],
      ["ListToolsResult", V1.ListToolsResultSchema],
      ["CallToolResult", V1.CallToolResultSchema],
      ["ListResourcesResult", V1.ListResourcesResultSchema],
      ["ListResourceTemplatesResult", V1.ListResourceTemplatesResultSchema],
      ["ReadResourceResult", V1.ReadResourceResultSchema],
      ["ListPromptsResult", V1.ListPromptsResultSchema],
      ["GetPromptResult", V1.GetPromptResultSchema],
      ["CompleteResult", V1.CompleteResultSchema],
      ["EmptyResult", V1.EmptyResultSchema],
      ["CreateTaskResult", V1.CreateTaskResultSchema],
      ["GetTaskResult", V1.GetTaskResultSchema],
      ["ListTasksResult", V1.ListTasksResultSchema],
      ["JsonRpcMessage", V1.JSONRPCMessageSchema],
      // and what it writes: our schemas must not refuse what the specification allows
      ["CreateMessageResult", V1.CreateMessageResultWithToolsSchema],
      ["ElicitResult", V1.ElicitResultSchema],
      ["ListRootsResult", V1.ListRootsResultSchema]
    ]
    for (const [name, sdk] of pairs) decoded(name, ZodArbitrary.arbitrary(sdk), codec(McpArbitrary.schemas[name]))
    decodedMessages("ClientRequest", McpSchema.ClientRequest, V1.ClientRequestSchema)
    decodedMessages("ClientNotification", McpSchema.ClientNotification, V1.ClientNotificationSchema)
  })
})

describe("McpSchema against SDK v2 (2026-07-28)", () => {
  describe("what the client writes", () => {
    acceptedMessages("ClientRequest", McpSchema.ClientRequest, V2.ClientRequestSchema, withinSpecification, in2026)
    // the only notification a client sends in 2026-07-28
    acceptedMessages(
      "ClientNotification",
      McpSchema.ClientNotification,
      V2.ClientNotificationSchema,
      withinSpecification,
      (method) => method === "notifications/cancelled"
    )
    // the answers to input requests (inputResponses), and the filter of subscriptions/listen
    const pairs: ReadonlyArray<readonly [string, Schema.Top, z.ZodType]> = [
      ["CreateMessageResult", McpSchema.CreateMessageResult, V2.CreateMessageResultWithToolsSchema],
      ["ElicitResult", McpSchema.ElicitResult, V2.ElicitResultSchema],
      ["ListRootsResult", McpSchema.ListRootsResult, V2.ListRootsResultSchema],
      ["SubscriptionFilter", McpSchema.SubscriptionFilter, V2.SubscriptionFilterSchema],
      ["JsonRpcMessage", McpSchema.JsonRpcMessage, V2.JSONRPCMessageSchema]
    ]
    for (const [name, ours, sdk] of pairs) {
      accepted(
        name,
        Arbitrary.schema(ours) as Arbitrary.Arbitrary<unknown>,
        codec(ours),
        (wire) => zodIssues(sdk, wire)
      )
    }
  })

  describe("what the client reads", () => {
    decodedMessages("ServerNotification", McpSchema.ServerNotification, V2.ServerNotificationSchema, in2026)
    const pairs: ReadonlyArray<readonly [string, Schema.Top, z.ZodType]> = [
      ["DiscoverResult", McpSchema.DiscoverResult, V2.DiscoverResultSchema],
      ["ListToolsResult", McpSchema.ListToolsResult, V2.ListToolsResultSchema],
      ["CallToolResult", McpSchema.CallToolResult, V2.CallToolResultSchema],
      ["ListResourcesResult", McpSchema.ListResourcesResult, V2.ListResourcesResultSchema],
      ["ListResourceTemplatesResult", McpSchema.ListResourceTemplatesResult, V2.ListResourceTemplatesResultSchema],
      ["ReadResourceResult", McpSchema.ReadResourceResult, V2.ReadResourceResultSchema],
      ["ListPromptsResult", McpSchema.ListPromptsResult, V2.ListPromptsResultSchema],
      ["GetPromptResult", McpSchema.GetPromptResult, V2.GetPromptResultSchema],
      ["CompleteResult", McpSchema.CompleteResult, V2.CompleteResultSchema],
      // input requests (inputRequests[key].params)
      ["CreateMessageRequestParams", McpSchema.CreateMessageRequestParams, V2.CreateMessageRequestParamsSchema],
      ["ElicitRequestParams", McpSchema.ElicitRequestParams, V2.ElicitRequestParamsSchema],
      ["JsonRpcMessage", McpSchema.JsonRpcMessage, V2.JSONRPCMessageSchema],
      // and what it writes: our schemas must not refuse what the specification allows
      ["CreateMessageResult", McpSchema.CreateMessageResult, V2.CreateMessageResultWithToolsSchema],
      ["ElicitResult", McpSchema.ElicitResult, V2.ElicitResultSchema],
      ["ListRootsResult", McpSchema.ListRootsResult, V2.ListRootsResultSchema],
      ["SubscriptionFilter", McpSchema.SubscriptionFilter, V2.SubscriptionFilterSchema]
    ]
    for (const [name, ours, sdk] of pairs) decoded(name, ZodArbitrary.arbitrary(sdk), codec(ours))
    decodedMessages("ClientRequest", McpSchema.ClientRequest, V2.ClientRequestSchema, in2026)
  })
})
