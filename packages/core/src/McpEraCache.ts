/**
 * An optional memory of which era each server speaks, shared by the clients an application builds
 * with it, as the specification suggests ("Clients SHOULD cache the result for the lifetime of the
 * server process (stdio) or origin (HTTP)", revision 2026-07-28, Versioning).
 *
 * With `protocolVersion: "auto"` (the default), a client first probes the server with
 * `server/discover`; a server of the stateful revisions refuses it, and the `initialize` handshake
 * follows: one round trip more than a client that only speaks those revisions. Provide {@link layer}
 * and a client that connects to a server whose era another client (or an earlier connection) found
 * opens its session in that era at once: `initialize` for a stateful server, no probe; `server/discover`
 * at the revision found for a stateless one. An attempt with a remembered era that fails forgets it
 * and negotiates again as `"auto"` does, in the same attempt, so a server that changed its era is
 * found again.
 *
 * Servers are told apart by the key their transport gives (`McpTransport.Service.serverKey`):
 * Streamable HTTP gives its endpoint URL, without credentials. Transports without a key (stdio:
 * each process is a server of its own) are not remembered across clients.
 *
 * **Example** (Clients that share what they found)
 *
 * ```ts
 * import { Layer } from "effect"
 * import { McpClient, McpEraCache } from "@effect-mcp/core"
 *
 * const ClientLive = McpClient.layer().pipe(Layer.provide(McpEraCache.layer()))
 * ```
 *
 * @stability experimental
 * @since 0.3.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as McpSchema from "./McpSchema.ts"

/**
 * What a negotiation found a server speaks: the stateful revisions (`"legacy"`, the `initialize`
 * handshake), or a stateless revision.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type Era = "legacy" | McpSchema.StatelessProtocolVersion

/**
 * A store of eras by server key.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Service {
  /** The era remembered for the server, if any. */
  readonly get: (key: string) => Effect.Effect<Era | undefined>
  /** Remembers the era a negotiation found. */
  readonly set: (key: string, era: Era) => Effect.Effect<void>
  /** Forgets the server's era (an attempt with it failed). */
  readonly forget: (key: string) => Effect.Effect<void>
}

/**
 * The memory a client uses; none unless a layer provides one.
 *
 * @stability experimental
 * @category services
 * @since 0.3.0
 */
export const McpEraCache: Context.Reference<Service | undefined> = Context.Reference<Service | undefined>(
  "@effect-mcp/core/McpEraCache",
  { defaultValue: () => undefined }
)

/**
 * An in-memory store. The oldest entry goes when `maxEntries` (default 1000) is reached.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const make = (options?: { readonly maxEntries?: number | undefined }): Effect.Effect<Service> =>
  Effect.sync(() => {
    const maxEntries = Math.max(1, options?.maxEntries ?? 1000)
    const eras = new Map<string, Era>()
    return {
      get: (key) => Effect.sync(() => eras.get(key)),
      set: (key, era) =>
        Effect.sync(() => {
          eras.delete(key)
          if (eras.size >= maxEntries) eras.delete(eras.keys().next().value!)
          eras.set(key, era)
        }),
      forget: (key) =>
        Effect.sync(() => {
          eras.delete(key)
        })
    }
  })

/**
 * Provides an in-memory store of eras to the clients built with it.
 *
 * @stability experimental
 * @category layers
 * @since 0.3.0
 */
export const layer = (options?: { readonly maxEntries?: number | undefined }): Layer.Layer<never> =>
  Layer.effect(McpEraCache)(make(options))
