import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Queue from "effect/Queue"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as McpClient from "../src/McpClient.ts"
import * as McpClientTest from "../src/McpClientTest.ts"
import * as McpElicitation from "../src/McpElicitation.ts"
import * as McpError from "../src/McpError.ts"
import * as McpLogging from "../src/McpLogging.ts"
import * as McpMessages from "../src/McpMessages.ts"
import * as McpQueueTransport from "../src/McpQueueTransport.ts"
import * as McpSampling from "../src/McpSampling.ts"
import * as McpSchema from "../src/McpSchema.ts"
import * as EffectServer from "./fixtures/EffectServer.ts"
import * as ScriptedPeer from "./fixtures/ScriptedPeer.ts"
import * as SdkServer from "./fixtures/SdkServer.ts"

describe("McpClient against an in-process Effect McpServer", () => {
  it.layer(McpClientTest.layer(EffectServer.layer(), { clientInfo: { name: "tests", version: "9.9.9" } }))(
    "every operation",
    (it) => {
      it.effect("negotiates the newest stateful revision and exposes the server's details", () =>
        Effect.gen(function*() {
          const client = yield* McpClient.McpClient
          const session = yield* client.session
          assert.strictEqual(session.era, "stateful")
          assert.strictEqual(session.protocolVersion, "2025-11-25")
          assert.strictEqual(session.serverInfo.name, "test-server")
          assert.strictEqual(session.serverInfo.version, "1.2.3")
          assert.strictEqual(session.instructions, "Use the tools wisely")
          assert.isDefined(session.capabilities.tools)
          assert.strictEqual(session.capabilities.resources?.subscribe, true)
        }))

      it.effect("lists every tool with its schemas", () =>
        Effect.gen(function*() {
          const client = yield* McpClient.McpClient
          const tools = yield* client.listTools()
          assert.deepStrictEqual(tools.map((tool) => tool.name).sort(), [
            "add",
            "ask_model",
            "ask_user",
            "count",
            "divide",
            "echo",
            "hang",
            "list_roots",
            "log_all",
            "touch"
          ])
          const add = tools.find((tool) => tool.name === "add")!
          assert.strictEqual(add.description, "Add two numbers")
          assert.strictEqual(add.inputSchema.type, "object")
          assert.deepStrictEqual(add.inputSchema.required, ["a", "b"])
        }))

      it.effect("calls a tool and returns the protocol result", () =>
        Effect.gen(function*() {
          const client = yield* McpClient.McpClient
          const result = yield* client.callTool("echo", { text: "héllo" })
          assert.deepStrictEqual(result.content, [{ type: "text", text: "héllo" }])
          assert.notStrictEqual(result.isError, true)
        }))

      it.effect("decodes structuredContent with an output schema", () =>
        Effect.gen(function*() {
          const client = yield* McpClient.McpClient
          const sum = yield* client.callTool("add", { a: 2, b: 40 }, {
            output: Schema.Struct({ sum: Schema.Number })
          })
          assert.deepStrictEqual(sum, { sum: 42 })
        }))

      it.effect("fails with InvalidResult when structuredContent does not match the output schema", () =>
        Effect.gen(function*() {
          const client = yield* McpClient.McpClient
          const error = yield* client.callTool("add", { a: 2, b: 40 }, {
            output: Schema.Struct({ total: Schema.String })
          }).pipe(Effect.flip)
          assert.instanceOf(error, McpError.McpProtocolError)
          assert.strictEqual(error.method, "tools/call")
          assert.strictEqual(error.reason._tag, "InvalidResult")
        }))

      it.effect("raises McpToolError when the tool answers isError, with the tool's message", () =>
        Effect.gen(function*() {
          const client = yield* McpClient.McpClient
          const error = yield* client.callTool("divide", { a: 1, b: 0 }).pipe(Effect.flip)
          assert.instanceOf(error, McpError.McpToolError)
          assert.strictEqual(error.tool, "divide")
          assert.strictEqual(error.result.isError, true)
          assert.include(error.message, "division by zero")
        }))

      it.effect("callToolRaw returns an isError result without raising", () =>
        Effect.gen(function*() {
          const client = yield* McpClient.McpClient
          const result = yield* client.callToolRaw("divide", { a: 1, b: 0 })
          assert.strictEqual(result.isError, true)
          const ok = yield* client.callToolRaw("divide", { a: 9, b: 3 })
          assert.notStrictEqual(ok.isError, true)
          assert.deepStrictEqual(ok.content, [{ type: "text", text: "3" }])
        }))

      it.effect("invalid arguments come back as a tool error the model can read (2025-11-25)", () =>
        Effect.gen(function*() {
          const client = yield* McpClient.McpClient
          const error = yield* client.callTool("add", { a: "one" }).pipe(Effect.flip)
          assert.instanceOf(error, McpError.McpToolError)
          assert.strictEqual(error.result.isError, true)
          assert.isTrue(error.result.content.length > 0)
        }))

      it.effect("routes progress notifications to the call's handler, in order", () =>
        Effect.gen(function*() {
          const client = yield* McpClient.McpClient
          const seen: Array<McpClient.Progress> = []
          const result = yield* client.callTool("count", { n: 4 }, {
            onProgress: (progress) => Effect.sync(() => seen.push(progress))
          })
          assert.deepStrictEqual(result.structuredContent, { counted: 4 })
          assert.deepStrictEqual(seen.map((p) => [p.progress, p.total, p.message]), [
            [1, 4, "step 1"],
            [2, 4, "step 2"],
            [3, 4, "step 3"],
            [4, 4, "step 4"]
          ])
        }))

      it.effect("lists resources and templates, reads text", () =>
        Effect.gen(function*() {
          const client = yield* McpClient.McpClient
          const resources = yield* client.listResources()
          assert.deepStrictEqual(resources.map((r) => [r.uri, r.name, r.mimeType]), [[
            "memo://readme",
            "readme",
            "text/plain"
          ]])
          const templates = yield* client.listResourceTemplates()
          assert.deepStrictEqual(templates.map((t) => t.uriTemplate), ["memo://notes/{param0}"])
          const contents = yield* client.readResource("memo://readme")
          assert.strictEqual(contents.length, 1)
          const [readme] = contents
          assert.isTrue(readme !== undefined && McpSchema.isTextResourceContents(readme))
          assert.strictEqual(readme?.text, "hello from the readme")
          const note = yield* client.readResourceRaw("memo://notes/42")
          assert.deepStrictEqual(note.contents, [{ uri: "memo://notes/42", text: "note 42" }])
        }))

      it.effect("reading an unknown resource is a JSON-RPC error", () =>
        Effect.gen(function*() {
          const client = yield* McpClient.McpClient
          const error = yield* client.readResource("memo://nope").pipe(Effect.flip)
          assert.instanceOf(error, McpError.McpProtocolError)
          assert.strictEqual(error.reason._tag, "RpcError")
        }))

      it.effect("lists prompts and renders one, sending non-string arguments as JSON", () =>
        Effect.gen(function*() {
          const client = yield* McpClient.McpClient
          const prompts = yield* client.listPrompts()
          assert.deepStrictEqual(prompts.map((p) => p.name), ["greet"])
          assert.deepStrictEqual(prompts[0]!.arguments?.map((a) => a.name), ["who", "times"])
          const rendered = yield* client.getPrompt("greet", { who: "Ada", times: 3 })
          assert.deepStrictEqual(rendered.messages, [{ role: "user", content: { type: "text", text: "Hello Ada x3" } }])
          const structured = yield* client.getPrompt("greet", { who: { first: "Ada" }, times: [1, 2] })
          assert.deepStrictEqual(
            structured.messages[0]!.content,
            { type: "text", text: "Hello {\"first\":\"Ada\"} x[1,2]" }
          )
        }))

      it.effect("completes a template argument", () =>
        Effect.gen(function*() {
          const client = yield* McpClient.McpClient
          const completion = yield* client.complete(
            { type: "ref/resource", uri: "memo://notes/{param0}" },
            { name: "param0", value: "b" }
          )
          assert.deepStrictEqual(completion.values, ["beta"])
        }))

      it.effect("an unknown tool is a JSON-RPC error", () =>
        Effect.gen(function*() {
          const client = yield* McpClient.McpClient
          const error = yield* client.callTool("nope").pipe(Effect.flip)
          assert.instanceOf(error, McpError.McpProtocolError)
          assert.strictEqual(error.reason._tag, "RpcError")
        }))

      it.effect("serves concurrent calls on one session", () =>
        Effect.gen(function*() {
          const client = yield* McpClient.McpClient
          const sums = yield* Effect.forEach(
            Array.from({ length: 50 }, (_, i) => i),
            (i) => client.callTool("add", { a: i, b: 1 }, { output: Schema.Struct({ sum: Schema.Number }) }),
            { concurrency: "unbounded" }
          )
          assert.deepStrictEqual(sums.map((s) => s.sum), Array.from({ length: 50 }, (_, i) => i + 1))
        }))

      it.effect("the generic request decodes with the caller's schema", () =>
        Effect.gen(function*() {
          const client = yield* McpClient.McpClient
          const result = yield* client.request(
            "tools/call",
            { name: "echo", arguments: { text: "raw" } },
            Schema.Struct({ content: Schema.Array(Schema.Struct({ text: Schema.String })) })
          )
          assert.strictEqual(result.content[0]!.text, "raw")
        }))
    }
  )

  it.effect("the server sends only the log messages at or above the level set", () =>
    Effect.gen(function*() {
      const entries = yield* Queue.unbounded<McpLogging.LogEntry>()
      const client = yield* McpClientTest.makeClient(EffectServer.layer()).pipe(
        Effect.provide(McpLogging.layer((entry) => Queue.offer(entries, entry)))
      )
      // log_all logs at each of the eight levels in order, emergency last: what arrived up to it is all
      // that the call will bring
      const logAll = Effect.gen(function*() {
        yield* client.callTool("log_all")
        const levels: Array<string> = []
        while (levels.at(-1) !== "emergency") levels.push((yield* Queue.take(entries)).level)
        return levels
      })
      yield* client.setLoggingLevel("warning")
      assert.deepStrictEqual(yield* logAll, ["warning", "error", "critical", "alert", "emergency"])
      yield* client.setLoggingLevel("debug")
      assert.deepStrictEqual(yield* logAll, [...EffectServer.levels])
    }))

  it.effect("updates of a resource arrive while it is subscribed, and stop when it is unsubscribed", () =>
    Effect.gen(function*() {
      const notifications = yield* Queue.unbounded<string>()
      const client = yield* McpClientTest.makeClient(EffectServer.layer()).pipe(
        Effect.provide(McpMessages.layer((message) =>
          message._tag === "Notification"
            ? Queue.offer(notifications, `${message.method}${message.params?.uri ? ` ${message.params.uri}` : ""}`)
            : Effect.void
        ))
      )
      const changed = [
        "notifications/tools/list_changed",
        "notifications/prompts/list_changed",
        "notifications/resources/list_changed"
      ]
      const updated = "notifications/resources/updated memo://readme"
      // touch announces three list changes, then an update of memo://readme (sent to subscribers only)
      yield* client.subscribeResource("memo://readme")
      yield* client.callTool("touch")
      yield* client.unsubscribeResource("memo://readme")
      yield* client.callTool("touch")
      yield* client.subscribeResource("memo://readme")
      yield* client.callTool("touch")
      // notifications keep their order: the second update comes after everything the second touch sent
      const seen: Array<string> = []
      while (seen.filter((method) => method === updated).length < 2) seen.push(yield* Queue.take(notifications))
      assert.deepStrictEqual(seen, [...changed, updated, ...changed, ...changed, updated])
    }))

  it.effect("offers an older revision when pinned and the server accepts it", () =>
    Effect.gen(function*() {
      const client = yield* McpClientTest.makeClient(EffectServer.layer(), { protocolVersion: "2024-11-05" })
      const session = yield* client.session
      assert.strictEqual(session.protocolVersion, "2024-11-05")
      const tools = yield* client.listTools()
      assert.isTrue(tools.length > 0)
    }))

  it.effect("each session gets a fresh server; closing one leaves the other working", () =>
    Effect.gen(function*() {
      const instances: EffectServer.Instances = { started: 0, stopped: 0 }
      const server = EffectServer.layer({ instances })
      const firstScope = yield* Scope.make()
      const first = yield* McpClientTest.makeClient(server).pipe(Scope.provide(firstScope))
      const second = yield* McpClientTest.makeClient(server)
      // one server per session, both running
      assert.deepStrictEqual(instances, { started: 2, stopped: 0 })
      const echoed = yield* first.callTool("echo", { text: "first" })
      assert.deepStrictEqual(echoed.content, [{ type: "text", text: "first" }])
      yield* Scope.close(firstScope, Exit.void)
      // closing the first session stopped its server, and only that one
      assert.deepStrictEqual(instances, { started: 2, stopped: 1 })
      const result = yield* second.callTool("echo", { text: "again" })
      assert.deepStrictEqual(result.content, [{ type: "text", text: "again" }])
    }))
})

