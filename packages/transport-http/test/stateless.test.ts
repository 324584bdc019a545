import * as McpCache from "@effect-mcp/core/McpCache"
import * as McpClient from "@effect-mcp/core/McpClient"
import * as McpElicitation from "@effect-mcp/core/McpElicitation"
import * as McpError from "@effect-mcp/core/McpError"
import * as McpLogging from "@effect-mcp/core/McpLogging"
import * as McpRoots from "@effect-mcp/core/McpRoots"
import * as McpSampling from "@effect-mcp/core/McpSampling"
import type * as McpSchema from "@effect-mcp/core/McpSchema"
import { NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { McpProtocol, McpSchema as EffectMcpSchema, McpServer, Tool, Toolkit } from "effect/ai"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import type * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpRouter from "effect/http/HttpRouter"
import * as HttpServer from "effect/http/HttpServer"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { createServer, type ServerResponse } from "node:http"
import * as McpHttpTransport from "../src/McpHttpTransport.ts"
import * as Sdk2 from "./fixtures/sdk2-http.ts"
import * as Servers from "./fixtures/servers.ts"

/** One HTTP request the client sent, as it left the client. */
interface Sent {
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: {
    readonly id?: unknown
    readonly method?: string
    readonly params?: Record<string, unknown>
  } | undefined
}

const bodyOf = (body: HttpBody.HttpBody): Sent["body"] =>
  body._tag === "Uint8Array" ? JSON.parse(new TextDecoder().decode(body.body)) : undefined

/** Undici's client, recording every request it sends into `sent`. */
const recordingHttp = (sent: Array<Sent>) =>
  Layer.effect(HttpClient.HttpClient)(
    Effect.map(HttpClient.HttpClient, (client) =>
      HttpClient.tapRequest(client, (request) =>
        Effect.sync(() => {
          sent.push({ method: request.method, headers: { ...request.headers }, body: bodyOf(request.body) })
        })))
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))

/** A client in the current scope over Streamable HTTP to `url`, recording what it sends. */
const connect = (url: string, sent: Array<Sent> = [], options?: McpClient.Options) =>
  Effect.flatMap(
    Layer.build(McpHttpTransport.layer({ url }).pipe(Layer.provide(recordingHttp(sent)))),
    (context) => McpClient.make({ timeout: "10 seconds", ...options }).pipe(Effect.provide(context))
  )

/** The `_meta` of a request's params. */
const metaOf = (r: Sent): Record<string, unknown> => (r.body?.params?._meta ?? {}) as Record<string, unknown>

/** The POSTs of one JSON-RPC method. */
const posts = (sent: ReadonlyArray<Sent>, method: string) =>
  sent.filter((r) => r.method === "POST" && r.body?.method === method)

const textOf = (result: McpSchema.CallToolResult): string => {
  const block = result.content[0]
  return block?.type === "text" ? block.text : ""
}

const waitUntil = (done: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 200 && !done(); i++) yield* Effect.sleep("10 millis")
    assert.isTrue(done(), "the condition never held")
  })

/** What the handlers of `book_trip`'s three rounds saw. */
interface Asked {
  readonly elicitations: Array<McpElicitation.ElicitationRequest>
  readonly samplings: Array<McpSchema.CreateMessageRequestParams>
  roots: number
}

/** The three handler layers that answer `book_trip`: Lisbon, a pitch, one root. */
const tripHandlers = (asked: Asked) =>
  Layer.mergeAll(
    McpElicitation.layer((request) =>
      Effect.sync(() => {
        asked.elicitations.push(request)
        return McpElicitation.accept({ destination: "Lisbon" })
      })
    ),
    McpSampling.layer((request) =>
      Effect.sync(() => {
        asked.samplings.push(request)
        return "Tiles and tarts."
      })
    ),
    Layer.succeed(McpRoots.McpRoots, {
      list: Effect.sync(() => {
        asked.roots++
        return [{ uri: "file:///home/ada/trips", name: "trips" }]
      }),
      changes: undefined
    })
  )

const BOOKED = "Booked Lisbon. Pitch: Tiles and tarts.. Roots: file:///home/ada/trips"

