import { NodeHttpClient, NodeServices } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, FileSystem, Layer, Schedule, Scope, Terminal } from "effect"
import { HttpClient } from "effect/http"
import { TestClock } from "effect/testing"
import * as McpLogin from "../src/McpLogin.ts"

const authorizationUrl = new URL("https://auth.example.com/authorize?response_type=code&state=xyz")

const get = (url: string) =>
  Effect.gen(function*() {
    const response = yield* HttpClient.get(url)
    return { status: response.status, body: yield* response.text }
  }).pipe(Effect.provide(NodeHttpClient.layerUndici))

const reasonOf = <A>(exit: Exit.Exit<A, { readonly reason: { readonly _tag: string } }>) =>
  Exit.isFailure(exit) && exit.cause.reasons[0]?._tag === "Fail" ? exit.cause.reasons[0].error.reason._tag : undefined

describe("layerBrowser", () => {
  const browser = (options?: McpLogin.BrowserOptions) =>
    McpLogin.layerBrowser({ open: false, ...options }).pipe(Layer.provide(NodeServices.layer))

  it.effect(
    "the loopback server takes one redirect on 127.0.0.1, answers a page, and closes with the Scope",
    () =>
      Effect.gen(function*() {
        const login = yield* McpLogin.McpLogin
        const scope = yield* Scope.make()
        const callback = yield* login.start.pipe(Scope.provide(scope))
        assert.match(callback.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/callback$/)
        const waiting = yield* Effect.forkChild(callback.await(authorizationUrl))
        // Not the callback path: 404, and the login still waits.
        assert.strictEqual((yield* get(callback.redirectUri.replace("/callback", "/favicon.ico"))).status, 404)
        const page = yield* get(`${callback.redirectUri}?code=the-code&state=xyz&iss=https%3A%2F%2Fauth.example.com`)
        assert.strictEqual(page.status, 200)
        assert.include(page.body, "Logged in")
        const params = yield* Fiber.join(waiting)
        assert.strictEqual(params.get("code"), "the-code")
        assert.strictEqual(params.get("state"), "xyz")
        assert.strictEqual(params.get("iss"), "https://auth.example.com")
        // One request only.
        assert.strictEqual((yield* get(`${callback.redirectUri}?code=another`)).status, 404)
        yield* Scope.close(scope, Exit.void)
        const after = yield* Effect.exit(get(callback.redirectUri))
        assert.isTrue(Exit.isFailure(after))
      }).pipe(Effect.provide(browser())),
    { timeout: 20_000 }
  )

  it.effect("error=access_denied fails with AuthorizationDenied and shows a failure page", () =>
    Effect.gen(function*() {
      const login = yield* McpLogin.McpLogin
      const callback = yield* login.start
      const waiting = yield* Effect.forkChild(Effect.exit(callback.await(authorizationUrl)))
      const page = yield* get(`${callback.redirectUri}?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E`)
      assert.include(page.body, "Login failed")
      assert.include(page.body, "access_denied")
      const exit = yield* Fiber.join(waiting)
      assert.strictEqual(reasonOf(exit), "AuthorizationDenied")
    }).pipe(Effect.provide(browser())))

  it.effect("a fixed port and path", () =>
    Effect.gen(function*() {
      // Find a free port, then ask for it.
      const free = yield* Effect.scoped(
        Effect.flatMap(McpLogin.McpLogin, (login) => login.start)
      ).pipe(Effect.provide(browser()))
      const port = Number(new URL(free.redirectUri).port)
      const callback = yield* Effect.flatMap(McpLogin.McpLogin, (login) => login.start).pipe(
        Effect.provide(browser({ port, path: "/oauth/done" }))
      )
      assert.strictEqual(callback.redirectUri, `http://127.0.0.1:${port}/oauth/done`)
      const waiting = yield* Effect.forkChild(callback.await(authorizationUrl))
      yield* get(`${callback.redirectUri}?code=c`)
      assert.strictEqual((yield* Fiber.join(waiting)).get("code"), "c")
    }))

  it.effect("a login that does not finish in time fails with AuthorizationDenied", () =>
    Effect.gen(function*() {
      const login = yield* McpLogin.McpLogin
      const callback = yield* login.start
      const waiting = yield* Effect.forkChild(Effect.exit(callback.await(authorizationUrl)))
      yield* TestClock.adjust("2 minutes")
      const exit = yield* Fiber.join(waiting)
      assert.strictEqual(reasonOf(exit), "AuthorizationDenied")
    }).pipe(Effect.provide(browser({ timeout: "2 minutes" }))))
})

