/**
 * A client-level handler for the progress reports servers send for requests
 * (`notifications/progress`).
 *
 * Without this layer, only calls that pass their own `onProgress` ask for progress. With it, every
 * request carries a progress token and its reports go to the handler, unless the call passes its own
 * `onProgress`, which takes precedence. Reports arrive in order, on the caller's fiber; their values
 * are not assumed to increase; reports that arrive after the result are dropped.
 *
 * **Example** (Logging the progress of every request)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { McpProgress } from "@effect-mcp/core"
 *
 * const ProgressLive = McpProgress.layer((progress, { method }) =>
 *   Effect.logInfo(`${method}: ${progress.progress}/${progress.total ?? "?"} ${progress.message ?? ""}`)
 * )
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { ProgressNotificationParams } from "./McpSchema.ts"

/**
 * One progress report: `progress`, optional `total` and `message`.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type Progress = ProgressNotificationParams

/**
 * The client-level progress handler.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Service {
  readonly handle: (progress: Progress, context: { readonly method: string }) => Effect.Effect<void>
}

/**
 * The progress handler service. Its default is none: only calls with `onProgress` ask for progress.
 *
 * @stability experimental
 * @category services
 * @since 0.1.0
 */
export const McpProgress: Context.Reference<Service | undefined> = Context.Reference<Service | undefined>(
  "@effect-mcp/core/McpProgress",
  { defaultValue: () => undefined }
)

/**
 * Sends every request with a progress token and hands its reports to `handle`.
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = (
  handle: (progress: Progress, context: { readonly method: string }) => Effect.Effect<void>
): Layer.Layer<never> => Layer.succeed(McpProgress, { handle })