describe("McpClient against the official SDK server", () => {
  it.effect("setLoggingLevel, subscribeResource, unsubscribeResource and ping reach the server as sent", () =>
    Effect.gen(function*() {
      const events = SdkServer.makeEvents()
      const client = yield* McpClient.make().pipe(Effect.provide(SdkServer.layer(events)))
      yield* client.setLoggingLevel("warning")
      yield* client.subscribeResource("memo://readme")
      yield* client.unsubscribeResource("memo://readme")
      yield* client.ping()
      // each call returned after the server answered, so the server had read it
      const handshake = events.received.findIndex((m) => m.method === "notifications/initialized")
      assert.isAbove(handshake, 0)
      assert.deepStrictEqual(events.received.slice(handshake + 1), [
        { method: "logging/setLevel", params: { level: "warning" } },
        { method: "resources/subscribe", params: { uri: "memo://readme" } },
        { method: "resources/unsubscribe", params: { uri: "memo://readme" } },
        { method: "ping" }
      ])
    }))

  it.effect("the logLevel option sends logging/setLevel once the session is open; the server filters by it", () =>
    Effect.gen(function*() {
      const events = SdkServer.makeEvents()
      const entries = yield* Queue.unbounded<McpLogging.LogEntry>()
      const client = yield* McpClient.make({ logLevel: "error" }).pipe(
        Effect.provide(SdkServer.layer(events)),
        Effect.provide(McpLogging.layer((entry) => Queue.offer(entries, entry)))
      )
      const handshake = events.received.findIndex((m) => m.method === "notifications/initialized")
      assert.isAbove(handshake, 0)
      assert.deepStrictEqual(events.received.slice(handshake + 1), [
        { method: "logging/setLevel", params: { level: "error" } }
      ])
      // log_levels logs at info, then at error: the error entry is the last the call can bring
      yield* client.callTool("log_levels")
      const first = yield* Queue.take(entries)
      assert.deepStrictEqual(first, { level: "error", logger: "sdk", data: "at error", server: "sdk-server" })
    }))
})

