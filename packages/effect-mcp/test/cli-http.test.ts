import { assert, describe, it } from "@effect/vitest"
import { McpServer } from "effect/ai"
import * as Effect from "effect/Effect"
import { chmodSync, existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as AuthServer from "../../auth/test/fixtures/authServer.ts"
import * as RouterServer from "../../core/test/fixtures/RouterServer.ts"
import * as Cli from "./fixtures/cli.ts"

/** An Effect `McpServer` over Streamable HTTP on 127.0.0.1, in this process, in one era: its MCP URL. */
const webServer = (era: keyof typeof RouterServer.protocols) =>
  Effect.map(
    AuthServer.serve(McpServer.layerHttp({
      name: "web-server",
      version: "1.0.0",
      path: "/mcp",
      protocols: [...RouterServer.protocols[era]],
      registrations: RouterServer.registrations("web")
    })),
    (base) => `${base}/mcp`
  )

/** A user's config directory, and a stand-in browser opener on PATH: a user who approves at once. */
const user = () => {
  const home = mkdtempSync(join(tmpdir(), "effect-mcp-cli-home-"))
  const bin = mkdtempSync(join(tmpdir(), "effect-mcp-cli-opener-"))
  const follow = `fetch(process.argv[1], { redirect: "follow" }).then((r) => r.text())`
  for (const name of ["xdg-open", "open"]) {
    writeFileSync(join(bin, name), `#!/bin/sh\nexec "${process.execPath}" -e '${follow}' "$1"\n`)
    chmodSync(join(bin, name), 0o755)
  }
  return {
    tokens: join(home, "effect-mcp", "tokens"),
    env: { XDG_CONFIG_HOME: home, PATH: `${bin}:${process.env.PATH}` }
  }
}

/**
 * `effect-mcp login --headless` at `url`, as a user who opens the printed URL elsewhere and pastes back
 * the address the browser was sent to.
 */
const headlessLogin = (url: string, env: Record<string, string>) => {
  let pasted = false
  return Cli.run(["login", "--headless", "http://127.0.0.1:8765/callback", "-s", url], {
    env,
    onStdout: (stdout, write) => {
      const authorize = /(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/.exec(stdout)?.[1]
      if (authorize === undefined || pasted) return
      pasted = true
      void fetch(authorize, { redirect: "manual" }).then((response) => write(`${response.headers.get("location")}\n`))
    }
  })
}

const tokenFiles = (dir: string) => existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith(".json")) : []

describe("effect-mcp (HTTP)", () => {
  it.live("a URL server in either era: tools, call, info with the negotiated revision", () =>
    Effect.gen(function*() {
      for (const [era, revision] of [["stateful", "2025-11-25"], ["stateless", "2026-07-28"]] as const) {
        const url = yield* webServer(era)
        const tools = yield* Cli.run(["tools", "--server", url])
        assert.strictEqual(tools.code, 0, tools.stderr)
        assert.match(tools.stdout, /\nadd\s/)
        assert.match(tools.stdout, /\nwhoami\s/)
        const call = yield* Cli.run(["call", "add", "a=20", "b=22", "-s", url])
        assert.strictEqual(call.code, 0)
        assert.deepStrictEqual(JSON.parse(call.stdout), { sum: 42, server: "web" })
        const info = JSON.parse((yield* Cli.run(["info", "-s", url, "--json"])).stdout)
        assert.deepStrictEqual([info.serverInfo.name, info.protocolVersion, info.era], ["web-server", revision, era])
      }
    }).pipe(Effect.scoped), { timeout: 60_000 })

  it.live("an unreachable URL: exit 1 with one line", () =>
    Effect.gen(function*() {
      const { code, stderr } = yield* Cli.run(["tools", "-s", "http://127.0.0.1:9/mcp", "--timeout", "5"])
      assert.strictEqual(code, 1)
      assert.strictEqual(stderr.trim().split("\n").length, 1)
      assert.match(stderr, /^effect-mcp: /)
    }))

  it.live.skipIf(process.platform === "win32")(
    "login in the browser keeps the tokens (0600) for --oauth; logout forgets them",
    () =>
      Effect.gen(function*() {
        const server = yield* AuthServer.make()
        const { env, tokens } = user()
        const unauthorized = yield* Cli.run(["call", "echo", "text=hi", "-s", server.url], { env })
        assert.strictEqual(unauthorized.code, 1)

        const login = yield* Cli.run(["login", "-s", server.url], { env })
        assert.strictEqual(login.code, 0, login.stderr)
        assert.match(login.stdout, new RegExp(`^Logged in to ${server.url}`))
        assert.strictEqual(server.recorded.authorizations.length, 1)
        const files = tokenFiles(tokens)
        assert.strictEqual(files.length, 1)
        assert.strictEqual(statSync(join(tokens, files[0]!)).mode & 0o777, 0o600)
        // no token on the terminal
        const token = server.recorded.requests.find((request) =>
          request.server === "mcp" && request.headers["authorization"]
        )
        assert.isDefined(token)
        assert.notInclude(login.stdout + login.stderr, String(token?.headers["authorization"]).slice(7))

        const call = yield* Cli.run(["call", "echo", "text=through OAuth", "-s", server.url, "--oauth"], { env })
        assert.deepStrictEqual([call.code, call.stdout], [0, "through OAuth\n"])
        assert.strictEqual(server.recorded.authorizations.length, 1, "the kept tokens were used")

        const logout = yield* Cli.run(["logout", "-s", server.url], { env })
        assert.deepStrictEqual([logout.code, logout.stdout], [0, `Logged out of ${server.url}.\n`])
        assert.deepStrictEqual(tokenFiles(tokens), [])
      }).pipe(Effect.scoped),
    { timeout: 60_000 }
  )

  it.live("login --headless: the URL printed, the redirect pasted back on stdin", () =>
    Effect.gen(function*() {
      const server = yield* AuthServer.make()
      const { env, tokens } = user()
      const login = yield* headlessLogin(server.url, env)
      assert.strictEqual(login.code, 0, login.stderr)
      assert.include(login.stdout, "Open this URL in a browser and log in")
      assert.include(login.stdout, `Logged in to ${server.url}`)
      assert.strictEqual(server.recorded.authorizations[0]?.get("redirect_uri"), "http://127.0.0.1:8765/callback")
      assert.strictEqual(tokenFiles(tokens).length, 1)
    }).pipe(Effect.scoped), { timeout: 60_000 })

  it.live(
    "--header: sent to a URL server, never printed; a token given this way authorizes",
    () =>
      Effect.gen(function*() {
        const server = yield* AuthServer.make()
        const refused = yield* Cli.run([
          "call",
          "echo",
          "text=hi",
          "-s",
          server.url,
          "-H",
          "Authorization: Bearer not-a-token-4f1c",
          "--header",
          "X-Trace: t1"
        ], { env: user().env })
        assert.strictEqual(refused.code, 1)
        const sent = server.recorded.requests.find((request) => request.server === "mcp")
        assert.strictEqual(sent?.headers["authorization"], "Bearer not-a-token-4f1c")
        assert.strictEqual(sent?.headers["x-trace"], "t1")
        assert.notInclude(refused.stdout + refused.stderr, "not-a-token-4f1c")

        // a token obtained elsewhere (here: a headless login of another user), given as a header
        const login = yield* headlessLogin(server.url, user().env)
        assert.strictEqual(login.code, 0, login.stderr)
        const token = server.recorded.issued[0]!
        const call = yield* Cli.run([
          "call",
          "echo",
          "text=by header",
          "-s",
          server.url,
          "-H",
          `Authorization: Bearer ${token}`
        ], {
          env: user().env
        })
        assert.deepStrictEqual([call.code, call.stdout], [0, "by header\n"])
      }).pipe(Effect.scoped),
    { timeout: 60_000 }
  )

  it.live(
    "--header is for a URL server, alone, as `Name: value`: anything else is exit 2",
    () =>
      Effect.gen(function*() {
        const url = yield* webServer("stateful")
        const malformed = yield* Cli.run(["tools", "-s", url, "-H", "secret-without-a-name"])
        assert.strictEqual(malformed.code, 2)
        assert.match(malformed.stderr, /--header takes `Name: value`/)
        assert.notInclude(malformed.stderr, "secret-without-a-name")
        const withOauth = yield* Cli.run(["tools", "-s", url, "-H", "X-Key: k", "--oauth"])
        assert.strictEqual(withOauth.code, 2)
        assert.match(withOauth.stderr, /--header and --oauth/)
        const local = yield* Cli.run(["tools", "-H", "X-Key: k", "--", process.execPath, Cli.demoServer])
        assert.strictEqual(local.code, 2)
        assert.match(local.stderr, /--header is for a server given by URL/)
      }).pipe(Effect.scoped),
    { timeout: 60_000 }
  )

  it.live("login needs a URL server: exit 2", () =>
    Effect.gen(function*() {
      const { code, stderr } = yield* Cli.run(["login", "--", process.execPath, Cli.demoServer])
      assert.strictEqual(code, 2)
      assert.match(stderr, /^effect-mcp: OAuth is for servers at a URL/)
    }))
})
