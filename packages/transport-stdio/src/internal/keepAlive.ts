/**
 * Keep-alive: one server process shared by the transport's sessions, one session at a time (their
 * request ids would collide). A session waits for the one before it to end, for at most
 * `sessionWait`; it gets the kept process, or a new one when the kept one is gone; and when it ends
 * in failure (a handshake that timed out on a hung process, a lost connection) it retires the process,
 * so that the next session starts a fresh one.
 *
 * The kept process lives in the scope the keep-alive was made in (the layer's).
 *
 * @internal
 */
import { ConnectionClosed, McpTransportError } from "@effect-mcp/core/McpError"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import type { Running } from "./process.ts"

/**
 * What {@link make} needs.
 */
export interface Options {
  /** Starts a process in a child scope of the given one. */
  readonly spawnIn: (parent: Scope.Scope) => Effect.Effect<Running, McpTransportError>
  readonly sessionWait: Duration.Duration
}

/**
 * Makes the keep-alive of the current scope. Returns what a session runs to get the process, which
 * holds it until the session's scope closes.
 */
export const make = Effect.fnUntraced(function*(
  options: Options
): Effect.fn.Return<Effect.Effect<Running, McpTransportError, Scope.Scope>, never, Scope.Scope> {
  const owner = yield* Effect.scope
  const sessions = yield* Semaphore.make(1)
  let kept: Running | undefined

  /** The kept process if it is still running; otherwise the dead one is stopped and a new one started. */
  const current = Effect.suspend(() => {
    if (kept !== undefined && !Deferred.isDoneUnsafe(kept.gone)) return Effect.succeed(kept)
    const dead = kept
    return Effect.gen(function*() {
      if (dead !== undefined) yield* Scope.close(dead.scope, Exit.void)
      const running = yield* options.spawnIn(owner)
      kept = running
      return running
    })
  })

  /** Stops the kept process (the next session starts a new one), if it is still the kept one. */
  const retire = (running: Running) =>
    Effect.suspend(() => {
      if (kept !== running) return Effect.void
      kept = undefined
      return Scope.close(running.scope, Exit.void)
    })

  const turn = Effect.acquireRelease(
    sessions.take(1).pipe(
      Effect.timeoutOrElse({ duration: options.sessionWait, orElse: () => Effect.fail(inUse(options.sessionWait)) })
    ),
    () => sessions.release(1)
  )

  return Effect.gen(function*() {
    yield* turn
    const running = yield* current
    yield* Effect.addFinalizer((exit) => Exit.isFailure(exit) ? retire(running) : Effect.void)
    return running
  })
})

const inUse = (sessionWait: Duration.Duration): McpTransportError =>
  new McpTransportError({
    reason: new ConnectionClosed({
      description: `the kept-alive server is in use by another session (waited ${
        Duration.format(sessionWait)
      }); use keepAlive: false for concurrent sessions`
    })
  })
