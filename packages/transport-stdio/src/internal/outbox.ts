/**
 * The lines waiting for a process's stdin: offered by its sessions, written by one writer fiber.
 *
 * It does what a `Queue` with one reader does, for the one thing the stdin writer needs, at a
 * fraction of the cost per line (a call's request is one line): an offer is an array push, and the
 * waiting writer is resumed on a microtask, so every line offered in the same turn (64 concurrent
 * calls) is written in one `write`. A `Queue` allocates a list node, a wake-up task and a taker
 * record per hand-over, which was a tenth of the client's allocations per call.
 *
 * @internal
 */
import type * as Arr from "effect/Array"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import type * as Pull from "effect/Pull"
import * as Stream from "effect/Stream"

/**
 * The lines of one process's stdin.
 */
export interface Outbox {
  /** Adds a line; false once the outbox has ended (the line is not written). */
  readonly offer: (line: string) => boolean
  /** Ends the outbox: the lines already offered are written, then the writer's stream ends (EOF). */
  readonly end: () => void
  /** What the writer runs into the process's stdin: the waiting lines, encoded, a batch at a time. */
  readonly bytes: Stream.Stream<Uint8Array>
}

const encoder = new TextEncoder()

/**
 * Makes an empty outbox.
 */
export const make = (): Outbox => {
  let lines: Array<string> = []
  let ended = false
  let waiting: ((effect: Pull.Pull<Arr.NonEmptyReadonlyArray<Uint8Array>, never, void>) => void) | undefined
  let wakeScheduled = false

  const takeAll = (): Arr.NonEmptyReadonlyArray<Uint8Array> => {
    const taken = lines
    lines = []
    return [encoder.encode(taken.length === 1 ? taken[0] : taken.join(""))]
  }

  // Runs on a microtask after the first offer of a turn, so that the writer takes the whole turn's lines.
  const wake = () => {
    wakeScheduled = false
    const resume = waiting
    if (resume === undefined) return
    if (lines.length > 0) {
      waiting = undefined
      resume(Effect.succeed(takeAll()))
    } else if (ended) {
      waiting = undefined
      resume(Cause.done())
    }
  }

  const scheduleWake = () => {
    if (waiting === undefined || wakeScheduled) return
    wakeScheduled = true
    queueMicrotask(wake)
  }

  const pull: Pull.Pull<Arr.NonEmptyReadonlyArray<Uint8Array>, never, void> = Effect.callback((resume) => {
    if (lines.length > 0) return resume(Effect.succeed(takeAll()))
    if (ended) return resume(Cause.done())
    waiting = resume
    return Effect.sync(() => {
      if (waiting === resume) waiting = undefined
    })
  })

  return {
    offer: (line) => {
      if (ended) return false
      lines.push(line)
      scheduleWake()
      return true
    },
    end: () => {
      if (ended) return
      ended = true
      scheduleWake()
    },
    bytes: Stream.fromPull(Effect.succeed(pull))
  }
}
