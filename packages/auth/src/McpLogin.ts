/**
 * The user's side of an authorization-code login: showing the authorization URL and getting back
 * the redirect (its `code`, `state`, `iss`). `McpOAuth` asks this service when it needs a login.
 *
 * - {@link layerBrowser} opens the system browser and waits on a loopback callback server bound to
 *   127.0.0.1 (a random or fixed port; one request; a timeout; a small success or failure page). The
 *   server lives in the Scope of the login and is closed with it.
 * - {@link layerHeadless} prints the URL and reads the redirected URL, pasted by the user, from the
 *   terminal: for SSH sessions and containers.
 * - {@link layer} hands the URL to a function: tests, embedding applications, the conformance client.
 *
 * An `error` in the redirect (`access_denied`, …) fails with `AuthorizationDenied`, as does a login
 * that does not finish in time. Checking `state` and `iss` is the OAuth flow's job.
 *
 * @stability experimental
 * @since 0.3.0
 */
import { AuthorizationDenied, LoginRequired, McpAuthError } from "@effect-mcp/core/McpAuthError"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Layer from "effect/Layer"
import * as ChildProcess from "effect/process/ChildProcess"
import type * as ChildProcessSpawner from "effect/process/ChildProcessSpawner"
import type * as Scope from "effect/Scope"
import * as Terminal from "effect/Terminal"
import { createServer } from "node:http"

/**
 * One login in progress: where the authorization server must redirect, and how to wait for it.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Callback {
  /** The redirect URI to register and send, e.g. `http://127.0.0.1:PORT/callback`. */
  readonly redirectUri: string
  /**
   * Shows the user the authorization URL and waits for the redirect: its query parameters (`code`,
   * `state`, `iss`, …). A redirect with `error` fails with `AuthorizationDenied`.
   */
  readonly await: (authorizationUrl: URL) => Effect.Effect<URLSearchParams, McpAuthError>
}

/**
 * The login service.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Service {
  /** Prepares a login (the loopback server, if any, lives in the Scope). */
  readonly start: Effect.Effect<Callback, McpAuthError, Scope.Scope>
}

/**
 * How the user logs in.
 *
 * @stability experimental
 * @category services
 * @since 0.3.0
 */
export class McpLogin extends Context.Service<McpLogin, Service>()("@effect-mcp/auth/McpLogin") {}

const fail = (reason: AuthorizationDenied | LoginRequired) => new McpAuthError({ reason })

/**
 * The query parameters of a redirect, given as a URL, a query string or a `URLSearchParams`; an
 * `error` parameter fails with `AuthorizationDenied` (naming the error code, never a code or token).
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const parseRedirect = (redirect: URL | URLSearchParams | string): Effect.Effect<URLSearchParams, McpAuthError> =>
  Effect.suspend(() => {
    const params = redirect instanceof URLSearchParams
      ? redirect
      : redirect instanceof URL
      ? redirect.searchParams
      : new URLSearchParams(redirect.includes("?") ? redirect.slice(redirect.indexOf("?") + 1) : redirect)
    const error = params.get("error")
    if (error !== null) {
      const detail = params.get("error_description")
      return Effect.fail(fail(
        new AuthorizationDenied({
          description: `The authorization server answered ${error}${detail === null ? "" : `: ${detail}`}`
        })
      ))
    }
    if (params.get("code") === null) {
      return Effect.fail(fail(new AuthorizationDenied({ description: "The redirect carried no authorization code" })))
    }
    return Effect.succeed(params)
  })

const timedOut = (timeout: Duration.Duration) =>
  fail(new AuthorizationDenied({ description: `The login did not finish within ${Duration.format(timeout)}` }))

// -----------------------------------------------------------------------------
// programmatic
// -----------------------------------------------------------------------------

/**
 * A login done by a function: it receives the authorization URL and returns the URL the
 * authorization server redirected to (for tests, embedding applications, or an in-app browser).
 *
 * **Example** (Following the redirect with an HTTP client)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { McpLogin } from "@effect-mcp/auth"
 *
 * const LoginLive = McpLogin.layer({
 *   redirectUri: "http://127.0.0.1:3000/callback",
 *   authorize: (url) => Effect.succeed(`http://127.0.0.1:3000/callback?code=abc&state=${url.searchParams.get("state")}`)
 * })
 * ```
 *
 * @stability experimental
 * @category layers
 * @since 0.3.0
 */
