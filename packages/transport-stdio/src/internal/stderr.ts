/**
 * What the stdio transport does with a server's stderr, by mode: `"inherit"` and `"ignore"` leave
 * it to the OS; the piped modes read it line by line, keep its last lines (for `ProcessExited`),
 * publish each line (for `McpStdioStderr`) and write it to the logger (`"log"`), to a file
 * (`{ file }`) or nowhere else (`"stream"`).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as PubSub from "effect/PubSub"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as NodeFs from "node:fs"
import type { StderrMode } from "../McpStdioTransport.ts"

/**
 * What {@link follow} needs.
 */
export interface Options {
  /** The server's name in logs. */
  readonly name: string
  readonly stderr: StderrMode
  /** How many of the last lines to keep. */
  readonly stderrTail: number
  /** Where every line is published. */
  readonly stderrLines: PubSub.PubSub<string>
}

/**
 * The spawn's `stderr` option for a mode.
 */
export const stdioOf = (mode: StderrMode): "inherit" | "ignore" | "pipe" =>
  mode === "inherit" ? "inherit" : mode === "ignore" ? "ignore" : "pipe"

/**
 * A followed stderr: its last lines, and when it was read to the end.
 */
export interface Followed {
  /** The last `stderrTail` lines, kept up to date (empty when the mode does not pipe stderr). */
  readonly tail: ReadonlyArray<string>
  /**
   * Completes once stderr was read to its end (at once when it is not piped). A process that exited
   * may still have lines in the pipe: they are in the tail only after this.
   */
  readonly drained: Effect.Effect<void>
}

/**
 * Reads a process's stderr (`undefined` when the mode does not pipe it) in a fiber of the current
 * scope, as its mode says.
 */
export const follow = Effect.fnUntraced(function*(
  stderr: Stream.Stream<Uint8Array> | undefined,
  options: Options
): Effect.fn.Return<Followed, never, Scope.Scope> {
  const tail: Array<string> = []
  if (stderr === undefined) return { tail, drained: Effect.void }
  const write = yield* lineWriter(options)
  const reader = yield* stderr.pipe(
    Stream.decodeText(),
    Stream.splitLines,
    Stream.runForEach((line) => {
      tail.push(line)
      if (tail.length > options.stderrTail) tail.shift()
      PubSub.publishUnsafe(options.stderrLines, line)
      return write(line)
    }),
    Effect.ignore,
    Effect.forkScoped
  )
  return { tail, drained: Effect.asVoid(Fiber.await(reader)) }
})

type LineWriter = (line: string) => Effect.Effect<void>

/** Where each line goes besides the tail and the pubsub. A file that cannot be opened gets nothing. */
const lineWriter = (options: Options): Effect.Effect<LineWriter, never, Scope.Scope> =>
  Effect.orElseSucceed(
    typeof options.stderr === "object"
      ? appendTo(options.stderr.file)
      : Effect.succeed(options.stderr === "log" ? logAs(options.name) : drop),
    () => drop
  )

/** Appends each line to `file`, opened for the life of the scope. */
const appendTo = (file: string): Effect.Effect<LineWriter, NodeJS.ErrnoException, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.callback<number, NodeJS.ErrnoException>((resume) => {
        NodeFs.open(file, "a", (error, fd) => resume(error === null ? Effect.succeed(fd) : Effect.fail(error)))
      }),
      (fd) => Effect.callback<void>((resume) => NodeFs.close(fd, () => resume(Effect.void)))
    ),
    (fd): LineWriter => (line) =>
      Effect.callback<void>((resume) => NodeFs.write(fd, line + "\n", () => resume(Effect.void)))
  )

const logAs = (name: string): LineWriter => (line) =>
  Effect.logDebug(line).pipe(Effect.annotateLogs({ "mcp.server": name, "mcp.stream": "stderr" }))

const drop: LineWriter = () => Effect.void
