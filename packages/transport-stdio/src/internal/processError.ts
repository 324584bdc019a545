/**
 * How the stdio transport says that a server process cannot be used: it could not be started
 * (`SpawnFailed`, with the OS error), or it exited (`ProcessExited`, with its exit code or the signal
 * that killed it, and the last lines of its stderr).
 *
 * The other ways a process goes (its stdin or stdout closed, a message too large) are reported where
 * they are seen, by the process module.
 *
 * @internal
 */
import { McpTransportError, ProcessExited, SpawnFailed } from "@effect-mcp/core/McpError"
import * as Cause from "effect/Cause"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type * as ChildProcessSpawner from "effect/process/ChildProcessSpawner"

/**
 * The error of a command that could not be started.
 */
export const spawnFailed = (command: string, error: unknown): McpTransportError =>
  new McpTransportError({ reason: new SpawnFailed({ command, description: osError(error), cause: error }) })

/**
 * The error of a process that exited: its exit code, or the signal that killed it (the spawner fails
 * `exitCode` then), and a copy of its stderr tail as it is now.
 */
export const processExited = (
  command: string,
  exit: Exit.Exit<ChildProcessSpawner.ExitCode, unknown>,
  stderr: ReadonlyArray<string>
): McpTransportError =>
  new McpTransportError({
    reason: new ProcessExited({
      command,
      ...(Exit.isSuccess(exit) ? { exitCode: exit.value } : signalField(exit.cause)),
      stderr: [...stderr]
    })
  })

const signalField = (cause: Cause.Cause<unknown>): { readonly signal?: string } => {
  const signal = signalOf(Option.getOrUndefined(Cause.findErrorOption(cause)) ?? cause)
  return signal === undefined ? {} : { signal }
}

const signalOf = (error: unknown): string | undefined => /signal: '(\w+)'/.exec(osError(error))?.[1]

/** The OS error under a platform error (its `cause`), which has the useful message and code. */
const osError = (error: unknown): string => {
  const cause = typeof error === "object" && error !== null && "cause" in error ? error.cause : undefined
  if (cause instanceof Error) {
    const code = (cause as { readonly code?: unknown }).code
    return typeof code === "string" && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message
  }
  return error instanceof Error ? error.message : String(error)
}
