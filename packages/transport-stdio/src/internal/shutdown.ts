/**
 * How a server process is stopped when its scope closes, in order:
 *
 * 1. its stdin is closed (EOF), which well-behaved servers take as the end of the session;
 * 2. it gets `stdinGrace` to exit by itself;
 * 3. its process group gets SIGTERM (the spawner does this when it releases the process);
 * 4. after `termGrace` more, the group gets SIGKILL.
 *
 * Signalling the group, not the process, stops the grandchildren of `npx` or `uv run` too. Steps 3
 * and 4 are options of the spawn ({@link killOptions}); steps 1 and 2 are a finalizer added after
 * the spawn ({@link closeStdinFirst}), so that it runs before the spawner's own.
 *
 * @internal
 */
import type { McpTransportError } from "@effect-mcp/core/McpError"
import * as Deferred from "effect/Deferred"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as ChildProcess from "effect/process/ChildProcess"
import type * as Scope from "effect/Scope"
import type * as Outbox from "./outbox.ts"

/**
 * The spawn options of the last steps: SIGTERM to the group when the process is released, SIGKILL
 * after `termGrace`.
 */
export const killOptions = (termGrace: Duration.Duration): ChildProcess.KillOptions => ({
  killSignal: "SIGTERM",
  forceKillAfter: termGrace
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
