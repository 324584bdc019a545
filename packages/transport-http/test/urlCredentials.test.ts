/**
 * Credentials written into a URL are sent as HTTP Basic authorization and never shown: not in the URL
 * the requests go to, not in an error, not in a log line.
 */
import * as McpClient from "@effect-mcp/core/McpClient"
import * as McpError from "@effect-mcp/core/McpError"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ScriptedPeer from "../../core/test/fixtures/ScriptedPeer.ts"
import * as McpHttpTransport from "../src/McpHttpTransport.ts"
import * as Servers from "./fixtures/servers.ts"

const BASIC = `Basic ${btoa("ada:hunter2")}`

/** The URL with `ada:hunter2` written into it. */
const withPassword = (url: string) => url.replace("http://", "http://ada:hunter2@")

/** A client in the current scope, its transport built into the same scope. */
const clientOver = (url: string) =>
  Effect.flatMap(
    Layer.build(McpHttpTransport.layerUrl(url).pipe(Layer.provide(NodeHttpClient.layerUndici))),
    (context) => McpClient.make({ timeout: "10 seconds", reconnect: false }).pipe(Effect.provide(context))
  )

describe("a URL with credentials", () => {
  it.live(
    "Streamable HTTP: every request carries them as Basic authorization, none carries them in its URL",
    () =>
      Effect.gen(function*() {
        const server = yield* Servers.streamableHttp({ json: true, sessions: true })
        const client = yield* clientOver(withPassword(server.url))
        assert.isTrue((yield* client.listTools()).length > 0)
        assert.isTrue(server.requests.length >= 3)
        for (const request of server.requests) assert.strictEqual(request.headers.authorization, BASIC)
      }).pipe(Effect.scoped),
    { timeout: 30_000 }
  )

  it.live("HTTP+SSE: the stream and the endpoint the server announces both get them", () =>
    Effect.gen(function*() {
      const server = yield* Servers.legacySse
      const client = yield* clientOver(withPassword(server.url.replace(/\/mcp$/, "/mcp/sse")))
      assert.isTrue((yield* client.listTools()).length > 0)
      assert.deepStrictEqual([...new Set(server.requests.map((request) => request.headers.authorization))], [BASIC])
    }).pipe(Effect.scoped), { timeout: 30_000 })

  it.live(
    "nothing listening: the error says so in plain words, names the host, never the password",
    () =>
      Effect.gen(function*() {
        const logs: Array<ScriptedPeer.LogEntry> = []
        const error = yield* clientOver("http://ada:hunter2@127.0.0.1:9/mcp").pipe(
          Effect.scoped,
          Effect.flip,
          Effect.provide(ScriptedPeer.captureLogs(logs))
        )
        assert.instanceOf(error, McpError.McpTransportError)
        assert.strictEqual(
          error.message,
          "The connection to the MCP server closed: HTTP request to http://127.0.0.1:9/mcp failed: " +
            "nothing is listening at 127.0.0.1:9 (ECONNREFUSED)"
        )
        if (error instanceof McpError.McpTransportError && error.reason._tag === "ConnectionClosed") {
          assert.strictEqual(error.reason.code, "ECONNREFUSED")
        }
        assert.notInclude(error.message, "hunter2")
        assert.notInclude(error.message, "ada:")
        for (const entry of logs) assert.notInclude(JSON.stringify(entry), "hunter2")
      }),
    { timeout: 30_000 }
  )
})

describe("what a failed connection says", () => {
  it.live("a host that does not resolve: the error says so, and carries the code", () =>
    Effect.gen(function*() {
      const error = yield* clientOver("http://no-such-host.invalid/mcp").pipe(Effect.scoped, Effect.flip)
      assert.instanceOf(error, McpError.McpTransportError)
      assert.include(error.message, "cannot resolve the host no-such-host.invalid (")
      if (error instanceof McpError.McpTransportError && error.reason._tag === "ConnectionClosed") {
        assert.oneOf(error.reason.code, ["ENOTFOUND", "EAI_AGAIN"])
      }
    }), { timeout: 30_000 })
})
