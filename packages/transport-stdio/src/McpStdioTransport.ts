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
import { ConnectionClosed, McpTransportError, SendFailed, SpawnFailed } from "@effect-mcp/core/McpError"
import { encodeLine, fromChannel, McpTransport } from "@effect-mcp/core/McpTransport"
import type { McpConnection } from "@effect-mcp/core/McpTransport"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Layer from "effect/Layer"
import * as ChildProcessSpawner from "effect/process/ChildProcessSpawner"
import * as PubSub from "effect/PubSub"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { isAbsolute, join } from "node:path"
import * as KeepAlive from "./internal/keepAlive.ts"
import * as Process from "./internal/process.ts"
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
  const stderrLines = yield* Effect.acquireRelease(PubSub.unbounded<string>(), PubSub.shutdown)
  const spawnOptions = yield* resolveSpawnOptions(options, stderrLines)
  const sessionWait = Duration.fromInputUnsafe(options.sessionWait ?? "30 seconds")
  // a session's process: its own, or the one the sessions of this transport share
  // the kept process lives in a scope of its own, closed after the sessions were told (below)
  const processes = yield* Scope.fork(yield* Effect.scope)
  yield* Effect.addFinalizer((exit) => Scope.close(processes, exit))
  const open = options.keepAlive === false
    ? Process.spawnScoped(spawnOptions)
    : yield* KeepAlive.make({ spawnIn: (scope) => Process.spawnIn(spawnOptions, scope), sessionWait }).pipe(
      Scope.provide(processes)
    )
  // With keep-alive, the process is the transport's: when the transport's own scope ends (the layer
  // that provided it was released), the sessions still holding it are told so, for that, not a closed
  // stdin, is why their calls fail. Without it, each session owns its process and goes on.
  const attached = new Set<Process.Running>()
  let closed = false
  if (options.keepAlive !== false) {
    yield* Effect.addFinalizer(() =>
      Effect.suspend(() => {
        closed = true
        const error = transportClosed(options.command)
        return Effect.forEach(attached, (running) => Deferred.fail(running.gone, error), { discard: true })
      })
    )
  }
  const connect = Effect.gen(function*() {
    if (closed) return yield* transportClosed(options.command)
    const running = yield* open
    attached.add(running)
    yield* Effect.addFinalizer(() => Effect.sync(() => attached.delete(running)))
    return connection(running, yield* Process.attach(running))
  })
  return {
    transport: McpTransport.of({ connect }),
    stderr: McpStdioStderr.of({ lines: Stream.fromPubSub(stderrLines) })
  }
})

/** The options with their defaults, and the services the process needs. */
const resolveSpawnOptions = Effect.fnUntraced(function*(
  options: Options,
  stderrLines: PubSub.PubSub<string>
): Effect.fn.Return<Process.SpawnOptions, never, ChildProcessSpawner.ChildProcessSpawner | FileSystem.FileSystem> {
  const args = options.args ?? []
  return {
    spawner: yield* ChildProcessSpawner.ChildProcessSpawner,
    fs: yield* FileSystem.FileSystem,
    command: options.command,
    args,
    commandLine: McpStdioCommand.describe({ command: options.command, args }),
    name: options.name ?? options.command,
    env: McpStdioCommand.buildEnv(process.env, {
      env: options.env,
      inherit: options.inheritEnv,
      platform: process.platform
    }),
    cwd: options.cwd,
    stderr: options.stderr ?? "log",
    stderrTail: options.stderrTail ?? 20,
    stderrLines,
    stdinGrace: Duration.fromInputUnsafe(options.shutdown?.stdinGrace ?? "2 seconds"),
    termGrace: Duration.fromInputUnsafe(options.shutdown?.termGrace ?? "2 seconds"),
    maxMessageBytes: options.maxMessageBytes
  }
})

/** Why a session fails once its transport is gone. */
const transportClosed = (command: string) =>
  new McpTransportError({
    reason: new ConnectionClosed({
      description: `the stdio transport of ${command} was closed: the scope of the layer that provided it ended ` +
        "(provide the transport for as long as its client is used, or build the client with McpClient.connect)"
    })
  })

/** A session's connection to a running process: lines to its stdin, messages from its stdout. */
const connection = (running: Process.Running, { inbox, intercept }: Process.Attached): McpConnection =>
  fromChannel({
    send: (message) =>
      Deferred.isDoneUnsafe(running.gone)
        ? Deferred.await(running.gone)
        : running.stdin.offer(encodeLine(message))
        ? Effect.void
        : Effect.fail(new McpTransportError({ reason: new SendFailed({ description: "stdin is closed" }) })),
    incoming: Stream.fromQueue(inbox),
    intercept
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
  return Layer.effectContext(
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const { stderr, transport } = yield* make({ ...options, command, args })
      // a source that cannot name a server fails every connection with what is wrong with it
      const checked = {
        ...transport,
        connect: Effect.andThen(checkSource(fs, source, options?.cwd), transport.connect)
      }
      return Context.make(McpTransport, checked).pipe(Context.add(McpStdioStderr, stderr))
    })
  )
}

/**
 * What is wrong with a source before anything is started: it is blank, it is a directory, or it names
 * a script (by its extension) that does not exist.
 */
const checkSource = (
  fs: FileSystem.FileSystem,
  source: string | ReadonlyArray<string>,
  cwd: string | undefined
): Effect.Effect<void, McpTransportError> => {
  const { script, word } = McpStdioCommand.program(source)
  const refuse = (description: string) =>
    Effect.fail(new McpTransportError({ reason: new SpawnFailed({ command: word, description }) }))
  if (word === "") return refuse("the source is empty: give a URL, a script (server.py, server.ts) or a command")
  const path = isAbsolute(word) || cwd === undefined ? word : join(cwd, word)
  return Effect.flatMap(Effect.option(fs.stat(path)), (info) => {
    if (info._tag === "Some" && info.value.type === "Directory") {
      return refuse(`${word} is a directory: give the server's script or the command that runs it`)
    }
    if (info._tag === "None" && script) return refuse(`no such script: ${path}`)
    return Effect.void
  })
}
