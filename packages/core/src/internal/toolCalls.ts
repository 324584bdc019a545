/**
 * Tool calls: their params (with the task request when the server offers tasks), the route to the
 * tool as listed, the hand-checked fast path for plain results, calls that became tasks (awaited, or
 * handed out), `isError` as `McpToolError`, `structuredContent` decoded by an output schema, and the
 * call as a `Stream` of progress and result.
 *
 * A call the server refused for its headers (−32020, 2026-07-28 over HTTP: the tool's `x-mcp-header`
 * annotations changed since it was listed, or it never was) is sent once more after the tools are
 * listed again.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { identity } from "effect/Function"
import * as Predicate from "effect/Predicate"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type {
  CallToolOptions,
  OutputSchema,
  RequestOptions as ClientRequestOptions,
  ToolArguments,
  ToolCallEvent
} from "../McpClient.ts"
import { InvalidResult, McpProtocolError, McpToolError } from "../McpError.ts"
import type { McpError } from "../McpError.ts"
import * as McpSchema from "../McpSchema.ts"
import type { Connected, Connector } from "./connector.ts"
import * as Deadline from "./deadline.ts"
import type { RequestHandler } from "./engine.ts"
import * as Pagination from "./pagination.ts"
import type { RequestOptions } from "./session.ts"
import { decodeResult } from "./session.ts"
import * as Tasks from "./tasks.ts"

const decodeCallTool = decodeResult(McpSchema.CallToolResult)
const decodeListTools = decodeResult(McpSchema.ListToolsResult)

/** The most pages listed again to learn a tool's current annotations. */
const RELIST_PAGES = 100

type Restore = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>

/**
 * The tool-call operations of a client.
 */
export interface ToolCalls {
  readonly callTool: (
    name: string,
    args?: ToolArguments,
    options?: CallToolOptions & { readonly output?: OutputSchema<unknown> }
  ) => Effect.Effect<unknown, McpError | McpToolError>
  readonly callToolRaw: (
    name: string,
    args?: ToolArguments,
    options?: CallToolOptions
  ) => Effect.Effect<McpSchema.CallToolResult, McpError>
  readonly callToolTask: (
    name: string,
    args?: ToolArguments,
    options?: CallToolOptions
  ) => Effect.Effect<Tasks.ToolTask, McpError>
  readonly callToolStream: (
    name: string,
    args?: ToolArguments,
    options?: CallToolOptions
  ) => Stream.Stream<ToolCallEvent, McpError | McpToolError>
}

/**
 * Builds the tool calls of a client. Task cancellations run in fibers of the current scope.
 */
