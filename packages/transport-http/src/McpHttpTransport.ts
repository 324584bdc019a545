/**
 * The Streamable HTTP transport (revisions 2025-03-26 … 2025-11-25), on Effect's `HttpClient`.
 *
 * Each message is one POST with `Accept: application/json, text/event-stream`. The answer to a request
 * is a JSON body or an SSE stream that may carry the server's requests and notifications before the
 * response: it becomes that request's reply stream, so closing it early cancels the request. The
 * session id (`Mcp-Session-Id`) the server gives on `initialize` is sent back on every later request,
 * with `MCP-Protocol-Version` once negotiated. After `notifications/initialized` a GET stream carries
 * the server's unsolicited messages (405 means the server has none). A dropped SSE stream is resumed
 * with `Last-Event-ID` after the server's `retry` delay. A 404 to a request with a session id means the
 * session expired: it fails with `SessionExpired`, and the client opens a new session. Closing the
 * connection sends DELETE for the session.
 *
 * A server that refuses `initialize` with 400, 404 or 405 is tried with the legacy HTTP+SSE transport
 * at the same URL (the connection's `fallback`), unless `sseFallback: false`.
 *
 * Transient failures (a connection that could not be made or was reset, 502, 503, 504) are retried on
 * a `Schedule` for requests that are safe to repeat (everything but `tools/call`). Authorization comes
 * from the `McpAuth` hook of core: its headers go on every request, and it decides whether a 401/403 is
 * retried.
 *
 * **Revision 2026-07-28.** A request whose `_meta` names a stateless revision is sent with that
 * revision in `MCP-Protocol-Version` and the routing headers `Mcp-Method`, `Mcp-Name` (the tool or
 * prompt name, the resource URI) and `Mcp-Param-{Name}` for each argument its tool marks with
 * `x-mcp-header` (learnt from the `tools/list` answers this connection carried; tools whose
 * annotations are invalid are dropped from those answers, as the specification requires of HTTP
 * clients). There is no session, GET stream, DELETE or resumption in that era: those parts only run
 * once `initialize` opened a session. A 4xx answer whose body is a JSON-RPC error becomes that
 * request's error, so the client can read the codes the era detection and corrections rely on.
 *
 * **Example** (A remote server)
 *
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Layer } from "effect"
 * import { McpClient } from "@effect-mcp/core"
 * import { McpHttpTransport } from "@effect-mcp/transport-http"
 *
 * const ClientLive = McpClient.layer().pipe(
 *   Layer.provide(McpHttpTransport.layer({ url: "https://example.com/mcp" })),
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import * as McpAuth from "@effect-mcp/core/McpAuth"
import { ConnectionClosed, HttpStatus, McpTransportError, SessionExpired } from "@effect-mcp/core/McpError"
import { MetaKey, type RequestId, SAFE_TO_REPEAT_METHODS } from "@effect-mcp/core/McpSchema"
import { excerpt, McpTransport, parseFrame, reportMalformed } from "@effect-mcp/core/McpTransport"
import type { McpConnection, OutgoingMessage } from "@effect-mcp/core/McpTransport"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Headers from "./internal/headers.ts"
import * as Routing from "./internal/routing.ts"
import * as Sse from "./internal/sse.ts"
import * as McpSseTransport from "./McpSseTransport.ts"

/**
 * Options of {@link layer}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** The MCP endpoint. */
  readonly url: string | URL
  /** Headers sent with every request (after authorization's, which they cannot override). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** How long to wait for the response headers of each HTTP request. Default: 30 seconds. */
  readonly timeout?: Duration.Input | undefined
  /** Retries of transient failures for requests that are safe to repeat; `false` for none. Default: 3, from 200 ms, doubling. */
  readonly retry?: Schedule.Schedule<unknown, McpTransportError> | false | undefined
  /** Resumptions of one dropped SSE stream before giving up. Default: 3. */
  readonly maxResumptions?: number | undefined
  /** The delay before resuming when the server gave no `retry`. Default: 1 second. */
  readonly reconnectDelay?: Duration.Input | undefined
  /** Open the GET stream for the server's unsolicited messages. Default: true. */
  readonly listen?: boolean | undefined
  /**
   * When the server refuses `initialize` with 400, 404 or 405 (it does not speak Streamable HTTP),
   * try the legacy HTTP+SSE transport at the same URL, as the specification's backwards
   * compatibility section says. Default: true.
   */
  readonly sseFallback?: boolean | undefined
}

