/**
 * The messages of a Streamable HTTP response: a JSON body (one message or a batch), an SSE stream,
 * or nothing (202). An SSE stream that drops before it is done is resumed with `Last-Event-ID` after
 * the server's `retry` delay, a few times; in 2026-07-28 there is no resumption, and a broken stream
 * fails its request as `streamEnded`, so that the client may send it again.
 *
 * @internal
 */
import { ConnectionClosed, McpTransportError } from "@effect-mcp/core/McpError"
import { parseFrame } from "@effect-mcp/core/McpTransport"
import * as Effect from "effect/Effect"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import * as Client from "./client.ts"
import * as Sse from "./sse.ts"

/**
 * The server's hint for how long to wait before resuming, updated as `retry` fields arrive.
 */
export interface Hints {
  retryMillis: number
}

/**
 * Reads the messages of responses.
 */
export interface Replies {
  /** The messages of a response; `done` says which message ends the exchange. */
  readonly messages: (
    response: HttpClientResponse.HttpClientResponse,
    done: (message: unknown) => boolean,
    resumable: boolean
  ) => Stream.Stream<unknown, McpTransportError>
  /** The messages of an SSE response, resumed while `done` has not said the exchange is over. */
  readonly events: (
    response: HttpClientResponse.HttpClientResponse,
    done: (message: unknown) => boolean,
    hints: Hints,
    resumable: boolean
  ) => Stream.Stream<unknown, McpTransportError>
}

/**
 * Reads the responses of `url`; `resume` GETs the stream again from an event id.
 */
export const make = (options: {
  readonly url: string
  readonly maxResumptions: number
  readonly reconnectDelay: number
  readonly resume: (lastEventId: string) => Effect.Effect<HttpClientResponse.HttpClientResponse, McpTransportError>
}): Replies => {
  const { url } = options

  /** The messages of a JSON body (one message, or a batch); a body that is not JSON fails the request. */
  const body = (response: HttpClientResponse.HttpClientResponse): Stream.Stream<unknown, McpTransportError> =>
    Stream.unwrap(
      Effect.map(Effect.mapError(response.text, (error) => Client.requestFailed(url, error)), (text) => {
        if (text.trim().length === 0) return Stream.empty
        const parsed = parseFrame(text)
        if (Result.isFailure(parsed)) return Stream.fail(new McpTransportError({ reason: parsed.failure }))
        return Stream.fromIterable(Array.isArray(parsed.success) ? parsed.success : [parsed.success])
      })
    )

  const events: Replies["events"] = (first, done, hints, resumable) =>
    Stream.suspend(() => {
      const cursor: Cursor = { lastEventId: undefined, finished: false }
      const read = (response: HttpClientResponse.HttpClientResponse) => readEvents(url, response, done, hints, cursor)
      // a stream that fails (a reset connection) is resumed like one that ends
      const resumableStream = (stream: Stream.Stream<unknown, McpTransportError>) =>
        Stream.catch(stream, (error) =>
          cursor.lastEventId === undefined || cursor.finished ? Stream.fail(error) : Stream.empty)
      const resume = (attempt: number): Stream.Stream<unknown, McpTransportError> =>
        Stream.suspend(() => {
          const eventId = cursor.lastEventId
          if (cursor.finished || eventId === undefined || attempt > options.maxResumptions) {
            return Stream.empty
          }
          return Stream.unwrap(
            Effect.andThen(
              Effect.sleep(hints.retryMillis),
              Effect.map(
                options.resume(eventId),
                (response) =>
                  Stream.concat(resumableStream(read(response)), resume(attempt + 1))
              )
            )
          )
        })
      return resumable
        ? Stream.concat(resumableStream(read(first)), resume(1))
        : Stream.mapError(read(first), streamEnded)
    })

  return {
    events,
    messages: (response, done, resumable) => {
      if (response.status === 202 || response.status === 204) return Stream.empty
      if (Client.isEventStream(response)) {
        return events(response, done, { retryMillis: options.reconnectDelay }, resumable)
      }
      return body(response)
    }
  }
}

/** Where a stream of events stands: the id to resume from, and whether the exchange is over. */
interface Cursor {
  lastEventId: string | undefined
  finished: boolean
}

/** The messages of one SSE response, noting event ids and `retry` hints, until `done`. */
const readEvents = (
  url: string,
  response: HttpClientResponse.HttpClientResponse,
  done: (message: unknown) => boolean,
  hints: Hints,
  cursor: Cursor
): Stream.Stream<unknown, McpTransportError> =>
  Sse.decode()(Stream.mapError(response.stream, (error) => Client.requestFailed(url, error))).pipe(
    Stream.flatMap((item): Stream.Stream<unknown> => {
      if (item._tag === "Retry") {
        hints.retryMillis = item.millis
        return Stream.empty
      }
      // an empty id resets it: nothing to resume from
      if (item._tag === "LastEventId") {
        cursor.lastEventId = item.id === "" ? undefined : item.id
        return Stream.empty
      }
      if (item.id !== undefined) cursor.lastEventId = item.id === "" ? undefined : item.id
      if (item.event !== "message" || item.data.trim().length === 0) return Stream.empty
      const parsed = parseFrame(item.data)
      if (Result.isFailure(parsed)) return Stream.succeed(parsed.failure)
      return Stream.fromIterable(Array.isArray(parsed.success) ? parsed.success : [parsed.success])
    }),
    Stream.tap((message) =>
      Effect.sync(() => {
        if (done(message)) cursor.finished = true
      })
    ),
    Stream.takeUntil(() => cursor.finished)
  )

/** A broken stream of 2026-07-28, which has no resumption: marked so that its request may be sent again. */
const streamEnded = (error: McpTransportError): McpTransportError =>
  error.reason._tag === "ConnectionClosed"
    ? new McpTransportError({
      reason: new ConnectionClosed({
        ...(error.reason.description === undefined ? {} : { description: error.reason.description }),
        ...(error.reason.cause === undefined ? {} : { cause: error.reason.cause }),
        streamEnded: true
      })
    })
    : error
