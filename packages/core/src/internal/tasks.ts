/**
 * Tool calls that became tasks, in both eras:
 *
 * - 2025-11-25: the client asks for a task (`params.task`), the server answers `{ task }`; the status
 *   is polled with `tasks/get` at the server's `pollInterval`; the result comes from `tasks/result`,
 *   which waits for the end (and on which the server sends its elicitation or sampling requests
 *   while the task waits for input); `tasks/cancel` cancels.
 * - 2026-07-28 (the `io.modelcontextprotocol/tasks` extension): the server decides, answering
 *   `resultType: "task"` with the task itself; `tasks/get` (at `pollIntervalMs`) carries the input the
 *   task waits for (answered with `tasks/update`, by the same handler layers as everything else), then
 *   its result or error; `tasks/cancel` cancels.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { InvalidResult, McpProtocolError, RpcError, TaskCancelled } from "../McpError.ts"
import type { McpError } from "../McpError.ts"
import * as McpSchema from "../McpSchema.ts"
import type { RequestHandler } from "./engine.ts"
import type { Session } from "./session.ts"
import { decodeResult } from "./session.ts"
import { answerInputs } from "./stateless.ts"

/**
 * A task's state, the same in both eras (times in milliseconds).
 */
export interface TaskInfo {
  readonly taskId: string
  readonly status: McpSchema.Task["status"]
  readonly statusMessage: string | undefined
  readonly createdAt: string | undefined
  readonly lastUpdatedAt: string | undefined
  /** How long the server keeps the task after its creation; `null` for as long as it likes. */
  readonly ttlMillis: number | null | undefined
  /** How often the server would like to be polled. */
  readonly pollIntervalMillis: number | undefined
}

/**
 * A tool call running as a task.
 */
export interface ToolTask {
  /** The task's id; `undefined` when the server answered at once instead of creating a task. */
  readonly taskId: string | undefined
  /** The state the task was created in. */
  readonly created: TaskInfo | undefined
  /**
   * The task's state each time it changes (polled at the server's interval), ending after a terminal
   * state. In 2026-07-28, input the task waits for is answered while polling.
   */
  readonly status: Stream.Stream<TaskInfo, McpError>
  /** Waits for the end and returns the tool's result; a failed task fails with its error. */
  readonly result: Effect.Effect<McpSchema.CallToolResult, McpError>
  /** Asks the server to cancel the task. */
  readonly cancel: Effect.Effect<void, McpError>
}

/**
 * How often a task is polled when the server does not say.
 */
export const DEFAULT_POLL_INTERVAL: Duration.Duration = Duration.seconds(1)

/**
 * The handle of a call the server answered at once instead of creating a task.
 */
export const answered = (result: McpSchema.CallToolResult): ToolTask => ({
  taskId: undefined,
  created: undefined,
  status: Stream.empty,
  result: Effect.succeed(result),
  cancel: Effect.void
})

const TERMINAL: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"])

const TRANSPORT_RETRY = Schedule.exponential("200 millis").pipe(Schedule.upTo({ times: 5 }))

/**
 * A connection that broke: the request may go out on the next. (`tasks/update` too: servers ignore
 * answers to keys already answered.)
 */
const isLostConnection = (error: McpError): boolean =>
  error._tag === "McpTransportError" && error.reason._tag === "ConnectionClosed"

const decodeCreated = decodeResult(McpSchema.CreateTaskResult)
const decodeTask = decodeResult(McpSchema.GetTaskResult)
const decodeDetailed = decodeResult(McpSchema.DetailedTask)
const decodeCallTool = decodeResult(McpSchema.CallToolResult)

const fromTask = (task: McpSchema.Task): TaskInfo => ({
  taskId: task.taskId,
  status: task.status,
  statusMessage: task.statusMessage,
  createdAt: task.createdAt,
  lastUpdatedAt: task.lastUpdatedAt,
  ttlMillis: task.ttl,
  pollIntervalMillis: task.pollInterval
})

const fromDetailed = (task: McpSchema.DetailedTask): TaskInfo => ({
  taskId: task.taskId,
  status: task.status,
  statusMessage: task.statusMessage,
  createdAt: task.createdAt,
  lastUpdatedAt: task.lastUpdatedAt,
  ttlMillis: task.ttlMs,
  pollIntervalMillis: task.pollIntervalMs
})

/**
 * Whether a `tools/call` answer is a task rather than a result.
 */
export const isTask = (raw: Record<string, unknown>): boolean =>
  raw.resultType === "task" ||
  (raw.content === undefined && typeof raw.task === "object" && raw.task !== null)

/**
 * Options of {@link make}.
 */
export interface Options {
  /** The session the task was created in. */
  readonly session: Session
  /**
   * The client's current session: a stateless task outlives its connection (after a server restart,
   * its polls go out on the new one); a stateful task belongs to its session.
   */
  readonly current: Effect.Effect<Session, McpError>
  readonly handlers: ReadonlyMap<string, RequestHandler>
  /** The timeout of each poll and of `tasks/cancel`. */
  readonly timeout: Duration.Duration | undefined
  /** The timeout of `tasks/result`, which waits for the end of the task. */
  readonly resultTimeout: Duration.Duration | undefined
  /** How often to poll when the server gives no interval. */
  readonly defaultPollInterval: Duration.Duration
}

/**
 * The handle of a task a `tools/call` answer created.
 */
export const make = (raw: Record<string, unknown>, options: Options): Effect.Effect<ToolTask, McpError> =>
  options.session.era === "stateful" ? stateful(raw, options) : stateless(raw, options)

