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
import type * as Child from "./child.ts"

/**
 * The error of a command that could not be started, with the OS error (`ENOENT: spawn x ENOENT`).
 */
export const spawnFailed = (command: string, error: NodeJS.ErrnoException): McpTransportError =>
  new McpTransportError({ reason: new SpawnFailed({ command, description: osError(error), cause: error }) })

/**
 * The error of a process that exited: its exit code, or the signal that killed it, and a copy of its
 * stderr tail as it is now.
 */
export const processExited = (
  command: string,
  status: Child.ExitStatus,
  stderr: ReadonlyArray<string>
): McpTransportError =>
  new McpTransportError({
    reason: new ProcessExited({
      command,
      ...(status.signal !== null ? { signal: status.signal } : status.code !== null ? { exitCode: status.code } : {}),
      stderr: [...stderr]
    })
  })

/** The OS error's message, with its code when the message does not have it. */
const osError = (error: NodeJS.ErrnoException): string =>
  typeof error.code === "string" && !error.message.includes(error.code)
    ? `${error.code}: ${error.message}`
    : error.message
