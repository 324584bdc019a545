/**
 * Routers built from configurations, over real servers: an Effect `McpServer` in process, child
 * processes over stdio and Effect servers over HTTP on 127.0.0.1, of both eras, beside a broken entry;
 * recovery when the broken server is fixed; headers, tokens and environments that reach only their own
 * server; `McpSource.layerFrom` for every kind of source.
 */
import { NodeHttpServer, NodeServices } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { McpClient, McpConfig, McpError, McpInMemoryTransport, McpRouter, McpSource } from "effect-mcp"
import { McpServer } from "effect/ai"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as HttpRouter from "effect/http/HttpRouter"
import * as HttpServer from "effect/http/HttpServer"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import { createServer, type IncomingHttpHeaders } from "node:http"
import { fileURLToPath } from "node:url"
import * as RouterServer from "../../core/test/fixtures/RouterServer.ts"

const script = fileURLToPath(new URL("./fixtures/router-stdio.ts", import.meta.url))

/** A child process running the test server `name` of an era, with `env`. */
const child = (name: string, era: "stateless" | "stateful", extra?: Record<string, unknown>) => ({
  command: process.execPath,
  args: [script, name, era],
  ...extra
})

/** An Effect server over HTTP on 127.0.0.1 whose every request's headers are recorded. */
const httpServer = Effect.fnUntraced(function*(name: string, era: "stateless" | "stateful") {
  const received: Array<IncomingHttpHeaders> = []
  const layer = HttpRouter.serve(
    McpServer.layerHttp({
      name: `${name}-server`,
      version: "1.0.0",
      path: "/mcp",
      protocols: [...RouterServer.protocols[era]],
      registrations: RouterServer.registrations(name)
    }),
    { disableLogger: true, disableListenLog: true }
  ).pipe(Layer.provideMerge(NodeHttpServer.layer(() => {
    const server = createServer()
    server.on("request", (request) => received.push(request.headers))
    return server
  }, { port: 0, host: "127.0.0.1" })))
  const { address } = Context.get(yield* Layer.build(layer), HttpServer.HttpServer)
  return { url: `http://127.0.0.1:${address._tag === "UnixPathAddress" ? 0 : address.port}/mcp`, received }
})

const waitFor = (router: McpRouter.Service, server: string, tag: McpRouter.ServerStatus["_tag"]) =>
  SubscriptionRef.changes(router.status).pipe(
    Stream.filter((all) => all[server]?._tag === tag),
    Stream.take(1),
    Stream.runDrain
  )

const text = (result: { readonly content: ReadonlyArray<{ readonly type: string }> }) =>
  result.content.map((block) => "text" in block ? String(block.text) : "").join("")