describe("2026-07-28 over HTTP against the official SDK v2 server", () => {
  for (const protocolVersion of ["auto", "2026-07-28"] as const) {
    it.live(`${protocolVersion}: server/discover opens a 2026-07-28 session, without initialize or a session id`, () =>
      Effect.gen(function*() {
        const server = yield* Sdk2.sdk2Http
        const sent: Array<Sent> = []
        const client = yield* connect(server.url, sent, { protocolVersion })
        const session = yield* client.session
        assert.strictEqual(session.era, "stateless")
        assert.strictEqual(session.protocolVersion, "2026-07-28")
        assert.include(session.discovery?.supportedVersions ?? [], "2026-07-28")
        assert.deepStrictEqual(session.serverInfo, { name: "effect-mcp-sdk2-fixture", version: "1.0.0" })
        assert.isDefined(session.capabilities.tools)
        assert.strictEqual(session.capabilities.resources?.subscribe, true)
        assert.deepStrictEqual((yield* client.listTools()).map((t) => t.name), ["add", "book_trip", "touch"])
        const [discover] = sent
        assert.strictEqual(discover?.body?.method, "server/discover")
        assert.strictEqual(discover?.headers["mcp-protocol-version"], "2026-07-28")
        assert.strictEqual(discover?.headers["mcp-method"], "server/discover")
        assert.lengthOf(posts(sent, "initialize"), 0)
        assert.isTrue(sent.every((r) => r.method === "POST"), "no GET stream, no DELETE")
        assert.isTrue(sent.every((r) => r.headers["mcp-session-id"] === undefined))
        // every request carries the envelope
        for (const r of sent) {
          const meta = metaOf(r)
          assert.strictEqual(meta["io.modelcontextprotocol/protocolVersion"], "2026-07-28")
          assert.isObject(meta["io.modelcontextprotocol/clientCapabilities"])
          assert.strictEqual(
            (meta["io.modelcontextprotocol/clientInfo"] as McpSchema.Implementation | undefined)?.name,
            McpClient.defaultClientInfo.name
          )
        }
      }).pipe(Effect.scoped))
  }

  it.live("resources and prompts: Mcp-Name carries the URI or the name; logLevel rides in every _meta", () =>
    Effect.gen(function*() {
      const server = yield* Sdk2.sdk2Http
      const sent: Array<Sent> = []
      const client = yield* connect(server.url, sent, { logLevel: "warning" })
      assert.deepStrictEqual((yield* client.listResources()).map((r) => r.uri), ["demo://greeting", "demo://counter"])
      const greeting = yield* client.readResourceRaw("demo://greeting")
      assert.deepStrictEqual(greeting.contents, [
        { uri: "demo://greeting", mimeType: "text/plain", text: "Hello from the SDK v2 fixture" }
      ])
      assert.deepStrictEqual((yield* client.listPrompts()).map((p) => p.name), ["greet"])
      const prompt = yield* client.getPrompt("greet", { name: "Ada" })
      assert.deepStrictEqual(prompt.messages, [{ role: "user", content: { type: "text", text: "Say hello to Ada" } }])
      assert.strictEqual(posts(sent, "resources/read")[0]?.headers["mcp-name"], "demo://greeting")
      assert.strictEqual(posts(sent, "prompts/get")[0]?.headers["mcp-name"], "greet")
      assert.isTrue(sent.every((r) => metaOf(r)["io.modelcontextprotocol/logLevel"] === "warning"))
      // errors the server sends in-band are the request's protocol errors
      const missing = yield* client.readResource("demo://nope").pipe(Effect.flip)
      assert.instanceOf(missing, McpError.McpProtocolError)
      assert.strictEqual(missing.reason._tag, "RpcError")
      if (missing.reason._tag === "RpcError") assert.strictEqual(missing.reason.code, -32602)
      const unknown = yield* client.callTool("nope").pipe(Effect.flip)
      assert.instanceOf(unknown, McpError.McpProtocolError)
    }).pipe(Effect.scoped))

  it.live("tools/call sends Mcp-Method, Mcp-Name and Mcp-Param-Region, base64 for non-ASCII", () =>
    Effect.gen(function*() {
      const server = yield* Sdk2.sdk2Http
      const sent: Array<Sent> = []
      const client = yield* connect(server.url, sent)
      yield* client.listTools()
      const ascii = yield* client.callTool("add", { a: 2, b: 3, region: "eu-west-1" })
      assert.deepStrictEqual(ascii.structuredContent, {
        sum: 5,
        region: "eu-west-1",
        mcpMethod: "tools/call",
        mcpName: "add"
      })
      // the server validated the decoded header against the body, and echoes it as it arrived
      const zurich = yield* client.callTool("add", { a: 1, b: 1, region: "Zürich" })
      assert.deepStrictEqual(zurich.structuredContent, {
        sum: 2,
        region: "=?base64?WsO8cmljaA==?=",
        mcpMethod: "tools/call",
        mcpName: "add"
      })
      // no region: no header
      const none = yield* client.callTool("add", { a: 1, b: 2 })
      assert.deepStrictEqual(none.structuredContent, { sum: 3, mcpMethod: "tools/call", mcpName: "add" })
      assert.lengthOf(posts(sent, "tools/call"), 3)
    }).pipe(Effect.scoped))

  it.live("a tools/list answered from a shared cache still teaches the connection the tools' headers", () =>
    Effect.gen(function*() {
      const server = yield* Sdk2.sdk2Http
      const cache = yield* McpCache.make()
      const withCache = Effect.provideService(McpCache.McpCache, cache)
      const first = yield* connect(server.url, [], { cacheKey: "sdk2" }).pipe(withCache)
      yield* first.listTools()
      const sent: Array<Sent> = []
      const second = yield* connect(server.url, sent, { cacheKey: "sdk2" }).pipe(withCache)
      yield* second.listTools()
      const result = yield* second.callTool("add", { a: 2, b: 3, region: "eu-west-1" })
      assert.strictEqual((result.structuredContent as { region?: string }).region, "eu-west-1")
      // the listing came from the cache, and the call went out once, with its header
      assert.deepStrictEqual([posts(sent, "tools/list").length, posts(sent, "tools/call").length], [0, 1])
      assert.strictEqual(posts(sent, "tools/call")[0]!.headers["mcp-param-region"], "eu-west-1")
    }).pipe(Effect.scoped))

  it.live("an authorization failure (401) is an HTTP status, not an era verdict, even with a JSON-RPC body", () =>
    Effect.gen(function*() {
      const url = yield* Effect.acquireRelease(
        Effect.promise(() =>
          new Promise<{ url: string; close: () => void }>((resolve) => {
            const server = createServer((_req, res) => {
              res.writeHead(401, { "content-type": "application/json", "www-authenticate": "Bearer" })
              res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32001, message: "Unauthorized" } }))
            })
            server.listen(0, "127.0.0.1", () => {
              const address = server.address() as { readonly port: number }
              resolve({ url: `http://127.0.0.1:${address.port}/mcp`, close: () => server.close() })
            })
          })
        ),
        (server) => Effect.sync(server.close)
      )
      for (const protocolVersion of ["2026-07-28", "auto"] as const) {
        const sent: Array<Sent> = []
        const error = yield* connect(url.url, sent, { protocolVersion }).pipe(Effect.flip)
        assert.instanceOf(error, McpError.McpTransportError)
        if (error instanceof McpError.McpTransportError) assert.strictEqual(error.reason._tag, "HttpStatus")
        // no initialize after a refusal that says nothing about the era
        assert.deepStrictEqual(sent.map((r) => r.body?.method), ["server/discover"])
      }
    }).pipe(Effect.scoped))

  it.live("a response stream that breaks before its answer is re-issued once, with a new id (safe methods)", () =>
    Effect.gen(function*() {
      let listings = 0
      const server = yield* Effect.acquireRelease(
        Effect.promise(() =>
          new Promise<{ url: string; close: () => void }>((resolve) => {
            const http = createServer((req, res) => {
              const chunks: Array<Buffer> = []
              req.on("data", (chunk: Buffer) => chunks.push(chunk))
              req.on("end", () => {
                const message = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id: number; method: string }
                const reply = (result: object) => {
                  res.writeHead(200, { "content-type": "application/json" })
                  res.end(
                    JSON.stringify({ jsonrpc: "2.0", id: message.id, result: { resultType: "complete", ...result } })
                  )
                }
                if (message.method === "server/discover") {
                  return reply({
                    supportedVersions: ["2026-07-28"],
                    capabilities: { tools: {} },
                    ttlMs: 0,
                    cacheScope: "private"
                  })
                }
                if (message.method === "tools/list" && ++listings === 1) {
                  // an SSE stream that ends before the answer
                  res.writeHead(200, { "content-type": "text/event-stream" })
                  res.write(": keep-alive\n\n")
                  return res.end()
                }
                reply({ tools: [{ name: "t", inputSchema: { type: "object" } }] })
              })
            })
            http.listen(0, "127.0.0.1", () => {
              const address = http.address() as { readonly port: number }
              resolve({ url: `http://127.0.0.1:${address.port}/mcp`, close: () => http.close() })
            })
          })
        ),
        (server) => Effect.sync(server.close)
      )
      const sent: Array<Sent> = []
      const client = yield* connect(server.url, sent)
      const tools = yield* client.listTools()
      assert.deepStrictEqual(tools.map((tool) => tool.name), ["t"])
      const lists = posts(sent, "tools/list")
      assert.strictEqual(lists.length, 2)
      assert.notStrictEqual(lists[0]!.body?.id, lists[1]!.body?.id)
    }).pipe(Effect.scoped))

  it.live("a call before the tools were listed is refused (-32020), then re-sent with the header after tools/list", () =>
    Effect.gen(function*() {
      const server = yield* Sdk2.sdk2Http
      const sent: Array<Sent> = []
      const client = yield* connect(server.url, sent)
      const result = yield* client.callTool("add", { a: 2, b: 3, region: "eu-west-1" })
      assert.strictEqual((result.structuredContent as { region?: string }).region, "eu-west-1")
      const after = sent.slice(1).map((r) => [r.body?.method, r.headers["mcp-param-region"]])
      assert.deepStrictEqual(after, [["tools/call", undefined], ["tools/list", undefined], [
        "tools/call",
        "eu-west-1"
      ]])
    }).pipe(Effect.scoped))

  it.live("book_trip completes through three input_required rounds answered by the handler layers", () =>
    Effect.gen(function*() {
      const server = yield* Sdk2.sdk2Http
      const sent: Array<Sent> = []
      const asked: Asked = { elicitations: [], samplings: [], roots: 0 }
      const client = yield* connect(server.url, sent).pipe(Effect.provide(tripHandlers(asked)))
      const result = yield* client.callTool("book_trip")
      assert.strictEqual(textOf(result), BOOKED)
      assert.lengthOf(asked.elicitations, 1)
      assert.strictEqual(asked.elicitations[0]!._tag, "Form")
      assert.strictEqual(asked.elicitations[0]!.message, "Where to?")
      assert.lengthOf(asked.samplings, 1)
      assert.deepStrictEqual(asked.samplings[0]!.messages[0]!.content, {
        type: "text",
        text: "One line to sell a trip to Lisbon"
      })
      assert.strictEqual(asked.roots, 1)
      // one POST per round, each a new request id, answers and state added to the same params
      const calls = posts(sent, "tools/call")
      assert.lengthOf(calls, 4)
      assert.strictEqual(new Set(calls.map((c) => c.body?.id)).size, 4)
      assert.isTrue(calls.every((c) => c.headers["mcp-name"] === "book_trip"))
      assert.deepStrictEqual(
        calls.map((c) => Object.keys((c.body?.params?.inputResponses ?? {}) as object)),
        [[], ["destination"], ["pitch"], ["roots"]]
      )
      assert.isUndefined(calls[0]!.body?.params?.requestState)
      assert.isTrue(calls.slice(1).every((c) => String(c.body?.params?.requestState).startsWith("v1.")))
      assert.deepStrictEqual(calls[1]!.body?.params?.inputResponses, {
        destination: { action: "accept", content: { destination: "Lisbon" } }
      })
      assert.deepStrictEqual(calls[3]!.body?.params?.inputResponses, {
        roots: { roots: [{ uri: "file:///home/ada/trips", name: "trips" }] }
      })
      // the envelope declares what the handler layers serve
      const capabilities = metaOf(calls[0]!)[
        "io.modelcontextprotocol/clientCapabilities"
      ] as McpSchema.ClientCapabilities
      assert.isDefined(capabilities.elicitation)
      assert.isDefined(capabilities.sampling)
      assert.deepStrictEqual(capabilities.roots, {})
    }).pipe(Effect.scoped))

  it.live("without a sampling handler, the server refuses the second round with -32021", () =>
    Effect.gen(function*() {
      const server = yield* Sdk2.sdk2Http
      const sent: Array<Sent> = []
      const asked: Asked = { elicitations: [], samplings: [], roots: 0 }
      const client = yield* connect(server.url, sent).pipe(
        Effect.provide(McpElicitation.layer((request) =>
          Effect.sync(() => {
            asked.elicitations.push(request)
            return McpElicitation.accept({ destination: "Lisbon" })
          })
        ))
      )
      const error = yield* client.callTool("book_trip").pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpProtocolError)
      assert.strictEqual(error.method, "tools/call")
      assert.strictEqual(error.reason._tag, "RpcError")
      if (error.reason._tag === "RpcError") {
        assert.strictEqual(error.reason.code, -32021)
        assert.include(error.reason.message, "sampling/createMessage")
        assert.deepStrictEqual(error.reason.data, { requiredCapabilities: { sampling: {} } })
      }
      assert.lengthOf(asked.elicitations, 1)
      assert.lengthOf(posts(sent, "tools/call"), 2)
    }).pipe(Effect.scoped))

  it.live("a sampling handler that fails fails the call with InputFailed; the request is not sent again", () =>
    Effect.gen(function*() {
      const server = yield* Sdk2.sdk2Http
      const sent: Array<Sent> = []
      const client = yield* connect(server.url, sent).pipe(
        Effect.provide(Layer.mergeAll(
          McpElicitation.layer(() => Effect.succeed(McpElicitation.accept({ destination: "Lisbon" }))),
          McpSampling.layer(() => Effect.fail(McpSampling.reject()))
        ))
      )
      const error = yield* client.callTool("book_trip").pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpProtocolError)
      assert.strictEqual(error.reason._tag, "InputFailed")
      if (error.reason._tag === "InputFailed") {
        assert.strictEqual(error.reason.key, "pitch")
        assert.strictEqual(error.reason.request, "sampling/createMessage")
        assert.strictEqual(error.reason.code, -1)
      }
      assert.include(error.message, "sampling/createMessage")
      assert.lengthOf(posts(sent, "tools/call"), 2)
    }).pipe(Effect.scoped))

  it.live("a server that keeps asking fails the call with InputLimit after maxInputRounds", () =>
    Effect.gen(function*() {
      const server = yield* Sdk2.sdk2Http
      const sent: Array<Sent> = []
      let declined = 0
      // the fixture asks again for a destination each time it is declined
      const client = yield* connect(server.url, sent, { maxInputRounds: 3 }).pipe(
        Effect.provide(McpElicitation.layer(() =>
          Effect.sync(() => {
            declined++
            return McpElicitation.decline
          })
        ))
      )
      const error = yield* client.callTool("book_trip").pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpProtocolError)
      assert.strictEqual(error.reason._tag, "InputLimit")
      if (error.reason._tag === "InputLimit") assert.strictEqual(error.reason.rounds, 3)
      assert.strictEqual(declined, 3)
      assert.lengthOf(posts(sent, "tools/call"), 4)
    }).pipe(Effect.scoped))

  it.live("the call's timeout spans its rounds, the time spent answering included", () =>
    Effect.gen(function*() {
      const server = yield* Sdk2.sdk2Http
      const client = yield* connect(server.url).pipe(
        Effect.provide(McpElicitation.layer(() =>
          Effect.as(Effect.sleep("5 seconds"), McpElicitation.accept({ destination: "Lisbon" }))
        ))
      )
      const error = yield* client.callTool("book_trip", {}, { timeout: "500 millis" }).pipe(
        Effect.flip,
        Effect.timeout("3 seconds")
      )
      assert.instanceOf(error, McpError.McpTimeoutError)
      assert.strictEqual(error.method, "tools/call")
      assert.strictEqual(error.timeoutMillis, 500)
    }).pipe(Effect.scoped))

  it.live("ping, logging/setLevel and resources/subscribe fail as removed in 2026-07-28, and send nothing", () =>
    Effect.gen(function*() {
      const server = yield* Sdk2.sdk2Http
      const sent: Array<Sent> = []
      const client = yield* connect(server.url, sent)
      yield* client.session
      const before = sent.length
      const errors = [
        yield* client.ping().pipe(Effect.flip),
        yield* client.setLoggingLevel("info").pipe(Effect.flip),
        yield* client.subscribeResource("demo://counter").pipe(Effect.flip)
      ]
      assert.deepStrictEqual(errors.map((e) => e._tag), Array(3).fill("McpCapabilityError"))
      for (const [error, method] of errors.map((e, i) => [e, ["ping", "logging/setLevel", "resources/subscribe"][i]])) {
        assert.instanceOf(error, McpError.McpCapabilityError)
        if (error instanceof McpError.McpCapabilityError) {
          assert.strictEqual(error.method, method)
          assert.isTrue(error.removed)
          assert.strictEqual(error.protocolVersion, "2026-07-28")
          assert.include(error.message, "2026-07-28")
        }
      }
      assert.strictEqual(sent.length, before)
    }).pipe(Effect.scoped))

  it.live("protocolVersion: \"legacy\" opens a stateful session with the same server", () =>
    Effect.gen(function*() {
      const server = yield* Sdk2.sdk2Http
      const sent: Array<Sent> = []
      const client = yield* connect(server.url, sent, { protocolVersion: "legacy" })
      const session = yield* client.session
      assert.strictEqual(session.era, "stateful")
      assert.strictEqual(session.protocolVersion, "2025-11-25")
      assert.isUndefined(session.discovery)
      assert.strictEqual(session.serverInfo.name, "effect-mcp-sdk2-fixture")
      // stateful requests carry none of the 2026 headers, so the tool sees none
      const result = yield* client.callTool("add", { a: 4, b: 5, region: "eu-west-1" })
      assert.deepStrictEqual(result.structuredContent, { sum: 9 })
      yield* client.ping()
      assert.strictEqual(sent[0]?.body?.method, "initialize")
      assert.lengthOf(posts(sent, "server/discover"), 0)
      const later = sent.filter((r) => r.method === "POST").slice(2)
      assert.isTrue(later.every((r) => r.headers["mcp-protocol-version"] === "2025-11-25"))
      assert.isTrue(sent.every((r) => r.headers["mcp-method"] === undefined))
    }).pipe(Effect.scoped))
})

