/**
 * A credential given as a string, a `Redacted`, or an effect that reads it each time it is needed (a
 * token file a platform rotates, an ID token from a login).
 *
 * @internal
 */
import type { McpAuthError } from "@effect-mcp/core/McpAuthError"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

/** @internal */
export type Secret<R = never> =
  | string
  | Redacted.Redacted<string>
  | Effect.Effect<string | Redacted.Redacted<string>, McpAuthError, R>

/** The credential's current value. @internal */
export const read = <R>(secret: Secret<R>): Effect.Effect<Redacted.Redacted<string>, McpAuthError, R> =>
  typeof secret === "string"
    ? Effect.succeed(Redacted.make(secret))
    : Redacted.isRedacted(secret)
    ? Effect.succeed(secret)
    : Effect.map(secret, (value) => typeof value === "string" ? Redacted.make(value) : value)