describe("layerBrowser opening the browser", () => {
  it.live.skipIf(process.platform === "win32")(
    "runs the system opener (a real process found on PATH) with the authorization URL as one argument",
    () =>
      Effect.gen(function*() {
        const fs = yield* FileSystem.FileSystem
        const bin = yield* fs.makeTempDirectoryScoped({ prefix: "effect-mcp-opener-" })
        const opened = `${bin}/opened.txt`
        // a stand-in for xdg-open (Linux) and open (macOS): it writes what it was asked to open
        for (const name of ["xdg-open", "open"]) {
          yield* fs.writeFileString(`${bin}/${name}`, `#!/bin/sh\nprintf '%s' "$1" > "${opened}"\n`, { mode: 0o755 })
        }
        const path = process.env.PATH
        yield* Effect.acquireRelease(
          Effect.sync(() => void (process.env.PATH = `${bin}:${path}`)),
          () => Effect.sync(() => void (process.env.PATH = path))
        )
        const url = new URL(
          "https://auth.example.com/authorize?state=a&scope=x%20y&redirect_uri=http%3A%2F%2F127.0.0.1"
        )
        const callback = yield* Effect.flatMap(McpLogin.McpLogin, (login) => login.start)
        const waiting = yield* Effect.forkChild(callback.await(url))
        // wait for the opener to have run
        yield* fs.exists(opened).pipe(Effect.repeat({ until: (done) => done, schedule: Schedule.spaced("20 millis") }))
        assert.strictEqual(yield* fs.readFileString(opened), url.href)
        yield* get(`${callback.redirectUri}?code=c&state=a`)
        assert.strictEqual((yield* Fiber.join(waiting)).get("code"), "c")
      }).pipe(
        Effect.provide(McpLogin.layerBrowser().pipe(Layer.provide(NodeServices.layer))),
        Effect.provide(NodeServices.layer)
      ),
    { timeout: 20_000 }
  )
})

describe("layerHeadless", () => {
  const terminal = (input: string, shown: Array<string>) =>
    Layer.succeed(Terminal.Terminal)(Terminal.make({
      columns: Effect.succeed(80),
      rows: Effect.succeed(24),
      size: Effect.die("not used"),
      readInput: Effect.die("not used"),
      readLine: Effect.succeed(input),
      display: (text) => Effect.sync(() => void shown.push(text))
    }))

  it.effect("prints the URL and reads the redirected URL", () => {
    const shown: Array<string> = []
    return Effect.gen(function*() {
      const login = yield* McpLogin.McpLogin
      const callback = yield* login.start
      assert.strictEqual(callback.redirectUri, "http://127.0.0.1:8765/callback")
      const params = yield* callback.await(authorizationUrl)
      assert.strictEqual(params.get("code"), "pasted")
      assert.include(shown.join(""), authorizationUrl.href)
    }).pipe(
      Effect.provide(McpLogin.layerHeadless({ redirectUri: "http://127.0.0.1:8765/callback" })),
      Effect.provide(terminal("  http://127.0.0.1:8765/callback?code=pasted&state=xyz \n", shown))
    )
  })

  it.effect("a pasted error fails with AuthorizationDenied", () =>
    Effect.gen(function*() {
      const login = yield* McpLogin.McpLogin
      const callback = yield* login.start
      const exit = yield* Effect.exit(callback.await(authorizationUrl))
      assert.strictEqual(reasonOf(exit), "AuthorizationDenied")
    }).pipe(
      Effect.provide(McpLogin.layerHeadless({ redirectUri: "http://127.0.0.1:8765/callback" })),
      Effect.provide(terminal("http://127.0.0.1:8765/callback?error=access_denied", []))
    ))
})

describe("layer", () => {
  it.effect("hands the URL to a function and parses its redirect", () =>
    Effect.gen(function*() {
      const login = yield* McpLogin.McpLogin
      const callback = yield* login.start
      const params = yield* callback.await(authorizationUrl)
      assert.strictEqual(params.get("code"), "xyz-code")
    }).pipe(Effect.provide(McpLogin.layer({
      redirectUri: "http://localhost/cb",
      authorize: (url) => Effect.succeed(`http://localhost/cb?code=${url.searchParams.get("state")}-code`)
    }))))
})
