/**
 * The messages of a Streamable HTTP response: a JSON body (one message or a batch), an SSE stream,
 * or nothing (202). An SSE stream that drops before it is done is resumed with `Last-Event-ID` after
 * the server's `retry` delay, a few times; in 2026-07-28 there is no resumption, and a broken stream
 * fails its request as `streamEnded`, so that the client may send it again. The reply of a POST ends
 * with its answer; what follows it in the body goes to the connection's drains (see `body.ts`).
 *
 * @internal
 */
import { ConnectionClosed, McpTransportError } from "@effect-mcp/core/McpError"
import { parseFrame } from "@effect-mcp/core/McpTransport"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Result from "effect/Result"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Body from "./body.ts"
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
  /**
   * Hands each message of the response to a POST to `take`, reading its `body`: a JSON body read
   * whole, or (`streamed`: its content type is `text/event-stream`, which the caller looked up once:
   * every look at a response's headers copies them) an SSE stream up to the message `done` says ends
   * the exchange (a drain reads the rest of the body).
   */
  readonly deliver: (response: HttpClientResponse.HttpClientResponse, reading: {
    readonly streamed: boolean
    readonly done: (message: unknown) => boolean
    readonly resumable: boolean
    readonly body: Body.Body
    readonly take: (message: unknown) => Effect.Effect<void, McpTransportError>
  }) => Effect.Effect<void, McpTransportError>
  /**
   * The messages of an SSE response, resumed while `done` has not said the exchange is over; with the
   * `body` of a POST, ended at the answer as in `deliver`.
   */
  readonly events: (
    response: HttpClientResponse.HttpClientResponse,
    done: (message: unknown) => boolean,
    hints: Hints,
    resumable: boolean,
    body?: Body.Body
  ) => Stream.Stream<unknown, McpTransportError>
}

/**
 * Reads the responses of `url`; `resume` GETs the stream again from an event id.
 */
export const make = (options: {
  readonly url: string
  readonly drains: Body.Drains
  readonly maxResumptions: number
  readonly reconnectDelay: number
  readonly resume: (lastEventId: string) => Effect.Effect<HttpClientResponse.HttpClientResponse, McpTransportError>
}): Replies => {
  const { url } = options

  /**
   * The messages of a JSON body (one message, or a batch) to `take`; a body that is not JSON fails the
   * request. No stream: this is every call's path with a server that answers in JSON.
   */
  const json = (
    response: HttpClientResponse.HttpClientResponse,
    body: Body.Body,
    take: (message: unknown) => Effect.Effect<void, McpTransportError>
  ): Effect.Effect<void, McpTransportError> =>
    Effect.flatMap(Effect.mapError(response.text, (error) => Client.requestFailed(url, error)), (text) => {
      body.end()
      if (text.trim().length === 0) return Effect.void
      const parsed = parseFrame(text)
      if (Result.isFailure(parsed)) return Effect.fail(new McpTransportError({ reason: parsed.failure }))
      return Array.isArray(parsed.success)
        ? Effect.forEach(parsed.success, take, { discard: true })
        : take(parsed.success)
    })

  const events: Replies["events"] = (first, done, hints, resumable, body) =>
    Stream.suspend(() => {
      const cursor: Cursor = { lastEventId: undefined, finished: false }
      const read = (response: HttpClientResponse.HttpClientResponse) => readEvents(url, response, done, hints, cursor)
      const readFirst = body === undefined
        ? read(first)
        : untilAnswer(eventsOf(url, first, hints, cursor, body), done, cursor, body, options.drains)
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
        ? Stream.concat(resumableStream(readFirst), resume(1))
        : Stream.mapError(readFirst, streamEnded)
    })

  return {
    events,
    deliver: (response, { body, done, resumable, streamed, take }) => {
      if (response.status === 202 || response.status === 204) return Effect.void
      if (streamed) {
        return Stream.runForEach(events(response, done, { retryMillis: options.reconnectDelay }, resumable, body), take)
      }
      return json(response, body, take)
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
  eventsOf(url, response, hints, cursor).pipe(
    Stream.tap((message) =>
      Effect.sync(() => {
        if (done(message)) cursor.finished = true
      })
    ),
    Stream.takeUntil(() => cursor.finished)
  )

/**
 * The messages of a POST's SSE response up to its answer. The stream ends with the answer, and the
 * rest of the body is handed to a drain first: the caller closes its stream when it has the answer,
 * and the body is no longer the stream's to abort by then.
 */
const untilAnswer = (
  messages: Stream.Stream<unknown, McpTransportError>,
  done: (message: unknown) => boolean,
  cursor: Cursor,
  body: Body.Body,
  drains: Body.Drains
): Stream.Stream<unknown, McpTransportError> =>
  Stream.fromPull(Effect.map(Scope.provide(Stream.toPull(messages), body.scope), (pull) => {
    let answered = false
    const next = Effect.flatMap(pull, (chunk) => {
      const index = chunk.findIndex(done)
      if (index === -1) return Effect.succeed(chunk)
      answered = true
      cursor.finished = true
      // messages after the answer in the same read are dropped with the rest, as `takeUntil` did
      const upToAnswer = index === chunk.length - 1 ? chunk : chunk.slice(0, index + 1) as unknown as typeof chunk
      return Effect.as(drains.drain(body, pull), upToAnswer)
    })
    return Effect.suspend(() => answered ? Cause.done() : next)
  }))

/** The messages of one SSE response, noting event ids and `retry` hints; with a `body`, noting its end. */
const eventsOf = (
  url: string,
  response: HttpClientResponse.HttpClientResponse,
  hints: Hints,
  cursor: Cursor,
  body?: Body.Body
): Stream.Stream<unknown, McpTransportError> => {
  const bytes = Stream.mapError(response.stream, (error) => Client.requestFailed(url, error))
  return Sse.decode()(body === undefined ? bytes : Stream.onEnd(bytes, Effect.sync(() => body.end()))).pipe(
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
    })
  )
}

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
