/**
 * One mutex per key, for the fibers of one process: the token stores take it before their own
 * (cross-process) lock, so fibers of one process never poll a lock file against each other.
 *
 * @since 0.3.0
 */
import * as Effect from "effect/Effect"
import * as Semaphore from "effect/Semaphore"

/** @internal */
export interface KeyedLock {
  readonly withLock: <A, E, R>(key: string, effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

/** @internal */
export const make: Effect.Effect<KeyedLock> = Effect.sync(() => {
  const semaphores = new Map<string, Semaphore.Semaphore>()
  const semaphore = (key: string): Semaphore.Semaphore => {
    let found = semaphores.get(key)
    if (found === undefined) {
      found = Semaphore.makeUnsafe(1)
      semaphores.set(key, found)
    }
    return found
  }
  return {
    withLock: (key, effect) => Effect.suspend(() => semaphore(key).withPermit(effect))
  }
})
