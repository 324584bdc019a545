/**
 * The stdio transport: the MCP server is a child process speaking newline-delimited JSON-RPC on its
 * stdin and stdout. Most local servers run this way.
 *
 * **Lifetime.** With `keepAlive` (the default) the process lives in the scope that built the layer:
 * client sessions (inner scopes) reuse it one after the other, and a process that died is started
 * again by the next session. With `keepAlive: false` each session starts its own process and stops it
 * when it ends. Closing a process: its stdin is closed, it gets `shutdown.stdinGrace` to exit, then
 * SIGTERM, `shutdown.termGrace` more, then SIGKILL, each to the whole process group so that the
 * grandchildren of `npx` or `uv run` go too.
 *
 * **Failures.** A command that cannot be started fails with `SpawnFailed` (the command and the OS
 * error). When the process exits, requests in flight fail at once with `ProcessExited` (exit code or
 * signal, and the last lines of its stderr). The client's reconnect policy then starts it again.
 *
 * **Framing** is linear in the input, handles lines split anywhere (inside UTF-8 characters too),
 * `\r\n` and blank lines, logs and skips lines that are not JSON, and fails with `MessageTooLarge`
 * past `maxMessageBytes` (256 MiB by default).
 *
 * **Environment.** The child gets a safe allowlist of the parent's environment (PATH, HOME, locale,
 * temp directories, platform essentials; see `McpStdioCommand.DEFAULT_INHERITED_ENV`) plus `env`.
 * API keys and tokens in the parent's environment are not passed unless you say so
 * (`inheritEnv: "all"` or a list of names).
 *
 * **Example** (A client for a server script)
 *
 * ```ts
 * import { NodeServices } from "@effect/platform-node"
 * import { Layer } from "effect"
 * import { McpClient } from "@effect-mcp/core"
 * import { McpStdioTransport } from "@effect-mcp/transport-stdio"
 *
 * const ClientLive = McpClient.layer().pipe(
 *   Layer.provide(McpStdioTransport.layer({ command: "node", args: ["server.js"] })),
 *   Layer.provide(NodeServices.layer)
 * )
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import { ConnectionClosed, McpTransportError, ProcessExited, SendFailed, SpawnFailed } from "@effect-mcp/core/McpError"
import { encodeLine, fromChannel, McpTransport } from "@effect-mcp/core/McpTransport"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FileSystem from "effect/FileSystem"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ChildProcess from "effect/process/ChildProcess"
import * as ChildProcessSpawner from "effect/process/ChildProcessSpawner"
import * as PubSub from "effect/PubSub"
import * as Queue from "effect/Queue"
import * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import * as Stream from "effect/Stream"
import { decodeLines } from "./internal/framing.ts"
import * as McpStdioCommand from "./McpStdioCommand.ts"

/**
 * What happens to the server's stderr: passed to this process's stderr, dropped, written to Effect's
 * logger line by line (at debug level, annotated with the server's name), appended to a file, or
 * only published on {@link McpStdioStderr} (`"stream"`, which the other piped modes also feed).
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type StderrMode = "inherit" | "ignore" | "log" | "stream" | { readonly file: string }

/**
 * Options of {@link layer}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** The executable. See `McpStdioCommand.infer` to build `command` and `args` from a script path. */
  readonly command: string
  readonly args?: ReadonlyArray<string> | undefined
  /** Variables set for the child, over the inherited ones. */
  readonly env?: Readonly<Record<string, string>> | undefined
  /** Which of this process's variables the child inherits: `"safe"` (default), `"all"`, or the safe list plus names. */
  readonly inheritEnv?: "safe" | "all" | ReadonlyArray<string> | undefined
  readonly cwd?: string | undefined
  /** Default: `"log"`. */
  readonly stderr?: StderrMode | undefined
  /** Reuse one process across sessions (default true), or start one per session. */
  readonly keepAlive?: boolean | undefined
  /** With keep-alive, how long a session waits for another to release the process. Default: 30 seconds. */
  readonly sessionWait?: Duration.Input | undefined
  readonly shutdown?: {
    /** How long the process may take to exit after its stdin closes. Default: 2 seconds. */
    readonly stdinGrace?: Duration.Input | undefined
    /** How long it may take to exit after SIGTERM, before SIGKILL. Default: 2 seconds. */
    readonly termGrace?: Duration.Input | undefined
  } | undefined
  /** The largest message accepted from the server. Default: 256 MiB. */
  readonly maxMessageBytes?: number | undefined
  /** How many of the last stderr lines a `ProcessExited` error carries. Default: 20. */
  readonly stderrTail?: number | undefined
  /** The server's name in logs. Default: the command. */
  readonly name?: string | undefined
}