describe("a router from a configuration, over real servers", () => {
  it.live(
    "an in-process server, a stdio child and an HTTP server of each era, beside a broken entry",
    () =>
      Effect.gen(function*() {
        const web = yield* httpServer("web", "stateless")
        const config = yield* McpConfig.decode({
          mcpServers: {
            child: child("child", "stateful", { protocolVersion: "2025-06-18" }),
            web: { url: web.url },
            broken: { command: "effect-mcp-no-such-command-anywhere" }
          }
        })
        const servers = yield* McpSource.servers(config, { stdio: { stderr: "ignore" } })
        const router = yield* McpRouter.make({
          servers: {
            ...servers,
            local: { transport: McpInMemoryTransport.layer(RouterServer.layer("local", "stateful")) }
          }
        })
        const status = yield* SubscriptionRef.get(router.status)
        const version = (name: string) => {
          const state = status[name]
          return state?._tag === "Ready" ? state.session.protocolVersion : state?._tag
        }
        assert.deepStrictEqual(
          ["child", "web", "local"].map(version),
          ["2025-06-18", "2026-07-28", "2025-11-25"]
        )
        const broken = status.broken
        assert.strictEqual(broken?._tag, "Failed")
        assert.strictEqual(
          broken?._tag === "Failed" && broken.error._tag === "McpTransportError" ? broken.error.reason._tag : "",
          "SpawnFailed"
        )

        const tools = (yield* router.listTools()).map((tool) => tool.name)
        for (const name of ["child_add", "web_add", "local_add"]) assert.include(tools, name)
        assert.isFalse(tools.some((tool) => tool.startsWith("broken_")))
        const Sum = Schema.Struct({ sum: Schema.Number, server: Schema.String })
        for (const name of ["child", "web", "local"]) {
          assert.deepStrictEqual(yield* router.callTool(`${name}_add`, { a: 1, b: 2 }, { output: Sum }), {
            sum: 3,
            server: name
          })
        }
        const [page] = yield* router.readResource("docs://web/pages/3")
        assert.strictEqual(page !== undefined && "text" in page ? page.text : "", "page 3 of web")

        const error = yield* Effect.flip(router.callTool("broken_whoami"))
        assert.instanceOf(error, McpError.McpTransportError)
        assert.include(error.message, "The MCP server \"broken\" is not available")
      }).pipe(Effect.scoped),
    { timeout: 60_000 }
  )

  it.live("a server that cannot start is skipped, then recovers once it is fixed", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.makeTempDirectoryScoped()
      const later = `${dir}/later.ts`
      const config = yield* McpConfig.decode({
        mcpServers: {
          steady: child("steady", "stateful"),
          later: { command: process.execPath, args: [later, "later", "stateless"] }
        }
      })
      const router = yield* McpRouter.make({
        servers: yield* McpSource.servers(config, { stdio: { stderr: "ignore" } }),
        retry: Schedule.spaced("200 millis")
      })
      // failed, or already trying again on its schedule
      assert.include(["Failed", "Restarting"], (yield* SubscriptionRef.get(router.status)).later?._tag)
      assert.include((yield* Effect.flip(router.callTool("later_whoami"))).message, "\"later\" is not available")

      // the fix: the script appears (a link to the fixture, whose imports resolve from where it is)
      yield* fs.symlink(script, later)
      yield* waitFor(router, "later", "Ready")
      const Sum = Schema.Struct({ sum: Schema.Number, server: Schema.String })
      assert.deepStrictEqual(yield* router.callTool("later_add", { a: 2, b: 2 }, { output: Sum }), {
        sum: 4,
        server: "later"
      })
    }).pipe(Effect.scoped, Effect.provide(NodeServices.layer)), { timeout: 60_000 })
})

describe("isolation: what is configured for one server reaches no other", () => {
  it.live("headers and bearer tokens of HTTP servers, environments of stdio servers", () =>
    Effect.gen(function*() {
      const one = yield* httpServer("one", "stateless")
      const two = yield* httpServer("two", "stateful")
      const config = yield* McpConfig.decode({
        mcpServers: {
          one: { url: one.url, auth: "${TOKEN_ONE}", headers: { "X-Tenant": "tenant-one" } },
          two: { url: two.url, headers: { Authorization: "Bearer token-two", "X-Other": "two-only" } },
          a: child("a", "stateful", { env: { SECRET_A: "alpha" } }),
          b: child("b", "stateful", { env: { SECRET_B: "beta" } })
        }
      }, { env: { TOKEN_ONE: "token-one" } })
      const router = yield* McpRouter.make({
        servers: yield* McpSource.servers(config, { stdio: { stderr: "ignore" } })
      })
      yield* router.listTools()
      yield* router.callTool("one_whoami")
      yield* router.callTool("two_whoami")

      assert.isTrue(one.received.length > 0)
      assert.isTrue(one.received.every((h) => h.authorization === "Bearer token-one" && h["x-tenant"] === "tenant-one"))
      assert.isTrue(one.received.every((h) => h["x-other"] === undefined))
      assert.isTrue(two.received.length > 0)
      assert.isTrue(two.received.every((h) => h.authorization === "Bearer token-two" && h["x-other"] === "two-only"))
      assert.isTrue(two.received.every((h) => h["x-tenant"] === undefined))

      assert.deepStrictEqual(JSON.parse(text(yield* router.callTool("a_secrets"))), {
        SECRET_A: "alpha",
        SECRET_B: null
      })
      assert.deepStrictEqual(JSON.parse(text(yield* router.callTool("b_secrets"))), {
        SECRET_A: null,
        SECRET_B: "beta"
      })
    }).pipe(Effect.scoped), { timeout: 60_000 })
})

