/**
 * HTTP requests as both HTTP transports send them: the configured headers and the `McpAuth`
 * credentials, one more try when the hook answers a 401/403 challenge with `true`, and a deadline
 * for the response headers (unless the MCP request it carries has its own: see {@link Attempt}). A
 * request that could not be made, or whose connection was reset, fails as {@link Transient} (worth
 * another try); a missed deadline does not (the server may be working on it). Errors show a URL as
 * {@link shown} does: never the password it may hold. Also the one way both transports' services
 * are built.
 *
 * @internal
 */
import * as McpAuth from "@effect-mcp/core/McpAuth"
import { ConnectionClosed, HttpStatus, McpTransportError } from "@effect-mcp/core/McpError"
import { excerpt } from "@effect-mcp/core/McpTransport"
import type * as McpTransportModule from "@effect-mcp/core/McpTransport"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as UrlParams from "effect/http/UrlParams"
import * as Predicate from "effect/Predicate"
import * as Scope from "effect/Scope"
import * as Headers from "./headers.ts"

/**
 * A failure worth another try: the request could not be made, or its connection was reset.
 */
export interface Transient {
  readonly _tag: "Transient"
  readonly error: McpTransportError
}

/**
 * The services an HTTP transport is built from.
 */
export interface Services {
  readonly http: HttpClient.HttpClient
  readonly auth: McpAuth.Service
}

/**
 * Builds the request to send from the headers it goes out with.
 */
export type Build = (headers: Record<string, string>) => HttpClientRequest.HttpClientRequest

/**
 * How one HTTP request is sent.
 */
export interface Attempt {
  /**
   * The scope the request lives in (`HttpClient.withScope`) until it closes, which is then the only
   * abort: reading the body to its end and dropping the scope aborts nothing.
   */
  readonly scope?: Scope.Scope | undefined
  /**
   * `false` for a POST that carries an MCP request: the client's timeout for that request already
   * bounds it (a missed one settles the exchange, which closes the reply and aborts the POST), and a
   * JSON answer's headers come only with the result, so a tool that works longer than the transport's
   * `timeout` would fail a call the client still waits for. It also spares the race and the timer a
   * deadline costs on every call. Default: `true`, the transport's `timeout`.
   */
  readonly deadline?: boolean | undefined
}

/**
 * Sends HTTP requests with authorization.
 */
export interface Client {
  /** Sends one `method` request to `url`, built from the headers it goes out with. */
  readonly attempt: (
    method: string,
    url: string,
    build: Build,
    options?: Attempt
  ) => Effect.Effect<HttpClientResponse.HttpClientResponse, McpTransportError | Transient>
  /** {@link attempt}, with a transient failure as the error it is. */
  readonly execute: (
    method: string,
    url: string,
    build: Build
  ) => Effect.Effect<HttpClientResponse.HttpClientResponse, McpTransportError>
}

/**
 * A client for requests with the configured headers, answered within `timeout` (unless
 * {@link Attempt} says the request has a deadline of its own). A 401 or 403 goes to the hook's
 * `onChallenge`, and the request is sent again while it says so (at most `McpAuth.maxChallenges`
 * times).
 */
export const make = (services: Services, options: {
  readonly headers: Readonly<Record<string, string>> | undefined
  readonly timeout: Duration.Duration
}): Client => {
  const { auth, http } = services
  const scoped = HttpClient.withScope(http)
  const observe = auth.onResponse
  /** Without a scope, Effect aborts the request on interruption and when a streamed body ends. */
  const executeIn = (request: HttpClientRequest.HttpClientRequest, scope: Scope.Scope | undefined) =>
    scope === undefined ? http.execute(request) : Scope.provide(scoped.execute(request), scope)
  const withDeadline = <A>(url: string, sent: Effect.Effect<A, McpTransportError | Transient>) =>
    Effect.timeoutOrElse(sent, {
      duration: options.timeout,
      orElse: () => Effect.fail(failure(`no response from ${shown(url)} within ${Duration.format(options.timeout)}`))
    })
  const once = (request: McpAuth.Request, build: Build, attempt: Attempt | undefined) =>
    Effect.flatMap(
      Headers.authorized(auth, request, options.headers),
      (headers) => {
        const sent = Effect.mapError(
          executeIn(build(headers), attempt?.scope),
          (cause): McpTransportError | Transient => ({ _tag: "Transient", error: requestFailed(request.url, cause) })
        )
        const bounded = attempt?.deadline === false ? sent : withDeadline(request.url, sent)
        return observe === undefined ?
          bounded :
          Effect.tap(bounded, (response) => observe({ request, status: response.status, headers: response.headers }))
      }
    )
  const challenged = (
    request: McpAuth.Request,
    build: Build,
    count: number,
    attempt: Attempt | undefined
  ): Effect.Effect<HttpClientResponse.HttpClientResponse, McpTransportError | Transient> =>
    Effect.flatMap(
      once(request, build, attempt),
      (response) =>
        (response.status !== 401 && response.status !== 403) || count > McpAuth.maxChallenges
          ? Effect.succeed(response)
          : auth.onChallenge({
            status: response.status,
            url: request.url,
            wwwAuthenticate: response.headers["www-authenticate"],
            request,
            headers: response.headers,
            attempt: count
          }).pipe(
            Effect.mapError((reason) => new McpTransportError({ reason })),
            Effect.flatMap((retry) =>
              retry
                // the refused response's body is read before the retry, so its connection is free again
                ? Effect.andThen(Effect.ignore(response.text), challenged(request, build, count + 1, attempt))
                : Effect.succeed(response)
            )
          )
    )
  const attempt: Client["attempt"] = (method, url, build, options) => challenged({ method, url }, build, 1, options)
  return { attempt, execute: (method, url, build) => Effect.mapError(attempt(method, url, build), untransient) }
}