/**
 * Whether a message may be POSTed again after a transient failure: responses to the server and the
 * requests above. Not `initialize` (a retry could leave an orphaned session on the server), not
 * `tools/call`, and not notifications (a late `notifications/cancelled` helps nobody).
 */
const isSafeToRepeat = (message: OutgoingMessage): boolean =>
  "method" in message ? "id" in message && SAFE_TO_REPEAT_METHODS.has(message.method) : true

/** A session id must be visible ASCII (0x21–0x7E). */
const VISIBLE_ASCII = /^[\x21-\x7E]+$/

/** Consecutive GET streams that bring nothing before the client stops asking for one. */
const MAX_QUIET_LISTENS = 5

const TRANSIENT_STATUS = new Set([502, 503, 504])

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** The methods whose `Mcp-Name` header carries `params.name`, or `params.uri` for `resources/read`. */
const NAMED_METHODS: ReadonlySet<string> = new Set(["tools/call", "prompts/get", "resources/read"])

/** The methods of the tasks extension, whose `Mcp-Name` header carries `params.taskId`. */
const TASK_METHODS: ReadonlySet<string> = new Set(["tasks/get", "tasks/update", "tasks/cancel"])

/**
 * The revision a message names in its `_meta` (2026-07-28 and later), if it names one.
 *
 * @stability experimental
 * @category constructors
 * @since 0.2.0
 */
export const statelessVersionOf = (message: OutgoingMessage): string | undefined => {
  const params = "params" in message ? message.params as { readonly _meta?: Record<string, unknown> } : undefined
  const version = params?._meta?.[MetaKey.protocolVersion]
  return typeof version === "string" ? version : undefined
}

