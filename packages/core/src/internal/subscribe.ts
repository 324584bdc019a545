/**
 * Subscriptions, the same API in both eras:
 *
 * - 2026-07-28: one long-lived `subscriptions/listen` request with the filter. Its first message is
 *   the acknowledgement (what the server agreed to); every message of it carries its request id in
 *   `_meta["io.modelcontextprotocol/subscriptionId"]`. When it ends (the server closed it, the
 *   connection dropped) it is sent again on the retry schedule. Ending the stream cancels it.
 * - Stateful revisions: list changes arrive on their own (the GET stream over HTTP); resource
 *   updates need `resources/subscribe` per URI, sent again on every new session and undone with
 *   `resources/unsubscribe` when the stream ends. The acknowledgement is computed from the server's
 *   capabilities.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as PubSub from "effect/PubSub"
import * as Queue from "effect/Queue"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { ConnectionClosed, McpTransportError } from "../McpError.ts"
import type { McpError } from "../McpError.ts"
import * as McpSchema from "../McpSchema.ts"
import type { Notification } from "./engine.ts"
import type { Session } from "./session.ts"

/**
 * What to listen for.
 */
export interface Filter {
  /** `notifications/tools/list_changed`. */
  readonly tools?: boolean | undefined
  /** `notifications/prompts/list_changed`. */
  readonly prompts?: boolean | undefined
  /** `notifications/resources/list_changed`. */
  readonly resources?: boolean | undefined
  /** `notifications/resources/updated` for these URIs. */
  readonly resourceUris?: ReadonlyArray<string> | undefined
}

/**
 * An event of a subscription stream.
 */
export type Event =
  | {
    /** The server agreed to (a subset of) the filter; sent again after each re-listen. */
    readonly _tag: "Acknowledged"
    readonly honoured: McpSchema.SubscriptionFilter
  }
  | { readonly _tag: "ToolsChanged" }
  | { readonly _tag: "PromptsChanged" }
  | { readonly _tag: "ResourcesChanged" }
  | { readonly _tag: "ResourceUpdated"; readonly uri: string }

/** An open session and a way to wait for its end. */
export interface Current {
  readonly session: Session
  /** Fails with the reason when the session's connection is gone. */
  readonly closed: Effect.Effect<never, McpTransportError>
}

const toWire = (filter: Filter): McpSchema.SubscriptionFilter => ({
  ...(filter.tools === true ? { toolsListChanged: true } : {}),
  ...(filter.prompts === true ? { promptsListChanged: true } : {}),
  ...(filter.resources === true ? { resourcesListChanged: true } : {}),
  ...(filter.resourceUris !== undefined && filter.resourceUris.length > 0
    ? { resourceSubscriptions: filter.resourceUris }
    : {})
})

const subscriptionIdOf = (params: Record<string, unknown> | undefined): unknown => {
  const meta = params?._meta
  return typeof meta === "object" && meta !== null
    ? (meta as Record<string, unknown>)[McpSchema.MetaKey.subscriptionId]
    : undefined
}

/** The event a notification is, if the wire filter asked for it. */
const toEvent = (notification: Notification, wire: McpSchema.SubscriptionFilter): Event | undefined => {
  switch (notification.method) {
    case "notifications/tools/list_changed":
      return wire.toolsListChanged === true ? { _tag: "ToolsChanged" } : undefined
    case "notifications/prompts/list_changed":
      return wire.promptsListChanged === true ? { _tag: "PromptsChanged" } : undefined
    case "notifications/resources/list_changed":
      return wire.resourcesListChanged === true ? { _tag: "ResourcesChanged" } : undefined
    case "notifications/resources/updated": {
      const uri = notification.params?.uri
      return typeof uri === "string" && (wire.resourceSubscriptions ?? []).includes(uri)
        ? { _tag: "ResourceUpdated", uri }
        : undefined
    }
    case "notifications/subscriptions/acknowledged": {
      const honoured = notification.params?.notifications
      return {
        _tag: "Acknowledged",
        honoured: typeof honoured === "object" && honoured !== null ? honoured as McpSchema.SubscriptionFilter : {}
      }
    }
    default:
      return undefined
  }
}

/** What a stateful server can honour of a filter, from its capabilities. */
const honouredBy = (
  capabilities: McpSchema.ServerCapabilities,
  wire: McpSchema.SubscriptionFilter
): McpSchema.SubscriptionFilter => ({
  ...(wire.toolsListChanged === true && capabilities.tools?.listChanged === true ? { toolsListChanged: true } : {}),
  ...(wire.promptsListChanged === true && capabilities.prompts?.listChanged === true
    ? { promptsListChanged: true }
    : {}),
  ...(wire.resourcesListChanged === true && capabilities.resources?.listChanged === true
    ? { resourcesListChanged: true }
    : {}),
  ...(wire.resourceSubscriptions !== undefined && capabilities.resources?.subscribe === true
    ? { resourceSubscriptions: wire.resourceSubscriptions }
    : {})
})