export const layer = (options: {
  readonly redirectUri: string
  readonly authorize: (authorizationUrl: URL) => Effect.Effect<URL | string, McpAuthError>
}): Layer.Layer<McpLogin> =>
  Layer.succeed(McpLogin)({
    start: Effect.succeed({
      redirectUri: options.redirectUri,
      await: (url) => Effect.flatMap(options.authorize(url), parseRedirect)
    })
  })

// -----------------------------------------------------------------------------
// headless
// -----------------------------------------------------------------------------

/**
 * A login without a browser on this machine: prints the authorization URL, and reads from the
 * terminal the URL the browser (anywhere) was redirected to. The redirect URI need not be served:
 * the user copies the address of the page that failed to load.
 *
 * @stability experimental
 * @category layers
 * @since 0.3.0
 */
export const layerHeadless = (options: {
  /** The redirect URI to register, e.g. `http://127.0.0.1:8765/callback`. */
  readonly redirectUri: string
  /** How long to wait for the pasted URL. Default 5 minutes. */
  readonly timeout?: Duration.Input | undefined
}): Layer.Layer<McpLogin, never, Terminal.Terminal> =>
  Layer.effect(McpLogin)(Effect.gen(function*() {
    const terminal = yield* Terminal.Terminal
    const timeout = Duration.fromInputUnsafe(options.timeout ?? "5 minutes")
    const ask = (url: URL) =>
      Effect.gen(function*() {
        yield* terminal.display(
          `Open this URL in a browser and log in:\n\n  ${url.href}\n\n` +
            `Then paste here the address of the page you were sent to:\n`
        ).pipe(Effect.ignore)
        const line = yield* terminal.readLine.pipe(
          Effect.mapError(() =>
            fail(new LoginRequired({ description: "The terminal closed before the login finished" }))
          )
        )
        return line.trim()
      })
    return McpLogin.of({
      start: Effect.succeed({
        redirectUri: options.redirectUri,
        await: (url) =>
          ask(url).pipe(
            Effect.timeoutOrElse({ duration: timeout, orElse: () => Effect.fail(timedOut(timeout)) }),
            Effect.flatMap(parseRedirect)
          )
      })
    })
  }))

// -----------------------------------------------------------------------------
// browser
// -----------------------------------------------------------------------------

/**
 * Options of {@link layerBrowser}.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface BrowserOptions {
  /** The port of the callback server on 127.0.0.1. Default: a free one. */
  readonly port?: number | undefined
  /** The path of the redirect URI. Default `/callback`. */
  readonly path?: string | undefined
  /** How long to wait for the redirect. Default 5 minutes. */
  readonly timeout?: Duration.Input | undefined
  /** Open the system browser (`open`, `xdg-open`, `rundll32`). Default `true`; the URL is printed either way. */
  readonly open?: boolean | undefined
}

