/**
 * A lock across processes: a lock file created exclusively (`wx`), held in a Scope. The holder touches
 * it while it holds it; a lock file nobody touched for `staleAfter` belongs to a process that died and
 * is taken over. Taking over renames the stale file aside first, so two processes that both found it
 * stale cannot both remove a lock a third one just took.
 *
 * @since 0.3.0
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Option from "effect/Option"
import type * as PlatformError from "effect/PlatformError"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"

/** @internal */
export interface Options {
  /** A lock file untouched for this long is stale. Default 10 seconds. */
  readonly staleAfter?: Duration.Input | undefined
  /** How long to wait for the lock. Default 30 seconds. */
  readonly timeout?: Duration.Input | undefined
}

/** @internal */
export class LockTimeout {
  readonly _tag = "LockTimeout"
}

const isReason = (tag: string) => (error: PlatformError.PlatformError): boolean => error.reason._tag === tag

const ignoreNotFound = <A>(effect: Effect.Effect<A, PlatformError.PlatformError>) =>
  effect.pipe(Effect.asVoid, Effect.catchIf(isReason("NotFound"), () => Effect.void))

/** Whether the lock file at `path` was last touched more than `staleAfter` ago. */
const isStale = (fs: FileSystem.FileSystem, path: string, staleMillis: number) =>
  Effect.gen(function*() {
    const info = yield* fs.stat(path)
    const now = yield* Clock.currentTimeMillis
    return Option.match(info.mtime, {
      onNone: () => false,
      onSome: (mtime) => now - mtime.getTime() > staleMillis
    })
  })

/** Moves a stale lock aside; puts it back if it turned out to be fresh (taken meanwhile). */
const breakStale = (fs: FileSystem.FileSystem, path: string, staleMillis: number) =>
  Effect.gen(function*() {
    const aside = `${path}.stale-${(yield* Random.nextInt).toString(36)}`
    yield* fs.rename(path, aside)
    if (!(yield* isStale(fs, aside, staleMillis))) {
      yield* fs.link(aside, path).pipe(Effect.catchIf(isReason("AlreadyExists"), () => Effect.void))
    }
    yield* fs.remove(aside)
  }).pipe(Effect.catchIf(isReason("NotFound"), () => Effect.void))

const tryAcquire = (fs: FileSystem.FileSystem, path: string, staleMillis: number) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const created = yield* fs.writeFileString(path, JSON.stringify({ acquiredAt: now }), { flag: "wx", mode: 0o600 })
      .pipe(
        Effect.as(true),
        Effect.catchIf(isReason("AlreadyExists"), () => Effect.succeed(false))
      )
    if (created) return true
    const stale = yield* isStale(fs, path, staleMillis).pipe(
      Effect.catchIf(isReason("NotFound"), () => Effect.succeed(true))
    )
    if (stale) yield* breakStale(fs, path, staleMillis)
    return false
  })

/**
 * Takes the lock at `path` for the current Scope: released (the file removed) when it closes.
 *
 * @internal
 */
export const acquire = (
  path: string,
  options?: Options
): Effect.Effect<void, PlatformError.PlatformError | LockTimeout, FileSystem.FileSystem | Scope.Scope> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const staleMillis = Duration.toMillis(Duration.fromInputUnsafe(options?.staleAfter ?? "10 seconds"))
    const timeout = options?.timeout ?? "30 seconds"
    yield* Effect.acquireRelease(
      tryAcquire(fs, path, staleMillis).pipe(
        Effect.repeat({ until: (taken) => taken, schedule: Schedule.spaced("20 millis") }),
        Effect.timeoutOrElse({ duration: timeout, orElse: () => Effect.fail(new LockTimeout()) })
      ),
      () => ignoreNotFound(fs.remove(path)).pipe(Effect.ignore)
    )
    // Touch the lock while it is held, so that nobody takes it for stale.
    yield* Clock.currentTimeMillis.pipe(
      Effect.flatMap((now) => fs.utimes(path, new Date(now), new Date(now))),
      Effect.ignore,
      Effect.repeat(Schedule.spaced(Duration.millis(Math.max(10, Math.floor(staleMillis / 4))))),
      Effect.forkScoped
    )
  })
