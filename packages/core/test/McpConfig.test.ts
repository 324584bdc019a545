/**
 * Decoding configurations: the fields of each kind of server, interpolation, merging, tool filters,
 * and every error a bad configuration gives, its message text asserted.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as McpConfig from "../src/McpConfig.ts"

const decodeError = (document: unknown, options?: McpConfig.DecodeOptions) => {
  const result = McpConfig.decodeResult(document, { file: "mcp.json", ...options })
  assert.isTrue(Result.isFailure(result))
  return Result.isFailure(result) ? result.failure : undefined
}

const server = (entry: unknown) => ({ mcpServers: { s: entry } })

describe("McpConfig.decode", () => {
  it.effect("decodes stdio and HTTP servers with every field", () =>
    Effect.gen(function*() {
      const config = yield* McpConfig.decode({
        mcpServers: {
          local: {
            command: "python",
            args: ["server.py"],
            env: { DEBUG: "1" },
            cwd: "/srv",
            keepAlive: false,
            timeout: "10 seconds",
            connect: "lazy"
          },
          remote: {
            url: "https://example.com/mcp",
            transport: "streamable-http",
            headers: { "X-Team": "core" },
            auth: "Bearer t0k",
            protocolVersion: "2025-06-18",
            timeout: 1500,
            includeTools: ["get_*"],
            excludeTools: ["get_secret"]
          },
          oauth: { url: "https://example.com/sse", auth: { scopes: ["read"] } },
          off: { command: "x", disabled: true }
        }
      }, { file: "mcp.json" })
      const local = config.servers.local!
      assert.strictEqual(local._tag, "Stdio")
      if (local._tag === "Stdio") {
        assert.deepStrictEqual(local.args, ["server.py"])
        assert.strictEqual(Redacted.value(local.env.DEBUG!), "1")
        assert.strictEqual(local.keepAlive, false)
        assert.strictEqual(local.connect, "lazy")
        assert.strictEqual(Duration.toMillis(local.timeout!), 10_000)
        assert.strictEqual(local.file, "mcp.json")
      }
      const remote = config.servers.remote!
      assert.strictEqual(remote._tag, "Http")
      if (remote._tag === "Http") {
        assert.strictEqual(remote.transport, "http")
        assert.strictEqual(remote.auth?._tag === "Bearer" ? Redacted.value(remote.auth.token) : "", "t0k")
        assert.strictEqual(remote.protocolVersion, "2025-06-18")
        assert.strictEqual(Duration.toMillis(remote.timeout!), 1500)
        // secrets never show in logs
        assert.notInclude(String(remote.auth?._tag === "Bearer" ? remote.auth.token : ""), "t0k")
      }
      const oauth = config.servers.oauth!
      assert.deepStrictEqual(oauth._tag === "Http" ? oauth.auth : undefined, {
        _tag: "OAuth",
        options: { scopes: ["read"] }
      })
      assert.deepStrictEqual(McpConfig.enabled(config).map((s) => s.name), ["local", "remote", "oauth"])
      const allows = yield* McpConfig.toolFilter(remote)
      assert.deepStrictEqual(["get_a", "get_secret", "put_a"].filter(allows), ["get_a"])
    }))

  it("interpolates ${NAME}, ${NAME:-default} and ${env:NAME} in every string", () => {
    const result = McpConfig.decodeResult({
      mcpServers: {
        api: {
          url: "${BASE:-https://api.example.com}/mcp",
          headers: { Authorization: "Bearer ${env:TOKEN}", "X-Empty": "${UNSET:-}" }
        }
      }
    }, { env: { TOKEN: "abc" } })
    assert.isTrue(Result.isSuccess(result))
    const api = Result.isSuccess(result) ? result.success.servers.api : undefined
    assert.strictEqual(api?._tag === "Http" ? api.url : "", "https://api.example.com/mcp")
    assert.deepStrictEqual(
      api?._tag === "Http" ? Object.values(api.headers).map(Redacted.value) : [],
      ["Bearer abc", ""]
    )
  })

  it("reads the hosts' own references as they do: Gemini CLI's $NAME, opencode's {env:NAME}", () => {
    const env = { TOKEN: "abc", HOME_DIR: "/home/me" }
    const gemini = McpConfig.decodeResult({
      mcpServers: {
        api: {
          httpUrl: "https://api.example.com/mcp",
          headers: { Authorization: "Bearer $TOKEN", "X-Pass": "pa$UNSET" }
        },
        local: { command: "node", args: ["$HOME_DIR/server.js", "${TOKEN}"] }
      }
    }, { env, format: "gemini" })
    assert.isTrue(Result.isSuccess(gemini))
    const servers = Result.isSuccess(gemini) ? gemini.success.servers : {}
    const api = servers.api
    // a $NAME that is not set stays as written, as Gemini CLI leaves it
    assert.deepStrictEqual(
      api?._tag === "Http" ? Object.values(api.headers).map(Redacted.value) : [],
      ["Bearer abc", "pa$UNSET"]
    )
    assert.deepStrictEqual(servers.local?._tag === "Stdio" ? servers.local.args : [], ["/home/me/server.js", "abc"])

    const opencode = McpConfig.decodeResult({
      mcp: {
        api: {
          type: "remote",
          url: "https://api.example.com/mcp?key={env:TOKEN}",
          headers: { "X-Other": "{env:UNSET}" }
        }
      }
    }, { env, format: "opencode" })
    assert.isTrue(Result.isSuccess(opencode))
    const remote = Result.isSuccess(opencode) ? opencode.success.servers.api : undefined
    assert.strictEqual(remote?._tag === "Http" ? remote.url : "", "https://api.example.com/mcp?key=abc")
    // an {env:NAME} that is not set is empty, as opencode makes it
    assert.deepStrictEqual(remote?._tag === "Http" ? Object.values(remote.headers).map(Redacted.value) : [], [""])

    // other formats leave both as they are, and a ${NAME} that is not set is an error in every one
    const plain = McpConfig.decodeResult(server({ command: "x", args: ["$TOKEN", "{env:TOKEN}"] }), { env })
    assert.deepStrictEqual(
      Result.isSuccess(plain) && plain.success.servers.s?._tag === "Stdio" ? plain.success.servers.s.args : [],
      ["$TOKEN", "{env:TOKEN}"]
    )
    const missing = decodeError({ mcpServers: { s: { command: "x", args: ["${NOPE}"] } } }, { format: "gemini" })
    assert.strictEqual(missing?.reason._tag, "MissingVariable")
  })

  it("detectFormat tells the format from the top-level keys, as decode does", () => {
    assert.strictEqual(McpConfig.detectFormat({ mcpServers: {} }), "mcpServers")
    assert.strictEqual(McpConfig.detectFormat({ mcp: { api: {} } }), "opencode")
    assert.strictEqual(McpConfig.detectFormat({ mcp: { servers: {} } }), "vscode")
    assert.strictEqual(McpConfig.detectFormat({ mcp_servers: {} }), "codex")
    assert.strictEqual(McpConfig.detectFormat({ extensions: {} }), "goose")
    assert.isUndefined(McpConfig.detectFormat({ theme: "dark" }))
    assert.isUndefined(McpConfig.detectFormat([{ mcpServers: {} }]))
  })

  it("merges configurations: a later server of the same name replaces the earlier one whole", () => {
    const decode = (document: unknown, file: string) => {
      const result = McpConfig.decodeResult(document, { file })
      if (Result.isFailure(result)) throw result.failure // lint-allow-throw
      return result.success
    }
    const merged = McpConfig.merge([
      decode({ mcpServers: { a: { command: "a1", env: { X: "1" } }, b: { command: "b" } } }, "user.json"),
      decode({ mcpServers: { a: { command: "a2" } } }, "project.json")
    ])
    assert.deepStrictEqual(Object.keys(merged.servers), ["a", "b"])
    const a = merged.servers.a
    assert.strictEqual(a?._tag === "Stdio" ? a.command : "", "a2")
    assert.deepStrictEqual(a?._tag === "Stdio" ? a.env : undefined, {})
    assert.strictEqual(a?.file, "project.json")
  })
})

describe("McpConfig: every bad configuration says where and what was expected", () => {
  const cases: ReadonlyArray<readonly [string, unknown, string]> = [
    [
      "no known top-level key",
      { servers_list: {} },
      "config mcp.json: expected an object with \"mcpServers\", \"servers\", \"mcp_servers\", \"mcp\" or \"extensions\", found \"servers_list\""
    ],
    [
      "mcpServers not an object",
      { mcpServers: [] },
      "config mcp.json, field \"mcpServers\": expected an object of servers, by name"
    ],
    [
      "a server that is not an object",
      server("npx x"),
      "config mcp.json, server \"s\": expected an object with a `command` or a `url`"
    ],
    [
      "neither command nor url",
      server({ args: [] }),
      "config mcp.json, server \"s\", field \"command\": expected a `command` (a local server) or a `url` (a remote server)"
    ],
    [
      "both command and url",
      server({ command: "x", url: "https://x" }),
      "config mcp.json, server \"s\", field \"url\": expected either a `command` or a `url`, not both"
    ],
    [
      "args not an array",
      server({ command: "x", args: "a b" }),
      "config mcp.json, server \"s\", field \"args\": expected array, got a string (\"a b\")"
    ],
    [
      "an argument not a string",
      server({ command: "x", args: ["a", 3] }),
      "config mcp.json, server \"s\", field \"args[1]\": expected string, got a number (3)"
    ],
    [
      "an env value not a string, its value kept secret",
      server({ command: "x", env: { KEY: 123 } }),
      "config mcp.json, server \"s\", field \"env.KEY\": expected string, got a number"
    ],
    [
      "an unknown transport",
      server({ url: "https://x", transport: "websocket" }),
      "config mcp.json, server \"s\", field \"transport\": expected \"stdio\" | \"http\" | \"streamable-http\" | \"streamableHttp\" | \"sse\", got a string (\"websocket\")"
    ],
    [
      "a transport that does not fit",
      server({ command: "x", type: "http" }),
      "config mcp.json, server \"s\", field \"transport\": expected \"stdio\" for a server with a `command`, got \"http\""
    ],
    [
      "a URL that does not parse",
      server({ url: "example.com/mcp" }),
      "config mcp.json, server \"s\", field \"url\": expected an http:// or https:// URL, got \"example.com/mcp\""
    ],
    [
      "a protocol version that is no revision",
      server({ command: "x", protocolVersion: "latest" }),
      "config mcp.json, server \"s\", field \"protocolVersion\": expected \"auto\", \"legacy\" or a revision such as \"2025-06-18\", got \"latest\""
    ],
    [
      "a timeout that is no duration",
      server({ command: "x", timeout: "soon" }),
      "config mcp.json, server \"s\", field \"timeout\": expected milliseconds or a duration such as \"30 seconds\", got \"soon\""
    ],
    [
      "a disabled flag that is no boolean",
      server({ command: "x", disabled: "yes" }),
      "config mcp.json, server \"s\", field \"disabled\": expected boolean, got a string (\"yes\")"
    ],
    [
      "a variable that is not set",
      server({ command: "x", env: { TOKEN: "${GITHUB_TOKEN}" } }),
      "config mcp.json, server \"s\", field \"env.TOKEN\": the variable GITHUB_TOKEN is not set (give it a value, or a default with ${GITHUB_TOKEN:-default})"
    ],
    [
      "a VS Code input variable",
      server({ url: "https://x", headers: { Authorization: "${input:api-key}" } }),
      "config mcp.json, server \"s\", field \"headers.Authorization\": ${input:api-key} is not supported (use ${NAME}, ${NAME:-default} or ${env:NAME})"
    ]
  ]
  for (const [title, document, message] of cases) {
    it(title, () => {
      assert.strictEqual(decodeError(document)?.message, message)
    })
  }

  it("a missing variable is a typed reason with the file, server, field and variable", () => {
    const error = decodeError(server({ command: "x", args: ["--key", "${KEY}"] }))
    assert.strictEqual(error?.reason._tag, "MissingVariable")
    if (error?.reason._tag === "MissingVariable") {
      assert.deepStrictEqual(
        [error.reason.file, error.reason.server, error.reason.field, error.reason.variable],
        ["mcp.json", "s", "args[1]", "KEY"]
      )
    }
  })
})