/**
 * The server's stderr, line by line, as a `Stream` (every mode but `"inherit"` and `"ignore"`). Provided
 * by {@link layer} beside the transport.
 *
 * @stability experimental
 * @category services
 * @since 0.1.0
 */
export class McpStdioStderr extends Context.Service<McpStdioStderr, {
  /** The lines written after the stream starts, from every process the transport runs. */
  readonly lines: Stream.Stream<string>
}>()("@effect-mcp/transport-stdio/McpStdioTransport/McpStdioStderr") {}

/**
 * One running server process.
 */
interface Running {
  readonly scope: Scope.Closeable
  readonly pid: number
  /** Lines waiting to be written; the writer takes all that are there and writes them at once. */
  readonly stdin: Queue.Queue<string, Cause.Done>
  /** Completes when the process is gone, with the error requests should fail with. */
  readonly gone: Deferred.Deferred<never, McpTransportError>
  /** Where stdout messages go: the current session's inbox, if any. */
  sink: ((message: unknown) => void) | undefined
}

const encoder = new TextEncoder()

/** The OS error under a platform error (its `cause`), which has the useful message and code. */
const osError = (error: unknown): string => {
  const cause = typeof error === "object" && error !== null && "cause" in error ? error.cause : undefined
  if (cause instanceof Error) {
    const code = (cause as { readonly code?: unknown }).code
    return typeof code === "string" && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message
  }
  return error instanceof Error ? error.message : String(error)
}

const signalOf = (error: unknown): string | undefined => /signal: '(\w+)'/.exec(osError(error))?.[1]

