/**
 * Deadlines, for every request path: a timeout option resolved once, the error a missed deadline
 * fails with, a bound on any wait (task results, input rounds), and the keeper that times the
 * requests of one connection.
 *
 * The keeper is one fiber per connection that sleeps until the earliest deadline and expires what
 * is due, instead of a timer and a race per request: on the hot path a request costs one insertion
 * and one removal in an id table (not a `Map`: see `idTable.ts`). With one timeout for every request,
 * deadlines arrive in order and the keeper is never woken early.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { McpTimeoutError } from "../McpError.ts"
import type { RequestId } from "../McpSchema.ts"
import * as IdTable from "./idTable.ts"

/**
 * A timeout option as a duration: the fallback when unset, none (`undefined`) when infinite.
 */
export const resolve = (
  input: Duration.Input | undefined,
  fallback: Duration.Duration | undefined
): Duration.Duration | undefined => {
  if (input === undefined) return fallback
  const duration = Duration.fromInputUnsafe(input)
  return Duration.isFinite(duration) ? duration : undefined
}

/**
 * The error of a request that missed its deadline.
 */
export const timeoutError = (method: string, timeout: Duration.Duration | number): McpTimeoutError =>
  new McpTimeoutError({ method, timeoutMillis: typeof timeout === "number" ? timeout : Duration.toMillis(timeout) })

/**
 * Bounds a wait by a timeout (none when `undefined`), failing with the method's `McpTimeoutError`.
 */
export const within = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  method: string,
  timeout: Duration.Duration | undefined
): Effect.Effect<A, E | McpTimeoutError, R> =>
  timeout === undefined
    ? effect
    : Effect.timeoutOrElse(effect, { duration: timeout, orElse: () => Effect.fail(timeoutError(method, timeout)) })

/**
 * The deadlines of one connection, by key.
 */
export interface Keeper {
  /** Runs `expire` (uninterruptibly, on the keeper's fiber) at `due`, unless cleared first. */
  readonly schedule: (key: RequestId, due: number, expire: Effect.Effect<void>) => void
  readonly clear: (key: RequestId) => void
  /** The current time, in the keeper's clock. */
  readonly now: () => number
}

interface Deadline {
  readonly due: number
  readonly expire: Effect.Effect<void>
}

/**
 * Starts a keeper whose fiber lives in the current scope.
 */
export const makeKeeper = Effect.fnUntraced(function*(): Effect.fn.Return<Keeper, never, Scope.Scope> {
  const clock = yield* Clock.Clock
  const deadlines = IdTable.make<Deadline>()
  // when the keeper wakes next; a deadline due earlier wakes it at once
  let target = Infinity
  let wake = Deferred.makeUnsafe<void>()

  const expireDue = Effect.fnUntraced(function*(now: number) {
    let next = Infinity
    const due: Array<Effect.Effect<void>> = []
    deadlines.forEach((deadline, key) => {
      if (deadline.due <= now) {
        deadlines.delete(key)
        due.push(deadline.expire)
      } else if (deadline.due < next) {
        next = deadline.due
      }
    })
    for (const expire of due) yield* Effect.uninterruptible(expire)
    return next
  })

  // The map is read again after every wake, so a deadline scheduled while the keeper was busy is
  // never lost: at worst it is found one turn later.
  const keep = Effect.gen(function*() {
    while (true) {
      const now = clock.currentTimeMillisUnsafe()
      target = yield* expireDue(now)
      const woken = Deferred.await(wake)
      yield* target === Infinity ? woken : Effect.raceFirst(Effect.sleep(target - now), woken)
      wake = Deferred.makeUnsafe<void>()
    }
  })
  yield* Effect.forkScoped(keep, { startImmediately: true })

  return {
    schedule: (key, due, expire) => {
      deadlines.set(key, { due, expire })
      if (due < target) {
        target = due
        Deferred.doneUnsafe(wake, Effect.void)
      }
    },
    clear: (key) => {
      deadlines.delete(key)
    },
    now: () => clock.currentTimeMillisUnsafe()
  }
})
