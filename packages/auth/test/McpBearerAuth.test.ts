import * as McpClient from "@effect-mcp/core/McpClient"
import * as McpError from "@effect-mcp/core/McpError"
import * as McpHttpTransport from "@effect-mcp/transport-http/McpHttpTransport"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Config, ConfigProvider, Effect, Layer, Redacted } from "effect"
import * as McpBearerAuth from "../src/McpBearerAuth.ts"
import * as McpServer from "./fixtures/mcpServer.ts"

/** A client of `url` in the current scope whose transport has `auth`. */
const clientOver = <E>(url: string, auth: Layer.Layer<never, E>) =>
  Effect.flatMap(
    Layer.build(
      McpHttpTransport.layer({ url }).pipe(Layer.provide(auth), Layer.provide(NodeHttpClient.layerUndici))
    ),
    (context) => McpClient.make({ timeout: "10 seconds", reconnect: false }).pipe(Effect.provide(context))
  )

/** A server that refuses every request without `Authorization: Bearer s3cret`. */
const protectedServer = McpServer.serve({
  gate: (request) =>
    Effect.succeed(
      request.headers.authorization === "Bearer s3cret"
        ? undefined
        : { status: 401, headers: { "www-authenticate": "Bearer error=\"invalid_token\"" } }
    )
})

describe("McpBearerAuth", () => {
  it.live("a string token: every request carries Authorization: Bearer <token>", () =>
    Effect.gen(function*() {
      const server = yield* protectedServer
      const client = yield* clientOver(server.url, McpBearerAuth.layer("s3cret"))
      assert.isTrue((yield* client.listTools()).length > 0)
      assert.isTrue(server.requests.length >= 2)
      for (const request of server.requests) assert.strictEqual(request.headers.authorization, "Bearer s3cret")
    }))

  it.live("a token from Config (Config.Redacted) is read when the layer is built", () =>
    Effect.gen(function*() {
      const server = yield* protectedServer
      const client = yield* clientOver(server.url, McpBearerAuth.layer(Config.Redacted("MCP_TOKEN"))).pipe(
        Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromUnknown({ MCP_TOKEN: "s3cret" }))
      )
      const result = yield* client.callTool("add", { a: 1, b: 2 })
      assert.isDefined(result)
      for (const request of server.requests) assert.strictEqual(request.headers.authorization, "Bearer s3cret")
    }))

  it.live("a missing Config variable fails with its ConfigError", () =>
    Effect.gen(function*() {
      const server = yield* protectedServer
      const error = yield* clientOver(server.url, McpBearerAuth.layer(Config.Redacted("MCP_TOKEN"))).pipe(
        Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromUnknown({})),
        Effect.flip
      )
      assert.strictEqual(error._tag, "ConfigError")
      assert.strictEqual(server.requests.length, 0)
    }))

  it.live("a token already prefixed is not prefixed twice; a Redacted token", () =>
    Effect.gen(function*() {
      const server = yield* protectedServer
      const client = yield* clientOver(server.url, McpBearerAuth.layer(Redacted.make("Bearer s3cret")))
      assert.isTrue((yield* client.listTools()).length > 0)
      for (const request of server.requests) assert.strictEqual(request.headers.authorization, "Bearer s3cret")
    }))

  it.live("a custom header carries the bare token; a custom scheme", () =>
    Effect.gen(function*() {
      const server = yield* McpServer.serve()
      const client = yield* clientOver(server.url, McpBearerAuth.layer("k3y", { header: "X-API-Key" }))
      assert.isTrue((yield* client.listTools()).length > 0)
      for (const request of server.requests) {
        assert.strictEqual(request.headers["x-api-key"], "k3y")
        assert.isUndefined(request.headers.authorization)
      }
      const other = yield* McpServer.serve()
      const second = yield* clientOver(other.url, McpBearerAuth.layer("t0k", { scheme: "Token" }))
      assert.isTrue((yield* second.listTools()).length > 0)
      for (const request of other.requests) assert.strictEqual(request.headers.authorization, "Token t0k")
    }))

  it.live("a wrong token: the 401 fails with HttpStatus, and the token appears in no error", () =>
    Effect.gen(function*() {
      const server = yield* protectedServer
      const error = yield* clientOver(server.url, McpBearerAuth.layer("wr0ng-t0ken")).pipe(
        Effect.flatMap((client) => client.listTools()),
        Effect.flip
      )
      assert.instanceOf(error, McpError.McpTransportError)
      assert.notInclude(error.message, "wr0ng-t0ken")
      assert.notInclude(JSON.stringify(error), "wr0ng-t0ken")
      assert.strictEqual(server.requests[0]!.headers.authorization, "Bearer wr0ng-t0ken")
    }))
})