/**
 * Builds the transport in the current scope (which, with `keepAlive`, owns the process).
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const make = Effect.fnUntraced(function*(
  options: Options
): Effect.fn.Return<
  { readonly transport: McpTransport["Service"]; readonly stderr: McpStdioStderr["Service"] },
  never,
  Scope.Scope | ChildProcessSpawner.ChildProcessSpawner | FileSystem.FileSystem
> {
  const spawner = yield* ChildProcessSpawner.ChildProcessSpawner
  const fs = yield* FileSystem.FileSystem
  const layerScope = yield* Effect.scope
  const args = options.args ?? []
  const commandLine = McpStdioCommand.describe({ command: options.command, args })
  const name = options.name ?? options.command
  const stderrMode: StderrMode = options.stderr ?? "log"
  const tailSize = options.stderrTail ?? 20
  const stdinGrace = Duration.fromInputUnsafe(options.shutdown?.stdinGrace ?? "2 seconds")
  const termGrace = Duration.fromInputUnsafe(options.shutdown?.termGrace ?? "2 seconds")
  const env = McpStdioCommand.buildEnv(process.env, {
    env: options.env,
    inherit: options.inheritEnv,
    platform: process.platform
  })
  const keepAlive = options.keepAlive !== false
  const sessionWait = Duration.fromInputUnsafe(options.sessionWait ?? "30 seconds")
  const sessions = yield* Semaphore.make(1)
  const stderrLines = yield* Effect.acquireRelease(PubSub.unbounded<string>(), PubSub.shutdown)
  let kept: Running | undefined

  const spawn = (scope: Scope.Closeable): Effect.Effect<Running, McpTransportError> =>
    Effect.gen(function*() {
      const handle = yield* spawner.spawn(ChildProcess.make(options.command, args, {
        env,
        extendEnv: false,
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        stdin: "pipe",
        stdout: "pipe",
        stderr: stderrMode === "inherit" ? "inherit" : stderrMode === "ignore" ? "ignore" : "pipe",
        killSignal: "SIGTERM",
        forceKillAfter: termGrace,
        // Windows runs .cmd shims (npx.cmd) only through a shell
        ...(McpStdioCommand.requiresShell({ command: options.command, args }) ? { shell: true } : {})
      })).pipe(
        Effect.mapError((error) =>
          new McpTransportError({
            reason: new SpawnFailed({ command: commandLine, description: osError(error), cause: error })
          })
        )
      )
      const gone = yield* Deferred.make<never, McpTransportError>()
      const stdin = yield* Queue.unbounded<string, Cause.Done>()
      const running: Running = { scope, pid: handle.pid, stdin, gone, sink: undefined }
      const tail: Array<string> = []

      // stderr: keep the last lines for errors, and send them where the options say
      if (stderrMode !== "inherit" && stderrMode !== "ignore") {
        const file = typeof stderrMode === "object" ? stderrMode.file : undefined
        const sinkLine = file !== undefined
          ? Effect.flatMap(
            fs.open(file, { flag: "a" }),
            (opened) => Effect.succeed((line: string) => Effect.ignore(opened.writeAll(encoder.encode(line + "\n"))))
          )
          : Effect.succeed((line: string) =>
            stderrMode === "log"
              ? Effect.logDebug(line).pipe(Effect.annotateLogs({ "mcp.server": name, "mcp.stream": "stderr" }))
              : Effect.void
          )
        const write = yield* Effect.orElseSucceed(sinkLine, () => (_: string) => Effect.void)
        yield* handle.stderr.pipe(
          Stream.decodeText(),
          Stream.splitLines,
          Stream.runForEach((line) => {
            tail.push(line)
            if (tail.length > tailSize) tail.shift()
            PubSub.publishUnsafe(stderrLines, line)
            return write(line)
          }),
          Effect.ignore,
          Effect.forkScoped
        )
      }

      // stdin: one writer fiber, one write for all the lines waiting; closing the queue is EOF
      yield* Stream.fromEffectRepeat(
        Effect.map(Queue.takeAll(stdin), (lines) => encoder.encode(lines.length === 1 ? lines[0] : lines.join("")))
      ).pipe(
        Stream.run(handle.stdin),
        // a server that closed its stdin (EPIPE) cannot be talked to: requests fail at once, and the
        // process is stopped so that the next session starts a new one
        Effect.catchCause((cause) =>
          Cause.hasInterruptsOnly(cause) ? Effect.void : Effect.andThen(
            Deferred.fail(
              gone,
              new McpTransportError({
                reason: new SendFailed({ description: "the server's stdin is closed", cause: Cause.squash(cause) })
              })
            ),
            handle.kill({ killSignal: "SIGKILL" }).pipe(Effect.ignore)
          )
        ),
        Effect.forkScoped
      )

      const exited = (exit: Exit.Exit<ChildProcessSpawner.ExitCode, unknown>) =>
        new McpTransportError({
          reason: new ProcessExited({
            command: commandLine,
            ...(Exit.isSuccess(exit)
              ? { exitCode: exit.value }
              : (() => {
                const signal = signalOf(Option.getOrUndefined(Cause.findErrorOption(exit.cause)) ?? exit.cause)
                return signal === undefined ? {} : { signal }
              })()),
            stderr: [...tail]
          })
        })

      // the exit watcher: marks the process gone (with its exit code or signal) the moment it exits
      yield* handle.exitCode.pipe(
        Effect.exit,
        Effect.flatMap((exit) => Deferred.fail(gone, exited(exit))),
        Effect.forkScoped
      )

      // stdout: one reader fiber for the life of the process, handing messages to the current session
      yield* decodeLines({ maxMessageBytes: options.maxMessageBytes })(handle.stdout).pipe(
        Stream.runForEachArray((messages) =>
          Effect.sync(() => {
            const sink = running.sink
            if (sink !== undefined) { for (const message of messages) sink(message) }
          })
        ),
        Effect.exit,
        Effect.flatMap((exit) =>
          Exit.isSuccess(exit)
            // stdout closed: the process should be exiting; if it is not, it cannot answer anyway
            ? Effect.timeout(Deferred.await(gone), "1 second").pipe(
              Effect.catchTag(
                "TimeoutError",
                () =>
                  Deferred.fail(
                    gone,
                    new McpTransportError({
                      reason: new ConnectionClosed({ description: "the server closed its stdout" })
                    })
                  )
              ),
              Effect.ignore
            )
            : !Cause.hasInterruptsOnly(exit.cause)
            ? Effect.andThen(
              Deferred.fail(
                gone,
                Option.getOrElse(
                  Cause.findErrorOption(exit.cause).pipe(
                    Option.filter((error): error is McpTransportError => error instanceof McpTransportError)
                  ),
                  () =>
                    new McpTransportError({
                      reason: new ConnectionClosed({
                        description: "reading the server's stdout failed",
                        cause: Cause.squash(exit.cause)
                      })
                    })
                )
              ),
              // a framing failure leaves a process we cannot talk to: stop it
              handle.kill({ killSignal: "SIGKILL" }).pipe(Effect.ignore)
            )
            : Effect.void
        ),
        Effect.forkScoped
      )

      // shutdown, in order: EOF on stdin, a grace period, then the spawn's own SIGTERM → SIGKILL
      yield* Effect.addFinalizer(() =>
        Effect.andThen(
          Queue.end(stdin),
          Effect.ignore(Effect.timeout(Deferred.await(gone), stdinGrace))
        )
      )
      return running
    }).pipe(Scope.provide(scope))

  const keptProcess = Effect.suspend(() => {
    if (kept !== undefined && !Deferred.isDoneUnsafe(kept.gone)) return Effect.succeed(kept)
    const dead = kept
    return Effect.gen(function*() {
      if (dead !== undefined) yield* Scope.close(dead.scope, Exit.void)
      const scope = yield* Scope.fork(layerScope)
      const running = yield* spawn(scope).pipe(
        Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause)))
      )
      kept = running
      return running
    })
  })

  /** Stops the kept process (the next session starts a new one), if it is still the kept one. */
  const retire = (running: Running) =>
    Effect.suspend(() => {
      if (kept !== running) return Effect.void
      kept = undefined
      return Scope.close(running.scope, Exit.void)
    })

  const connect = Effect.gen(function*() {
    let running: Running
    if (keepAlive) {
      // one session at a time on a shared process (their request ids would collide): a second session
      // waits for the first to end, for at most `sessionWait`
      yield* Effect.acquireRelease(
        sessions.take(1).pipe(
          Effect.timeoutOrElse({
            duration: sessionWait,
            orElse: () =>
              Effect.fail(
                new McpTransportError({
                  reason: new ConnectionClosed({
                    description: `the kept-alive server is in use by another session (waited ${
                      Duration.format(sessionWait)
                    }); use keepAlive: false for concurrent sessions`
                  })
                })
              )
          })
        ),
        () => sessions.release(1)
      )
      const shared = yield* keptProcess
      running = shared
      // a session that ends in failure (a handshake that timed out on a hung process, a lost
      // connection) retires the process: the next session gets a fresh one
      yield* Effect.addFinalizer((exit) => Exit.isFailure(exit) ? retire(shared) : Effect.void)
    } else {
      const scope = yield* Scope.fork(yield* Effect.scope)
      running = yield* spawn(scope).pipe(Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause))))
      yield* Effect.addFinalizer(() => Scope.close(scope, Exit.void))
    }
    const inbox = yield* Queue.unbounded<unknown, McpTransportError | Cause.Done>()
    running.sink = (message) => {
      Queue.offerUnsafe(inbox, message)
    }
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        running.sink = undefined
      })
    )
    // when the process goes, the session's stream fails with the reason
    yield* Deferred.await(running.gone).pipe(
      Effect.catch((error) => Queue.fail(inbox, error)),
      Effect.forkScoped
    )
    return fromChannel({
      send: (message) =>
        Deferred.isDoneUnsafe(running.gone)
          ? Deferred.await(running.gone)
          : Queue.offer(running.stdin, encodeLine(message)).pipe(
            Effect.flatMap((offered) =>
              offered
                ? Effect.void
                : Effect.fail(new McpTransportError({ reason: new SendFailed({ description: "stdin is closed" }) }))
            )
          ),
      incoming: Stream.fromQueue(inbox)
    })
  })

  return {
    transport: McpTransport.of({ connect }),
    stderr: McpStdioStderr.of({ lines: Stream.fromPubSub(stderrLines) })
  }
})

