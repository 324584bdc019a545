/**
 * What revision 2026-07-28 does over Streamable HTTP and nowhere else: the `Mcp-*` headers, HTTP
 * statuses, broken response streams, and how a call is cancelled (its response is closed). The behaviour
 * every transport shares runs in the end-to-end suite (`e2e.test.ts`).
 */
import * as McpCache from "@effect-mcp/core/McpCache"
import * as McpClient from "@effect-mcp/core/McpClient"
import * as McpElicitation from "@effect-mcp/core/McpElicitation"
import * as McpError from "@effect-mcp/core/McpError"
import * as McpRoots from "@effect-mcp/core/McpRoots"
import * as McpSampling from "@effect-mcp/core/McpSampling"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { createServer, type ServerResponse } from "node:http"
import type * as EffectServer from "../../core/test/e2e/servers/effect.ts"
import * as Wire from "../../core/test/e2e/wire.ts"
import * as McpHttpTransport from "../src/McpHttpTransport.ts"
import * as EffectHttp from "./fixtures/effect-http.ts"
import { recordingHttp, type Sent } from "./fixtures/recording.ts"
import * as Sdk2 from "./fixtures/sdk2-http.ts"
import * as Servers from "./fixtures/servers.ts"

/** A client in the current scope over Streamable HTTP to `url`, recording what it sends. */
const connect = (url: string, sent: Array<Sent> = [], options?: McpClient.Options) =>
  Effect.flatMap(
    Layer.build(McpHttpTransport.layer({ url }).pipe(Layer.provide(recordingHttp((request) => sent.push(request))))),
    (context) => McpClient.make({ timeout: "10 seconds", ...options }).pipe(Effect.provide(context))
  )

/** The POSTs of one JSON-RPC method. */
const posts = (sent: ReadonlyArray<Sent>, method: string) =>
  sent.filter((r) => r.method === "POST" && r.body?.method === method)

/** Handler layers that answer `book_trip`'s three rounds. */
const tripHandlers = Layer.mergeAll(
  McpElicitation.layer(() => Effect.succeed(McpElicitation.accept({ destination: "Lisbon" }))),
  McpSampling.layer(() => Effect.succeed("Tiles and tarts.")),
  McpRoots.layer(["file:///home/ada/trips"])
)

