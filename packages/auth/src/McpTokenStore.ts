/**
 * Where the auth layers keep what they obtained for an MCP server: tokens (with their expiry and
 * scopes, so a refresh still works after a restart) and the client identity a server registered. One
 * entry per MCP server and client identity.
 *
 * Three stores: {@link layerMemory} (the process's lifetime), {@link layerFile} (one `0600` JSON file
 * per entry in a `0700` directory, atomic writes, a lock file shared across processes) and
 * {@link layerKeyValueStore} (over Effect's `KeyValueStore`: bring an encrypted or keychain store).
 * `clear` logs out of one server, or of all.
 *
 * A stored entry that cannot be read back (a truncated or edited file) is ignored with a warning: the
 * client logs in again instead of crashing. Secrets are `Redacted` in memory and written as plain
 * strings only into the store's own files.
 *
 * **Example** (Logging out)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { NodeServices } from "@effect/platform-node"
 * import { McpTokenStore } from "@effect-mcp/auth"
 *
 * const logout = Effect.gen(function*() {
 *   const store = yield* McpTokenStore.McpTokenStore
 *   yield* store.clear("https://example.com/mcp")
 * }).pipe(Effect.provide(McpTokenStore.layerFile()), Effect.provide(NodeServices.layer))
 * ```
 *
 * @stability experimental
 * @since 0.3.0
 */
import { McpAuthError, TokenStoreFailed } from "@effect-mcp/core/McpAuthError"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Path from "effect/Path"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import * as UserDirectories from "effect/persistence/UserDirectories"
import type * as PlatformError from "effect/PlatformError"
import * as Random from "effect/Random"
import * as Schema from "effect/Schema"
import * as FileLock from "./internal/fileLock.ts"
import * as KeyedLock from "./internal/keyedLock.ts"

// -----------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------

/**
 * Tokens the authorization server issued. `expiresAt` is epoch milliseconds; `scope` the granted
 * scopes, space separated.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export class Tokens extends Schema.Class<Tokens>("@effect-mcp/auth/McpTokenStore/Tokens")({
  accessToken: Schema.Redacted(Schema.String),
  /** `"Bearer"` or `"DPoP"`. */
  tokenType: Schema.String,
  refreshToken: Schema.optional(Schema.Redacted(Schema.String)),
  expiresAt: Schema.optional(Schema.Number),
  scope: Schema.optional(Schema.String),
  idToken: Schema.optional(Schema.Redacted(Schema.String))
}) {}

/**
 * The client identity an authorization server knows: pre-registered, a Client ID Metadata Document
 * URL, or dynamically registered (then possibly with a secret and its expiry).
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export class ClientRegistration
  extends Schema.Class<ClientRegistration>("@effect-mcp/auth/McpTokenStore/ClientRegistration")({
    clientId: Schema.String,
    clientSecret: Schema.optional(Schema.Redacted(Schema.String)),
    clientSecretExpiresAt: Schema.optional(Schema.Number),
    /** The authorization server that issued the identity. */
    issuer: Schema.String,
    redirectUris: Schema.optional(Schema.Array(Schema.String)),
    tokenEndpointAuthMethod: Schema.optional(Schema.String)
  })
{}

/**
 * What a store holds for one MCP server and client identity.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export class Entry extends Schema.Class<Entry>("@effect-mcp/auth/McpTokenStore/Entry")({
  tokens: Schema.optional(Tokens),
  client: Schema.optional(ClientRegistration)
}) {}

/**
 * Which entry: the MCP server (its URL, the OAuth resource) and the client identity used with it (a
 * configured client id or name, or `"default"`).
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Key {
  readonly server: string
  readonly identity: string
}

/**
 * A token store.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Service {
  /** The entry for a key, if one was stored and can be read back. */
  readonly get: (key: Key) => Effect.Effect<Option.Option<Entry>, McpAuthError>
  /** Stores the entry for a key, replacing the previous one. */
  readonly set: (key: Key, entry: Entry) => Effect.Effect<void, McpAuthError>
  /** Removes the entry for a key. */
  readonly remove: (key: Key) => Effect.Effect<void, McpAuthError>
  /** Logout: removes every entry of one server (every client identity), or every entry. */
  readonly clear: (server?: string) => Effect.Effect<void, McpAuthError>
  /**
   * Runs `effect` holding the key's lock: across the fibers of this process, and across processes
   * for the file store. Wrap a refresh in it, re-reading the entry inside: a refresh token is
   * redeemed once.
   */
  readonly withLock: <A, E, R>(key: Key, effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | McpAuthError, R>
}