describe("2026-07-28 over HTTP: falling back to a stateful server", () => {
  for (const sessions of [true, false]) {
    it.live(`auto falls back to initialize with the SDK v1 server (${sessions ? "sessions" : "no sessions"})`, () =>
      Effect.gen(function*() {
        const server = yield* Servers.streamableHttp({ json: true, sessions })
        const sent: Array<Sent> = []
        const client = yield* connect(server.url, sent)
        const session = yield* client.session
        assert.strictEqual(session.era, "stateful")
        assert.strictEqual(session.protocolVersion, "2025-11-25")
        assert.isUndefined(session.discovery)
        assert.strictEqual(session.serverInfo.name, "effect-mcp-sdk1-fixture")
        assert.deepStrictEqual((yield* client.callTool("add", { a: 2, b: 40 })).structuredContent, { sum: 42 })
        yield* client.ping()
        yield* client.setLoggingLevel("info")
        const methods = sent.filter((r) => r.method === "POST").map((r) => r.body?.method)
        assert.deepStrictEqual(methods.slice(0, 3), ["server/discover", "initialize", "notifications/initialized"])
        assert.isTrue(sent.slice(1).every((r) => r.headers["mcp-method"] === undefined))
      }).pipe(Effect.scoped))
  }

  it.live("protocolVersion pinned to 2026-07-28 fails the connection instead of falling back", () =>
    Effect.gen(function*() {
      const server = yield* Servers.streamableHttp({ json: true, sessions: true })
      const sent: Array<Sent> = []
      const error = yield* connect(server.url, sent, { protocolVersion: "2026-07-28" }).pipe(Effect.flip)
      // the server's refusal of server/discover (400, -32000 "Server not initialized") means it does not speak it
      assert.instanceOf(error, McpError.McpVersionError)
      if (error instanceof McpError.McpVersionError) assert.strictEqual(error.requested, "2026-07-28")
      assert.deepStrictEqual(sent.map((r) => r.body?.method), ["server/discover"])
    }).pipe(Effect.scoped))
})

