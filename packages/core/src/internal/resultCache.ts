/**
 * A client's use of the `McpCache`: results of the listings and `resources/read` are kept as long as
 * the server's hints (`ttlMs`, `cacheScope`, 2026-07-28 only) allow. Private entries are keyed by the
 * transport's credentials id, public ones by the client's namespace (`cacheKey`). A list change or a
 * resource update drops the entries it makes stale, and a result that was in flight while one
 * arrived is not kept.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type * as PubSub from "effect/PubSub"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as McpCache from "../McpCache.ts"
import type { McpError, McpTransportError } from "../McpError.ts"
import type { Era } from "../McpTransport.ts"
import type { Notification, ServerMessage } from "./engine.ts"
import type { Reply } from "./session.ts"

/**
 * The cache as one client sees it.
 */
export interface ResultCache {
  /**
   * Sees every server message on the reader fiber, as it is read: list changes and resource updates
   * bump the marks of what they make stale.
   */
  readonly observe: ((message: ServerMessage) => void) | undefined
  /** Answers a request from the cache while fresh, else with `send`, keeping what the hints allow. */
  readonly through: (
    era: Era,
    method: string,
    params: object,
    send: Effect.Effect<Reply, McpError>
  ) => Effect.Effect<Record<string, unknown>, McpError>
}

const SEPARATOR = "\u0000"

/**
 * The cache of a client, whose invalidation fiber lives in the current scope. Without an `McpCache`
 * every request goes to the server.
 */
export const make = Effect.fnUntraced(function*(options: {
  readonly cache: McpCache.Service | undefined
  /** The name public entries are shared under: the `cacheKey` option, or the client's own id. */
  readonly namespace: string
  /** Stands in for the credentials id when the transport has none (entries stay the client's own). */
  readonly clientId: string
  readonly credentialsId: Effect.Effect<string, McpTransportError> | undefined
  readonly notifications: PubSub.PubSub<Notification>
}): Effect.fn.Return<ResultCache, never, Scope.Scope> {
  const cache = options.cache
  if (cache === undefined) {
    return { observe: undefined, through: (_era, _method, _params, send) => Effect.map(send, (reply) => reply.result) }
  }
  const { clientId, credentialsId, namespace } = options
  // Bumped (on the reader fiber, as the notification is read) each time a list changes or a resource
  // is updated: a result that was in flight meanwhile may be stale, and is not cached.
  const generations = new Map<string, number>()
  const generationOf = (method: string, request: string) =>
    (generations.get(method) ?? 0) + (generations.get(request) ?? 0)

  const through = (era: Era, method: string, params: object, send: Effect.Effect<Reply, McpError>) =>
    // only the stateless revision gives hints
    era !== "stateless" ? Effect.map(send, (reply) => reply.result) : Effect.gen(function*() {
      const request = requestKey(method, params)
      const publicKey = `${namespace}${SEPARATOR}public${SEPARATOR}${request}`
      // a public entry needs no credentials id (a digest of the authorization headers)
      const publicHit = yield* cache.get(publicKey)
      if (publicHit !== undefined) return publicHit as Record<string, unknown>
      const credentials = credentialsId === undefined ? clientId : yield* credentialsId
      const privateKey = `${namespace}${SEPARATOR}private:${credentials}${SEPARATOR}${request}`
      const hit = yield* cache.get(privateKey)
      if (hit !== undefined) return hit as Record<string, unknown>
      // marks only grow: a change to either sum means a notification made this request stale meanwhile
      const before = generationOf(method, request)
      const { cacheable, result } = yield* send
      const complete = result.resultType === undefined || result.resultType === "complete"
      const stale = generationOf(method, request) !== before
      if (cacheable && complete && !stale && typeof result.ttlMs === "number") {
        yield* cache.set(result.cacheScope === "public" ? publicKey : privateKey, result, result.ttlMs)
      }
      return result
    })

  // list changes and resource updates drop the cached requests they make stale
  const namespacePrefix = namespace + SEPARATOR
  // a key is namespace, scope, request: the request starts after the scope's separator
  const requestOf = (key: string) => key.slice(key.indexOf(SEPARATOR, namespacePrefix.length) + 1)
  yield* Stream.fromPubSub(options.notifications).pipe(
    Stream.runForEach((notification) => {
      const marks = staleBy(notification)
      return marks.length === 0 ?
        Effect.void :
        cache.invalidate((key) => key.startsWith(namespacePrefix) && marks.some((mark) => covers(mark, requestOf(key))))
    }),
    Effect.forkScoped
  )

  return {
    observe: (message) => {
      if (message._tag !== "Notification") return
      for (const mark of staleBy(message)) generations.set(mark, (generations.get(mark) ?? 0) + 1)
    },
    through
  }
})

/** A cacheable request, as cache keys and staleness marks name it: its method and params. */
const requestKey = (method: string, params: object): string => `${method}${SEPARATOR}${JSON.stringify(params)}`

/**
 * What a notification makes stale, as marks: a method (every page of a listing) or a request key (the
 * read of one resource).
 */
const staleBy = (notification: Notification): ReadonlyArray<string> => {
  switch (notification.method) {
    case "notifications/tools/list_changed":
      return ["tools/list"]
    case "notifications/prompts/list_changed":
      return ["prompts/list"]
    case "notifications/resources/list_changed":
      return ["resources/list", "resources/templates/list"]
    case "notifications/resources/updated": {
      const uri = notification.params?.uri
      return typeof uri === "string" ? [requestKey("resources/read", { uri })] : []
    }
    default:
      return []
  }
}

/** Whether a staleness mark covers a request key. */
const covers = (mark: string, request: string): boolean => request === mark || request.startsWith(mark + SEPARATOR)
