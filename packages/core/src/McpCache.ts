/**
 * An optional cache of results, as revision 2026-07-28 allows: servers say how long each result of
 * `tools/list`, `prompts/list`, `resources/list`, `resources/templates/list` and `resources/read` may be
 * reused (`ttlMs`) and by whom (`cacheScope`). Provide {@link layer} to a client and it answers those
 * requests from the cache while they are fresh.
 *
 * - A result is fresh while less than `ttlMs` has passed since it arrived; `0`, a missing or a
 *   negative `ttlMs` is never cached. Older revisions send no hints, so nothing of theirs is cached.
 * - `"public"` results are shared by every client that uses the same cache and the same `cacheKey`
 *   (see `McpClient.Options`); `"private"` ones (and those without a scope) only by requests that go
 *   out with the same credentials: the key holds a SHA-256 of the transport's authorization headers,
 *   never the headers.
 * - Each page of a listing is cached on its own (the cursor is part of the key).
 * - `input_required` results, and results that took input rounds, are never cached.
 * - `notifications/tools/list_changed` (prompts, resources) drops the cached listings it concerns;
 *   `notifications/resources/updated` drops the cached reads of that resource.
 *
 * **Example** (A client with a cache)
 *
 * ```ts
 * import { Layer } from "effect"
 * import { McpCache, McpClient } from "@effect-mcp/core"
 *
 * const ClientLive = McpClient.layer({ cacheKey: "https://example.com/mcp" }).pipe(
 *   Layer.provide(McpCache.layer({ maxEntries: 1000 }))
 * )
 * ```
 *
 * @stability experimental
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * The methods whose results carry cache hints.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export const CACHEABLE_METHODS: ReadonlySet<string> = new Set([
  "tools/list",
  "prompts/list",
  "resources/list",
  "resources/templates/list",
  "resources/read"
])

/**
 * A cache store. Keys are opaque strings the client builds; `invalidate` drops every key a predicate
 * accepts.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export interface Service {
  readonly get: (key: string) => Effect.Effect<Readonly<Record<string, unknown>> | undefined>
  readonly set: (key: string, value: Readonly<Record<string, unknown>>, ttlMillis: number) => Effect.Effect<void>
  readonly invalidate: (predicate: (key: string) => boolean) => Effect.Effect<void>
}

/**
 * The cache a client uses; none unless a layer provides one.
 *
 * @stability experimental
 * @category services
 * @since 0.2.0
 */
export const McpCache: Context.Reference<Service | undefined> = Context.Reference<Service | undefined>(
  "@effect-mcp/core/McpCache",
  { defaultValue: () => undefined }
)

interface Entry {
  readonly value: Readonly<Record<string, unknown>>
  readonly expires: number
}

/**
 * An in-memory cache, as a store. The oldest entry goes when `maxEntries` (default 1000) is reached;
 * stale entries go when read.
 *
 * @stability experimental
 * @category constructors
 * @since 0.2.0
 */
export const make = (options?: { readonly maxEntries?: number | undefined }): Effect.Effect<Service> =>
  Effect.clockWith((clock) => {
    const maxEntries = Math.max(1, options?.maxEntries ?? 1000)
    const entries = new Map<string, Entry>()
    return Effect.succeed<Service>({
      get: (key) =>
        Effect.sync(() => {
          const entry = entries.get(key)
          if (entry === undefined) return undefined
          if (clock.currentTimeMillisUnsafe() < entry.expires) return entry.value
          entries.delete(key)
          return undefined
        }),
      set: (key, value, ttlMillis) =>
        Effect.sync(() => {
          if (!(ttlMillis > 0)) return
          entries.delete(key)
          if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!)
          entries.set(key, { value, expires: clock.currentTimeMillisUnsafe() + ttlMillis })
        }),
      invalidate: (predicate) =>
        Effect.sync(() => {
          // deleting the current key while iterating a Map is safe
          for (const key of entries.keys()) if (predicate(key)) entries.delete(key)
        })
    })
  })

/**
 * Provides an in-memory cache to the clients built with it.
 *
 * @stability experimental
 * @category layers
 * @since 0.2.0
 */
export const layer = (options?: { readonly maxEntries?: number | undefined }): Layer.Layer<never> =>
  Layer.effect(McpCache)(make(options))