describe("McpClient against a scripted server", () => {
  it.effect("sends clientInfo and the capabilities, then notifications/initialized", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const client = yield* McpClient.make({ clientInfo: { name: "tests", version: "1.0.0", title: "Tests" } }).pipe(
        Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({ log })))
      )
      const init = log[0]!
      assert.strictEqual(init.method, "initialize")
      assert.deepStrictEqual(init.params, {
        protocolVersion: "2025-11-25",
        capabilities: {},
        clientInfo: { name: "tests", version: "1.0.0", title: "Tests" }
      })
      // a ping round trip: the peer has read everything written before it
      yield* client.ping()
      assert.strictEqual(log[1]?.method, "notifications/initialized")
      assert.isUndefined(log[1]?.id)
    }))

  it.effect("the capabilities offered in initialize are those the offered revision has", () =>
    Effect.gen(function*() {
      const offered = (protocolVersion: McpSchema.StatefulProtocolVersion) =>
        Effect.gen(function*() {
          const log: Array<ScriptedPeer.ClientMessage> = []
          yield* McpClient.make({ protocolVersion }).pipe(
            Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({ log, initialize: { protocolVersion } }))),
            Effect.provide(
              McpElicitation.layer(() => Effect.succeed(McpElicitation.decline), { form: true, url: true })
            ),
            Effect.provide(McpSampling.layer(() => Effect.succeed("ok"), { tools: true }))
          )
          return log[0]!.params?.capabilities
        }).pipe(Effect.scoped)
      assert.deepStrictEqual(yield* offered("2025-11-25"), {
        sampling: { tools: {} },
        elicitation: { form: {}, url: {} }
      })
      assert.deepStrictEqual(yield* offered("2025-06-18"), { sampling: {}, elicitation: {} })
      assert.deepStrictEqual(yield* offered("2024-11-05"), { sampling: {} })
    }))

  it.effect("a method the server did not advertise fails before anything is sent", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const client = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({ log, initialize: { capabilities: {} } })))
      )
      const error = yield* client.callTool("add", {}).pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpCapabilityError)
      assert.strictEqual(error.method, "tools/call")
      assert.strictEqual(error.capability, "tools")
      const errors = yield* Effect.all([
        client.listPrompts().pipe(Effect.flip),
        client.readResource("x://y").pipe(Effect.flip),
        client.complete({ type: "ref/prompt", name: "p" }, { name: "a", value: "" }).pipe(Effect.flip),
        client.setLoggingLevel("info").pipe(Effect.flip),
        client.subscribeResource("x://y").pipe(Effect.flip)
      ])
      assert.deepStrictEqual(errors.map((e) => e._tag), Array(5).fill("McpCapabilityError"))
      assert.deepStrictEqual(errors.map((e) => e._tag === "McpCapabilityError" ? e.capability : ""), [
        "prompts",
        "resources",
        "completions",
        "logging",
        "resources.subscribe"
      ])
      yield* client.ping()
      assert.deepStrictEqual(log.map((m) => m.method), ["initialize", "notifications/initialized", "ping"])
    }))

  it.effect("the logLevel option is sent only to a server that offers logging", () =>
    Effect.gen(function*() {
      const methods = (capabilities: Record<string, unknown>) =>
        Effect.gen(function*() {
          const log: Array<ScriptedPeer.ClientMessage> = []
          const client = yield* McpClient.make({ logLevel: "notice" }).pipe(
            Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({
              log,
              initialize: { capabilities },
              onMessage: () => Effect.succeed({ result: {} })
            })))
          )
          // a ping round trip: the peer has read everything written before it
          yield* client.ping()
          return log.map((m) => m.method === "logging/setLevel" ? `${m.method} ${m.params?.level}` : m.method)
        }).pipe(Effect.scoped)
      assert.deepStrictEqual(yield* methods({ tools: {}, logging: {} }), [
        "initialize",
        "notifications/initialized",
        "logging/setLevel notice",
        "ping"
      ])
      assert.deepStrictEqual(yield* methods({ tools: {} }), ["initialize", "notifications/initialized", "ping"])
    }))

  it.effect("a server answering a revision this client does not speak fails with McpVersionError", () =>
    Effect.gen(function*() {
      const error = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({ initialize: { protocolVersion: "1999-01-01" } }))),
        Effect.flip
      )
      assert.instanceOf(error, McpError.McpVersionError)
      assert.strictEqual(error.received, "1999-01-01")
      assert.strictEqual(error.requested, "2025-11-25")
    }))

  it.effect("an initialize result missing a required field fails with InvalidResult", () =>
    Effect.gen(function*() {
      const error = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({ initialize: { serverInfo: { name: "x" } } }))),
        Effect.flip
      )
      assert.instanceOf(error, McpError.McpProtocolError)
      assert.strictEqual(error.method, "initialize")
      assert.strictEqual(error.reason._tag, "InvalidResult")
      assert.include(error.message, "version")
    }))

  it.effect("lazy connect opens the session on first use only", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const client = yield* McpClient.make({ connect: "lazy" }).pipe(
        Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({
          log,
          onMessage: (message) =>
            Effect.succeed(message.method === "tools/list" ? { result: { tools: [] } } : undefined)
        })))
      )
      yield* Effect.yieldNow
      assert.strictEqual(log.length, 0)
      const [a, b] = yield* Effect.all([client.listTools(), client.listTools()], { concurrency: 2 })
      assert.deepStrictEqual([a, b], [[], []])
      assert.strictEqual(log.filter((m) => m.method === "initialize").length, 1)
    }))

  it.effect("a server refusing the offered revision with its supported list gets a second offer", () =>
    Effect.gen(function*() {
      const offers: Array<unknown> = []
      const peer = (versions: ReadonlyArray<string>) => (p: McpQueueTransport.Peer) =>
        Effect.gen(function*() {
          while (true) {
            const message = (yield* Effect.orDie(p.receive)) as ScriptedPeer.ClientMessage
            if (message.method !== "initialize") continue
            const offered = message.params?.protocolVersion as string
            offers.push(offered)
            yield* p.send(
              versions.includes(offered)
                ? {
                  jsonrpc: "2.0",
                  id: message.id,
                  result: ScriptedPeer.initializeResult({ protocolVersion: offered })
                }
                : {
                  jsonrpc: "2.0",
                  id: message.id,
                  error: {
                    code: -32602,
                    message: "Unsupported protocol version",
                    data: { supported: versions, requested: offered }
                  }
                }
            )
          }
        })
      const client = yield* McpClient.make({ protocolVersion: "legacy" }).pipe(
        Effect.provide(McpQueueTransport.layer(peer(["2025-03-26", "2099-01-01"])))
      )
      assert.strictEqual((yield* client.session).protocolVersion, "2025-03-26")
      assert.deepStrictEqual(offers, ["2025-11-25", "2025-03-26"])
      const error = yield* McpClient.make({ protocolVersion: "legacy" }).pipe(
        Effect.provide(McpQueueTransport.layer(peer(["2099-01-01"]))),
        Effect.flip
      )
      assert.instanceOf(error, McpError.McpVersionError)
      assert.strictEqual(error.received, "2099-01-01")
    }))

  it.effect("completion needs no capability on a 2024-11-05 session", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const client = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({
          log,
          initialize: { protocolVersion: "2024-11-05", capabilities: { prompts: {} } },
          onMessage: () => Effect.succeed({ result: { completion: { values: ["a"] } } })
        })))
      )
      const completion = yield* client.complete({ type: "ref/prompt", name: "p" }, { name: "x", value: "" })
      assert.deepStrictEqual(completion.values, ["a"])
    }))

  it.effect("lazy connect: concurrent callers share one attempt; an interrupted caller does not abort it", () =>
    Effect.gen(function*() {
      let connections = 0
      let initializes = 0
      const release = yield* Deferred.make<void>()
      const transport = McpQueueTransport.layer((peer) =>
        Effect.gen(function*() {
          connections++
          while (true) {
            const message = (yield* Effect.orDie(peer.receive)) as ScriptedPeer.ClientMessage
            if (message.method === "initialize") {
              initializes++
              yield* Deferred.await(release)
              yield* peer.send({ jsonrpc: "2.0", id: message.id, result: ScriptedPeer.initializeResult() })
            } else if (message.method === "ping") {
              yield* peer.send({ jsonrpc: "2.0", id: message.id, result: {} })
            }
          }
        })
      )
      const client = yield* McpClient.make({ connect: "lazy", protocolVersion: "legacy" }).pipe(
        Effect.provide(transport)
      )
      const impatient = yield* client.ping().pipe(Effect.forkChild({ startImmediately: true }))
      const patient = yield* Effect.all([client.ping(), client.ping()], { concurrency: 2 }).pipe(
        Effect.forkChild({ startImmediately: true })
      )
      yield* Effect.yieldNow
      yield* Fiber.interrupt(impatient)
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(patient)
      yield* client.ping()
      assert.deepStrictEqual([connections, initializes], [1, 1])
    }))

  it.effect("lazy connect: a failed attempt is closed, and the next call tries again", () =>
    Effect.gen(function*() {
      let attempt = 0
      const closedConnections: Array<number> = []
      const transport = McpQueueTransport.layer((peer) =>
        Effect.gen(function*() {
          const n = ++attempt
          yield* Effect.addFinalizer(() => Effect.sync(() => closedConnections.push(n)))
          while (true) {
            const message = (yield* Effect.orDie(peer.receive)) as ScriptedPeer.ClientMessage
            if (message.method === "initialize") {
              yield* peer.send(
                n === 1
                  ? { jsonrpc: "2.0", id: message.id, error: { code: -32603, message: "not ready" } }
                  : { jsonrpc: "2.0", id: message.id, result: ScriptedPeer.initializeResult() }
              )
            } else if (message.method === "ping") {
              yield* peer.send({ jsonrpc: "2.0", id: message.id, result: {} })
            }
          }
        })
      )
      const client = yield* McpClient.make({ connect: "lazy", protocolVersion: "legacy" }).pipe(
        Effect.provide(transport)
      )
      const first = yield* client.ping().pipe(Effect.flip)
      assert.instanceOf(first, McpError.McpProtocolError)
      assert.deepStrictEqual(closedConnections, [1])
      yield* client.ping()
      assert.strictEqual(attempt, 2)
    }))

  it.effect("per-call _meta is sent with the request", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const client = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({
          log,
          onMessage: () => Effect.succeed({ result: { content: [] } })
        })))
      )
      yield* client.callTool("t", { x: 1 }, { meta: { "example.com/trace": "abc" }, onProgress: () => Effect.void })
      const call = log.find((m) => m.method === "tools/call")!
      assert.deepStrictEqual(call.params, {
        name: "t",
        arguments: { x: 1 },
        _meta: { "example.com/trace": "abc", progressToken: call.id }
      })
    }))

  it.effect("keeps fields it does not know in results", () =>
    Effect.gen(function*() {
      const client = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({
          onMessage: () =>
            Effect.succeed({
              result: {
                tools: [{ name: "t", inputSchema: { type: "object" }, "x-future": { a: 1 } }],
                "x-page": true
              }
            })
        })))
      )
      const page = yield* client.listToolsPage()
      assert.deepStrictEqual(page.tools[0]!["x-future"], { a: 1 })
      assert.strictEqual(page["x-page"], true)
    }))
})
