/**
 * How a server process is stopped when its scope closes, in order:
 *
 * 1. its stdin is closed (EOF), which well-behaved servers take as the end of the session;
 * 2. it gets `stdinGrace` to exit by itself;
 * 3. its process group gets SIGTERM;
 * 4. after `termGrace` more, the group gets SIGKILL.
 *
 * Signalling the group, not the process, stops the grandchildren of `npx` or `uv run` too, and a
 * group whose leader exited by itself may still have members: they are stopped the same way. Steps 3
 * and 4 are the release of the spawn ({@link stopGroup}); steps 1 and 2 are a finalizer added after
 * the spawn ({@link closeStdinFirst}), so that it runs first.
 *
 * @internal
 */
import type { McpTransportError } from "@effect-mcp/core/McpError"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Child from "./child.ts"
import type * as Outbox from "./outbox.ts"

/**
 * How long the group may take to go after SIGKILL: the kernel's time, bounded so that a process
 * stuck in the kernel (uninterruptible I/O) does not hold the scope forever.
 */
const KILL_GRACE_MILLIS = 1_000

/**
 * The last steps, when the process is released: SIGTERM to the group, SIGKILL after `termGrace`,
 * then the leader's exit (its exit event, which its pipes' readers wait for). The waits are on the
 * system clock: a group has no event that says it is empty, so it is polled.
 */
export const stopGroup = (child: Child.Child, termGrace: Duration.Duration): Effect.Effect<void> =>
  Effect.suspend(() => {
    if (!Child.isAlive(child)) return Effect.void
    Child.signal(child, "SIGTERM")
    return Child.awaitGone(child, Duration.toMillis(termGrace)).pipe(
      Effect.andThen(Effect.suspend(() => {
        if (!Child.isAlive(child)) return Effect.void
        Child.signal(child, "SIGKILL")
        return Child.awaitGone(child, KILL_GRACE_MILLIS)
      }))
    )
  })

/**
 * Adds the first steps to the current scope: end the stdin outbox (the writer then closes the pipe),
 * and wait up to `stdinGrace` for the process to be gone.
 */
export const closeStdinFirst = (
  stdin: Outbox.Outbox,
  gone: Deferred.Deferred<never, McpTransportError>,
  stdinGrace: Duration.Duration
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.addFinalizer(() =>
    Effect.andThen(
      Effect.sync(() => stdin.end()),
      Effect.ignore(Effect.timeout(Deferred.await(gone), stdinGrace))
    )
  )
