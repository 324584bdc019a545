import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as McpClient from "../src/McpClient.ts"
import * as McpError from "../src/McpError.ts"
import * as McpQueueTransport from "../src/McpQueueTransport.ts"
import * as ScriptedPeer from "./fixtures/ScriptedPeer.ts"

const toolResult = (text: string) => ({ result: { content: [{ type: "text", text }] } })

describe("malformed server messages", () => {
  it.effect("garbage is logged and skipped; the request it surrounds still succeeds", () =>
    Effect.gen(function*() {
      const logs: Array<ScriptedPeer.LogEntry> = []
      const client = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({
          onMessage: (message, peer) =>
            Effect.gen(function*() {
              if (message.method !== "tools/call") return undefined
              yield* peer.sendRaw("this is not json\n")
              yield* peer.sendRaw("\n   \n")
              yield* peer.send(42)
              yield* peer.send({ jsonrpc: "2.0", id: 9999, result: {} }) // unknown id
              yield* peer.send({ jsonrpc: "1.0", method: "notifications/message" }) // wrong version
              yield* peer.send({ jsonrpc: "2.0", id: { nested: true }, method: "ping" }) // bad id
              yield* peer.send({ jsonrpc: "2.0", stray: true }) // nothing at all
              yield* peer.send({ jsonrpc: "2.0", error: { code: -32700, message: "parse error" } })
              yield* peer.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":") // a line cut in two chunks …
              yield* peer.sendRaw(`${message.id},"result":{"content":[{"type":"text","text":"ok"}]}}\n`) // … completed
              return undefined
            })
        }))),
        Effect.provide(ScriptedPeer.captureLogs(logs))
      )
      const result = yield* client.callTool("t").pipe(Effect.provide(ScriptedPeer.captureLogs(logs)))
      assert.deepStrictEqual(result.content, [{ type: "text", text: "ok" }])
      const reasons = logs.filter((entry) => entry.level === "Warn").map((entry) => entry.annotations["mcp.reason"])
      assert.strictEqual(reasons.length, 7)
      assert.include(String(reasons[0]), "JSON")
      assert.deepStrictEqual(reasons.slice(1), [
        "not a JSON object",
        "response to an unknown request id",
        "missing or wrong \"jsonrpc\" version",
        "request with an invalid id",
        "neither a request, a notification nor a response",
        undefined // the id-less error is reported without a reason: it answers no request
      ])
    }))

  it.effect("a response with the right id but no result or error fails that request only", () =>
    Effect.gen(function*() {
      const release = yield* Deferred.make<void>()
      const client = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({
          onMessage: (message) => {
            const name = message.params?.name
            if (name === "broken") return Effect.succeed({ jsonrpc: "2.0", id: message.id, result: "not an object" })
            if (name === "slow") return Effect.as(Deferred.await(release), toolResult("slow done"))
            if (name === "wrong-type") return Effect.succeed({ result: { content: "not an array" } })
            return Effect.void
          }
        })))
      )
      const slow = yield* client.callTool("slow").pipe(Effect.forkChild({ startImmediately: true }))
      const broken = yield* client.callTool("broken").pipe(Effect.flip)
      assert.instanceOf(broken, McpError.McpProtocolError)
      assert.strictEqual(broken.reason._tag, "InvalidResult")
      const wrongType = yield* client.callTool("wrong-type").pipe(Effect.flip)
      assert.instanceOf(wrongType, McpError.McpProtocolError)
      assert.strictEqual(wrongType.reason._tag, "InvalidResult")
      assert.include(wrongType.message, "content")
      yield* Deferred.succeed(release, undefined)
      const done = yield* Fiber.join(slow)
      assert.deepStrictEqual(done.content, [{ type: "text", text: "slow done" }])
    }))

  it.effect("a JSON-RPC error response fails the request with the server's code, message and data", () =>
    Effect.gen(function*() {
      const client = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({
          onMessage: () =>
            Effect.succeed({ error: { code: -32002, message: "Resource not found", data: { uri: "x" } } })
        })))
      )
      const error = yield* client.readResource("x").pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpProtocolError)
      assert.strictEqual(error.method, "resources/read")
      assert.deepStrictEqual(
        error.reason._tag === "RpcError" ? [error.reason.code, error.reason.description, error.reason.data] : [],
        [-32002, "Resource not found", { uri: "x" }]
      )
    }))
})

