/**
 * The session every token-based layer shares: core's `McpAuth.Service` over a source of tokens (a
 * login, a client-credentials grant…) kept in the `McpTokenStore`.
 *
 * - `headers`: `Authorization: <type> <token>` (and a DPoP proof for a DPoP-bound token), only for
 *   requests to the server's origin; a token about to expire is refreshed first.
 * - `onChallenge`: a 401 refreshes the token (or gets a new one when it cannot be refreshed, or was
 *   refreshed already); a 403 `insufficient_scope` gets one with the challenged scopes, at most
 *   {@link maxStepUps} times for one request; a `use_dpop_nonce` 401 is tried again once.
 * - Single flight: one renewal at a time per session; a request that meets a token another fiber
 *   renewed while it waited uses that token. A refresh runs holding the store's lock for the key and
 *   reads the store again inside it, so two processes sharing a file store never redeem the same
 *   refresh token: the second uses the tokens the first wrote (or their refresh token, once they expired).
 *
 * @internal
 */
import type * as McpAuth from "@effect-mcp/core/McpAuth"
import { InsufficientScope, McpAuthError } from "@effect-mcp/core/McpAuthError"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Semaphore from "effect/Semaphore"
import * as McpTokenStore from "../McpTokenStore.ts"
import { challengeParams } from "./discovery.ts"

/**
 * A token is renewed this long before it expires.
 */
export const expirySkewMillis = 30_000

/**
 * The most authorizations a step-up (403 `insufficient_scope`) may cost one request.
 */
export const maxStepUps = 3

/**
 * DPoP (RFC 9449) for a session's requests: a proof per request bound to the access token, and the
 * nonces the server sends.
 */
export interface Dpop {
  readonly proof: (request: {
    readonly method: string
    readonly url: string
    readonly accessToken?: Redacted.Redacted<string> | undefined
  }) => Effect.Effect<Redacted.Redacted<string>, McpAuthError>
  readonly observe: (url: string, headers: Readonly<Record<string, string>>) => Effect.Effect<void>
}

/**
 * Where a session's tokens come from.
 */
export interface Source {
  /** The MCP server (its URL): tokens go to its origin only. */
  readonly server: string
  /** The store entry of the session: the server and the client identity. */
  readonly key: McpTokenStore.Key
  /**
   * New tokens: a login, a client-credentials grant. `challenge` is the refusal that asked for them
   * (its scopes, its resource metadata), `current` the tokens held, if any (their scopes, for a
   * step-up).
   */
  readonly acquire: (context: {
    readonly challenge: McpAuth.Challenge | undefined
    readonly current: McpTokenStore.Tokens | undefined
  }) => Effect.Effect<McpTokenStore.Tokens, McpAuthError>
  /**
   * Redeems the refresh token of `tokens`. `None`: it cannot (no refresh token, refused), and the
   * session gets new tokens instead.
   */
  readonly refresh?:
    | ((tokens: McpTokenStore.Tokens) => Effect.Effect<Option.Option<McpTokenStore.Tokens>, McpAuthError>)
    | undefined
  readonly dpop?: Dpop | undefined
}

/**
 * A session: core's hook, and a way to forget its tokens.
 */
export interface Session extends McpAuth.Service {
  /** The tokens held now (loaded from the store on first use). */
  readonly tokens: Effect.Effect<McpTokenStore.Tokens | undefined, McpAuthError>
  /** Forgets the tokens, here and in the store (the client registration stays). */
  readonly logout: Effect.Effect<void, McpAuthError>
}

const originOf = (url: string): string | undefined => URL.canParse(url) ? new URL(url).origin : undefined

/**
 * Whether `tokens` expire within the skew, at `now`: {@link expirySkewMillis}, or half the lifetime of
 * a token known to live shorter (`lifetime`: how long it had when it was granted), so a short-lived
 * token is not renewed at every request.
 */
export const isExpiring = (tokens: McpTokenStore.Tokens, now: number, lifetime?: number | undefined): boolean =>
  tokens.expiresAt !== undefined &&
  tokens.expiresAt - Math.min(expirySkewMillis, lifetime === undefined ? expirySkewMillis : lifetime / 2) <= now