describe("McpSource.layerFrom: one entry for every kind of source", () => {
  it.live("a configuration file path", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.makeTempDirectoryScoped()
      const file = `${dir}/mcp.json`
      yield* fs.writeFileString(file, JSON.stringify({ mcpServers: { solo: child("solo", "stateful") } }))
      const tools = yield* Effect.gen(function*() {
        const client = yield* McpClient.McpClient
        return (yield* client.listTools()).map((tool) => tool.name)
      }).pipe(Effect.provide(McpClient.layerFrom(file, { stdio: { stderr: "ignore" } })))
      // one server: no prefixes
      assert.include(tools, "whoami")
    }).pipe(Effect.scoped, Effect.provide(NodeServices.layer)), { timeout: 60_000 })

  it.live("a configuration object and a URL; a status for each", () =>
    Effect.gen(function*() {
      const web = yield* httpServer("web", "stateful")
      const fromObject = yield* Effect.gen(function*() {
        const router = yield* McpRouter.McpRouter
        return [router.servers, (yield* router.listPrompts()).map((p) => p.name)] as const
      }).pipe(Effect.provide(McpSource.layerFrom({ mcpServers: { w: { url: web.url }, c: child("c", "stateful") } }, {
        stdio: { stderr: "ignore" }
      })))
      assert.deepStrictEqual(fromObject, [["w", "c"], ["w_greet", "c_greet"]])
      const fromUrl = yield* Effect.gen(function*() {
        const router = yield* McpRouter.McpRouter
        return Object.keys(yield* SubscriptionRef.get(router.status))
      }).pipe(Effect.provide(McpSource.layerFrom(web.url, { name: "web" })))
      assert.deepStrictEqual(fromUrl, ["web"])
    }).pipe(Effect.scoped), { timeout: 60_000 })

  it.effect("a server that asks for OAuth without an OAuth layer fails the configuration, saying what to do", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Layer.build(McpSource.layerFrom({
        mcpServers: { secure: { url: "https://secure.example.com/mcp", auth: "oauth" } }
      })))
      assert.strictEqual(error._tag === "McpConfigError" ? error.reason._tag : "", "OAuthUnavailable")
      assert.strictEqual(
        error.message,
        "server \"secure\", field \"auth\": the server asks for OAuth, and no OAuth layer was given " +
          "(pass the `oauth` option, e.g. oauth: (server) => McpOAuth.layer({ ... }))"
      )
    }).pipe(Effect.scoped))

  it.effect("the OAuth option receives the server and its OAuth options", () =>
    Effect.gen(function*() {
      const asked: Array<string> = []
      const error = yield* Effect.flip(Layer.build(McpSource.layerFrom({
        mcpServers: { secure: { url: "http://127.0.0.1:9/mcp", auth: { scopes: ["read"] } } }
      }, {
        oauth: (server) => {
          asked.push(`${server.name} ${JSON.stringify(server.auth)}`)
          return Layer.effectDiscard(Effect.fail("no browser here"))
        },
        retry: Schedule.recurs(0)
      })))
      assert.deepStrictEqual(asked, ["secure {\"_tag\":\"OAuth\",\"options\":{\"scopes\":[\"read\"]}}"])
      assert.strictEqual(error._tag === "McpRouterError" ? error.reason._tag : "", "AllServersFailed")
    }).pipe(Effect.scoped))
})