describe("2026-07-28 over HTTP against Effect's McpServer.layerHttp", () => {
  /** What the server saw: `slow` handlers interrupted (by tag), responses closed early (by Mcp-Name). */
  interface Observed {
    readonly interrupted: Array<string>
    readonly closedEarly: Array<string | undefined>
  }
  const Add = Tool.make("add", {
    parameters: Schema.Struct({ a: Schema.Number, b: Schema.Number }),
    success: Schema.Struct({ sum: Schema.Number })
  })
  const Slow = Tool.make("slow", { parameters: Schema.Struct({ tag: Schema.String }), success: Schema.String })
  const Count = Tool.make("count", {
    parameters: Schema.Struct({ n: Schema.Number }),
    success: Schema.Struct({ counted: Schema.Number })
  })
  const Tools = Toolkit.make(Add, Slow, Count)

  /** The server on 127.0.0.1 and a free port; `slow` never answers. */
  const serverLive = (
    observed: Observed,
    protocols: readonly [McpProtocol.ProtocolAdapter, ...Array<McpProtocol.ProtocolAdapter>] = [
      McpProtocol.v2026_07_28
    ]
  ) =>
    HttpRouter.serve(
      McpServer.layerHttp({
        name: "effect-http-2026",
        version: "4.0.0",
        instructions: "Add with care",
        path: "/mcp",
        protocols,
        registrations: McpServer.toolkit(Tools).pipe(
          Layer.provide(Tools.toLayer(Effect.gen(function*() {
            const server = yield* McpServer.McpServer
            return Tools.of({
              add: ({ a, b }) => Effect.succeed({ sum: a + b }),
              slow: ({ tag }) =>
                Effect.never.pipe(
                  Effect.onInterrupt(() =>
                    Effect.sync(() => {
                      observed.interrupted.push(tag)
                    })
                  )
                ),
              // reports each step as progress, and logs at info and at error
              count: Effect.fnUntraced(function*({ n }) {
                const context = yield* Effect.serviceOption(EffectMcpSchema.McpRequestContext)
                const token = Option.getOrUndefined(context)?.requestMetadata?.progressToken as
                  | string
                  | number
                  | undefined
                for (let i = 1; i <= n; i++) {
                  if (token !== undefined) {
                    yield* server.notifications["notifications/progress"]({
                      progressToken: token,
                      progress: i,
                      total: n
                    })
                      .pipe(Effect.orDie)
                  }
                }
                yield* server.notifications["notifications/message"]({ level: "info", data: "counting" }).pipe(
                  Effect.orDie
                )
                yield* server.notifications["notifications/message"]({ level: "error", data: "counted" }).pipe(
                  Effect.orDie
                )
                return { counted: n }
              })
            })
          })))
        )
      }),
      { disableLogger: true, disableListenLog: true }
    ).pipe(Layer.provideMerge(NodeHttpServer.layer(() => {
      const server = createServer()
      server.on("request", (req, res) => {
        res.on("close", () => {
          if (!res.writableFinished) observed.closedEarly.push(req.headers["mcp-name"] as string | undefined)
        })
      })
      return server
    }, { port: 0, host: "127.0.0.1" })))

  const urlOf = Effect.map(
    Effect.service(HttpServer.HttpServer),
    ({ address }) => `http://127.0.0.1:${address._tag === "UnixPathAddress" ? 0 : address.port}/mcp`
  )

  const observe = (): Observed => ({ interrupted: [], closedEarly: [] })

  it.live("auto negotiates 2026-07-28: discovery, instructions, tools; ping is refused", () =>
    Effect.gen(function*() {
      const sent: Array<Sent> = []
      const client = yield* connect(yield* urlOf, sent)
      const session = yield* client.session
      assert.strictEqual(session.era, "stateless")
      assert.strictEqual(session.protocolVersion, "2026-07-28")
      assert.include(session.discovery?.supportedVersions ?? [], "2026-07-28")
      assert.strictEqual(session.serverInfo.name, "effect-http-2026")
      assert.strictEqual(session.instructions, "Add with care")
      assert.deepStrictEqual((yield* client.listTools()).map((t) => t.name).sort(), ["add", "count", "slow"])
      assert.deepStrictEqual((yield* client.callTool("add", { a: 20, b: 22 })).structuredContent, { sum: 42 })
      assert.lengthOf(posts(sent, "initialize"), 0)
      const error = yield* client.ping().pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpCapabilityError)
    }).pipe(Effect.scoped, Effect.provide(serverLive(observe()))))

  it.live("progress and log messages of a call arrive on its response; logLevel filters the logs", () =>
    Effect.gen(function*() {
      const entries: Array<McpLogging.LogEntry> = []
      const progress: Array<number> = []
      const client = yield* connect(yield* urlOf, [], { logLevel: "warning" }).pipe(
        Effect.provide(McpLogging.layer((entry) => Effect.sync(() => entries.push(entry))))
      )
      const result = yield* client.callTool("count", { n: 3 }, {
        onProgress: (p) => Effect.sync(() => progress.push(p.progress))
      })
      assert.deepStrictEqual(result.structuredContent, { counted: 3 })
      assert.deepStrictEqual(progress, [1, 2, 3])
      yield* waitUntil(() => entries.length >= 1)
      yield* Effect.sleep("50 millis")
      assert.deepStrictEqual(entries.map((e) => [e.level, e.data]), [["error", "counted"]])
    }).pipe(Effect.scoped, Effect.provide(serverLive(observe()))))

  it.live("a server that also speaks 2025-11-25: auto picks 2026-07-28, legacy opens a session", () =>
    Effect.gen(function*() {
      const url = yield* urlOf
      const auto = yield* connect(url)
      assert.strictEqual((yield* auto.session).era, "stateless")
      const sent: Array<Sent> = []
      const legacy = yield* connect(url, sent, { protocolVersion: "legacy" })
      const session = yield* legacy.session
      assert.strictEqual(session.era, "stateful")
      assert.strictEqual(session.protocolVersion, "2025-11-25")
      assert.deepStrictEqual((yield* legacy.callTool("add", { a: 1, b: 2 })).structuredContent, { sum: 3 })
      yield* legacy.ping()
      assert.strictEqual(sent[0]?.body?.method, "initialize")
    }).pipe(
      Effect.scoped,
      Effect.provide(serverLive(observe(), [McpProtocol.v2026_07_28, McpProtocol.v2025_11_25]))
    ))

  it.live("interrupting a call closes its response, which stops the handler; no notifications/cancelled", () => {
    const observed = observe()
    return Effect.gen(function*() {
      const sent: Array<Sent> = []
      const client = yield* connect(yield* urlOf, sent)
      const fiber = yield* client.callTool("slow", { tag: "interrupted" }).pipe(
        Effect.forkChild({ startImmediately: true })
      )
      yield* waitUntil(() => posts(sent, "tools/call").length === 1)
      yield* Effect.sleep("100 millis") // let the server start the handler
      yield* Fiber.interrupt(fiber)
      yield* waitUntil(() => observed.closedEarly.includes("slow"))
      yield* waitUntil(() => observed.interrupted.includes("interrupted"))
      yield* Effect.sleep("100 millis")
      assert.lengthOf(posts(sent, "notifications/cancelled"), 0)
      // the client goes on
      assert.deepStrictEqual((yield* client.callTool("add", { a: 1, b: 2 })).structuredContent, { sum: 3 })
    }).pipe(Effect.scoped, Effect.provide(serverLive(observed)))
  })

  it.live("a timed-out call closes its response too, without notifications/cancelled", () => {
    const observed = observe()
    return Effect.gen(function*() {
      const sent: Array<Sent> = []
      const client = yield* connect(yield* urlOf, sent)
      const error = yield* client.callTool("slow", { tag: "timed-out" }, { timeout: "300 millis" }).pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpTimeoutError)
      yield* waitUntil(() => observed.closedEarly.includes("slow"))
      yield* waitUntil(() => observed.interrupted.includes("timed-out"))
      yield* Effect.sleep("100 millis")
      assert.lengthOf(posts(sent, "notifications/cancelled"), 0)
    }).pipe(Effect.scoped, Effect.provide(serverLive(observed)))
  })
})