/**
 * Provides an `McpTransport` that runs the server as a child process. Needs a
 * `ChildProcessSpawner` and a `FileSystem` (both in `NodeServices.layer` of `@effect/platform-node`).
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = (
  options: Options
): Layer.Layer<McpTransport | McpStdioStderr, never, ChildProcessSpawner.ChildProcessSpawner | FileSystem.FileSystem> =>
  Layer.effectContext(
    Effect.map(
      make(options),
      ({ stderr, transport }) => Context.make(McpTransport, transport).pipe(Context.add(McpStdioStderr, stderr))
    )
  )

/**
 * Provides the transport for a server given as a source: a script path (`server.py`, `server.js`,
 * `server.ts`), a command line (`"npx -y @modelcontextprotocol/server-everything"`,
 * `"uvx mcp-server-fetch"`) or an argument list. The command is inferred by `McpStdioCommand.infer`
 * (FastMCP's transport inference for local servers).
 *
 * **Example** (A Python server run with uv)
 *
 * ```ts
 * import { McpStdioTransport } from "@effect-mcp/transport-stdio"
 *
 * const Transport = McpStdioTransport.layerSource("weather.py", { python: "uv", env: { UNITS: "metric" } })
 * ```
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layerSource = (
  source: string | ReadonlyArray<string>,
  options?: Omit<Options, "command" | "args"> & McpStdioCommand.InferOptions
): Layer.Layer<
  McpTransport | McpStdioStderr,
  never,
  ChildProcessSpawner.ChildProcessSpawner | FileSystem.FileSystem
> => {
  const { command, args } = McpStdioCommand.infer(source, options)
  return layer({ ...options, command, args })
}