export const make = Effect.fnUntraced(function*(options: {
  readonly connector: Connector
  readonly handlers: ReadonlyMap<string, RequestHandler>
  /** The session options of a request, from the caller's (timeout, meta, progress). */
  readonly requestOptions: (method: string, options: ClientRequestOptions | undefined) => RequestOptions
  readonly defaultTimeout: Duration.Duration | undefined
}): Effect.fn.Return<ToolCalls, never, Scope.Scope> {
  const { connector } = options
  const scope = yield* Effect.scope

  /** Sends `tools/call` on a session, routed to the tool as it listed it. */
  const send = (c: Connected, name: string, params: object, callOptions: CallToolOptions | undefined) =>
    Effect.map(
      connector.sendOn(c, "tools/call", params, {
        ...options.requestOptions("tools/call", callOptions),
        name,
        tool: c.tools.get(name)
      }),
      (reply) => reply.result
    )

  /** Sends the call; refused for its headers, it is sent again once after the tools are listed again. */
  const sendRouted = (c: Connected, name: string, params: object, callOptions: CallToolOptions | undefined) =>
    Effect.catchIf(
      send(c, name, params, callOptions),
      isHeaderMismatch,
      (refusal) =>
        relist(c).pipe(
          Effect.matchEffect({
            onFailure: () => Effect.fail(refusal),
            onSuccess: () => send(c, name, params, callOptions)
          })
        )
    )

  /** Lists every tool again, straight from the server, so that the session knows their annotations. */
  const relist = (c: Connected) =>
    Pagination.all(
      "tools/list",
      (cursor: string | undefined) =>
        c.session.request("tools/list", Pagination.pageParams(cursor), { timeout: options.defaultTimeout }).pipe(
          Effect.flatMap((reply) => decodeListTools("tools/list", reply.result)),
          Effect.flatMap(c.tools.learn)
        ),
      (page) => page.tools,
      undefined,
      RELIST_PAGES
    )

  /**
   * Sends `tools/call`; the answer is a result, or a task (then the handle of that task). `restore`
   * marks what may be interrupted: under `callToolRaw`'s mask, an answer that is a task is always
   * handed on, so the task is never lost to an interruption that lands just after it arrived.
   */
  const start = (
    name: string,
    args: ToolArguments | undefined,
    callOptions: CallToolOptions | undefined,
    restore: Restore = identity
  ) =>
    connector.use((c) =>
      Effect.flatMap(
        restore(sendRouted(c, name, callParams(c, name, args, callOptions), callOptions)),
        (raw): Effect.Effect<McpSchema.CallToolResult | Tasks.ToolTask, McpError> =>
          // the common answer first: a plain result, checked by hand
          isPlainToolResult(raw)
            ? Effect.succeed(raw)
            : Tasks.isTask(raw)
            ? Tasks.make(raw, {
              session: c.session,
              current: Effect.map(connector.connected, (current) => current.session),
              handlers: options.handlers,
              timeout: options.defaultTimeout,
              // the wait is bounded (and the task cancelled) by awaitTask, not by the request
              resultTimeout: undefined,
              defaultPollInterval: Tasks.DEFAULT_POLL_INTERVAL
            })
            : decodeCallTool("tools/call", raw)
      ), restore)

  const callToolRaw = (name: string, args?: ToolArguments, callOptions?: CallToolOptions) =>
    Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(
        start(name, args, callOptions, restore),
        (answer) => "content" in answer ? Effect.succeed(answer) : awaitTask(answer, callOptions, restore, scope)
      )
    )

  const callToolTask = (name: string, args?: ToolArguments, callOptions?: CallToolOptions) =>
    Effect.map(start(name, args, callOptions), (answer): Tasks.ToolTask => {
      if ("content" in answer) return Tasks.answered(answer)
      // the caller's timeout bounds each wait for the result (the task is left running: see `cancel`)
      const timeout = Deadline.resolve(callOptions?.timeout, undefined)
      return timeout === undefined
        ? answer
        : { ...answer, result: Deadline.within(answer.result, "tools/call", timeout) }
    })

  const decodeOutput = makeOutputDecoder()

  const callTool = (
    name: string,
    args?: ToolArguments,
    callOptions?: CallToolOptions & { readonly output?: OutputSchema<unknown> }
  ): Effect.Effect<unknown, McpError | McpToolError> =>
    Effect.flatMap(callToolRaw(name, args, callOptions), (result): Effect.Effect<unknown, McpError | McpToolError> => {
      if (result.isError === true) return Effect.fail(new McpToolError({ tool: name, result }))
      const output = callOptions?.output
      return output === undefined ? Effect.succeed(result) : decodeOutput(name, output, result)
    })

  return {
    callTool,
    callToolRaw,
    callToolTask,
    callToolStream: (name, args, callOptions) => streamOf(callTool, name, args, callOptions)
  }
})

/** Waits for a task's result; interrupting the wait, or its timeout, cancels the task (once). */
const awaitTask = (
  task: Tasks.ToolTask,
  callOptions: CallToolOptions | undefined,
  restore: Restore,
  scope: Scope.Scope
) => {
  let cancelled = false
  const cancel = Effect.suspend(() => {
    if (cancelled) return Effect.void
    cancelled = true
    return Effect.asVoid(Effect.forkIn(Effect.ignore(task.cancel), scope))
  })
  // the timeout interrupts the wait, which cancels the task
  const waiting = Deadline.within(
    task.result.pipe(Effect.onInterrupt(() => cancel)),
    "tools/call",
    Deadline.resolve(callOptions?.timeout, undefined)
  )
  return restore(waiting).pipe(Effect.onInterrupt(() => cancel))
}

