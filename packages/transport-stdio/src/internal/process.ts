/**
 * One running server process of the stdio transport, in its own scope, with what talks to it: the
 * stdin outbox and its watcher, the stdout reader, the stderr follower and the exit watcher. Each of them
 * marks the process gone, with the error requests then fail with, when it sees the process end or
 * become unusable; closing the scope stops the process as the shutdown module describes.
 *
 * Whether a process is shared by sessions is left to the keep-alive module; a session receives the
 * process's messages through {@link attach}.
 *
 * @internal
 */
import { ConnectionClosed, McpTransportError, SendFailed } from "@effect-mcp/core/McpError"
import { parseFrame } from "@effect-mcp/core/McpTransport"
import type * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Queue from "effect/Queue"
import * as Scheduler from "effect/Scheduler"
import * as Scope from "effect/Scope"
import * as McpStdioCommand from "../McpStdioCommand.ts"
import * as Child from "./child.ts"
import { DEFAULT_MAX_MESSAGE_BYTES, makeFramer } from "./framing.ts"
import * as Outbox from "./outbox.ts"
import * as ProcessError from "./processError.ts"
import * as Shutdown from "./shutdown.ts"
import * as Stderr from "./stderr.ts"

/**
 * One running server process.
 */
export interface Running {
  readonly scope: Scope.Closeable
  readonly pid: number
  /** Lines waiting to be written; the writer takes all that are there and writes them at once. */
  readonly stdin: Outbox.Outbox
  /** Completes when the process is gone, with the error requests should fail with. */
  readonly gone: Deferred.Deferred<never, McpTransportError>
  /** Where stdout messages go: the current session's inbox, if any. */
  sink: ((message: unknown) => void) | undefined
}

/**
 * How to start the process and look after it, resolved from the transport's options.
 */
export interface SpawnOptions extends Stderr.Options {
  readonly command: string
  readonly args: ReadonlyArray<string>
  /** The command line in errors. */
  readonly commandLine: string
  /** The child's whole environment. */
  readonly env: Record<string, string>
  readonly cwd: string | undefined
  readonly stdinGrace: Duration.Duration
  readonly termGrace: Duration.Duration
  readonly maxMessageBytes: number | undefined
}

/**
 * Starts a process in a new child scope of `parent`. The child scope is closed at once if the start
 * fails, and otherwise when `parent` closes or the caller closes `running.scope`.
 */
export const spawnIn = Effect.fnUntraced(function*(
  options: SpawnOptions,
  parent: Scope.Scope
): Effect.fn.Return<Running, McpTransportError> {
  const scope = yield* Scope.fork(parent)
  return yield* spawn(options, scope).pipe(Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause))))
})

/**
 * Starts a process that lives as long as the current scope.
 */
export const spawnScoped = Effect.fnUntraced(function*(
  options: SpawnOptions
): Effect.fn.Return<Running, McpTransportError, Scope.Scope> {
  const running = yield* spawnIn(options, yield* Effect.scope)
  yield* Effect.addFinalizer(() => Scope.close(running.scope, Exit.void))
  return running
})

/**
 * A session's side of a running process: the inbox its messages wait in, and the client's
 * interception of them (see `McpConnection.intercept`).
 */
export interface Attached {
  readonly inbox: Queue.Queue<unknown, McpTransportError | Cause.Done>
  readonly intercept: (take: (message: unknown) => boolean) => void
}

/**
 * Hands the process's messages to a new inbox until the current scope closes. The inbox fails with
 * the reason when the process goes. Once the client intercepts, a message it takes skips the inbox,
 * unless earlier messages still wait there.
 */
