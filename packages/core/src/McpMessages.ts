/**
 * A catch-all observer of everything a server sends on its own initiative: every request (sampling,
 * elicitation, roots, ping, …) and every notification, before or beside the handler that serves it.
 * FastMCP's `message_handler`.
 *
 * The observer does not answer requests (the handler layers do); it sees them. It runs one message at
 * a time, in order, on the client's dispatcher fiber, never on the fiber that reads the connection.
 * For the common notifications the client also has typed streams (`client.toolListChanged`,
 * `client.resourceUpdated`, …).
 *
 * **Example** (Reacting to a changed tool list)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { McpMessages } from "@effect-mcp/core"
 *
 * const MessagesLive = McpMessages.layer((message) =>
 *   message.method === "notifications/tools/list_changed"
 *     ? Effect.logInfo("the server's tools changed")
 *     : Effect.void
 * )
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { RequestId } from "./McpSchema.ts"

/**
 * A message the server sent on its own initiative.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ServerMessage =
  | {
    readonly _tag: "Request"
    readonly id: RequestId
    readonly method: string
    readonly params: Readonly<Record<string, unknown>> | undefined
  }
  | {
    readonly _tag: "Notification"
    readonly method: string
    readonly params: Readonly<Record<string, unknown>> | undefined
  }

/**
 * The message observer.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Service {
  readonly handle: (message: ServerMessage) => Effect.Effect<void>
}

/**
 * The message observer service. Its default is none.
 *
 * @stability experimental
 * @category services
 * @since 0.1.0
 */
export const McpMessages: Context.Reference<Service | undefined> = Context.Reference<Service | undefined>(
  "@effect-mcp/core/McpMessages",
  { defaultValue: () => undefined }
)

/**
 * Observes every server request and notification with `handle`.
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = (handle: (message: ServerMessage) => Effect.Effect<void>): Layer.Layer<never> =>
  Layer.succeed(McpMessages, { handle })