/**
 * Whether a subscription that failed this way is worth sending again: a lost connection or a server
 * error, not the client closing or the server refusing it (an HTTP 4xx such as 401 or 403).
 */
const isRetriable = (error: McpError): boolean =>
  error._tag === "McpTransportError" && error.reason._tag !== "ClientClosed" &&
  !(error.reason._tag === "HttpStatus" && error.reason.status < 500)

/** The pause before a listen that worked and ended is sent again. */
const RELISTEN_DELAY = Duration.millis(500)

/**
 * The default re-listen schedule: from half a second, doubling, at most 30 seconds apart, forever.
 */
export const defaultRetry: Schedule.Schedule<unknown, McpError> = Schedule.min([
  Schedule.exponential("500 millis"),
  Schedule.spaced("30 seconds")
])

/**
 * The subscription stream.
 */
export const stream = (options: {
  readonly filter: Filter
  readonly current: Effect.Effect<Current, McpError>
  readonly notifications: PubSub.PubSub<Notification>
  readonly retry: Schedule.Schedule<unknown, McpError>
}): Stream.Stream<Event, McpError> =>
  Stream.callback<Event, McpError>((queue) =>
    Effect.gen(function*() {
      const wire = toWire(options.filter)
      // subscribed before anything is sent, so the acknowledgement cannot be missed
      const subscription = yield* PubSub.subscribe(options.notifications)
      // the ids of this stream's listen requests (stateless era): their notifications are this stream's,
      // even when read after the listen ended (the engines of a client never reuse an id)
      const listens = new Set<unknown>()
      let era: "stateless" | "stateful" | undefined
      // whether the current attempt was acknowledged: an attempt that was is not a failure, and the
      // retry schedule starts over after it
      let acknowledged = false
      yield* PubSub.take(subscription).pipe(
        Effect.flatMap((notification) => {
          if (era === undefined) return Effect.void
          if (era === "stateless" && !listens.has(subscriptionIdOf(notification.params))) return Effect.void
          // in the stateful era the acknowledgement is made up from the capabilities, never read
          if (era === "stateful" && notification.method === "notifications/subscriptions/acknowledged") {
            return Effect.void
          }
          const event = toEvent(notification, wire)
          if (event === undefined) return Effect.void
          if (event._tag === "Acknowledged") acknowledged = true
          return Queue.offer(queue, event)
        }),
        Effect.forever,
        Effect.forkScoped
      )

      const stateless = (session: Session) =>
        Effect.suspend(() => {
          era = "stateless"
          return session.request("subscriptions/listen", { notifications: wire }, {
            onId: (id) => {
              listens.add(id)
            }
          })
        })

      const stateful = (connected: Current) =>
        Effect.gen(function*() {
          era = "stateful"
          const honoured = honouredBy(connected.session.capabilities, wire)
          const uris = honoured.resourceSubscriptions ?? []
          for (const uri of uris) {
            yield* connected.session.request("resources/subscribe", { uri }, { timeout: Duration.seconds(30) })
          }
          // undone when the stream ends while this session lives; a dead session has none to undo
          yield* Effect.addFinalizer(() =>
            Effect.forEach(uris, (uri) => connected.session.request("resources/unsubscribe", { uri }), {
              discard: true
            }).pipe(Effect.timeout("5 seconds"), Effect.ignore)
          )
          yield* Queue.offer(queue, { _tag: "Acknowledged", honoured })
          acknowledged = true
          // the subscription lasts as long as the connection, and ends with its reason
          return yield* connected.closed
        }).pipe(Effect.scoped)

      const attempt: Effect.Effect<void, McpError, Scope.Scope> = Effect.suspend(() => {
        acknowledged = false
        return Effect.flatMap(
          options.current,
          (connected) => connected.session.era === "stateless" ? stateless(connected.session) : stateful(connected)
        )
      }).pipe(
        Effect.andThen(Effect.fail(
          new McpTransportError({ reason: new ConnectionClosed({ description: "the subscription ended" }) })
        )),
        // a listen that was acknowledged, then ended, worked: it is sent again without counting as a failure
        Effect.catchIf((error) => acknowledged && isRetriable(error), () => Effect.void)
      )
      // a listen that ends (the server closed it, the connection dropped) is sent again, at once after one
      // that worked, on the schedule after failures; a refusal (an unknown method, a missing capability)
      // or the client closing ends the stream
      yield* Effect.retry(attempt, { schedule: options.retry, while: isRetriable }).pipe(
        Effect.andThen(Effect.sleep(RELISTEN_DELAY)),
        Effect.forever
      )
    }).pipe(Effect.catch((error: McpError) => Queue.fail(queue, error)))
  )