describe("server requests", () => {
  it.effect("answers ping, and method-not-found for what no handler serves", () =>
    Effect.gen(function*() {
      const answers = yield* Deferred.make<ReadonlyArray<unknown>>()
      yield* McpClient.make({ protocolVersion: "legacy" }).pipe(
        Effect.provide(McpQueueTransport.layer((peer) =>
          Effect.gen(function*() {
            const init = (yield* Effect.orDie(peer.receive)) as ScriptedPeer.ClientMessage
            yield* peer.send({ jsonrpc: "2.0", id: init.id, result: ScriptedPeer.initializeResult() })
            yield* Effect.orDie(peer.receive) // notifications/initialized
            yield* peer.send({ jsonrpc: "2.0", id: "s1", method: "ping" })
            yield* peer.send({ jsonrpc: "2.0", id: "s2", method: "sampling/createMessage", params: { messages: [] } })
            yield* peer.send({ jsonrpc: "2.0", id: 7, method: "roots/list" })
            const replies = [
              yield* Effect.orDie(peer.receive),
              yield* Effect.orDie(peer.receive),
              yield* Effect.orDie(peer.receive)
            ]
            yield* Deferred.succeed(answers, replies)
          })
        ))
      )
      const replies = yield* Deferred.await(answers)
      assert.deepStrictEqual(replies, [
        { jsonrpc: "2.0", id: "s1", result: {} },
        { jsonrpc: "2.0", id: "s2", error: { code: -32601, message: "Method not found: sampling/createMessage" } },
        { jsonrpc: "2.0", id: 7, error: { code: -32601, message: "Method not found: roots/list" } }
      ])
    }))

  it.effect("notifications are published on the client's stream", () =>
    Effect.gen(function*() {
      const client = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({
          onMessage: (message, peer) =>
            message.method === "tools/call"
              ? Effect.andThen(
                Effect.all([
                  peer.send({ jsonrpc: "2.0", method: "notifications/tools/list_changed" }),
                  peer.send({
                    jsonrpc: "2.0",
                    method: "notifications/message",
                    params: { level: "info", data: { hello: "world" } }
                  })
                ]),
                Effect.succeed(toolResult("done"))
              )
              : Effect.void
        })))
      )
      const received = yield* takeTwo(client.notifications).pipe(Effect.forkChild({ startImmediately: true }))
      yield* client.callTool("t")
      const notifications = yield* Fiber.join(received)
      assert.deepStrictEqual(notifications, [
        { method: "notifications/tools/list_changed", params: undefined },
        { method: "notifications/message", params: { level: "info", data: { hello: "world" } } }
      ])
    }))

  it.effect("a long run is logged by its first ten and a summary; maxMalformedMessages in a row fail the connection", () =>
    Effect.gen(function*() {
      const logs: Array<ScriptedPeer.LogEntry> = []
      const client = yield* McpClient.make({ maxMalformedMessages: 20, reconnect: false }).pipe(
        Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({
          onMessage: (message, peer) =>
            Effect.gen(function*() {
              if (message.method !== "tools/call") return undefined
              const lines = message.params?.name === "flood" ? 20 : 15
              yield* peer.sendRaw("not json\n".repeat(lines))
              return toolResult("ok")
            })
        }))),
        Effect.provide(ScriptedPeer.captureLogs(logs))
      )
      const result = yield* client.callTool("run").pipe(Effect.provide(ScriptedPeer.captureLogs(logs)))
      assert.deepStrictEqual(result.content, [{ type: "text", text: "ok" }])
      const warnings = logs.filter((entry) => entry.level === "Warn").map((entry) => String(entry.message))
      assert.lengthOf(warnings, 11)
      assert.isTrue(warnings.slice(0, 10).every((text) => text.includes("ignored a malformed message")))
      assert.include(warnings[10], "ignored 5 more malformed messages from the server")
      // 20 in a row with nothing valid between: the connection is given up on, the call fails with why
      const error = yield* client.callTool("flood").pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpTransportError)
      if (error instanceof McpError.McpTransportError) {
        assert.strictEqual(error.reason._tag, "MalformedMessage")
        assert.include(error.message, "20 messages in a row were not JSON-RPC")
      }
    }))
})

const takeTwo = (stream: Stream.Stream<McpClient.Notification>) => Stream.runCollect(Stream.take(stream, 2))
