/**
 * The terminal's handlers of what a server sends: progress (`progress.ts`), form elicitation
 * (`elicitation.ts`), and log messages, printed on stderr with their levels and the server's name.
 *
 * @internal
 */
import * as McpLogging from "@effect-mcp/core/McpLogging"
import type * as Prompt from "effect/cli/Prompt"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Elicitation from "./elicitation.ts"
import * as Progress from "./progress.ts"

/** `[warning] demo-server/selfcheck: {"cache":"cold"}` */
export const formatLog = (entry: McpLogging.LogEntry): string =>
  `[${entry.level}] ${entry.server}${entry.logger === undefined ? "" : `/${entry.logger}`}: ` +
  (typeof entry.data === "string" ? entry.data : JSON.stringify(entry.data))

/** Every handler, for the client a command connects. */
export const layer: Effect.Effect<Layer.Layer<never>, never, Scope.Scope | Prompt.Environment> = Effect.map(
  Effect.all([Progress.layer, Elicitation.layer]),
  (layers) => Layer.mergeAll(...layers, McpLogging.layer((entry) => Console.error(formatLog(entry))))
)