describe("2026-07-28 over HTTP against the official SDK v2 server", () => {
  for (const protocolVersion of ["auto", "2026-07-28"] as const) {
    it.live(`${protocolVersion}: server/discover carries Mcp-Protocol-Version and Mcp-Method; only POSTs, no session id`, () =>
      Effect.gen(function*() {
        const server = yield* Sdk2.sdk2Http
        const sent: Array<Sent> = []
        const client = yield* connect(server.url, sent, { protocolVersion })
        assert.strictEqual((yield* client.session).era, "stateless")
        yield* client.listTools()
        const [discover] = sent
        assert.strictEqual(discover?.body?.method, "server/discover")
        assert.strictEqual(discover?.headers["mcp-protocol-version"], "2026-07-28")
        assert.strictEqual(discover?.headers["mcp-method"], "server/discover")
        assert.isTrue(sent.every((r) => r.method === "POST"), "no GET stream, no DELETE")
        assert.isTrue(sent.every((r) => r.headers["mcp-session-id"] === undefined))
      }).pipe(Effect.scoped))
  }

  it.live("resources and prompts: Mcp-Name carries the URI or the name", () =>
    Effect.gen(function*() {
      const server = yield* Sdk2.sdk2Http
      const sent: Array<Sent> = []
      const client = yield* connect(server.url, sent)
      yield* client.readResourceRaw("demo://greeting")
      yield* client.getPrompt("greet", { name: "Ada" })
      assert.strictEqual(posts(sent, "resources/read")[0]?.headers["mcp-name"], "demo://greeting")
      assert.strictEqual(posts(sent, "prompts/get")[0]?.headers["mcp-name"], "greet")
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

  it.live("every round of an input_required exchange is a POST that names the tool in Mcp-Name", () =>
    Effect.gen(function*() {
      const server = yield* Sdk2.sdk2Http
      const sent: Array<Sent> = []
      const client = yield* connect(server.url, sent).pipe(Effect.provide(tripHandlers))
      yield* client.callTool("book_trip")
      const calls = posts(sent, "tools/call")
      assert.lengthOf(calls, 4)
      assert.isTrue(calls.every((c) => c.headers["mcp-name"] === "book_trip"))
    }).pipe(Effect.scoped))

  it.live("a stateful (legacy) session's requests carry the negotiated revision and no Mcp-Method", () =>
    Effect.gen(function*() {
      const server = yield* Sdk2.sdk2Http
      const sent: Array<Sent> = []
      const client = yield* connect(server.url, sent, { protocolVersion: "legacy" })
      yield* client.callTool("add", { a: 4, b: 5, region: "eu-west-1" })
      yield* client.ping()
      const later = sent.filter((r) => r.method === "POST").slice(2)
      assert.isTrue(later.length >= 2)
      assert.isTrue(later.every((r) => r.headers["mcp-protocol-version"] === "2025-11-25"))
      assert.isTrue(sent.every((r) => r.headers["mcp-method"] === undefined))
    }).pipe(Effect.scoped))
})

describe("2026-07-28 over HTTP: falling back to a stateful server", () => {
  for (const sessions of [true, false]) {
    it.live(`after the refused discovery, no request carries Mcp-Method (${sessions ? "sessions" : "no sessions"})`, () =>
      Effect.gen(function*() {
        const server = yield* Servers.streamableHttp({ json: true, sessions })
        const sent: Array<Sent> = []
        const client = yield* connect(server.url, sent)
        assert.strictEqual((yield* client.session).era, "stateful")
        yield* client.callTool("add", { a: 2, b: 40 })
        assert.strictEqual(sent[0]?.body?.method, "server/discover")
        assert.isTrue(sent.length >= 4)
        assert.isTrue(sent.slice(1).every((r) => r.headers["mcp-method"] === undefined))
      }).pipe(Effect.scoped))
  }
})

describe("2026-07-28 over HTTP against Effect's McpServer.layerHttp", () => {
  /**
   * The suite's Effect server (2026-07-28 only), its handlers' events in `events`, and the Mcp-Name of
   * every response the server saw closed before it was finished in `closedEarly`.
   */
  const serverLive = (events: Wire.Log<EffectServer.Event>, closedEarly: Wire.Log<string | undefined>) =>
    EffectHttp.layer({
      era: "stateless",
      emit: (event) => Effect.sync(() => events.push(event)),
      http: () => {
        const server = createServer()
        server.on("request", (req, res) => {
          res.on("close", () => {
            if (!res.writableFinished) closedEarly.push(req.headers["mcp-name"] as string | undefined)
          })
        })
        return server
      }
    })

  it.live("interrupting a call closes its response, which stops the handler; no notifications/cancelled", () => {
    const events = Wire.makeLog<EffectServer.Event>()
    const closedEarly = Wire.makeLog<string | undefined>()
    return Effect.gen(function*() {
      const sent: Array<Sent> = []
      const client = yield* connect(yield* EffectHttp.url, sent)
      const fiber = yield* client.callTool("slow", { tag: "interrupted" }).pipe(
        Effect.forkChild({ startImmediately: true })
      )
      yield* events.until((event) => event._tag === "Started" && event.tag === "interrupted")
      yield* Fiber.interrupt(fiber)
      yield* closedEarly.until((name) => name === "slow")
      yield* events.until((event) => event._tag === "Interrupted" && event.tag === "interrupted")
      // the client goes on; a notifications/cancelled would have been sent as the call was interrupted,
      // before this call
      assert.deepStrictEqual((yield* client.callTool("add", { a: 1, b: 2 })).structuredContent, { sum: 3 })
      assert.lengthOf(posts(sent, "notifications/cancelled"), 0)
    }).pipe(Effect.scoped, Effect.provide(serverLive(events, closedEarly)))
  })

  it.live("a timed-out call closes its response too, without notifications/cancelled", () => {
    const events = Wire.makeLog<EffectServer.Event>()
    const closedEarly = Wire.makeLog<string | undefined>()
    return Effect.gen(function*() {
      const sent: Array<Sent> = []
      const client = yield* connect(yield* EffectHttp.url, sent)
      const error = yield* client.callTool("slow", { tag: "timed-out" }, { timeout: "300 millis" }).pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpTimeoutError)
      yield* closedEarly.until((name) => name === "slow")
      yield* events.until((event) => event._tag === "Interrupted" && event.tag === "timed-out")
      assert.deepStrictEqual((yield* client.callTool("add", { a: 1, b: 2 })).structuredContent, { sum: 3 })
      assert.lengthOf(posts(sent, "notifications/cancelled"), 0)
    }).pipe(Effect.scoped, Effect.provide(serverLive(events, closedEarly)))
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
        McpHttpTransport.layer({ url: server.url }).pipe(Layer.provide(recordingHttp((request) => sent.push(request))))
      )
      const client = yield* McpClient.make({ timeout: "1 second" }).pipe(Effect.provide(context))
      const error = yield* client.readResource("memo://slow").pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpTimeoutError)
      assert.lengthOf(posts(sent, "resources/read"), 1)
    }).pipe(Effect.scoped))

  it.live("the client's timeout bounds a request, not the transport's: a JSON answer after it is the answer", () =>
    Effect.gen(function*() {
      // a JSON answer's headers come with the result: a tool working longer than the transport's
      // timeout is still answered while the client waits for it
      const server = yield* faultyServer((_message, _res, reply) => {
        setTimeout(() => reply({ contents: [{ uri: "memo://slow", text: "done" }] }), 1500)
      })
      const context = yield* Layer.build(
        McpHttpTransport.layer({ url: server.url, timeout: "1 second" }).pipe(
          Layer.provide(recordingHttp(() => {}))
        )
      )
      const client = yield* McpClient.make({ timeout: "10 seconds" }).pipe(Effect.provide(context))
      const contents = yield* client.readResource("memo://slow")
      assert.deepStrictEqual(contents, [{ uri: "memo://slow", text: "done" }])
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