/**
 * The token store the auth layers use.
 *
 * @stability experimental
 * @category services
 * @since 0.3.0
 */
export class McpTokenStore extends Context.Service<McpTokenStore, Service>()("@effect-mcp/auth/McpTokenStore") {}

// -----------------------------------------------------------------------------
// encoding
// -----------------------------------------------------------------------------

/** What a file or a KeyValueStore value holds: the key beside the entry, for `clear` and checks. */
const Stored = Schema.Struct({
  version: Schema.Literal(1),
  server: Schema.String,
  identity: Schema.String,
  entry: Entry
})
const StoredJson = Schema.fromJsonString(Schema.toCodecJson(Stored))
const encodeStored = Schema.encodeEffect(StoredJson)
const decodeStored = Schema.decodeUnknownEffect(StoredJson)

const storeFailed = (description: string, cause?: unknown) =>
  new McpAuthError({ reason: new TokenStoreFailed({ description, cause }) })

const encode = (key: Key, entry: Entry): Effect.Effect<string, McpAuthError> =>
  encodeStored({ version: 1, server: key.server, identity: key.identity, entry }).pipe(
    Effect.mapError((cause) => storeFailed("Cannot encode a token store entry", cause))
  )

/** Reads back a stored entry; one that does not decode (or belongs to another key) is ignored. */
const decode = (key: Key, text: string, where: string): Effect.Effect<Option.Option<Entry>> =>
  decodeStored(text).pipe(
    Effect.flatMap((stored) =>
      stored.server === key.server && stored.identity === key.identity
        ? Effect.succeed(Option.some(stored.entry))
        : Effect.logWarning(`Ignoring the token store entry ${where}: it belongs to another server`).pipe(
          Effect.as(Option.none())
        )
    ),
    Effect.catch(() =>
      Effect.logWarning(`Ignoring the unreadable token store entry ${where}`).pipe(Effect.as(Option.none()))
    )
  )

const keyString = (key: Key): string => JSON.stringify([key.server, key.identity])

// -----------------------------------------------------------------------------
// constructors
// -----------------------------------------------------------------------------

/**
 * A store in memory: entries live as long as the layer.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const makeMemory: Effect.Effect<Service> = Effect.gen(function*() {
  const entries = new Map<string, { readonly server: string; readonly entry: Entry }>()
  const locks = yield* KeyedLock.make
  return McpTokenStore.of({
    get: (key) => Effect.sync(() => Option.fromUndefinedOr(entries.get(keyString(key))?.entry)),
    set: (key, entry) => Effect.sync(() => void entries.set(keyString(key), { server: key.server, entry })),
    remove: (key) => Effect.sync(() => void entries.delete(keyString(key))),
    clear: (server) =>
      Effect.sync(() => {
        for (const [k, stored] of entries) {
          if (server === undefined || stored.server === server) entries.delete(k)
        }
      }),
    withLock: (key, effect) => locks.withLock(keyString(key), effect)
  })
})

/**
 * Options of {@link layerFile}.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface FileOptions {
  /** The directory of the token files. Default: `effect-mcp/tokens` in the user's config directory. */
  readonly directory?: string | undefined
  /** A lock file nobody touched for this long belongs to a dead process and is taken over. Default 10 seconds. */
  readonly staleLockAfter?: Duration.Input | undefined
  /** How long `withLock` waits for another process. Default 30 seconds. */
  readonly lockTimeout?: Duration.Input | undefined
}

