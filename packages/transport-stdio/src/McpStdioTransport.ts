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
 * import { Layer } from "effect"
 * import { McpClient } from "@effect-mcp/core"
 * import { McpStdioTransport } from "@effect-mcp/transport-stdio"
 *
 * const ClientLive = McpClient.layer().pipe(
 *   Layer.provide(McpStdioTransport.layer({ command: "node", args: ["server.js"] }))
 * )
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
// the core index, not its module paths: the front door loads it anyway, and each module path is one more file
import { McpTransport } from "@effect-mcp/core"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import type * as Transport from "./internal/transport.ts"
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

/** The transport itself, loaded when a layer is built: importing this module loads no `node:child_process`. */
const loadTransport = Effect.promise(() => import("./internal/transport.ts"))

/**
 * Builds the transport in the current scope (which, with `keepAlive`, owns the process).
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const make = (
  options: Options
): Effect.Effect<
  { readonly transport: McpTransport.Service; readonly stderr: McpStdioStderr["Service"] },
  never,
  Scope.Scope
> => Effect.flatMap(loadTransport, (internal) => internal.make(options))

/** The services of a built transport, as a layer provides them. */
const toContext = ({ stderr, transport }: Transport.Built) =>
  Context.make(McpTransport.McpTransport, transport).pipe(Context.add(McpStdioStderr, McpStdioStderr.of(stderr)))

/**
 * Provides an `McpTransport` that runs the server as a child process. It needs no service: the
 * process runs on `node:child_process` (Node, and the runtimes that implement it: Bun, Deno), whose
 * pipes the transport reads and writes directly, without a stream adapter in between.
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = (
  options: Options
): Layer.Layer<
  McpTransport.McpTransport | McpStdioStderr,
  never,
  never
> => Layer.effectContext(Effect.map(make(options), toContext))

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
  McpTransport.McpTransport | McpStdioStderr,
  never,
  never
> => {
  const { command, args } = McpStdioCommand.infer(source, options)
  return Layer.effectContext(
    Effect.map(
      Effect.flatMap(loadTransport, (internal) => internal.makeSource(source, { ...options, command, args })),
      toContext
    )
  )
}