/**
 * A bare 2026-07-28 server on 127.0.0.1 for faults no real server makes: `answer` gets each POSTed
 * message and the response to write (discovery is answered for it).
 */
const faultyServer = (
  answer: (
    message: { readonly id: number; readonly method: string; readonly params?: Record<string, unknown> },
    res: ServerResponse,
    reply: (result: object) => void
  ) => void
) =>
  Effect.acquireRelease(
    Effect.promise(() =>
      new Promise<{ url: string; close: () => void }>((resolve) => {
        const http = createServer((req, res) => {
          const chunks: Array<Buffer> = []
          req.on("data", (chunk: Buffer) => chunks.push(chunk))
          req.on("end", () => {
            const message = JSON.parse(Buffer.concat(chunks).toString("utf8"))
            const reply = (result: object) => {
              res.writeHead(200, { "content-type": "application/json" })
              res.end(JSON.stringify({ jsonrpc: "2.0", id: message.id, result: { resultType: "complete", ...result } }))
            }
            if (message.method === "server/discover") {
              return reply({
                supportedVersions: ["2026-07-28"],
                capabilities: { prompts: {}, resources: {} },
                ttlMs: 0,
                cacheScope: "private"
              })
            }
            answer(message, res, reply)
          })
        })
        http.listen(0, "127.0.0.1", () => {
          const address = http.address() as { readonly port: number }
          resolve({ url: `http://127.0.0.1:${address.port}/mcp`, close: () => http.close() })
        })
      })
    ),
    (server) => Effect.sync(server.close)
  )

