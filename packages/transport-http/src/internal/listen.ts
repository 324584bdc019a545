/**
 * The GET stream of a Streamable HTTP session: the server's unsolicited messages, for as long as the
 * session lives. It is optional: a server that refuses it, a stream that drops or fails, never ends
 * the session; only a 404 for the session (it expired) does. A dropped stream is resumed, then
 * opened again after the server's `retry` (or a backoff); after {@link MAX_QUIET_LISTENS} streams in
 * a row that brought nothing, the client stops asking.
 *
 * @internal
 */
import type { McpTransportError } from "@effect-mcp/core/McpError"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Stream from "effect/Stream"
import * as Client from "./client.ts"
import type * as Replies from "./replies.ts"
import type * as Session from "./session.ts"

/** Consecutive GET streams that bring nothing before the client stops asking for one. */
export const MAX_QUIET_LISTENS = 5

/**
 * The messages of the GET streams of a session, from the moment it opens.
 */
export const stream = (options: {
  readonly url: string
  readonly session: Session.Session
  readonly replies: Replies.Replies
  readonly reconnectDelay: number
  readonly get: Effect.Effect<HttpClientResponse.HttpClientResponse, McpTransportError>
}): Stream.Stream<unknown, McpTransportError> => {
  const { reconnectDelay, session } = options

  const listen = (quiet: number, delay: number): Stream.Stream<unknown, McpTransportError> =>
    Stream.unwrap(Effect.gen(function*() {
      if (quiet >= MAX_QUIET_LISTENS) return Stream.never
      yield* quiet === 0 && delay === 0 ? session.opened : Effect.sleep(delay)
      const opened = yield* Effect.exit(options.get)
      const backoff = Math.min(Math.max(delay, reconnectDelay) * 2, 30_000)
      if (Exit.isFailure(opened)) return listen(quiet + 1, backoff)
      const response = opened.value
      if (response.status === 404 && session.active()) return yield* session.statusError(response, options.url)
      if (!Client.isOk(response) || !Client.isEventStream(response)) {
        // 405 says the server offers no GET stream, which is fine; other refusals (servers that have no
        // GET route at all answer 400 or 404) mean the same to us
        yield* Effect.ignore(response.text)
        return Stream.never
      }
      return received(response, quiet, backoff)
    }))

  /** One GET stream, then the next: at once after one that brought messages, later after a quiet one. */
  const received = (response: HttpClientResponse.HttpClientResponse, quiet: number, backoff: number) => {
    const hints = { retryMillis: reconnectDelay }
    let brought = false
    return Stream.concat(
      options.replies.events(response, () => false, hints, true).pipe(
        Stream.tap(() =>
          Effect.sync(() => {
            brought = true
          })
        ),
        Stream.catch(() => Stream.empty)
      ),
      Stream.suspend(() =>
        brought ? listen(0, Math.max(hints.retryMillis, 1)) : listen(quiet + 1, Math.max(hints.retryMillis, backoff))
      )
    )
  }

  return listen(0, 0)
}
