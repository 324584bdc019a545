/**
 * The server's progress reports at the terminal: a bar redrawn in place on stderr when it is a
 * terminal, a plain line per report otherwise (a log, a pipe, CI).
 *
 * @internal
 */
import * as McpProgress from "@effect-mcp/core/McpProgress"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"

const width = 30

/** `[██████░░░░] 3/5 day 3 of 5`, or `3 day 3` when the server gave no total. */
export const render = (progress: McpProgress.Progress): string => {
  const message = progress.message === undefined ? "" : ` ${progress.message}`
  if (progress.total === undefined || progress.total <= 0) return `${progress.progress}${message}`
  const ratio = Math.min(1, Math.max(0, progress.progress / progress.total))
  const filled = Math.round(ratio * width)
  return `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${progress.progress}/${progress.total}${message}`
}

const write = (text: string) => Effect.sync(() => process.stderr.write(text))

/** The progress handler; on a terminal, a bar left unfinished is ended when the scope closes. */
export const layer: Effect.Effect<Layer.Layer<never>, never, Scope.Scope> = Effect.gen(function*() {
  const tty = process.stderr.isTTY === true
  const drawn = yield* Ref.make(false)
  yield* Effect.addFinalizer(() => Effect.flatMap(Ref.get(drawn), (was) => was ? write("\n") : Effect.void))
  return McpProgress.layer((progress) => {
    if (!tty) return write(`progress: ${render(progress)}\n`)
    // the last report of a known total ends the line, so the result prints below the bar
    const done = progress.total !== undefined && progress.progress >= progress.total
    return Effect.andThen(Ref.set(drawn, !done), write(`\r\x1b[2K${render(progress)}${done ? "\n" : ""}`))
  })
})