const sameToken = (a: McpTokenStore.Tokens | undefined, b: McpTokenStore.Tokens | undefined): boolean =>
  a === b ||
  (a !== undefined && b !== undefined && Redacted.value(a.accessToken) === Redacted.value(b.accessToken))

/**
 * A session over `source`.
 */
export const make = (source: Source): Effect.Effect<Session, never, McpTokenStore.McpTokenStore> =>
  Effect.gen(function*() {
    const store = yield* McpTokenStore.McpTokenStore
    const origin = originOf(source.server)
    const renewal = yield* Semaphore.make(1)
    // the tokens each request went out with (the transport passes the same request object to
    // `headers` and `onChallenge`): a refused request whose token was renewed meanwhile just retries
    const sent = new WeakMap<McpAuth.Request, McpTokenStore.Tokens | undefined>()
    let loaded = false
    let current: McpTokenStore.Tokens | undefined

    const tokens = Effect.suspend(() =>
      loaded ? Effect.succeed(current) : Effect.map(store.get(source.key), (entry) => {
        if (!loaded) {
          loaded = true
          current = Option.getOrUndefined(entry)?.tokens
        }
        return current
      })
    )

    // how long the tokens granted in this process had to live (tokens read from the store: unknown)
    const lifetimes = new WeakMap<McpTokenStore.Tokens, number>()
    const save = (next: McpTokenStore.Tokens | undefined) =>
      Effect.gen(function*() {
        if (next?.expiresAt !== undefined) lifetimes.set(next, next.expiresAt - (yield* Clock.currentTimeMillis))
        const entry = Option.getOrUndefined(yield* store.get(source.key))
        yield* store.set(source.key, new McpTokenStore.Entry({ ...entry, tokens: next }))
        current = next
        loaded = true
      })

    // holding the store's lock: tokens another process wrote since are adopted, else redeemed here
    const refreshLocked = (held: McpTokenStore.Tokens) =>
      store.withLock(
        source.key,
        Effect.gen(function*() {
          const stored = Option.getOrUndefined(yield* store.get(source.key))?.tokens
          // another process renewed them: use its tokens while they last, else its (newer) refresh token
          const latest = stored !== undefined && !sameToken(stored, held) ? stored : held
          if (
            latest !== held && (latest.expiresAt === undefined || latest.expiresAt > (yield* Clock.currentTimeMillis))
          ) {
            current = latest
            return Option.some(latest)
          }
          if (source.refresh === undefined || latest.refreshToken === undefined) return Option.none()
          const refreshed = yield* source.refresh(latest)
          if (Option.isSome(refreshed)) yield* save(refreshed.value)
          return refreshed
        })
      )

    const acquire = (challenge: McpAuth.Challenge | undefined) =>
      Effect.gen(function*() {
        const next = yield* source.acquire({ challenge, current })
        yield* save(next)
        return next
      })

    // single flight: only the first fiber to find `held` still current renews it
    const renew = (
      held: McpTokenStore.Tokens | undefined,
      orElse: () => Effect.Effect<McpTokenStore.Tokens | undefined, McpAuthError>
    ) =>
      renewal.withPermits(1)(Effect.gen(function*() {
        if (!sameToken(current, held)) return current
        if (held !== undefined) {
          const refreshed = yield* refreshLocked(held)
          if (Option.isSome(refreshed)) return refreshed.value
        }
        return yield* orElse()
      }))

    const fresh = Effect.gen(function*() {
      const held = yield* tokens
      if (held === undefined || !isExpiring(held, yield* Clock.currentTimeMillis, lifetimes.get(held))) return held
      // an expired token that cannot be refreshed is dropped: the server's 401 says how to get one
      return yield* renew(held, () =>
        Effect.sync(() => {
          if (sameToken(current, held)) current = undefined
          return current
        }))
    })

    const headers = (request: McpAuth.Request) =>
      Effect.gen(function*() {
        if (origin === undefined || originOf(request.url) !== origin) return {}
        const held = yield* fresh
        sent.set(request, held)
        if (held === undefined) return {}
        const result: Record<string, Redacted.Redacted<string>> = {
          authorization: Redacted.make(`${held.tokenType} ${Redacted.value(held.accessToken)}`)
        }
        if (held.tokenType === "DPoP" && source.dpop !== undefined) {
          result.dpop = yield* source.dpop.proof({ ...request, accessToken: held.accessToken })
        }
        return result
      })

    const onChallenge = (challenge: McpAuth.Challenge) =>
      Effect.gen(function*() {
        if (origin === undefined || originOf(challenge.url) !== origin) return false
        const params = challengeParams(challenge.wwwAuthenticate)
        const held = sent.get(challenge.request)
        if (challenge.status === 401 && params.error === "use_dpop_nonce") return challenge.attempt <= 2
        if (challenge.status === 403) {
          if (params.error !== "insufficient_scope") return false
          if (challenge.attempt > maxStepUps) {
            return yield* Effect.fail(
              new McpAuthError({
                reason: new InsufficientScope({
                  description:
                    `the server still refuses the request for insufficient scope after ${maxStepUps} authorizations${
                      params.scope === undefined ? "" : ` (it asks for ${params.scope})`
                    }`
                }),
                server: source.server
              })
            )
          }
          // a step-up: new tokens with the challenged scopes, never a refresh (it keeps the old scopes)
          yield* renewal.withPermits(1)(
            Effect.suspend(() => sameToken(current, held) ? acquire(challenge) : Effect.void)
          )
          return true
        }
        if (challenge.status !== 401 || challenge.attempt > maxStepUps) return false
        // the first 401 of a request refreshes; a token refused again is replaced by a new one
        const next = challenge.attempt === 1
          ? yield* renew(held, () => acquire(challenge))
          : yield* renewal.withPermits(1)(
            Effect.suspend(() => sameToken(current, held) ? acquire(challenge) : Effect.succeed(current))
          )
        return next !== undefined
      })

    const dpop = source.dpop
    const onResponse = dpop === undefined ?
      undefined :
      (response: McpAuth.Response) => dpop.observe(response.request.url, response.headers)

    const logout = renewal.withPermits(1)(
      Effect.gen(function*() {
        yield* save(undefined)
      })
    )

    return { headers, onChallenge, onResponse, tokens, logout }
  })

