/**
 * The stdio transport behind `McpStdioTransport`'s layers: the processes, their sessions and the
 * checks of a source. `McpStdioTransport` imports it when a layer is built, so that importing the
 * transport does not load `node:child_process` and what runs processes.
 *
 * @internal
 */
import { ConnectionClosed, McpTransportError, SendFailed, SpawnFailed } from "@effect-mcp/core/McpError"
import { encodeLine, fromChannel, McpTransport } from "@effect-mcp/core/McpTransport"
import type { McpConnection } from "@effect-mcp/core/McpTransport"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as PubSub from "effect/PubSub"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as NodeFs from "node:fs"
import { isAbsolute, join } from "node:path"
import * as McpStdioCommand from "../McpStdioCommand.ts"
import type { McpStdioStderr, Options } from "../McpStdioTransport.ts"
import * as KeepAlive from "./keepAlive.ts"
import * as Process from "./process.ts"

/** A transport and its stderr lines, as `McpStdioTransport.make` returns them. */
export interface Built {
  readonly transport: McpTransport["Service"]
  readonly stderr: McpStdioStderr["Service"]
}

/** Builds the transport in the current scope (which, with `keepAlive`, owns the process). */
export const make = Effect.fnUntraced(function*(
  options: Options
): Effect.fn.Return<Built, never, Scope.Scope> {
  const stderrLines = yield* Effect.acquireRelease(PubSub.unbounded<string>(), PubSub.shutdown)
  const spawnOptions = resolveSpawnOptions(options, stderrLines)
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
    stderr: { lines: Stream.fromPubSub(stderrLines) }
  }
})

/** The options with their defaults. */
const resolveSpawnOptions = (options: Options, stderrLines: PubSub.PubSub<string>): Process.SpawnOptions => {
  const args = options.args ?? []
  return {
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
}

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
 * The transport of a source (its command already inferred into `options`): every connection first
 * checks that the source can name a server, and fails with what is wrong with it.
 */
export const makeSource = Effect.fnUntraced(function*(
  source: string | ReadonlyArray<string>,
  options: Options
): Effect.fn.Return<Built, never, Scope.Scope> {
  const { stderr, transport } = yield* make(options)
  return {
    transport: { ...transport, connect: Effect.andThen(checkSource(source, options.cwd), transport.connect) },
    stderr
  }
})

/**
 * What is wrong with a source before anything is started: it is blank, it is a directory, or it names
 * a script (by its extension) that does not exist.
 */
const checkSource = (
  source: string | ReadonlyArray<string>,
  cwd: string | undefined
): Effect.Effect<void, McpTransportError> => {
  const { script, word } = McpStdioCommand.program(source)
  const refuse = (description: string) =>
    Effect.fail(new McpTransportError({ reason: new SpawnFailed({ command: word, description }) }))
  if (word === "") return refuse("the source is empty: give a URL, a script (server.py, server.ts) or a command")
  const path = isAbsolute(word) || cwd === undefined ? word : join(cwd, word)
  return Effect.flatMap(stat(path), (info) => {
    if (info?.isDirectory()) {
      return refuse(`${word} is a directory: give the server's script or the command that runs it`)
    }
    if (info === undefined && script) return refuse(`no such script: ${path}`)
    return Effect.void
  })
}

/** What the file system says of a path; `undefined` when there is nothing there (or it cannot be seen). */
const stat = (path: string): Effect.Effect<NodeFs.Stats | undefined> =>
  Effect.callback((resume) =>
    NodeFs.stat(path, (error, stats) => resume(Effect.succeed(error === null ? stats : undefined)))
  )
