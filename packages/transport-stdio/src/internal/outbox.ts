/**
 * The lines waiting for a process's stdin: offered by its sessions, written to the pipe a turn's
 * worth at a time.
 *
 * An offer is an array push; the first offer of a turn queues a microtask that writes every line
 * offered by then in one `write` (64 concurrent calls: one write, one syscall). Node's pipe buffers
 * what the OS does not take yet, so a write never waits.
 *
 * @internal
 */

/**
 * Where an outbox writes: the process's stdin.
 */
export interface Target {
  readonly write: (text: string) => void
  /** Closes the pipe (EOF), after the last write. */
  readonly end: () => void
}

/**
 * The lines of one process's stdin.
 */
export interface Outbox {
  /** Adds a line; false once the outbox has ended (the line is not written). */
  readonly offer: (line: string) => boolean
  /** Ends the outbox: the lines already offered are written, then the pipe is closed. */
  readonly end: () => void
}

/**
 * Makes an empty outbox writing to `target`.
 */
export const make = (target: Target): Outbox => {
  let lines: Array<string> = []
  let ended = false
  let flushScheduled = false

  // Runs on a microtask after the first offer of a turn, so that one write takes the whole turn's lines.
  const flush = () => {
    flushScheduled = false
    if (lines.length > 0) {
      const taken = lines
      lines = []
      target.write(taken.length === 1 ? taken[0] : taken.join(""))
    }
    if (ended) target.end()
  }

  const scheduleFlush = () => {
    if (flushScheduled) return
    flushScheduled = true
    queueMicrotask(flush)
  }

  return {
    offer: (line) => {
      if (ended) return false
      lines.push(line)
      scheduleFlush()
      return true
    },
    end: () => {
      if (ended) return
      ended = true
      scheduleFlush()
    }
  }
}