/**
 * The MCP server a request URL names: the URL without its query and fragment.
 */
export const serverOf = (url: string): string => {
  const parsed = new URL(url)
  parsed.search = ""
  parsed.hash = ""
  return parsed.href
}

/**
 * Sessions by server origin, made on the first request to an origin (the server is that request's
 * URL): a layer can serve every transport it is given to, and a token never crosses origins.
 */
export interface Sessions {
  /** The session of a URL's origin, made on first use; `undefined` for a URL that does not parse. */
  readonly get: (url: string) => Effect.Effect<Session | undefined>
  /** The sessions made so far, by origin. */
  readonly all: ReadonlyMap<string, Session>
  /** Core's hook over the sessions (`onResponse` only with DPoP). */
  readonly auth: McpAuth.Service
}

/**
 * Sessions made by `make` for each server origin.
 */
export const perOrigin = (make: (server: string) => Effect.Effect<Session>, dpop?: Dpop | undefined): Sessions => {
  const all = new Map<string, Session>()
  const get = (url: string): Effect.Effect<Session | undefined> => {
    const origin = originOf(url)
    if (origin === undefined) return Effect.succeed(undefined)
    const existing = all.get(origin)
    if (existing !== undefined) return Effect.succeed(existing)
    return Effect.map(make(serverOf(url)), (session) => {
      // two fibers may make one at once: the first kept wins
      const kept = all.get(origin) ?? session
      all.set(origin, kept)
      return kept
    })
  }
  const auth: McpAuth.Service = {
    headers: (request) =>
      Effect.flatMap(
        get(request.url),
        (session) => session === undefined ? Effect.succeed({}) : session.headers(request)
      ),
    onChallenge: (challenge) =>
      Effect.flatMap(
        get(challenge.url),
        (session) => session === undefined ? Effect.succeed(false) : session.onChallenge(challenge)
      ),
    onResponse: dpop === undefined ? undefined : (response) => dpop.observe(response.request.url, response.headers)
  }
  return { get, all, auth }
}