export const attach = Effect.fnUntraced(function*(running: Running): Effect.fn.Return<Attached, never, Scope.Scope> {
  const inbox = yield* prompt(Queue.unbounded<unknown, McpTransportError | Cause.Done>())
  let take: ((message: unknown) => boolean) | undefined
  running.sink = (message) => {
    if (take === undefined || Queue.sizeUnsafe(inbox) > 0 || !take(message)) Queue.offerUnsafe(inbox, message)
  }
  yield* Effect.addFinalizer(() =>
    Effect.sync(() => {
      running.sink = undefined
    })
  )
  yield* Deferred.await(running.gone).pipe(
    Effect.catch((error) => Queue.fail(inbox, error)),
    Effect.forkScoped
  )
  return {
    inbox,
    intercept: (f) => {
      take = f
    }
  }
})

/**
 * Makes a queue whose waiting reader is woken on a microtask, not on the next turn of the event loop
 * (a queue wakes its readers through the dispatcher of the fiber that made it). A message handed from
 * stdout to the session then costs no turn of the loop (the outbox does the same for stdin): most of
 * what sequential calls wait for beyond the server itself. Only the wake-up moves: the woken fiber
 * keeps its own scheduler, so it still yields to I/O.
 */
const prompt = <A>(make: Effect.Effect<A>): Effect.Effect<A> =>
  Effect.provideService(make, Scheduler.Scheduler, new Scheduler.MixedScheduler("sync"))

/** Starts the process in `scope`, with its fibers and the first steps of its shutdown. */
const spawn = Effect.fnUntraced(
  function*(options: SpawnOptions, scope: Scope.Closeable): Effect.fn.Return<Running, McpTransportError, Scope.Scope> {
    // stopping the group is the last finalizer to run: the ones added after it close stdin first
    const child = yield* Effect.acquireRelease(start(options), (child) => Shutdown.stopGroup(child, options.termGrace))
    const gone = yield* Deferred.make<never, McpTransportError>()
    const stdin = Outbox.make(stdinOf(child))
    const running: Running = { scope, pid: child.pid, stdin, gone, sink: undefined }
    const exited = yield* Deferred.make<void>()
    const stderr = yield* Stderr.follow(child.stderr, options)
    yield* watchStdin(child, running, exited)
    yield* watchExit(child, { gone, exited }, options.commandLine, stderr)
    yield* readStdout(child, running, options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES)
    yield* Shutdown.closeStdinFirst(stdin, gone, options.stdinGrace)
    return running
  },
  (effect, _options, scope) => Scope.provide(effect, scope)
)

/** The spawn itself: piped stdin and stdout, the whole environment given, a process group of its own. */
const start = (options: SpawnOptions): Effect.Effect<Child.Child, McpTransportError> =>
  Child.spawn({
    command: options.command,
    args: options.args,
    env: options.env,
    cwd: options.cwd,
    stderr: Stderr.stdioOf(options.stderr),
    // Windows runs .cmd shims (npx.cmd) only through a shell
    shell: McpStdioCommand.requiresShell({ command: options.command, args: options.args })
  }).pipe(Effect.mapError((error) => ProcessError.spawnFailed(options.commandLine, error)))

/** The outbox's target: the process's stdin, written while it can be (a broken pipe is the watcher's). */
const stdinOf = ({ stdin }: Child.Child): Outbox.Target => ({
  write: (text) => {
    if (stdin.writable) stdin.write(text)
  },
  end: () => {
    stdin.end()
  }
})

/**
 * How long a failed write waits to see whether the process exited (its stdin closed with it) before
 * taking it for a live process that closed its stdin.
 */
const EXIT_GRACE = Duration.millis(200)

/**
 * The stdin watcher: a write fails (EPIPE) when the process exited, which the exit watcher reports,
 * or when a live server closed its stdin: it cannot be talked to, requests fail at once, and the
 * process is stopped so that the next session starts a new one.
 */
const watchStdin = (child: Child.Child, running: Running, exited: Deferred.Deferred<void>) =>
  Child.failure(child.stdin).pipe(
    Effect.flatMap((error) =>
      Effect.timeout(Deferred.await(exited), EXIT_GRACE).pipe(
        Effect.catchTag("TimeoutError", () =>
          abandon(
            child,
            running.gone,
            new McpTransportError({
              reason: new SendFailed({ description: "the server's stdin is closed", cause: error })
            })
          ))
      )
    ),
    Effect.forkScoped
  )

