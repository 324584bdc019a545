/**
 * Every host's configuration format, from a real sample file (`fixtures/configs/`), read through the
 * Node file system; the platform paths of each OS; discovery and its merge order on a home and a
 * project laid out in a temporary directory.
 */
import { NodeServices } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { McpConfig, McpConfigFile } from "effect-mcp"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Path from "effect/Path"
import * as Redacted from "effect/Redacted"
import { fileURLToPath } from "node:url"

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/configs/${name}`, import.meta.url))

const env = {
  GITHUB_TOKEN: "ghp_test",
  API_KEY: "k-123",
  CONTEXT7_API_KEY: "c7",
  FIGMA_OAUTH_TOKEN: "figma-token",
  DB_CONNECTION_STRING: "postgres://db"
}

const read = (name: string, options?: Parameters<typeof McpConfigFile.read>[1]) =>
  McpConfigFile.read(fixture(name), { env, ...options }).pipe(Effect.provide(NodeServices.layer))

const stdio = (server: McpConfig.Server | undefined) => {
  assert.strictEqual(server?._tag, "Stdio")
  return server as McpConfig.StdioServer
}
const http = (server: McpConfig.Server | undefined) => {
  assert.strictEqual(server?._tag, "Http")
  return server as McpConfig.HttpServer
}
const reveal = (record: Readonly<Record<string, Redacted.Redacted<string>>>) =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, Redacted.value(value)]))

describe("McpConfigFile: every format from a real sample file", () => {
  it.effect("Claude Desktop: mcpServers with stdio servers and their env", () =>
    Effect.gen(function*() {
      const config = yield* read("claude_desktop_config.json")
      assert.deepStrictEqual(Object.keys(config.servers), ["filesystem", "github"])
      const github = stdio(config.servers.github)
      assert.strictEqual(github.command, "docker")
      assert.deepStrictEqual(reveal(github.env), { GITHUB_PERSONAL_ACCESS_TOKEN: "ghp_test" })
      assert.strictEqual(github.file, fixture("claude_desktop_config.json"))
    }))

  it.effect("Claude Code ~/.claude.json: the user's servers and the project's own", () =>
    Effect.gen(function*() {
      const config = yield* read("claude.json", { format: "claude-code-user", project: "/home/ada/shop" })
      assert.deepStrictEqual(Object.keys(config.servers), ["sentry", "memory", "postgres"])
      assert.strictEqual(http(config.servers.sentry).transport, "http")
      assert.deepStrictEqual(stdio(config.servers.postgres).args.at(-1), "postgresql://localhost/shop")
    }))

  it.effect("Claude Code .mcp.json: a header from the environment and a URL with a default", () =>
    Effect.gen(function*() {
      const config = yield* read("project.mcp.json")
      const api = http(config.servers.api)
      assert.strictEqual(api.url, "https://api.example.com/mcp")
      assert.deepStrictEqual(reveal(api.headers), { Authorization: "Bearer k-123" })
      assert.deepStrictEqual(reveal(stdio(config.servers.github).env), { GITHUB_TOKEN: "ghp_test" })
    }))

  it.effect("Cursor: an SSE URL and a disabled server, kept as disabled", () =>
    Effect.gen(function*() {
      const config = yield* read("cursor-mcp.json")
      assert.strictEqual(http(config.servers.linear).url, "https://mcp.linear.app/sse")
      assert.isTrue(config.servers.browser?.disabled)
      assert.deepStrictEqual(McpConfig.enabled(config).map((server) => server.name), ["github", "linear"])
    }))

  it.effect("VS Code .vscode/mcp.json: servers with type, comments, trailing commas, ${workspaceFolder}", () =>
    Effect.gen(function*() {
      const config = yield* read("vscode-mcp.json", { project: "/work/app" })
      assert.deepStrictEqual(Object.keys(config.servers), ["fetch", "workspace", "github"])
      assert.deepStrictEqual(stdio(config.servers.workspace).args, ["/work/app/tools/server.js"])
      assert.strictEqual(stdio(config.servers.workspace).cwd, "/work/app")
      assert.strictEqual(http(config.servers.github).transport, "http")
    }))

  it.effect("VS Code user settings.json: mcp.servers among other settings", () =>
    Effect.gen(function*() {
      const config = yield* read("vscode-settings.json")
      assert.deepStrictEqual(stdio(config.servers.time).args, ["mcp-server-time", "--local-timezone=Europe/Paris"])
    }))

  it.effect("Windsurf: serverUrl", () =>
    Effect.gen(function*() {
      const config = yield* read("windsurf-mcp_config.json")
      const context7 = http(config.servers.context7)
      assert.strictEqual(context7.url, "https://mcp.context7.com/mcp")
      assert.deepStrictEqual(reveal(context7.headers), { CONTEXT7_API_KEY: "c7" })
    }))

  it.effect("Codex config.toml: [mcp_servers.NAME], timeouts in seconds, tool lists, a bearer token variable", () =>
    Effect.gen(function*() {
      const config = yield* read("codex-config.toml")
      const docs = stdio(config.servers.docs)
      assert.deepStrictEqual(reveal(docs.env), { DOCS_DIR: "/srv/docs" })
      assert.strictEqual(Duration.toMillis(docs.timeout!), 45_000)
      assert.deepStrictEqual(docs.includeTools, ["search*", "read_doc"])
      const allows = yield* McpConfig.toolFilter(docs)
      assert.deepStrictEqual(
        ["search", "search_all", "search_legacy", "read_doc", "write_doc"].filter(allows),
        ["search", "search_all", "read_doc"]
      )
      const figma = http(config.servers.figma)
      assert.deepStrictEqual(
        figma.auth?._tag === "Bearer" ? Redacted.value(figma.auth.token) : undefined,
        "figma-token"
      )
      assert.deepStrictEqual(reveal(figma.headers), { "X-Figma-Region": "us-east-1" })
      assert.isTrue(config.servers.old?.disabled)
    }))

  it.effect("Gemini CLI settings.json: url is SSE, httpUrl Streamable HTTP, timeout in ms, tool lists", () =>
    Effect.gen(function*() {
      const config = yield* read("gemini-settings.json", { format: "gemini" })
      const python = stdio(config.servers.pythonTools)
      assert.strictEqual(Duration.toMillis(python.timeout!), 15_000)
      assert.deepStrictEqual(python.includeTools, ["safe_tool", "file_reader"])
      // Gemini CLI's own $NAME, beside ${NAME}
      assert.deepStrictEqual(reveal(python.env), { DATABASE_URL: "postgres://db", API_KEY: "k-123" })
      assert.strictEqual(http(config.servers.sseServer).transport, "sse")
      const httpServer = http(config.servers.httpServer)
      assert.strictEqual(httpServer.transport, "http")
      assert.deepStrictEqual(reveal(httpServer.headers), { Authorization: "Bearer dev-token" })
      assert.deepStrictEqual(httpServer.excludeTools, ["dangerous_tool"])
    }))

  it.effect("opencode.json: local commands as arrays, environment, remote servers", () =>
    Effect.gen(function*() {
      const config = yield* read("opencode.json")
      const everything = stdio(config.servers.everything)
      assert.strictEqual(everything.command, "npx")
      assert.deepStrictEqual(everything.args, ["-y", "@modelcontextprotocol/server-everything"])
      assert.deepStrictEqual(reveal(everything.env), { MY_ENV_VAR: "my_env_var_value" })
      const context7 = http(config.servers.context7)
      assert.isTrue(context7.disabled)
      // opencode's own {env:NAME}
      assert.deepStrictEqual(reveal(context7.headers), { Authorization: "Bearer c7" })
    }))

  it.effect("opencode's {file:path} in the mcp section: relative to the file, from home, trimmed; a missing one fails", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const home = yield* fs.makeTempDirectoryScoped()
      const dir = yield* fs.makeTempDirectoryScoped()
      yield* fs.makeDirectory(`${dir}/secrets`)
      yield* fs.writeFileString(`${dir}/secrets/token`, "tok-123\n")
      yield* fs.writeFileString(`${home}/.api-key`, "  key-456  \n")
      const config = (mcp: object) => JSON.stringify({ instructions: "{file:./not-there.md}", mcp })
      yield* fs.writeFileString(
        `${dir}/opencode.json`,
        config({
          api: {
            type: "remote",
            url: "https://mcp.example.com/mcp",
            headers: { Authorization: "Bearer {file:secrets/token}", "X-Key": "{file:~/.api-key}" }
          },
          local: { type: "local", command: ["tool", "--token={file:./secrets/token}"] }
        })
      )
      const read = McpConfigFile.read(`${dir}/opencode.json`, { env, platform: { os: "linux", home } })
      const servers = (yield* read).servers
      assert.deepStrictEqual(reveal(http(servers.api).headers), { Authorization: "Bearer tok-123", "X-Key": "key-456" })
      assert.deepStrictEqual(stdio(servers.local).args, ["--token=tok-123"])
      // the same text in another format is not opencode's: left as written
      yield* fs.writeFileString(
        `${dir}/mcp.json`,
        JSON.stringify({ mcpServers: { local: { command: "tool", args: ["{file:./secrets/token}"] } } })
      )
      const other = yield* McpConfigFile.read(`${dir}/mcp.json`, { env })
      assert.deepStrictEqual(stdio(other.servers.local).args, ["{file:./secrets/token}"])
      // a server's file that cannot be read fails the read, naming the reference
      yield* fs.writeFileString(
        `${dir}/opencode.json`,
        config({ api: { type: "remote", url: "https://mcp.example.com/mcp", headers: { A: "{file:./gone}" } } })
      )
      const error = yield* Effect.flip(read)
      assert.strictEqual(error.reason._tag, "ReadFailed")
      assert.include(error.message, "{file:./gone} cannot be read")
    }).pipe(Effect.scoped, Effect.provide(NodeServices.layer)))

  it.effect("a Gemini CLI settings file is read as Gemini's format by its path, without being told", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const path = yield* Path.Path
      const dir = yield* fs.makeTempDirectoryScoped()
      yield* fs.makeDirectory(path.join(dir, ".gemini"))
      const file = path.join(dir, ".gemini", "settings.json")
      yield* fs.writeFileString(file, yield* fs.readFileString(fixture("gemini-settings.json")))
      const config = yield* McpConfigFile.read(file, { env })
      // httpUrl is Gemini's Streamable HTTP, url its SSE: read as the mcpServers format, both would be lost
      assert.strictEqual(http(config.servers.httpServer).transport, "http")
      assert.strictEqual(http(config.servers.sseServer).transport, "sse")
      assert.deepStrictEqual(reveal(stdio(config.servers.pythonTools).env).API_KEY, "k-123")
    }).pipe(Effect.scoped, Effect.provide(NodeServices.layer)))

  it.effect("Goose config.yaml: extensions (built-ins left out), cmd/envs/uri, timeouts in seconds", () =>
    Effect.gen(function*() {
      const config = yield* read("goose-config.yaml")
      assert.deepStrictEqual(Object.keys(config.servers), ["github", "remote"])
      const github = stdio(config.servers.github)
      assert.strictEqual(github.command, "npx")
      assert.deepStrictEqual(reveal(github.env), { GITHUB_PERSONAL_ACCESS_TOKEN: "ghp_example" })
      assert.strictEqual(Duration.toMillis(github.timeout!), 300_000)
      const remote = http(config.servers.remote)
      assert.strictEqual(remote.transport, "http")
      assert.isTrue(remote.disabled)
    }))
})

describe("McpConfigFile: files that cannot be read", () => {
  it.effect("a file that is not valid JSON names the file and the parser's complaint", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.makeTempDirectoryScoped()
      const file = `${dir}/broken.json`
      yield* fs.writeFileString(file, "{ \"mcpServers\": { \"a\": ")
      const error = yield* Effect.flip(McpConfigFile.read(file))
      assert.strictEqual(error.reason._tag, "ReadFailed")
      assert.match(error.message, new RegExp(`^config ${file}: not valid JSON: `))
      const missing = yield* Effect.flip(McpConfigFile.read(`${dir}/none.json`))
      assert.match(missing.message, new RegExp(`^config ${dir}/none.json: cannot be read`))
    }).pipe(Effect.provide(NodeServices.layer)))
})

describe("McpConfigFile: locations and discovery", () => {
  it.effect("each OS has its own paths", () =>
    Effect.gen(function*() {
      const path = yield* Path.Path
      const at = (platform: McpConfigFile.Platform, host: McpConfigFile.Host) =>
        McpConfigFile.locations(path, platform).filter((l) => l.host === host).map((l) => l.path)
      assert.deepStrictEqual(at({ os: "darwin", home: "/Users/ada" }, "claude-desktop"), [
        "/Users/ada/Library/Application Support/Claude/claude_desktop_config.json"
      ])
      assert.deepStrictEqual(at({ os: "linux", home: "/home/ada" }, "claude-desktop"), [
        "/home/ada/.config/Claude/claude_desktop_config.json"
      ])
      assert.deepStrictEqual(
        at({ os: "win32", home: "/c/Users/ada", appData: "/c/Users/ada/AppData/Roaming" }, "goose"),
        [
          "/c/Users/ada/AppData/Roaming/Block/goose/config/config.yaml"
        ]
      )
      assert.deepStrictEqual(at({ os: "linux", home: "/home/ada", codexHome: "/opt/codex" }, "codex"), [
        "/opt/codex/config.toml"
      ])
      const project = McpConfigFile.locations(path, { os: "linux", home: "/home/ada" }, "/work/app")
      assert.strictEqual(project.at(-1)?.path, "/work/app/.mcp.json")
      assert.isTrue(project.slice(0, 10).every((l) => l.scope === "user"))
    }).pipe(Effect.provide(NodeServices.layer)))

  it.effect("reads the files that exist, merges them, and the project's own file wins", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const home = yield* fs.makeTempDirectoryScoped()
      const project = yield* fs.makeTempDirectoryScoped()
      const copy = (name: string, to: string) =>
        Effect.gen(function*() {
          yield* fs.makeDirectory(to.slice(0, to.lastIndexOf("/")), { recursive: true })
          yield* fs.writeFileString(to, yield* fs.readFileString(fixture(name)))
        })
      yield* copy("cursor-mcp.json", `${home}/.cursor/mcp.json`)
      yield* copy("codex-config.toml", `${home}/.codex/config.toml`)
      yield* copy("goose-config.yaml", `${home}/.config/goose/config.yaml`)
      yield* copy("project.mcp.json", `${project}/.mcp.json`)
      const config = yield* McpConfigFile.discover({ platform: { os: "linux", home }, project, env })
      assert.deepStrictEqual(Object.keys(config.servers), [
        "github",
        "linear",
        "browser",
        "docs",
        "figma",
        "old",
        "remote",
        "api"
      ])
      // github is in Cursor's file and in the project's: the project's wins, whole
      assert.strictEqual(stdio(config.servers.github).command, "github-mcp-server")
      assert.strictEqual(config.servers.github?.file, `${project}/.mcp.json`)
      assert.strictEqual(config.servers.linear?.file, `${home}/.cursor/mcp.json`)
      const onlyCodex = yield* McpConfigFile.discover({
        platform: { os: "linux", home },
        project,
        env,
        hosts: ["codex"]
      })
      assert.deepStrictEqual(Object.keys(onlyCodex.servers), ["docs", "figma", "old"])
    }).pipe(Effect.provide(NodeServices.layer)))
})