describe("2026-07-28 over HTTP, faults (second review)", () => {
  it.live("a stream that breaks in a later input round re-sends that round, not the whole exchange", () =>
    Effect.gen(function*() {
      let retries = 0
      const server = yield* faultyServer((message, res, reply) => {
        if (message.params?.inputResponses === undefined) {
          return reply({
            resultType: "input_required",
            inputRequests: {
              who: {
                method: "elicitation/create",
                params: { message: "Who?", requestedSchema: { type: "object", properties: {} } }
              }
            },
            requestState: "s1"
          })
        }
        if (++retries === 1) {
          // the answered round's stream ends before its result
          res.writeHead(200, { "content-type": "text/event-stream" })
          return res.end(": bye\n\n")
        }
        reply({ messages: [{ role: "user", content: { type: "text", text: "hello" } }] })
      })
      let asked = 0
      const sent: Array<Sent> = []
      const client = yield* connect(server.url, sent).pipe(
        Effect.provide(McpElicitation.layer(() =>
          Effect.sync(() => {
            asked++
            return McpElicitation.accept({})
          })
        ))
      )
      const prompt = yield* client.getPrompt("p")
      assert.strictEqual(prompt.messages.length, 1)
      assert.strictEqual(asked, 1)
      const gets = posts(sent, "prompts/get")
      assert.strictEqual(gets.length, 3)
      assert.deepStrictEqual(gets.map((r) => r.body?.params?.requestState), [undefined, "s1", "s1"])
      assert.strictEqual(new Set(gets.map((r) => r.body?.id)).size, 3)
    }).pipe(Effect.scoped))

  it.live("a slow answer is not a broken stream: the request is not sent twice", () =>
    Effect.gen(function*() {
      const server = yield* faultyServer((_message, _res, reply) => {
        setTimeout(() => reply({ contents: [] }), 1500)
      })
      const sent: Array<Sent> = []
      const context = yield* Layer.build(
        McpHttpTransport.layer({ url: server.url, timeout: "1 second" }).pipe(Layer.provide(recordingHttp(sent)))
      )
      const client = yield* McpClient.make({ timeout: "10 seconds" }).pipe(Effect.provide(context))
      const error = yield* client.readResource("memo://slow").pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpTransportError)
      assert.lengthOf(posts(sent, "resources/read"), 1)
    }).pipe(Effect.scoped))

  it.live("a subscription the server refuses with 403 ends with that error instead of retrying", () =>
    Effect.gen(function*() {
      const server = yield* faultyServer((_message, res) => {
        res.writeHead(403, { "content-type": "application/json" })
        res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32001, message: "Forbidden" } }))
      })
      const client = yield* connect(server.url)
      const error = yield* client.subscribe({ resources: true }).pipe(Stream.runDrain, Effect.flip)
      assert.instanceOf(error, McpError.McpTransportError)
      if (error instanceof McpError.McpTransportError && error.reason._tag === "HttpStatus") {
        assert.strictEqual(error.reason.status, 403)
      } else {
        assert.fail(`expected HttpStatus 403, got ${error.message}`)
      }
    }).pipe(Effect.scoped))
})
