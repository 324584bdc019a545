import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { McpClient, McpError, McpSource } from "effect-mcp"
import { McpProtocol, McpServer, Tool, Toolkit } from "effect/ai"
import * as Effect from "effect/Effect"
import * as HttpRouter from "effect/http/HttpRouter"
import * as HttpServer from "effect/http/HttpServer"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { createServer } from "node:http"
import { fileURLToPath } from "node:url"

const script = fileURLToPath(new URL("../../../examples/servers/demo-stdio.ts", import.meta.url))

const Ping = Tool.make("ping_tool", { parameters: Tool.EmptyParams, success: Schema.String })
const Tools = Toolkit.make(Ping)
const Registrations = McpServer.toolkit(Tools).pipe(
  Layer.provide(Tools.toLayer({ ping_tool: () => Effect.succeed("pong") }))
)

describe("McpSource", () => {
  it("tells URLs from local sources", () => {
    assert.isTrue(McpSource.isUrl("https://example.com/mcp"))
    assert.isTrue(McpSource.isUrl("http://127.0.0.1:3000/sse"))
    assert.isFalse(McpSource.isUrl("server.py"))
    assert.isFalse(McpSource.isUrl("npx -y @modelcontextprotocol/server-everything"))
    assert.isFalse(McpSource.isUrl(["node", "server.js"]))
  })

  it("tells configuration files from servers", () => {
    assert.isTrue(McpSource.isConfigPath(".mcp.json"))
    assert.isTrue(McpSource.isConfigPath("~/.codex/config.toml"))
    assert.isTrue(McpSource.isConfigPath("config.yaml"))
    assert.isTrue(McpSource.isConfigPath(".vscode/settings.jsonc"))
    assert.isFalse(McpSource.isConfigPath("server.js"))
    assert.isFalse(McpSource.isConfigPath("https://example.com/mcp.json"))
    assert.isFalse(McpSource.isConfigPath(["node", "mcp.json"]))
  })

  it.live("a script path runs the server over stdio", () =>
    Effect.gen(function*() {
      const client = yield* McpClient.make()
      assert.strictEqual((yield* client.session).serverInfo.name, "demo-server")
      assert.deepStrictEqual((yield* client.callTool("add", { a: 1, b: 2 })).structuredContent, { sum: 3 })
    }).pipe(
      Effect.scoped,
      Effect.provide(McpSource.layerNode(script, { stdio: { node: process.execPath, stderr: "ignore" } }))
    ), { timeout: 30_000 })

  it.live("a URL speaks Streamable HTTP", () =>
    Effect.gen(function*() {
      const { address } = yield* HttpServer.HttpServer
      const url = `http://127.0.0.1:${address._tag === "UnixPathAddress" ? 0 : address.port}/mcp`
      const context = yield* Layer.build(McpSource.layerNode(url))
      const client = yield* McpClient.make().pipe(Effect.provide(context))
      assert.strictEqual((yield* client.session).serverInfo.name, "http-demo")
      assert.isTrue((yield* client.listTools()).length > 0)
    }).pipe(
      Effect.scoped,
      Effect.provide(
        HttpRouter.serve(
          McpServer.layerHttp({
            name: "http-demo",
            version: "1.0.0",
            path: "/mcp",
            protocols: [McpProtocol.v2025_11_25],
            registrations: Registrations
          }),
          { disableLogger: true, disableListenLog: true }
        ).pipe(Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })))
      )
    ), { timeout: 30_000 })
})

describe("McpSource: sources that cannot work, and holding clients", () => {
  const spawnFailure = (source: string) =>
    McpSource.connect(source, { stdio: { stderr: "ignore" } }).pipe(
      Effect.scoped,
      Effect.flip,
      Effect.map((error) => {
        assert.instanceOf(error, McpError.McpTransportError)
        assert.strictEqual(error._tag === "McpTransportError" ? error.reason._tag : "", "SpawnFailed")
        return error.message
      })
    )

  it.live(
    "an empty or blank source, a directory, a script that does not exist: a typed error that says so",
    () =>
      Effect.gen(function*() {
        const empty = "Could not start the MCP server \"\": the source is empty: give a URL, a script (server.py, " +
          "server.ts) or a command"
        assert.strictEqual(yield* spawnFailure(""), empty)
        assert.strictEqual(yield* spawnFailure("   "), empty)
        const directory = fileURLToPath(new URL(".", import.meta.url))
        assert.include(yield* spawnFailure(directory), "is a directory: give the server's script or the command")
        assert.include(yield* spawnFailure("no-such-server.py"), "no such script: no-such-server.py")
      }),
    { timeout: 30_000 }
  )

  it.live(
    "McpSource.connect holds two clients at once, each with its own server, for the caller's scope",
    () =>
      Effect.gen(function*() {
        const first = yield* McpSource.connect(script, { stdio: { stderr: "ignore" } })
        const second = yield* McpSource.connect(script, {
          stdio: { stderr: "ignore" },
          client: { timeout: "5 seconds" }
        })
        assert.deepStrictEqual((yield* first.callTool("add", { a: 1, b: 2 })).structuredContent, { sum: 3 })
        assert.deepStrictEqual((yield* second.callTool("add", { a: 2, b: 2 })).structuredContent, { sum: 4 })
        // and again, later: the transports are still there
        assert.deepStrictEqual((yield* first.callTool("add", { a: 5, b: 5 })).structuredContent, { sum: 10 })
      }).pipe(Effect.scoped),
    { timeout: 30_000 }
  )

  it.live("a client whose transport was released says exactly that", () =>
    Effect.gen(function*() {
      // the mistake: Effect.provide releases the transport's layer as soon as make returns
      const client = yield* McpClient.make({ reconnect: false }).pipe(
        Effect.provide(McpSource.layerNode(script, { stdio: { stderr: "ignore" } }))
      )
      const error = yield* client.listTools().pipe(Effect.flip)
      assert.include(error.message, "was closed: the scope of the layer that provided it ended")
      assert.include(error.message, "McpClient.connect")
    }).pipe(Effect.scoped), { timeout: 30_000 })
})
