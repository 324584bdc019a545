/**
 * The body of a POST's response, from the request to its last byte: its scope, and draining what
 * follows the answer in the background.
 *
 * A request's reply ends with the response message, but the server ends the HTTP response a moment
 * later. Closing the body there aborts it: undici builds an abort error and drops the keep-alive
 * connection, so the next call opens a new one. So the caller's reply stream ends with the answer,
 * and the rest of the body is read by a fiber of the connection's {@link Drains}. A body read to its
 * end keeps its connection, and its scope is dropped rather than closed: the request is over, and
 * closing the scope of `HttpClient.withScope` would only abort it again (a `DOMException` per call).
 * A body left before its end (an interrupted call, a failure, a drain cut short) is aborted by
 * closing its scope, as the specification's cancellation by closing the stream requires.
 *
 * Messages after the answer are discarded, as before this module existed: the reply was already over.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Pull from "effect/Pull"
import * as Scope from "effect/Scope"

/**
 * Drains running at once on one connection, at most; a body beyond them is aborted at the answer, as
 * when there were no drains. A drain is short-lived (servers end the response right after the
 * answer), so this is only reached by a server that keeps its streams open, whose connections it
 * bounds.
 */
export const MAX_DRAINS = 32

/**
 * How long a drain waits for the server to end a response after its answer. Servers end it at once
 * (the same write, or a few milliseconds later); one still open after a second is kept open on
 * purpose (a server that streams on after the answer), and is aborted as before.
 */
export const DRAIN_GRACE = "1 second"

/**
 * Where a response body stands: read by the caller, read to its end, or handed to a drain.
 */
type State = "reading" | "ended" | "drained"

/**
 * The body of one POST's response, from before the request is sent.
 */
export class Body {
  /** The request's scope (`HttpClient.withScope`): closing it aborts the request. */
  readonly scope: Scope.Closeable
  state: State = "reading"
  constructor(scope: Scope.Closeable) {
    this.scope = scope
  }
  /** Notes that the body was read to its end: nothing is left to release. */
  end(): void {
    this.state = "ended"
  }
  /** Aborts the request unless its body was read to its end or handed to a drain. */
  get release(): Effect.Effect<void> {
    return Effect.suspend(() => this.state === "reading" ? Scope.close(this.scope, Exit.void) : Effect.void)
  }
}

/**
 * A body for a request about to be sent.
 */
export const make: Effect.Effect<Body> = Effect.map(Scope.make(), (scope) => new Body(scope))

/**
 * The drains of one connection.
 */
export interface Drains {
  /**
   * Reads the rest of `body` through `pull` on a fiber of the connection, discarding what it reads,
   * for at most {@link DRAIN_GRACE}; aborts it when it is not over by then, when the connection
   * closes, or at once when {@link MAX_DRAINS} are running.
   */
  readonly drain: (body: Body, pull: Pull.Pull<unknown, unknown, unknown>) => Effect.Effect<void>
}

/**
 * The drains of a connection: their fibers live in the current scope (the connection's), so none
 * outlives it.
 */
export const makeDrains: Effect.Effect<Drains, never, Scope.Scope> = Effect.gen(function*() {
  // a scope of their own, so that the connection's scope does not hold a finalizer per drain
  const scope = yield* Scope.fork(yield* Effect.scope)
  let running = 0
  const finish = (body: Body) =>
    Effect.suspend(() => {
      running--
      return body.state === "ended" ? Effect.void : Scope.close(body.scope, Exit.void)
    })
  const drain = (body: Body, pull: Pull.Pull<unknown, unknown, unknown>): Effect.Effect<void> =>
    Effect.suspend(() => {
      if (running >= MAX_DRAINS) return Scope.close(body.scope, Exit.void)
      body.state = "drained"
      running++
      return Effect.asVoid(Effect.forkIn(
        // ends with the body (`Done`), its failure, or the grace: whichever, `finish` decides
        Effect.forever(pull).pipe(Effect.timeout(DRAIN_GRACE), Effect.ignore, Effect.ensuring(finish(body))),
        scope,
        { startImmediately: true }
      ))
    })
  return { drain }
})