/**
 * The headers a message needs beside the session's: none in the stateful revisions; in 2026-07-28
 * `MCP-Protocol-Version` (from the message's `_meta`), `Mcp-Method`, and `Mcp-Name` for
 * `tools/call`, `prompts/get` and `resources/read` (and the task id for the tasks extension's methods).
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const headersFor = (message: OutgoingMessage): Readonly<Record<string, string>> => {
  const version = statelessVersionOf(message)
  if (version === undefined || !("method" in message)) return {}
  const headers: Record<string, string> = { "mcp-protocol-version": version, "mcp-method": message.method }
  const params = message.params as { readonly name?: unknown; readonly uri?: unknown; readonly taskId?: unknown }
  const name = NAMED_METHODS.has(message.method)
    ? (message.method === "resources/read" ? params.uri : params.name)
    : TASK_METHODS.has(message.method)
    ? params.taskId
    : undefined
  if (typeof name === "string") headers["mcp-name"] = Routing.encodeValue(name)
  return headers
}

interface Transient {
  readonly transient: true
  readonly error: McpTransportError
}

const transportError = (url: string, cause: HttpClientError.HttpClientError) =>
  new McpTransportError({
    reason: new ConnectionClosed({ description: `HTTP request to ${url} failed: ${cause.message}`, cause })
  })

/**
 * Opens a Streamable HTTP connection in the current scope.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const connect = Effect.fnUntraced(function*(
  options: Options
): Effect.fn.Return<McpConnection, never, Scope.Scope | HttpClient.HttpClient> {
  const client = yield* HttpClient.HttpClient
  const auth = yield* McpAuth.McpAuth
  return yield* connectWith(client, auth, options)
})

const connectWith = Effect.fnUntraced(function*(
  client: HttpClient.HttpClient,
  auth: McpAuth.Service,
  options: Options
): Effect.fn.Return<McpConnection, never, Scope.Scope> {
  const url = options.url.toString()
  const timeout = Duration.fromInputUnsafe(options.timeout ?? "30 seconds")
  const retry = options.retry === false
    ? undefined
    : options.retry ?? Schedule.exponential("200 millis").pipe(Schedule.upTo({ times: 3 }))
  const maxResumptions = options.maxResumptions ?? 3
  const reconnectDelay = Duration.toMillis(Duration.fromInputUnsafe(options.reconnectDelay ?? "1 second"))

  let sessionId: string | undefined
  let protocolVersion: string | undefined
  let initializeId: RequestId | undefined
  const initialized = yield* Deferred.make<void>()

  const baseHeaders = Effect.map(Headers.authorized(auth, url, options.headers), (headers) => {
    if (sessionId !== undefined) headers["mcp-session-id"] = sessionId
    if (protocolVersion !== undefined) headers["mcp-protocol-version"] = protocolVersion
    return headers
  })

  /**
   * Sends one HTTP request, with authorization, a 401/403 retry if the hook wants it, and a timeout.
   * A request that could not be made or whose connection was reset fails `Transient` (worth another
   * try); a timeout does not (the server may be working on it).
   */
  const attempt = (build: (headers: Record<string, string>) => HttpClientRequest.HttpClientRequest) => {
    const once = Effect.flatMap(baseHeaders, (headers) =>
      client.execute(build(headers)).pipe(
        Effect.mapError((error): McpTransportError | Transient => ({
          transient: true,
          error: transportError(url, error)
        })),
        Effect.timeoutOrElse({
          duration: timeout,
          orElse: () =>
            Effect.fail(
              new McpTransportError({
                reason: new ConnectionClosed({
                  description: `no response from ${url} within ${Duration.format(timeout)}`
                })
              })
            )
        })
      ))
    return Effect.flatMap(once, (response) =>
      response.status === 401 || response.status === 403
        ? Effect.flatMap(
          auth.onChallenge({ status: response.status, url, wwwAuthenticate: response.headers["www-authenticate"] }),
          // the refused response's body is read before the retry, so its connection is free again
          (retry) => retry ? Effect.andThen(Effect.ignore(response.text), once) : Effect.succeed(response)
        )
        : Effect.succeed(response))
  }

  const untransient = (error: McpTransportError | Transient): McpTransportError =>
    error instanceof McpTransportError ? error : error.error

  const execute = (build: (headers: Record<string, string>) => HttpClientRequest.HttpClientRequest) =>
    Effect.mapError(attempt(build), untransient)

  const failStatus = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<never, McpTransportError> =>
    Effect.flatMap(
      Effect.orElseSucceed(response.text, () => ""),
      (body) =>
        Effect.fail(
          response.status === 404 && sessionId !== undefined
            ? new McpTransportError({ reason: new SessionExpired({ sessionId }) })
            : new McpTransportError({ reason: new HttpStatus({ status: response.status, url, body: excerpt(body) }) })
        )
    )

  /** POSTs a message; retries transient failures when the message is safe to repeat. */
  const post = (message: OutgoingMessage) => {
    const once = attempt((headers) =>
      HttpClientRequest.post(url).pipe(
        HttpClientRequest.setHeaders({
          ...headers,
          ...headersFor(message),
          ...toolHeadersFor(message),
          accept: "application/json, text/event-stream"
        }),
        HttpClientRequest.bodyText(JSON.stringify(message), "application/json")
      )
    ).pipe(
      Effect.flatMap((response): Effect.Effect<HttpClientResponse.HttpClientResponse, McpTransportError | Transient> =>
        TRANSIENT_STATUS.has(response.status)
          ? Effect.flatMap(Effect.flip(failStatus(response)), (error) => Effect.fail({ transient: true, error }))
          : Effect.succeed(response)
      )
    )
    const retried = retry === undefined || !isSafeToRepeat(message)
      ? once
      : Effect.retry(once, {
        schedule: retry as Schedule.Schedule<unknown, McpTransportError | Transient>,
        while: (error) => !(error instanceof McpTransportError)
      })
    return Effect.mapError(retried, untransient)
  }

  /** The session id comes with the answer to `initialize` only, and must be visible ASCII. */
  const captureSession = (response: HttpClientResponse.HttpClientResponse) => {
    const id = response.headers["mcp-session-id"]
    if (id !== undefined && VISIBLE_ASCII.test(id)) sessionId = id
  }

  /** Notes the negotiated revision from the answer to `initialize`, for `MCP-Protocol-Version`. */
  const observe = (message: unknown): unknown => {
    if (initializeId !== undefined && typeof message === "object" && message !== null) {
      const { id, result } = message as {
        readonly id?: unknown
        readonly result?: { readonly protocolVersion?: unknown }
      }
      if (id === initializeId && typeof result?.protocolVersion === "string") protocolVersion = result.protocolVersion
    }
    return message
  }

  /** The messages of a JSON body (one message, or a batch); a body that is not JSON fails the request. */
  const frames = (text: string): Stream.Stream<unknown, McpTransportError> => {
    const parsed = parseFrame(text)
    if (Result.isFailure(parsed)) return Stream.fail(new McpTransportError({ reason: parsed.failure }))
    const value = parsed.success
    return Stream.fromIterable(Array.isArray(value) ? value.map(observe) : [observe(value)])
  }

  /**
   * The messages of an SSE response, resumed with `Last-Event-ID` when it drops before `done` says
   * the exchange is over.
   */
  const sseMessages = (
    first: HttpClientResponse.HttpClientResponse,
    done: (message: unknown) => boolean,
    hints: { retryMillis: number } = { retryMillis: reconnectDelay },
    resumable = true
  ): Stream.Stream<unknown, McpTransportError> =>
    Stream.suspend(() => {
      let lastEventId: string | undefined
      let finished = false
      const read = (response: HttpClientResponse.HttpClientResponse): Stream.Stream<unknown, McpTransportError> =>
        Sse.decode()(Stream.mapError(response.stream, (error) => transportError(url, error))).pipe(
          Stream.flatMap((item): Stream.Stream<unknown> => {
            if (item._tag === "Retry") {
              hints.retryMillis = item.millis
              return Stream.empty
            }
            // an empty id resets it: nothing to resume from
            if (item._tag === "LastEventId") {
              lastEventId = item.id === "" ? undefined : item.id
              return Stream.empty
            }
            if (item.id !== undefined) lastEventId = item.id === "" ? undefined : item.id
            if (item.event !== "message" || item.data.trim().length === 0) return Stream.empty
            const parsed = parseFrame(item.data)
            if (Result.isFailure(parsed)) return Stream.fromEffect(reportMalformed(parsed.failure)).pipe(Stream.drain)
            return Stream.fromIterable((Array.isArray(parsed.success) ? parsed.success : [parsed.success]).map(observe))
          }),
          Stream.tap((message) =>
            Effect.sync(() => {
              if (done(message)) finished = true
            })
          ),
          Stream.takeUntil(() => finished)
        )
      const resume = (attempt: number): Stream.Stream<unknown, McpTransportError> =>
        Stream.suspend(() => {
          if (finished || lastEventId === undefined || attempt > maxResumptions) return Stream.empty
          const eventId = lastEventId
          return Stream.unwrap(
            Effect.gen(function*() {
              yield* Effect.sleep(hints.retryMillis)
              const response = yield* execute((headers) =>
                HttpClientRequest.get(url).pipe(
                  HttpClientRequest.setHeaders({ ...headers, accept: "text/event-stream", "last-event-id": eventId })
                )
              )
              if (response.status < 200 || response.status >= 300) return yield* failStatus(response)
              return Stream.concat(resumableStream(read(response)), resume(attempt + 1))
            })
          )
        })
      // a stream that fails (a reset connection) is resumed like one that ends
      const resumableStream = (stream: Stream.Stream<unknown, McpTransportError>) =>
        Stream.catch(stream, (error) => lastEventId === undefined || finished ? Stream.fail(error) : Stream.empty)
      // 2026-07-28 has no resumption: a broken stream fails its request, which the caller may send again
      return resumable
        ? Stream.concat(resumableStream(read(first)), resume(1))
        : Stream.mapError(read(first), (error) =>
          error.reason._tag === "ConnectionClosed"
            ? new McpTransportError({
              reason: new ConnectionClosed({
                ...(error.reason.description === undefined ? {} : { description: error.reason.description }),
                ...(error.reason.cause === undefined ? {} : { cause: error.reason.cause }),
                streamEnded: true
              })
            })
            : error)
    })

  const isEventStream = (response: HttpClientResponse.HttpClientResponse) =>
    (response.headers["content-type"] ?? "").includes("text/event-stream")

  /** The messages of a response: a JSON body, an SSE stream, or nothing (202). */
  const messagesOf = (
    response: HttpClientResponse.HttpClientResponse,
    done: (message: unknown) => boolean,
    resumable = true
  ): Stream.Stream<unknown, McpTransportError> => {
    if (response.status === 202 || response.status === 204) return Stream.empty
    if (isEventStream(response)) return sseMessages(response, done, undefined, resumable)
    return Stream.unwrap(
      Effect.map(
        Effect.mapError(response.text, (error) => transportError(url, error)),
        (text) => text.trim().length === 0 ? Stream.empty : frames(text)
      )
    )
  }

  /**
   * The JSON-RPC error in the body of a 4xx answer to a stateless request, as that request's response
   * (its id is the request's: the answer can only be to it), or the status as a transport error.
   */
  const errorBody = (response: HttpClientResponse.HttpClientResponse, id: RequestId) =>
    Effect.gen(function*() {
      const body = yield* Effect.orElseSucceed(response.text, () => "")
      const parsed = parseFrame(body)
      const error = Result.isSuccess(parsed) && isRecord(parsed.success) ? parsed.success.error : undefined
      if (isRecord(error) && typeof error.code === "number" && typeof error.message === "string") {
        return { jsonrpc: "2.0", id, error } as unknown
      }
      return yield* new McpTransportError({
        reason: new HttpStatus({ status: response.status, url, body: excerpt(body) })
      })
    })

  // The x-mcp-header annotations of the tools this connection listed (stateless era): tool name →
  // the arguments mirrored into headers.
  const toolParams = new Map<string, ReadonlyArray<Routing.HeaderParam>>()

  const toolHeadersFor = (message: OutgoingMessage): Record<string, string> => {
    if (!("method" in message) || message.method !== "tools/call" || toolParams.size === 0) return {}
    const params = message.params as { readonly name?: unknown; readonly arguments?: unknown } | undefined
    const annotated = typeof params?.name === "string" ? toolParams.get(params.name) : undefined
    return annotated === undefined ? {} : Routing.paramHeaders(annotated, params?.arguments)
  }

  /**
   * Records the header annotations of the tools of a `tools/list` result, and says which tools to
   * drop: those whose annotations are invalid, since a server cannot route their calls.
   */
  const learn = (
    result: Record<string, unknown>
  ): { readonly kept: Array<unknown>; readonly dropped: Array<string> } => {
    const kept: Array<unknown> = []
    const dropped: Array<string> = []
    for (const tool of Array.isArray(result.tools) ? result.tools : []) {
      if (!isRecord(tool) || typeof tool.name !== "string") {
        kept.push(tool)
        continue
      }
      const annotations = Routing.headerParams(tool.inputSchema)
      if ("invalid" in annotations) {
        dropped.push(`${tool.name} (${annotations.invalid})`)
        toolParams.delete(tool.name)
        continue
      }
      if (annotations.params.length > 0) toolParams.set(tool.name, annotations.params)
      else toolParams.delete(tool.name)
      kept.push(tool)
    }
    return { kept, dropped }
  }

  /** Learns from a `tools/list` answer and drops its tools that must not be offered over HTTP. */
  const learnTools = (reply: unknown): Effect.Effect<unknown> => {
    if (!isRecord(reply) || !isRecord(reply.result) || !Array.isArray(reply.result.tools)) return Effect.succeed(reply)
    const { dropped, kept } = learn(reply.result)
    if (dropped.length === 0) return Effect.succeed(reply)
    return Effect.as(
      Effect.logWarning("MCP: dropped tools whose x-mcp-header annotations are invalid").pipe(
        Effect.annotateLogs({ "mcp.url": url, "mcp.tools": dropped.join("; ") })
      ),
      { ...reply, result: { ...reply.result, tools: kept } }
    )
  }

  const isResponseTo = (id: RequestId) => (message: unknown): boolean =>
    typeof message === "object" && message !== null && !("method" in message) &&
    (message as { readonly id?: unknown }).id === id

  const request = (message: OutgoingMessage): Stream.Stream<unknown, McpTransportError> =>
    Stream.unwrap(Effect.gen(function*() {
      if ("method" in message && message.method === "initialize" && "id" in message) {
        // a new handshake never carries the old session
        initializeId = message.id
        sessionId = undefined
        protocolVersion = undefined
      }
      const response = yield* post(message)
      if ("method" in message && message.method === "initialize") captureSession(response)
      const id = (message as { readonly id: RequestId }).id
      const stateless = statelessVersionOf(message) !== undefined
      if (response.status < 200 || response.status >= 300) {
        // authorization failures stay HTTP statuses in every era: the JSON-RPC error of a 401 says no more
        const refused = response.status === 401 || response.status === 403
        if (!stateless || refused || response.status < 400 || response.status >= 500) return yield* failStatus(response)
        return Stream.succeed(yield* errorBody(response, id))
      }
      const messages = messagesOf(response, isResponseTo(id), !stateless)
      return stateless && "method" in message && message.method === "tools/list"
        ? Stream.mapEffect(messages, (reply) => isResponseTo(id)(reply) ? learnTools(reply) : Effect.succeed(reply))
        : messages
    }))

  const send = (message: OutgoingMessage): Effect.Effect<void, McpTransportError> =>
    Effect.gen(function*() {
      const response = yield* post(message)
      if (response.status < 200 || response.status >= 300) return yield* failStatus(response)
      // a server may answer a notification with a body; nothing in it is for us but keep it flowing
      yield* Effect.ignore(response.text)
      if ("method" in message && message.method === "notifications/initialized") {
        yield* Deferred.succeed(initialized, undefined)
      }
    })

  // The GET stream: unsolicited server messages for the whole session. It is optional: a server that
  // refuses it, a stream that drops or fails, never ends the session. Only a 404 for the session (it
  // expired) does. A dropped stream is resumed, then opened again after the server's `retry` (or a
  // backoff); after MAX_QUIET_LISTENS streams in a row that brought nothing, the client stops asking.
  const listen = (quiet: number, delay: number): Stream.Stream<unknown, McpTransportError> =>
    Stream.unwrap(Effect.gen(function*() {
      if (quiet >= MAX_QUIET_LISTENS) return Stream.never
      yield* quiet === 0 && delay === 0 ? Deferred.await(initialized) : Effect.sleep(delay)
      const opened = yield* Effect.exit(
        execute((headers) =>
          HttpClientRequest.get(url).pipe(HttpClientRequest.setHeaders({ ...headers, accept: "text/event-stream" }))
        )
      )
      const backoff = Math.min(Math.max(delay, reconnectDelay) * 2, 30_000)
      if (Exit.isFailure(opened)) return listen(quiet + 1, backoff)
      const response = opened.value
      if (response.status === 404 && sessionId !== undefined) return yield* failStatus(response)
      if (response.status < 200 || response.status >= 300 || !isEventStream(response)) {
        // 405 says the server offers no GET stream, which is fine; other refusals (servers that have no
        // GET route at all answer 400 or 404) mean the same to us
        yield* Effect.ignore(response.text)
        return Stream.never
      }
      const hints = { retryMillis: reconnectDelay }
      let received = false
      return Stream.concat(
        sseMessages(response, () => false, hints).pipe(
          Stream.tap(() =>
            Effect.sync(() => {
              received = true
            })
          ),
          Stream.catch(() => Stream.empty)
        ),
        Stream.suspend(() =>
          received ? listen(0, Math.max(hints.retryMillis, 1)) : listen(quiet + 1, Math.max(hints.retryMillis, backoff))
        )
      )
    }))

  yield* Effect.addFinalizer(() =>
    sessionId === undefined ? Effect.void : execute((headers) =>
      HttpClientRequest.delete(url).pipe(
        HttpClientRequest.setHeaders(headers)
      )
    ).pipe(Effect.timeout("2 seconds"), Effect.ignore)
  )

  return {
    send,
    request,
    incoming: options.listen === false ? Stream.never : listen(0, 0),
    credentialsId: Headers.credentialsId(auth, url, options.headers),
    // a tools/list answered from the client's cache still teaches this connection the tools' headers
    observeResult: (method, result) => {
      if (method === "tools/list") learn(result)
    },
    fallback: options.sseFallback === false ? undefined : McpSseTransport.connect({
      url,
      headers: options.headers,
      timeout: options.timeout
    }).pipe(Effect.provideService(HttpClient.HttpClient, client), Effect.provideService(McpAuth.McpAuth, auth))
  }
})