const page = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body style="font-family:system-ui,sans-serif;margin:4em auto;max-width:32em">` +
  `<h1>${title}</h1><p>${text}</p></body></html>`

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * The command that opens a URL in the system browser. Not detached: the opener stays in this
 * process's group, so a browser it starts is not signalled when the opener's Scope closes.
 */
const openCommand = (url: string): ChildProcess.Command => {
  const platform = typeof process === "undefined" ? "linux" : process.platform
  const options = { detached: false, stdin: "ignore", stdout: "ignore", stderr: "ignore" } as const
  return platform === "darwin"
    ? ChildProcess.make("open", [url], options)
    : platform === "win32"
    // `start` goes through cmd.exe, which splits the URL at `&`; the URL handler takes it whole.
    ? ChildProcess.make("rundll32", ["url.dll,FileProtocolHandler", url], options)
    : ChildProcess.make("xdg-open", [url], options)
}

/**
 * Starts the loopback server of one login: it answers the first request to `path` and keeps its
 * query parameters; everything else gets 404.
 */
const loopback = Effect.fnUntraced(function*(options: BrowserOptions) {
  const path = options.path ?? "/callback"
  const received = yield* Deferred.make<URLSearchParams>()
  const server = yield* NodeHttpServer.make(() => createServer(), {
    port: options.port ?? 0,
    host: "127.0.0.1",
    gracefulShutdownTimeout: "100 millis"
  }).pipe(
    Effect.mapError((cause) =>
      fail(
        new LoginRequired({
          description: `Cannot start the login callback server on 127.0.0.1:${options.port ?? 0}`,
          cause
        })
      )
    )
  )
  yield* server.serve(Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const url = new URL(request.url, "http://127.0.0.1")
    if (request.method !== "GET" || url.pathname !== path || !(yield* Deferred.succeed(received, url.searchParams))) {
      return HttpServerResponse.text("Not found", { status: 404 })
    }
    const error = url.searchParams.get("error")
    const html = error === null
      ? page("Logged in", "You can close this window and return to the application.")
      : page("Login failed", `The authorization server answered <code>${escapeHtml(error)}</code>.`)
    return HttpServerResponse.html(html).pipe(HttpServerResponse.setHeader("connection", "close"))
  }))
  const port = server.address._tag === "UnixPathAddress" ? options.port ?? 0 : server.address.port
  return { redirectUri: `http://127.0.0.1:${port}${path}`, received: Deferred.await(received) }
})

/**
 * The default login: opens the authorization URL in the system browser and waits for the redirect
 * on a loopback server bound to 127.0.0.1, which answers one request with a small page and closes
 * with the login's Scope. The URL is also printed, for when no browser opens.
 *
 * **Gotchas**
 *
 * The browser is opened with `effect/process` (`open`, `xdg-open`, `rundll32`), not detached, and
 * awaited in the layer's Scope: a browser the opener starts is not stopped with the login.
 *
 * @stability experimental
 * @category layers
 * @since 0.3.0
 */
export const layerBrowser = (
  options?: BrowserOptions
): Layer.Layer<McpLogin, never, ChildProcessSpawner.ChildProcessSpawner> =>
  Layer.effect(McpLogin)(Effect.gen(function*() {
    const context = yield* Effect.context<ChildProcessSpawner.ChildProcessSpawner | Scope.Scope>()
    const timeout = Duration.fromInputUnsafe(options?.timeout ?? "5 minutes")
    const show = (url: URL) =>
      Effect.gen(function*() {
        yield* Console.error(`Opening the login page in your browser. If it does not open, visit:\n\n  ${url.href}\n`)
        if (options?.open === false) return
        // The opener may outlive the login: the layer's Scope owns it.
        yield* Effect.scoped(
          openCommand(url.href).pipe(Effect.flatMap((handle) => handle.exitCode))
        ).pipe(
          Effect.flatMap((code) =>
            code === 0 ? Effect.void : Effect.logWarning(`The browser opener exited with code ${code}`)
          ),
          Effect.catch((cause) => Effect.logWarning("Cannot open the browser", cause)),
          Effect.forkScoped,
          Effect.provideContext(context)
        )
      })
    return McpLogin.of({
      start: Effect.map(loopback(options ?? {}), ({ received, redirectUri }) => ({
        redirectUri,
        await: (url) =>
          show(url).pipe(
            Effect.andThen(received),
            Effect.timeoutOrElse({ duration: timeout, orElse: () => Effect.fail(timedOut(timeout)) }),
            Effect.flatMap(parseRedirect)
          )
      }))
    })
  }))
