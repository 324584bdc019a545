/**
 * The roots the client exposes to servers (`roots/list`): the directories a server may work in.
 *
 * Without a layer the client advertises no `roots` capability and answers `roots/list` with "method not
 * found". {@link layer} serves a fixed list; {@link layerSubscriptionRef} serves the current value of a
 * `SubscriptionRef` and tells servers with `notifications/roots/list_changed` whenever it changes.
 *
 * A root is a `file://` URI. Paths are converted ({@link fileUri}): POSIX paths, Windows drive paths
 * and UNC paths alike, with every character that is not allowed in a URI path percent-encoded.
 *
 * **Example** (Roots that follow the application's state)
 *
 * ```ts
 * import { Effect, Layer, SubscriptionRef } from "effect"
 * import { McpClient, McpRoots } from "@effect-mcp/core"
 *
 * const program = Effect.gen(function*() {
 *   const roots = yield* SubscriptionRef.make<ReadonlyArray<McpRoots.RootInput>>(["/srv/project"])
 *   const ClientLive = McpClient.layer().pipe(Layer.provide(McpRoots.layerSubscriptionRef(roots)))
 *   // … later: the server is told, and its next roots/list sees the new list
 *   yield* SubscriptionRef.set(roots, ["/srv/project", "/srv/shared"])
 * })
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import type { Root } from "./McpSchema.ts"

/**
 * A root as the application gives it: a path, a URI, or a full {@link Root} with a name.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type RootInput = string | Root

/**
 * The roots service.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Service {
  /** The current roots. */
  readonly list: Effect.Effect<ReadonlyArray<Root>>
  /** Emits once per change of the list, if the list can change. */
  readonly changes: Stream.Stream<void> | undefined
}

/**
 * The roots service. Its default is none: no `roots` capability.
 *
 * @stability experimental
 * @category services
 * @since 0.1.0
 */
export const McpRoots: Context.Reference<Service | undefined> = Context.Reference<Service | undefined>(
  "@effect-mcp/core/McpRoots",
  { defaultValue: () => undefined }
)

const WINDOWS_DRIVE = /^[A-Za-z]:([\\/]|$)/
const UNC = /^[\\/]{2}[^\\/]+[\\/]/

const encodeSegment = (segment: string): string =>
  encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/**
 * Turns a file system path into a `file://` URI. Windows drive paths (`C:\Users\me`) become
 * `file:///C:/Users/me`, UNC paths (`\\server\share\dir`) become `file://server/share/dir`, POSIX
 * paths keep their slashes; every other character is percent-encoded as a URI requires. A value that
 * already is a URI (it has a scheme) is returned as is.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const fileUri = (path: string): string => {
  if (/^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(path)) return path
  if (UNC.test(path)) {
    const [host, ...rest] = path.slice(2).split(/[\\/]/)
    return `file://${host!.toLowerCase()}/${rest.map(encodeSegment).join("/")}`
  }
  if (WINDOWS_DRIVE.test(path)) {
    const [drive, ...rest] = path.split(/[\\/]/)
    return `file:///${drive!.toUpperCase()}/${rest.map(encodeSegment).join("/")}`.replace(/\/$/, "")
  }
  return `file://${path.split("/").map(encodeSegment).join("/")}`
}

/**
 * Normalizes a {@link RootInput} into a wire {@link Root}.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const toRoot = (input: RootInput): Root =>
  typeof input === "string" ? { uri: fileUri(input) } : { ...input, uri: fileUri(input.uri) }

/**
 * Serves a fixed list of roots (`listChanged: false`).
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = (roots: ReadonlyArray<RootInput>): Layer.Layer<never> => {
  const list = roots.map(toRoot)
  return Layer.succeed(McpRoots, { list: Effect.succeed(list), changes: undefined })
}

/**
 * Serves the current value of a `SubscriptionRef` and sends `notifications/roots/list_changed` each
 * time it changes (`listChanged: true`).
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layerSubscriptionRef = (
  roots: SubscriptionRef.SubscriptionRef<ReadonlyArray<RootInput>>
): Layer.Layer<never> =>
  Layer.succeed(McpRoots, {
    list: Effect.map(SubscriptionRef.get(roots), (inputs) => inputs.map(toRoot)),
    // `changes` starts with the current value: skip it, only changes are news
    changes: SubscriptionRef.changes(roots).pipe(Stream.drop(1), Stream.map(() => undefined))
  })