/**
 * Provides an `McpTransport` for a Streamable HTTP endpoint. Needs an `HttpClient`
 * (`NodeHttpClient.layerUndici` of `@effect/platform-node`, or `FetchHttpClient.layer`).
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<McpTransport, never, HttpClient.HttpClient> =>
  Layer.effect(McpTransport)(
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const auth = yield* McpAuth.McpAuth
      return McpTransport.of({ connect: connectWith(client, auth, options) })
    })
  )

/**
 * Tells whether a URL names a legacy HTTP+SSE endpoint: its path ends in `/sse`.
 *
 * @stability experimental
 * @category guards
 * @since 0.1.0
 */
export const isSseUrl = (url: string | URL): boolean => {
  const path = new URL(url.toString()).pathname.replace(/\/+$/, "")
  return path.endsWith("/sse")
}

/**
 * Provides the transport a URL implies: the legacy HTTP+SSE transport for a path ending in `/sse`,
 * Streamable HTTP otherwise (FastMCP's inference).
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layerUrl = (
  url: string | URL,
  options?: Omit<Options, "url">
): Layer.Layer<McpTransport, never, HttpClient.HttpClient> =>
  isSseUrl(url)
    ? McpSseTransport.layer({ url, headers: options?.headers, timeout: options?.timeout })
    : layer({ ...options, url })
