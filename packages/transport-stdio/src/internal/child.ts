/**
 * A server process on `node:child_process`, held directly: its pipes are the process's own streams,
 * read and written by callbacks, with no stream adapter between them and the transport. A response
 * on stdout reaches its request in the same turn of the event loop it was read in, and a request is
 * written with one `write` call: the stdio path of every call, where a stream adapter costs a hop
 * and a turn each way.
 *
 * On POSIX the process leads a process group of its own, so that stopping it stops the grandchildren
 * that `npx` or `uv run` start; on Windows, `taskkill /T` stops the tree.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import * as NodeChildProcess from "node:child_process"
import type { Readable, Writable } from "node:stream"

/**
 * How a process ended: its exit code, or the signal that killed it.
 */
export interface ExitStatus {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/**
 * A started process.
 */
export interface Child {
  readonly process: NodeChildProcess.ChildProcess
  readonly pid: number
  readonly stdin: Writable
  readonly stdout: Readable
  /** Its stderr as a stream of chunks, when it is piped. */
  readonly stderr: Stream.Stream<Uint8Array> | undefined
}

/**
 * What {@link spawn} starts.
 */
export interface SpawnOptions {
  readonly command: string
  readonly args: ReadonlyArray<string>
  readonly env: Record<string, string>
  readonly cwd: string | undefined
  readonly stderr: "inherit" | "ignore" | "pipe"
  /** Runs the command line through the shell (Windows `.cmd` shims): the arguments are quoted for `cmd.exe`. */
  readonly shell: boolean
}

/**
 * Starts a process; fails with the OS error (`ENOENT`, `EACCES`…) when it cannot be started. The
 * process is not stopped when the effect completes: the caller owns it from then on (interrupted
 * before, it is killed).
 */
export const spawn = (options: SpawnOptions): Effect.Effect<Child, NodeJS.ErrnoException> =>
  Effect.callback<Child, NodeJS.ErrnoException>((resume) => {
    let child: NodeChildProcess.ChildProcess
    try {
      child = options.shell
        ? NodeChildProcess.spawn([options.command, ...options.args].map(quoteForCmd).join(" "), {
          ...spawnOptions(options),
          shell: true
        })
        : NodeChildProcess.spawn(options.command, options.args, spawnOptions(options))
    } catch (error) {
      // arguments node refuses before starting anything (a NUL byte in a word)
      return resume(Effect.fail(error as NodeJS.ErrnoException))
    }
    // the pipes and the process report errors as events: each has a listener for as long as it lives,
    // so that none is thrown as an uncaught exception (the transport sees them where they matter)
    child.stdin!.on("error", ignore)
    child.stdout!.on("error", ignore)
    child.stderr?.on("error", ignore)
    const onError = (error: NodeJS.ErrnoException) => resume(Effect.fail(error))
    child.once("error", onError)
    child.once("spawn", () => {
      child.off("error", onError)
      child.on("error", ignore)
      resume(Effect.succeed({
        process: child,
        pid: child.pid!,
        stdin: child.stdin!,
        stdout: child.stdout!,
        stderr: child.stderr === null ? undefined : chunks(child.stderr)
      }))
    })
    return Effect.sync(() => {
      child.kill("SIGKILL")
    })
  })

const ignore = () => {}

const spawnOptions = (options: SpawnOptions): NodeChildProcess.SpawnOptions => ({
  env: options.env,
  ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  stdio: ["pipe", "pipe", options.stderr],
  // a group of its own (POSIX), signalled as a whole when the process is stopped
  detached: process.platform !== "win32",
  windowsHide: true
})

/** Quotes an argument for `cmd.exe` (the shell Windows runs `.cmd` shims through). */
const quoteForCmd = (word: string): string =>
  /^[\w@%+=:,./\\-]+$/.test(word) ? word : `"${word.replace(/(\\*)"/g, "$1$1\\\"").replace(/(\\+)$/, "$1$1")}"`

/** A readable's chunks, as a stream that ends with it (an error ends it too: nothing more can be read). */
const chunks = (readable: Readable): Stream.Stream<Uint8Array> =>
  Stream.callback<Uint8Array>((queue) =>
    Effect.sync(() => {
      if (readable.readableEnded) return Queue.endUnsafe(queue)
      readable.on("data", (chunk: Uint8Array) => Queue.offerUnsafe(queue, chunk))
      readable.once("end", () => Queue.endUnsafe(queue))
      readable.once("error", () => Queue.endUnsafe(queue))
      readable.once("close", () => Queue.endUnsafe(queue))
    })
  )

/**
 * The first error a pipe reports (a write to a closed pipe: `EPIPE`); waits for as long as there is none.
 */
export const failure = (stream: Writable | Readable): Effect.Effect<Error> =>
  Effect.callback<Error>((resume) => {
    const onError = (error: Error) => resume(Effect.succeed(error))
    stream.once("error", onError)
    return Effect.sync(() => {
      stream.off("error", onError)
    })
  })

/**
 * Whether the process has exited (node saw it).
 */
export const hasExited = (child: Child): boolean => child.process.exitCode !== null || child.process.signalCode !== null

/**
 * How the process ended, once it has (at once if it already has).
 */
export const exitStatus = (child: Child): Effect.Effect<ExitStatus> =>
  Effect.callback<ExitStatus>((resume) => {
    const done = (code: number | null, signal: NodeJS.Signals | null) => resume(Effect.succeed({ code, signal }))
    if (hasExited(child)) return done(child.process.exitCode, child.process.signalCode)
    child.process.once("exit", done)
    return Effect.sync(() => {
      child.process.off("exit", done)
    })
  })

/**
 * Whether anything of the process is left: the process itself, or (POSIX) a member of its group.
 */
export const isAlive = (child: Child): boolean => {
  if (!hasExited(child)) return true
  if (process.platform === "win32") return false
  try {
    process.kill(-child.pid, 0)
    return true
  } catch (error) {
    // EPERM: the group's members cannot be signalled (zombies, on macOS)
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/**
 * Sends `signal` to the process's group (POSIX), or stops its tree (Windows, where every signal
 * kills). Errors are ignored: the process may be gone already.
 */
export const signal = (child: Child, signal: NodeJS.Signals): void => {
  if (process.platform === "win32") {
    if (!hasExited(child)) NodeChildProcess.execFile("taskkill", ["/pid", String(child.pid), "/T", "/F"], ignore)
    return
  }
  try {
    process.kill(-child.pid, signal)
  } catch {
    try {
      child.process.kill(signal)
    } catch {
      // gone
    }
  }
}

/**
 * Waits until nothing of the process is left, or about `millis` passed: the group is checked every
 * 10 ms on a system timer (a group has no event that says it is empty, and a process stops on the
 * system's time, whatever clock the program's effects run on).
 */
export const awaitGone = (child: Child, millis: number): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    let polls = Math.ceil(millis / POLL_MILLIS)
    let timer: ReturnType<typeof setTimeout> | undefined
    const poll = () => {
      clearTimeout(timer)
      if (polls-- <= 0 || !isAlive(child)) {
        child.process.off("exit", poll)
        return resume(Effect.void)
      }
      timer = setTimeout(poll, POLL_MILLIS)
    }
    child.process.on("exit", poll)
    poll()
    return Effect.sync(() => {
      clearTimeout(timer)
      child.process.off("exit", poll)
    })
  })

const POLL_MILLIS = 10
