/**
 * What the end-to-end suite observes of the wire: every JSON-RPC message the client writes, recorded by
 * the transport's own test harness where it leaves the client (the HTTP client's requests, the bytes
 * written to a child's stdin) or where the in-process server reads it (its `Stdio` input). Also a
 * {@link Log} of what arrives from elsewhere (messages, server events, log entries), to wait for one
 * instead of sleeping.
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stdio from "effect/Stdio"
import * as Stream from "effect/Stream"

/** One JSON-RPC message the client wrote: a request, a notification, or a response to a server request. */
export interface Sent {
  readonly id?: unknown
  readonly method?: string
  readonly params?: { readonly [key: string]: unknown }
  readonly result?: unknown
  readonly error?: unknown
}

/** Receives every message the client writes, in order. */
export type Record = (message: Sent) => void

/**
 * Splits bytes written as newline-delimited JSON (the stdio framing) into messages for `record`. Keeps
 * a partial line until its end arrives.
 */
export const ndjsonRecorder = (record: Record): (bytes: Uint8Array) => void => {
  const decoder = new TextDecoder()
  let buffered = ""
  return (bytes) => {
    buffered += decoder.decode(bytes, { stream: true })
    const lines = buffered.split("\n")
    buffered = lines.pop() ?? ""
    for (const line of lines) {
      if (line.trim().length > 0) record(JSON.parse(line) as Sent)
    }
  }
}

/**
 * Wraps the `Stdio` of an in-process server so that every message it reads is recorded first (for
 * `McpInMemoryTransport`: what the server reads is what the client wrote).
 */
export const recordStdin = (record: Record): Layer.Layer<Stdio.Stdio, never, Stdio.Stdio> =>
  Layer.effect(Stdio.Stdio)(Effect.map(Stdio.Stdio, (stdio) => {
    const recordBytes = ndjsonRecorder(record)
    return Stdio.make({
      ...stdio,
      stdin: Stream.tap(stdio.stdin, (bytes) => Effect.sync(() => recordBytes(bytes)))
    })
  }))

/**
 * Items that arrive from other fibers or callbacks (messages, events, log entries), and a way to wait
 * for one without a clock.
 */
export interface Log<A> {
  readonly items: ReadonlyArray<A>
  readonly push: (item: A) => void
  /** Completes once an item satisfies `done` (at once if one already has); fails after 10 seconds. */
  readonly until: (done: (item: A) => boolean) => Effect.Effect<void>
}

export const makeLog = <A>(): Log<A> => {
  const items: Array<A> = []
  let waiters: Array<{ readonly done: (item: A) => boolean; readonly deferred: Deferred.Deferred<void> }> = []
  return {
    items,
    push: (item) => {
      items.push(item)
      // settle the list of waiters before completing any: a waiter's fiber may resume, and wait again, at once
      const ready = waiters.filter((waiter) => waiter.done(item))
      waiters = waiters.filter((waiter) => !waiter.done(item))
      for (const waiter of ready) Deferred.doneUnsafe(waiter.deferred, Effect.void)
    },
    until: (done) =>
      Effect.suspend(() => {
        if (items.some(done)) return Effect.void
        const deferred = Deferred.makeUnsafe<void>()
        waiters.push({ done, deferred })
        return Deferred.await(deferred)
      }).pipe(Effect.timeout("10 seconds"), Effect.orDie)
  }
}