const pollDelay = (info: TaskInfo, options: Options): Duration.Duration =>
  info.pollIntervalMillis !== undefined && info.pollIntervalMillis > 0
    ? Duration.millis(info.pollIntervalMillis)
    : options.defaultPollInterval

/** Polls until a terminal state, emitting each state that differs from the previous one. */
const statusStream = (
  created: TaskInfo,
  poll: Effect.Effect<TaskInfo, McpError>,
  options: Options
): Stream.Stream<TaskInfo, McpError> =>
  Stream.concat(
    Stream.succeed(created),
    TERMINAL.has(created.status) ? Stream.empty : Stream.paginate(created, (previous) =>
      Effect.andThen(
        Effect.sleep(pollDelay(previous, options)),
        Effect.map(poll, (next): readonly [ReadonlyArray<TaskInfo>, Option.Option<TaskInfo>] => {
          const changed = next.status !== previous.status || next.statusMessage !== previous.statusMessage
          return [changed ? [next] : [], TERMINAL.has(next.status) ? Option.none() : Option.some(next)]
        })
      ))
  )

const stateful = Effect.fnUntraced(function*(raw: Record<string, unknown>, options: Options) {
  const { session, timeout } = options
  const created = fromTask((yield* decodeCreated("tools/call", raw)).task)
  const taskId = created.taskId
  const poll = Effect.flatMap(
    session.request("tasks/get", { taskId }, { timeout, name: taskId }),
    (reply) => Effect.map(decodeTask("tasks/get", reply.result), fromTask)
  )
  return {
    taskId,
    created,
    status: statusStream(created, poll, options),
    // tasks/result waits for the end; the server sends the requests of a task waiting for input on it
    result: Effect.flatMap(
      session.request("tasks/result", { taskId }, { timeout: options.resultTimeout, name: taskId }),
      (reply) => decodeCallTool("tasks/result", reply.result)
    ),
    cancel: Effect.asVoid(session.request("tasks/cancel", { taskId }, { timeout, name: taskId }))
  } satisfies ToolTask
})

const stateless = Effect.fnUntraced(function*(raw: Record<string, unknown>, options: Options) {
  const { timeout } = options
  // every task method is safe to send again: a request lost with its connection goes out again on
  // the next one (the client reconnects meanwhile), a few times
  const request = (method: string, params: { readonly taskId: string; readonly inputResponses?: object | undefined }) =>
    Effect.flatMap(options.current, (session) => session.request(method, params, { timeout, name: params.taskId }))
      .pipe(
        Effect.map((reply) => reply.result),
        Effect.retry({ schedule: TRANSPORT_RETRY, while: isLostConnection })
      )
  const created = yield* decodeDetailed("tools/call", raw)
  const taskId = created.taskId
  // input the task asked for, answered once even when the status stream and the result both poll
  const answered = new Set<string>()
  const answer = (task: McpSchema.DetailedTask) => {
    const pending = Object.entries(task.inputRequests ?? {}).filter(([key]) => !answered.has(key))
    if (task.status !== "input_required" || pending.length === 0) return Effect.void
    for (const [key] of pending) answered.add(key)
    return Effect.flatMap(
      answerInputs(options.handlers, "tasks/get", Object.fromEntries(pending)),
      (inputResponses) => request("tasks/update", { taskId, inputResponses })
    ).pipe(
      // a key whose answer failed may be asked again
      Effect.tapError(() => Effect.sync(() => pending.forEach(([key]) => answered.delete(key)))),
      Effect.asVoid
    )
  }
  const get = Effect.flatMap(request("tasks/get", { taskId }), (result) => decodeDetailed("tasks/get", result)).pipe(
    Effect.tap(answer)
  )
  const outcome = (task: McpSchema.DetailedTask): Effect.Effect<McpSchema.CallToolResult, McpError> => {
    switch (task.status) {
      case "completed":
        return task.result === undefined
          ? Effect.fail(
            new McpProtocolError({
              method: "tasks/get",
              reason: new InvalidResult({ issue: `task ${taskId} completed without a result` })
            })
          )
          : decodeCallTool("tasks/get", task.result)
      case "failed":
        return Effect.fail(
          new McpProtocolError({
            method: "tools/call",
            reason: new RpcError({
              code: Math.trunc(task.error?.code ?? McpSchema.ErrorCode.InternalError),
              description: task.error?.message ?? task.statusMessage ?? "the task failed",
              ...(task.error?.data === undefined ? {} : { data: task.error.data })
            })
          })
        )
      default:
        return Effect.fail(
          new McpProtocolError({
            method: "tools/call",
            reason: new TaskCancelled({
              taskId,
              ...(task.statusMessage === undefined ? {} : { statusMessage: task.statusMessage })
            })
          })
        )
    }
  }
  const awaitEnd = (task: McpSchema.DetailedTask): Effect.Effect<McpSchema.CallToolResult, McpError> =>
    TERMINAL.has(task.status)
      ? outcome(task)
      : Effect.andThen(Effect.sleep(pollDelay(fromDetailed(task), options)), Effect.flatMap(get, awaitEnd))
  return {
    taskId,
    created: fromDetailed(created),
    status: statusStream(fromDetailed(created), Effect.map(get, fromDetailed), options),
    result: Effect.andThen(answer(created), awaitEnd(created)),
    cancel: Effect.asVoid(request("tasks/cancel", { taskId }))
  } satisfies ToolTask
})