/** Decodes a result's `structuredContent`; each output schema is compiled once, not once per call. */
const makeOutputDecoder = () => {
  const decoders = new WeakMap<
    OutputSchema<unknown>,
    (method: string, raw: unknown) => Effect.Effect<unknown, McpProtocolError>
  >()
  return (name: string, output: OutputSchema<unknown>, result: McpSchema.CallToolResult) => {
    if (result.structuredContent === undefined) {
      return Effect.fail(
        new McpProtocolError({
          method: "tools/call",
          reason: new InvalidResult({ issue: `tool ${name} returned no structuredContent to decode` })
        })
      )
    }
    let decode = decoders.get(output)
    if (decode === undefined) {
      decode = decodeResult(output)
      decoders.set(output, decode)
    }
    return decode("tools/call", result.structuredContent)
  }
}

/** A call as a `Stream`: its progress reports (the caller's `onProgress` still runs), then its result. */
const streamOf = (
  callTool: ToolCalls["callTool"],
  name: string,
  args: ToolArguments | undefined,
  callOptions: CallToolOptions | undefined
) =>
  Stream.callback<ToolCallEvent, McpError | McpToolError>((queue) =>
    callTool(name, args, {
      ...callOptions,
      onProgress: (progress) =>
        Effect.andThen(
          callOptions?.onProgress === undefined ? Effect.void : callOptions.onProgress(progress),
          Queue.offer(queue, { _tag: "Progress", progress })
        )
    }).pipe(
      Effect.flatMap((result) => Queue.offer(queue, { _tag: "Result", result: result as McpSchema.CallToolResult })),
      Effect.andThen(Queue.end(queue)),
      Effect.catch((error) => Queue.fail(queue, error))
    )
  )

/** The params of a call: a task is asked for only of a stateful server that offers tasks for tool calls. */
const callParams = (
  c: Connected,
  name: string,
  args: ToolArguments | undefined,
  callOptions: CallToolOptions | undefined
): object => {
  const task = callOptions?.task
  const params = { name, arguments: args ?? {} }
  if (task === undefined || task === false || c.session.era !== "stateful") return params
  const offered = (c.session.capabilities.tasks as {
    readonly requests?: { readonly tools?: { readonly call?: unknown } }
  })?.requests?.tools?.call !== undefined
  if (!offered) return params
  return {
    ...params,
    task: task === true || task.ttl === undefined ? {} : { ttl: Duration.toMillis(Duration.fromInputUnsafe(task.ttl)) }
  }
}

const isHeaderMismatch = (error: McpError): boolean =>
  error._tag === "McpProtocolError" && error.reason._tag === "RpcError" &&
  error.reason.code === McpSchema.ErrorCode.HeaderMismatch

/**
 * The common tool result, checked by hand: text blocks without annotations, an optional boolean
 * `isError`, an optional object `_meta`. Every such value is a valid `CallToolResult` (results arrive
 * parsed from JSON, so every field is JSON), and it is the hot path, so the Schema decoder is skipped
 * for it. Anything else, or anything in doubt, goes through the decoder.
 */
const isPlainToolResult = (raw: Record<string, unknown>): raw is McpSchema.CallToolResult => {
  const content = raw.content
  if (!Array.isArray(content)) return false
  for (const block of content) {
    if (!Predicate.isObject(block) || block.type !== "text" || typeof block.text !== "string") return false
    if (block.annotations !== undefined || (block._meta !== undefined && !Predicate.isObject(block._meta))) return false
  }
  return (raw.isError === undefined || typeof raw.isError === "boolean") &&
    (raw._meta === undefined || Predicate.isObject(raw._meta))
}