/**
 * The error of a failure, transient or not.
 */
export const untransient = (error: McpTransportError | Transient): McpTransportError =>
  error instanceof McpTransportError ? error : error.error

/**
 * A connection that failed or ended, with what happened.
 */
export const failure = (description: string, cause?: unknown): McpTransportError =>
  new McpTransportError({
    reason: new ConnectionClosed(cause === undefined ? { description } : { description, cause })
  })

/**
 * An HTTP request that could not be made.
 */
export const requestFailed = (url: string, cause: HttpClientError.HttpClientError): McpTransportError => {
  const system = systemErrorOf(cause)
  const code = system?.code
  const what = system === undefined ? cause.message : `${whatHappened(system, url)} (${system.code})`
  return new McpTransportError({
    reason: new ConnectionClosed({
      description: `HTTP request to ${shown(url)} failed: ${what}`,
      cause,
      ...(code === undefined ? {} : { code })
    })
  })
}

/** The system error somewhere down a cause chain (undici wraps Node's), with its code. */
const systemErrorOf = (error: unknown): { readonly code: string; readonly message: string } | undefined => {
  let current: unknown = error
  for (let depth = 0; depth < 6 && Predicate.isObject(current); depth++) {
    if (typeof current.code === "string" && current.code.length > 0) {
      return { code: current.code, message: typeof current.message === "string" ? current.message : current.code }
    }
    current = current.cause
  }
  return undefined
}

/** A system error code in plain words. */
const whatHappened = (error: { readonly code: string; readonly message: string }, url: string): string => {
  const { host, hostname } = URL.canParse(url) ? new URL(url) : { host: url, hostname: url }
  const code = error.code
  switch (code) {
    case "ECONNREFUSED":
      return `nothing is listening at ${host}`
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot resolve the host ${hostname}`
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return `the connection to ${host} was reset`
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return `connecting to ${host} timed out`
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${host} cannot be reached from this machine`
    default:
      return code.startsWith("ERR_TLS") || code.includes("CERT") || code.startsWith("ERR_SSL")
        ? `the TLS connection to ${host} failed: ${error.message}`
        : error.message
  }
}

/**
 * A URL as errors show it: its user name and password (and the query parameters Effect redacts)
 * replaced, as in Effect's own HTTP errors. The URL a request goes to keeps them.
 */
export const shown = (url: string): string => UrlParams.redactUrl(url)

/**
 * Whether a response is a success (2xx).
 */
export const isOk = (response: HttpClientResponse.HttpClientResponse): boolean =>
  response.status >= 200 && response.status < 300

/**
 * The `HttpStatus` error of a response that is not a success, with an excerpt of its body.
 */
export const statusError = (
  response: HttpClientResponse.HttpClientResponse,
  url: string
): Effect.Effect<never, McpTransportError> =>
  Effect.flatMap(
    Effect.orElseSucceed(response.text, () => ""),
    (body) =>
      Effect.fail(
        new McpTransportError({
          reason: new HttpStatus({ status: response.status, url: shown(url), body: excerpt(body) })
        })
      )
  )

/**
 * Whether a response carries an SSE stream.
 */
export const isEventStream = (response: HttpClientResponse.HttpClientResponse): boolean =>
  (response.headers["content-type"] ?? "").includes("text/event-stream")

/**
 * The transport service of an HTTP transport, built by `make` from the `HttpClient` and `McpAuth` in
 * the context: what both transports' `layer` and `connect` share.
 */
export const service = <Options>(
  make: (services: Services, options: Options) => McpTransportModule.Service,
  options: Options
): Effect.Effect<McpTransportModule.Service, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const auth = yield* McpAuth.McpAuth
    return make({ http, auth }, options)
  })

/**
 * Credentials written into a URL (`https://user:password@host/mcp`) are sent as HTTP Basic
 * authorization, as curl and browsers do, and taken out of the URL: the URL the transport uses, and
 * every error and log that names it, never holds them. A configured `authorization` header, or one
 * from `McpAuth`, wins over them.
 */
export const withUrlCredentials = <
  Options extends { readonly url: string | URL; readonly headers?: Readonly<Record<string, string>> | undefined }
>(options: Options): Options => {
  const text = options.url.toString()
  if (!URL.canParse(text)) return options
  const url = new URL(text)
  if (url.username === "" && url.password === "") return options
  const basic = `Basic ${base64(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`)}`
  url.username = ""
  url.password = ""
  const configured = options.headers ?? {}
  const hasAuthorization = Object.keys(configured).some((name) => name.toLowerCase() === "authorization")
  return {
    ...options,
    url: url.toString(),
    headers: hasAuthorization ? configured : { authorization: basic, ...configured }
  }
}

const encoder = new TextEncoder()

const base64 = (text: string): string => {
  let binary = ""
  for (const byte of encoder.encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary)
}