/**
 * How long the exit watcher waits for the rest of stderr once the process exited: what it wrote last
 * may still be in the pipe (a grandchild that holds the pipe open would keep it from ending).
 */
const STDERR_DRAIN = Duration.millis(500)

/**
 * The exit watcher: marks the process gone (with its exit code or signal) once it exits and its
 * stderr was read to the end, so that the error carries the last lines it wrote.
 */
const watchExit = (
  child: Child.Child,
  { exited, gone }: {
    readonly gone: Deferred.Deferred<never, McpTransportError>
    /** Completed the moment the process exits. */
    readonly exited: Deferred.Deferred<void>
  },
  commandLine: string,
  stderr: Stderr.Followed
) =>
  Child.exitStatus(child).pipe(
    Effect.tap(() => Deferred.succeed(exited, undefined)),
    Effect.tap(() => Effect.ignore(Effect.timeout(stderr.drained, STDERR_DRAIN))),
    Effect.flatMap((status) => Deferred.fail(gone, ProcessError.processExited(commandLine, status, stderr.tail))),
    Effect.forkScoped
  )

/**
 * The stdout reader: the pipe's `data` events are framed and handed to the current session as they
 * come, in the turn they were read in. A fiber for the life of the process waits for the end.
 */
const readStdout = (child: Child.Child, running: Running, maxMessageBytes: number) =>
  Effect.callback<void, McpTransportError>((resume) => {
    const framer = makeFramer(maxMessageBytes, parseFrame)
    const stdout = child.stdout
    const onData = (chunk: Uint8Array) => {
      const ok = framer.push(chunk)
      deliver(running, framer.take())
      if (!ok) {
        stop()
        resume(Effect.fail(framer.failure()!))
      }
    }
    const onEnd = () => {
      stop()
      framer.end()
      deliver(running, framer.take())
      resume(Effect.void)
    }
    const onError = (cause: Error) => {
      stop()
      resume(Effect.fail(
        new McpTransportError({
          reason: new ConnectionClosed({ description: "reading the server's stdout failed", cause })
        })
      ))
    }
    const stop = () => {
      stdout.off("data", onData)
      stdout.off("end", onEnd)
      stdout.off("error", onError)
    }
    stdout.on("data", onData)
    stdout.once("end", onEnd)
    stdout.once("error", onError)
    return Effect.sync(stop)
  }).pipe(
    Effect.matchEffect({
      onSuccess: () => awaitExit(running.gone),
      // a framing failure leaves a process we cannot talk to: stop it
      onFailure: (error) => abandon(child, running.gone, error)
    }),
    Effect.forkScoped
  )

const deliver = (running: Running, messages: ReadonlyArray<unknown>): void => {
  const sink = running.sink
  if (sink !== undefined) { for (let i = 0; i < messages.length; i++) sink(messages[i]) }
}

/** After stdout closed: the process should be exiting; if it is not, it cannot answer anyway. */
const awaitExit = (gone: Deferred.Deferred<never, McpTransportError>) =>
  Effect.timeout(Deferred.await(gone), "1 second").pipe(
    Effect.catchTag(
      "TimeoutError",
      () =>
        Deferred.fail(
          gone,
          new McpTransportError({ reason: new ConnectionClosed({ description: "the server closed its stdout" }) })
        )
    ),
    Effect.ignore
  )

/** Marks the process gone with `error` and kills its group: a process we cannot talk to is of no use. */
const abandon = (
  child: Child.Child,
  gone: Deferred.Deferred<never, McpTransportError>,
  error: McpTransportError
) => Effect.andThen(Deferred.fail(gone, error), Effect.sync(() => Child.signal(child, "SIGKILL")))