const sha256Hex = (text: string): Effect.Effect<string> =>
  Effect.promise(() => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))).pipe(
    Effect.map((digest) => Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join(""))
  )

/** `<sha256(server)>-<sha256(identity)>`: `clear(server)` removes by prefix, even files it cannot read. */
const serverPrefix = (server: string) => Effect.map(sha256Hex(server), (hash) => hash.slice(0, 32))
const fileStem = (key: Key) =>
  Effect.zipWith(serverPrefix(key.server), sha256Hex(key.identity), (s, i) => `${s}-${i.slice(0, 32)}`)

const defaultDirectory: Effect.Effect<string, PlatformError.PlatformError> = Effect.suspend(() =>
  UserDirectories.make().config("effect-mcp")
).pipe(Effect.map((config) => `${config}/tokens`))

/**
 * A store on files: one JSON file per entry (mode `0600`) in a directory of mode `0700`, written to a
 * temporary file and renamed into place. `withLock` also takes a lock file, so two processes sharing
 * the directory do not both redeem a refresh token.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const makeFile: (
  options?: FileOptions
) => Effect.Effect<Service, never, FileSystem.FileSystem | Path.Path> = Effect.fnUntraced(
  function*(options?: FileOptions) {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const locks = yield* KeyedLock.make
    const failed = (what: string) => (cause: unknown) => storeFailed(`Cannot ${what} the token store`, cause)

    // Created on first use, with mode 0700 (also when it already existed).
    const directory = yield* Effect.cached(
      Effect.gen(function*() {
        const dir = path.resolve(options?.directory ?? (yield* defaultDirectory))
        yield* fs.makeDirectory(dir, { recursive: true, mode: 0o700 })
        yield* fs.chmod(dir, 0o700)
        return dir
      }).pipe(Effect.mapError(failed("create the directory of")))
    )
    const fileOf = (key: Key, suffix: string) =>
      Effect.zipWith(directory, fileStem(key), (dir, stem) => path.join(dir, `${stem}${suffix}`))

    const get = (key: Key): Effect.Effect<Option.Option<Entry>, McpAuthError> =>
      Effect.gen(function*() {
        const file = yield* fileOf(key, ".json")
        const text = yield* fs.readFileString(file).pipe(
          Effect.map(Option.some),
          Effect.catchIf((e) => e.reason._tag === "NotFound", () => Effect.succeedNone),
          Effect.mapError(failed("read"))
        )
        if (Option.isNone(text)) return Option.none<Entry>()
        return yield* decode(key, text.value, file)
      })

    const set = (key: Key, entry: Entry) =>
      Effect.gen(function*() {
        const file = yield* fileOf(key, ".json")
        const text = yield* encode(key, entry)
        const temp = `${file}.${(yield* Random.nextInt).toString(36)}.tmp`
        yield* fs.writeFileString(temp, text, { flag: "wx", mode: 0o600 }).pipe(
          Effect.andThen(fs.chmod(temp, 0o600)),
          Effect.andThen(fs.rename(temp, file)),
          Effect.onError(() => Effect.ignore(fs.remove(temp))),
          Effect.mapError(failed("write"))
        )
      })

    const remove = (key: Key) =>
      fileOf(key, ".json").pipe(
        Effect.flatMap((file) => fs.remove(file)),
        Effect.catchIf((e) => e.reason._tag === "NotFound", () => Effect.void),
        Effect.mapError(failed("remove an entry of"))
      )

    const clear = (server?: string) =>
      Effect.gen(function*() {
        const dir = yield* directory
        const prefix = server === undefined ? "" : `${yield* serverPrefix(server)}-`
        const names = yield* fs.readDirectory(dir).pipe(Effect.mapError(failed("list")))
        for (const name of names) {
          if (name.startsWith(prefix) && name.endsWith(".json")) {
            yield* fs.remove(path.join(dir, name)).pipe(
              Effect.catchIf((e) => e.reason._tag === "NotFound", () => Effect.void),
              Effect.mapError(failed("clear"))
            )
          }
        }
      })

    const withLock = <A, E, R>(key: Key, effect: Effect.Effect<A, E, R>) =>
      locks.withLock(
        keyString(key),
        Effect.scoped(
          Effect.gen(function*() {
            const lockFile = yield* fileOf(key, ".lock")
            yield* FileLock.acquire(lockFile, { staleAfter: options?.staleLockAfter, timeout: options?.lockTimeout })
              .pipe(
                Effect.mapError((cause) =>
                  cause instanceof FileLock.LockTimeout
                    ? storeFailed("Timed out waiting for the token store's lock")
                    : failed("lock")(cause)
                )
              )
            return yield* effect
          })
        )
      ).pipe(Effect.provideService(FileSystem.FileSystem, fs))

    return McpTokenStore.of({ get, set, remove, clear, withLock })
  }
)

/**
 * A store over an Effect `KeyValueStore`, under the keys `effect-mcp/tokens/<server>/<identity>`
 * (both URL-encoded). Its lock holds across the fibers of this process only.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const makeKeyValueStore: Effect.Effect<Service, never, KeyValueStore.KeyValueStore> = Effect.gen(function*() {
  const kv = yield* KeyValueStore.KeyValueStore
  const locks = yield* KeyedLock.make
  const failed = (what: string) => (cause: unknown) => storeFailed(`Cannot ${what} the token store`, cause)
  const serverKey = (server: string) => `effect-mcp/tokens/${encodeURIComponent(server)}/`
  const kvKey = (key: Key) => `${serverKey(key.server)}${encodeURIComponent(key.identity)}`
  return McpTokenStore.of({
    get: (key) =>
      kv.get(kvKey(key)).pipe(
        Effect.mapError(failed("read")),
        Effect.flatMap((text) => text === undefined ? Effect.succeedNone : decode(key, text, kvKey(key)))
      ),
    set: (key, entry) =>
      encode(key, entry).pipe(
        Effect.flatMap((text) => kv.set(kvKey(key), text).pipe(Effect.mapError(failed("write"))))
      ),
    remove: (key) => kv.remove(kvKey(key)).pipe(Effect.mapError(failed("remove an entry of"))),
    clear: (server) =>
      kv.clearPrefix(server === undefined ? "effect-mcp/tokens/" : serverKey(server)).pipe(
        Effect.mapError(failed("clear"))
      ),
    withLock: (key, effect) => locks.withLock(keyString(key), effect)
  })
})

// -----------------------------------------------------------------------------
// layers
// -----------------------------------------------------------------------------

/**
 * A store in memory.
 *
 * @stability experimental
 * @category layers
 * @since 0.3.0
 */
export const layerMemory: Layer.Layer<McpTokenStore> = Layer.effect(McpTokenStore)(makeMemory)

/**
 * A store on files, shared safely by several processes. See {@link makeFile}.
 *
 * **Example** (Tokens in a directory of the application)
 *
 * ```ts
 * import { NodeServices } from "@effect/platform-node"
 * import { Layer } from "effect"
 * import { McpTokenStore } from "@effect-mcp/auth"
 *
 * const StoreLive = McpTokenStore.layerFile({ directory: ".tokens" }).pipe(Layer.provide(NodeServices.layer))
 * ```
 *
 * @stability experimental
 * @category layers
 * @since 0.3.0
 */
export const layerFile = (
  options?: FileOptions
): Layer.Layer<McpTokenStore, never, FileSystem.FileSystem | Path.Path> =>
  Layer.effect(McpTokenStore)(makeFile(options))

/**
 * A store over Effect's `KeyValueStore`. See {@link makeKeyValueStore}.
 *
 * @stability experimental
 * @category layers
 * @since 0.3.0
 */
export const layerKeyValueStore: Layer.Layer<McpTokenStore, never, KeyValueStore.KeyValueStore> = Layer.effect(
  McpTokenStore
)(makeKeyValueStore)
