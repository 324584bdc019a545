/**
 * Closing a client while calls are in flight, against server-everything over both HTTP transports:
 * the calls fail with `ClientClosed` (not with what the server does to a closed session), and nothing
 * is sent after the session's DELETE.
 */
import * as McpClient from "@effect-mcp/core/McpClient"
import * as McpError from "@effect-mcp/core/McpError"
import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as McpHttpTransport from "../src/McpHttpTransport.ts"
import * as Everything from "./fixtures/everything.ts"
import { recordingHttp, type Sent } from "./fixtures/recording.ts"

const LONG_CALL = { duration: 5, steps: 5 }

const CASES = [
  ["streamableHttp", "/mcp", "auto"],
  ["streamableHttp", "/mcp", "legacy"],
  ["sse", "/sse", "auto"]
] as const

/** What the client sent, as `METHOD json-rpc-method`. */
const describeSent = (sent: ReadonlyArray<Sent>) =>
  sent.map((request) => `${request.method} ${request.body?.method ?? ""}`.trim())

describe("closing a client with calls in flight", () => {
  for (const [mode, path, protocolVersion] of CASES) {
    it.live(
      `${mode} (${protocolVersion}): every pending call fails with ClientClosed; nothing follows`,
      () =>
        Effect.gen(function*() {
          const port = yield* Everything.serve(mode)
          const sent: Array<Sent> = []
          const bothSent = yield* Deferred.make<void>()
          const record = (request: Sent) => {
            sent.push(request)
            if (sent.filter((s) => s.body?.method === "tools/call").length === 2) {
              Deferred.doneUnsafe(bothSent, Exit.void)
            }
          }
          const scope = yield* Scope.make()
          const transport = McpHttpTransport.layerUrl(`http://127.0.0.1:${port}${path}`).pipe(
            Layer.provide(recordingHttp(record))
          )
          const context = yield* Layer.build(transport).pipe(Scope.provide(scope))
          const client = yield* McpClient.make({ protocolVersion }).pipe(Effect.provide(context), Scope.provide(scope))
          const calls = yield* Effect.forEach([1, 2], () =>
            client.callTool("trigger-long-running-operation", LONG_CALL).pipe(
              Effect.flip,
              Effect.forkChild({ startImmediately: true })
            ))
          yield* Deferred.await(bothSent)
          yield* Scope.close(scope, Exit.void)
          const closedAt = sent.length
          for (const call of calls) {
            const error = yield* Fiber.join(call)
            assert.instanceOf(error, McpError.McpTransportError)
            assert.strictEqual(error.reason._tag, "ClientClosed")
            assert.strictEqual(error.message, "The MCP client was closed before the server answered")
          }
          // over Streamable HTTP the session's DELETE is the last request (no GET after it); HTTP+SSE has
          // no DELETE. The close has stopped every fiber of the client: nothing can be sent later.
          const methods = describeSent(sent)
          if (mode === "streamableHttp") {
            assert.strictEqual(methods[methods.length - 1], "DELETE")
          } else assert.notInclude(methods, "DELETE")
          assert.strictEqual(sent.length, closedAt)
        }).pipe(Effect.scoped),
      { timeout: 60_000 }
    )
  }
})
