/**
 * One bearer session per MCP server origin, made on that origin's first request: the `McpAuth` hook
 * of a token layer given to a transport (which may reach several servers) routes each request, each
 * challenge and each response to the session of its URL's origin.
 *
 * @internal
 */
import type * as McpAuth from "@effect-mcp/core/McpAuth"
import * as Effect from "effect/Effect"
import type * as Bearer from "./bearer.ts"

/** The origin of a URL, or `undefined` when it does not parse. */
export const originOf = (url: string): string | undefined => URL.canParse(url) ? new URL(url).origin : undefined

/** The MCP server a URL names: the URL without its query and fragment. */
export const serverOf = (url: string): string => {
  const parsed = new URL(url)
  parsed.search = ""
  parsed.hash = ""
  return parsed.href
}

/** The sessions of a token layer, and its hook. */
export interface Origins {
  /** The session of a URL's origin, made on first use; `undefined` for a URL that does not parse. */
  readonly sessionFor: (url: string) => Effect.Effect<Bearer.Session | undefined>
  /** The sessions made so far, by origin. */
  readonly sessions: ReadonlyMap<string, Bearer.Session>
  /** Core's hook over the sessions; `observe` sees every response (DPoP nonces). */
  readonly auth: McpAuth.Service
}

/**
 * Sessions made by `make(server)`, one per origin.
 */
export const make = (
  make: (server: string) => Effect.Effect<Bearer.Session>,
  observe?: ((url: string, headers: Readonly<Record<string, string>>) => Effect.Effect<void>) | undefined
): Origins => {
  const sessions = new Map<string, Bearer.Session>()
  const sessionFor = (url: string): Effect.Effect<Bearer.Session | undefined> => {
    const origin = originOf(url)
    if (origin === undefined) return Effect.succeed(undefined)
    const existing = sessions.get(origin)
    if (existing !== undefined) return Effect.succeed(existing)
    return Effect.map(make(serverOf(url)), (session) => {
      // two fibers may build one at once: the first kept wins
      const kept = sessions.get(origin) ?? session
      sessions.set(origin, kept)
      return kept
    })
  }
  const auth: McpAuth.Service = {
    headers: (request) =>
      Effect.flatMap(
        sessionFor(request.url),
        (session) => session === undefined ? Effect.succeed({}) : session.headers(request)
      ),
    onChallenge: (challenge) =>
      Effect.flatMap(
        sessionFor(challenge.url),
        (session) => session === undefined ? Effect.succeed(false) : session.onChallenge(challenge)
      ),
    onResponse: observe === undefined ? undefined : (response) => observe(response.request.url, response.headers)
  }
  return { sessionFor, sessions, auth }
}
