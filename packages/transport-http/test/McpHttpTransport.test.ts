import * as McpAuth from "@effect-mcp/core/McpAuth"
import * as McpAuthError from "@effect-mcp/core/McpAuthError"
import * as McpClient from "@effect-mcp/core/McpClient"
import * as McpElicitation from "@effect-mcp/core/McpElicitation"
import * as McpError from "@effect-mcp/core/McpError"
import * as McpLogging from "@effect-mcp/core/McpLogging"
import type * as McpSchema from "@effect-mcp/core/McpSchema"
import { NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { McpProtocol, McpServer, Tool, Toolkit } from "effect/ai"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as HttpRouter from "effect/http/HttpRouter"
import * as HttpServer from "effect/http/HttpServer"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Queue from "effect/Queue"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import { TestClock } from "effect/testing"
import * as Tracer from "effect/Tracer"
import { createServer } from "node:http"
import * as Body from "../src/internal/body.ts"
import * as McpHttpTransport from "../src/McpHttpTransport.ts"
import * as McpSseTransport from "../src/McpSseTransport.ts"
import * as Scripted from "./fixtures/scripted.ts"
import * as Servers from "./fixtures/servers.ts"

const Http = NodeHttpClient.layerUndici

const textOf = (result: McpSchema.CallToolResult): string => {
  const block = result.content[0]
  return block?.type === "text" ? block.text : ""
}

/** Builds a transport layer into the current scope (so its HTTP client lives as long as the test). */
const inScope = <A>(layer: Layer.Layer<A>) => Layer.build(layer)

/** A client in the current scope over Streamable HTTP to `url`. */
const httpClient = (url: string, options?: McpClient.Options, transport?: Partial<McpHttpTransport.Options>) =>
  Effect.flatMap(
    inScope(McpHttpTransport.layer({ url, ...transport }).pipe(Layer.provide(Http))),
    (context) => McpClient.make({ timeout: "10 seconds", ...options }).pipe(Effect.provide(context))
  )

/** Waits until the scripted server saw the client close the SSE answer to the call of `name`. */
const streamClosed = (server: Scripted.Scripted, name: string) =>
  Effect.promise(() => server.streamClosed(name)).pipe(
    Effect.timeoutOrElse({
      duration: "5 seconds",
      orElse: () => Effect.sync(() => assert.fail(`the client never closed the stream of ${name}`))
    })
  )

const waitUntil = (done: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 200 && !done(); i++) yield* Effect.sleep("10 millis")
    assert.isTrue(done(), "the condition never held")
  })

describe("McpHttpTransport against the official SDK's Streamable HTTP server", () => {
  for (const json of [false, true]) {
    for (const sessions of [true, false]) {
      const mode = `${json ? "JSON" : "SSE"} answers, ${sessions ? "with sessions" : "stateless"}`
      it.live(`serves the operations (${mode})`, () =>
        Effect.gen(function*() {
          const server = yield* Servers.streamableHttp({ json, sessions })
          const client = yield* httpClient(server.url)
          const session = yield* client.session
          assert.strictEqual(session.serverInfo.name, "effect-mcp-sdk1-fixture")
          const tools = yield* client.listTools()
          assert.includeMembers(tools.map((t) => t.name), ["add", "echo", "notify", "elicit"])
          assert.deepStrictEqual((yield* client.callTool("add", { a: 2, b: 40 })).structuredContent, { sum: 42 })
          assert.strictEqual(textOf(yield* client.callTool("echo", { text: "héllo 😀" })), "héllo 😀")
          // the "auto" probe (server/discover) is refused, then every request after initialize carries the
          // negotiated revision (and the session, if any)
          const later = server.requests.filter((r) => r.method === "POST").slice(2)
          assert.strictEqual(session.era, "stateful")
          assert.isTrue(later.every((r) => r.headers["mcp-protocol-version"] === session.protocolVersion))
          if (sessions) {
            const id = later[0]!.headers["mcp-session-id"]
            assert.isString(id)
            assert.isTrue(later.every((r) => r.headers["mcp-session-id"] === id))
          } else {
            assert.isTrue(later.every((r) => r.headers["mcp-session-id"] === undefined))
          }
        }).pipe(Effect.scoped))
    }
  }

  // The specification (transports, 2025-11-25): the messages on a request's SSE stream SHOULD relate to
  // that request; those on the GET stream SHOULD be unrelated to any request in flight. The SDK puts a
  // message on the request's stream when it names the request as related (`extra.sendNotification`),
  // and on the GET stream otherwise (`sendLoggingMessage(params, sessionId)`).
  it.live("progress rides on the request's SSE stream; a log sent outside the request arrives on the GET stream", () =>
    Effect.gen(function*() {
      const server = yield* Servers.streamableHttp({ json: false, sessions: true })
      const entries: Array<McpLogging.LogEntry> = []
      const progress: Array<number> = []
      const client = yield* httpClient(server.url).pipe(
        Effect.provide(McpLogging.layer((entry) => Effect.sync(() => entries.push(entry))))
      )
      yield* client.setLoggingLevel("debug")
      yield* client.callTool("notify", {}, { onProgress: (p) => Effect.sync(() => progress.push(p.progress)) })
      yield* waitUntil(() => entries.length === 1)
      assert.deepStrictEqual(progress, [1])
      assert.strictEqual(entries[0]!.data, "working")
      // where each one travelled, as the server wrote it
      const call = server.requests.find((r) => (r.body as { method?: string } | undefined)?.method === "tools/call")
      const answer = call!.written.join("")
      assert.include(answer, "notifications/progress")
      assert.notInclude(answer, "working")
      const gets = server.requests.filter((r) => r.method === "GET")
      assert.strictEqual(gets.length, 1)
      assert.include(gets[0]!.written.join(""), "\"working\"")
    }).pipe(Effect.scoped))

  it.live("a log sent as part of the request rides on its SSE stream, with no GET stream (listen: false)", () =>
    Effect.gen(function*() {
      const server = yield* Servers.streamableHttp({ json: false, sessions: true })
      const entries: Array<McpLogging.LogEntry> = []
      const client = yield* httpClient(server.url, undefined, { listen: false }).pipe(
        Effect.provide(McpLogging.layer((entry) => Effect.sync(() => entries.push(entry))))
      )
      yield* client.setLoggingLevel("debug")
      assert.strictEqual(textOf(yield* client.callTool("log")), "logged")
      yield* waitUntil(() => entries.length > 0)
      assert.deepStrictEqual(entries.map((entry) => entry.data), ["related"])
      const call = server.requests.find((r) => (r.body as { method?: string } | undefined)?.method === "tools/call")
      assert.include(call!.written.join(""), "\"related\"")
      assert.isFalse(server.requests.some((r) => r.method === "GET"))
    }).pipe(Effect.scoped))

  it.live("listen: false opens no GET stream; the session works and is DELETEd", () =>
    Effect.gen(function*() {
      const server = yield* Servers.streamableHttp({ json: true, sessions: true })
      const scope = yield* Scope.make()
      const client = yield* httpClient(server.url, undefined, { listen: false }).pipe(Scope.provide(scope))
      yield* client.ping()
      assert.isTrue((yield* client.listTools()).length > 0)
      assert.deepStrictEqual((yield* client.callTool("add", { a: 1, b: 2 })).structuredContent, { sum: 3 })
      yield* Scope.close(scope, Exit.void)
      // the session was opened (its id was sent back on DELETE), and no GET went out in its life
      const methods = server.requests.map((r) => r.method)
      assert.strictEqual(methods.at(-1), "DELETE")
      assert.isString(server.requests.at(-1)!.headers["mcp-session-id"])
      assert.notInclude(methods, "GET")
    }).pipe(Effect.scoped))

  it.live("server requests (elicitation) arrive on the stream and are answered", () =>
    Effect.gen(function*() {
      const server = yield* Servers.streamableHttp({ json: false, sessions: true })
      const client = yield* httpClient(server.url).pipe(
        Effect.provide(McpElicitation.layer(() => Effect.succeed(McpElicitation.accept())))
      )
      const result = yield* client.callTool("elicit")
      assert.deepStrictEqual(JSON.parse(textOf(result)), { action: "accept", content: { name: "Ada" } })
    }).pipe(Effect.scoped))

  it.live("closing the client ends the session with DELETE", () =>
    Effect.gen(function*() {
      const server = yield* Servers.streamableHttp({ json: true, sessions: true })
      const scope = yield* Scope.make()
      const client = yield* httpClient(server.url).pipe(Scope.provide(scope))
      yield* client.ping()
      yield* Scope.close(scope, Exit.void)
      const deletes = server.requests.filter((r) => r.method === "DELETE")
      assert.strictEqual(deletes.length, 1)
      assert.isString(deletes[0]!.headers["mcp-session-id"])
    }).pipe(Effect.scoped))

  it.live("a lost session (404) is replaced by a new one, and a safe request goes through", () =>
    Effect.gen(function*() {
      const server = yield* Servers.streamableHttp({ json: true, sessions: true })
      const client = yield* httpClient(server.url)
      yield* client.listTools()
      server.forgetSessions() // as a restarted server would
      const tools = yield* client.listTools()
      assert.isTrue(tools.length > 0)
      const initializes = server.requests.filter((r) =>
        (r.body as { method?: string } | undefined)?.method === "initialize"
      )
      assert.strictEqual(initializes.length, 2)
    }).pipe(Effect.scoped))

  it.live("a 500 is an HttpStatus error with the body; the session goes on", () =>
    Effect.gen(function*() {
      const server = yield* Servers.streamableHttp({ json: true, sessions: true })
      const client = yield* httpClient(server.url)
      server.failNext(1, 500, "database on fire")
      const error = yield* client.callTool("add", { a: 1, b: 2 }).pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpTransportError)
      assert.strictEqual(error.reason._tag, "HttpStatus")
      if (error.reason._tag === "HttpStatus") {
        assert.strictEqual(error.reason.status, 500)
        assert.strictEqual(error.reason.body, "database on fire")
      }
      assert.deepStrictEqual((yield* client.callTool("add", { a: 1, b: 2 })).structuredContent, { sum: 3 })
    }).pipe(Effect.scoped))

  it.live("transient 503s are retried for safe requests, not for tools/call", () =>
    Effect.gen(function*() {
      const server = yield* Servers.streamableHttp({ json: true, sessions: true })
      const client = yield* httpClient(server.url)
      server.failNext(2, 503)
      assert.isTrue((yield* client.listTools()).length > 0)
      server.failNext(1, 503)
      const error = yield* client.callTool("add", { a: 1, b: 2 }).pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpTransportError)
      assert.strictEqual(error.reason._tag, "HttpStatus")
    }).pipe(Effect.scoped))

  it.live("a server that is not there fails the connection with a typed error", () =>
    Effect.gen(function*() {
      const error = yield* httpClient("http://127.0.0.1:1/mcp", undefined, { retry: false }).pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpTransportError)
      assert.strictEqual(error.reason._tag, "ConnectionClosed")
    }).pipe(Effect.scoped))
})

describe("McpHttpTransport faults", () => {
  it.live("an SSE answer that drops before the response is resumed with Last-Event-ID", () =>
    Effect.gen(function*() {
      const server = yield* Scripted.scripted()
      const client = yield* httpClient(server.url)
      const result = yield* client.callTool("drop")
      assert.deepStrictEqual(result.content, [{ type: "text", text: "resumed" }])
      const resumption = server.received.find((r) => r.method === "GET" && r.headers["last-event-id"] !== undefined)
      assert.strictEqual(resumption?.headers["last-event-id"], "ev-1")
      assert.strictEqual(resumption?.headers["mcp-session-id"], "s-1")
    }).pipe(Effect.scoped))

  it.live("the resumption waits the server's retry delay, on the client's clock", () =>
    Effect.gen(function*() {
      // 4321 ms: a delay no other timer of the client uses (the default reconnectDelay is 1 second)
      const server = yield* Scripted.scripted({ dropRetry: 4321 })
      const testClock = yield* TestClock.make()
      const sleeps = yield* Queue.unbounded<number>()
      // the test clock, noting each sleep as it starts, so that the test knows when the client sleeps
      const clock: Clock.Clock = {
        ...testClock,
        sleep: (duration) => Effect.andThen(Queue.offer(sleeps, Duration.toMillis(duration)), testClock.sleep(duration))
      }
      const onClock = Effect.provideService(Clock.Clock, clock)
      const client = yield* httpClient(server.url, { timeout: "Infinity" }).pipe(onClock)
      const calling = yield* client.callTool("drop").pipe(onClock, Effect.forkChild({ startImmediately: true }))
      const resumptions = () =>
        server.received.filter((r) => r.method === "GET" && r.headers["last-event-id"] !== undefined)
      // the stream dropped after its `retry: 4321`: the client sleeps that long before resuming
      yield* Queue.take(sleeps).pipe(
        Effect.repeat({ until: (millis) => millis === 4321 }),
        Effect.timeoutOrElse({
          duration: "5 seconds",
          orElse: () => Effect.sync(() => assert.fail("the client never slept the server's retry delay"))
        })
      )
      assert.lengthOf(resumptions(), 0)
      yield* testClock.adjust("4320 millis")
      assert.lengthOf(resumptions(), 0)
      yield* testClock.adjust("1 millis")
      const result = yield* Fiber.join(calling)
      assert.deepStrictEqual(result.content, [{ type: "text", text: "resumed" }])
      assert.deepStrictEqual(resumptions().map((r) => r.headers["last-event-id"]), ["ev-1"])
    }).pipe(Effect.scoped))

  it.live("a stream that keeps dropping is resumed maxResumptions times, then the request fails", () =>
    Effect.gen(function*() {
      const server = yield* Scripted.scripted({ dropRetry: 1, resumeDrops: true })
      const client = yield* httpClient(server.url, undefined, { maxResumptions: 2 })
      const error = yield* client.callTool("drop").pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpTransportError)
      assert.strictEqual(error.reason._tag, "ConnectionClosed")
      assert.include(error.message, "the server's answer to tools/call ended before its response")
      // each resumption from the last event id the server gave: ev-1, then the resumption's ev-2
      const resumptions = server.received.filter((r) => r.method === "GET" && r.headers["last-event-id"] !== undefined)
      assert.deepStrictEqual(resumptions.map((r) => r.headers["last-event-id"]), ["ev-1", "ev-2"])
    }).pipe(Effect.scoped))

  it.live("a server that stops mid-stream with nothing to resume from fails the request, not hangs", () =>
    Effect.gen(function*() {
      const server = yield* Scripted.scripted()
      const client = yield* httpClient(server.url)
      const error = yield* client.callTool("cut", {}, { timeout: "Infinity" }).pipe(
        Effect.flip,
        Effect.timeout("5 seconds")
      )
      assert.instanceOf(error, McpError.McpTransportError)
      assert.strictEqual(error.reason._tag, "ConnectionClosed")
      assert.deepStrictEqual((yield* client.callTool("fine")).content, [{ type: "text", text: "ok" }])
    }).pipe(Effect.scoped))

  it.live("a body that is not JSON fails that request with MalformedMessage; the session goes on", () =>
    Effect.gen(function*() {
      const server = yield* Scripted.scripted()
      const client = yield* httpClient(server.url)
      const error = yield* client.callTool("garbage").pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpTransportError)
      assert.strictEqual(error.reason._tag, "MalformedMessage")
      assert.deepStrictEqual((yield* client.callTool("fine")).content, [{ type: "text", text: "ok" }])
    }).pipe(Effect.scoped))

  it.live("a server that never answers: the request times out, its stream is closed, the server told", () =>
    Effect.gen(function*() {
      const server = yield* Scripted.scripted()
      const client = yield* httpClient(server.url)
      const calling = yield* client.callTool("hang", {}, { timeout: "200 millis" }).pipe(
        Effect.flip,
        Effect.forkChild({ startImmediately: true })
      )
      // the server sees its answer's stream closed by the client (a real close, not the test's end)
      yield* streamClosed(server, "hang")
      const error = yield* Fiber.join(calling)
      assert.instanceOf(error, McpError.McpTimeoutError)
      yield* waitUntil(() => server.received.some((r) => r.body?.method === "notifications/cancelled"))
      const call = server.received.find((r) => (r.body?.params as { name?: string } | undefined)?.name === "hang")
      const cancelled = server.received.find((r) => r.body?.method === "notifications/cancelled")
      assert.deepStrictEqual(cancelled?.body?.params, { requestId: call?.body?.id, reason: "timeout" })
    }).pipe(Effect.scoped))

  it.live("interrupting a call closes its stream and sends notifications/cancelled", () =>
    Effect.gen(function*() {
      const server = yield* Scripted.scripted()
      const client = yield* httpClient(server.url)
      const fiber = yield* client.callTool("hang").pipe(Effect.forkChild({ startImmediately: true }))
      yield* waitUntil(() =>
        server.received.some((r) => (r.body?.params as { name?: string } | undefined)?.name === "hang")
      )
      yield* Fiber.interrupt(fiber)
      yield* streamClosed(server, "hang")
      yield* waitUntil(() => server.received.some((r) => r.body?.method === "notifications/cancelled"))
      const cancelled = server.received.find((r) => r.body?.method === "notifications/cancelled")
      assert.strictEqual((cancelled!.body!.params as { reason?: string }).reason, "interrupted")
    }).pipe(Effect.scoped))
})

// An SSE answer ends the caller's reply; the rest of its body is read by a drain of the connection, so
// that the response ends as the server ends it and its keep-alive connection serves the next call.
describe("McpHttpTransport: an SSE answer keeps its connection", () => {
  const calls = 20

  it.live("sequential calls with SSE answers close no connection (the SDK server)", () =>
    Effect.gen(function*() {
      const server = yield* Servers.streamableHttp({ json: false, sessions: true })
      const client = yield* httpClient(server.url, undefined, { listen: false })
      for (let i = 0; i < calls; i++) {
        assert.deepStrictEqual((yield* client.callTool("add", { a: i, b: 1 })).structuredContent, { sum: i + 1 })
      }
      // the answers were SSE streams, and not one of their connections was lost (aborting each body
      // at the answer closed a connection per call whose response the server had not ended yet)
      assert.isTrue(server.requests.some((r) => r.written.some((chunk) => chunk.includes("event: message"))))
      assert.strictEqual(server.closedConnections(), 0)
      assert.isBelow(server.connections(), calls / 2)
    }).pipe(Effect.scoped))

  it.live("a server that ends its responses a moment after the answer: no connection is closed", () =>
    Effect.gen(function*() {
      const server = yield* Scripted.scripted()
      const client = yield* httpClient(server.url, undefined, { listen: false })
      for (let i = 0; i < calls; i++) assert.strictEqual(textOf(yield* client.callTool("late")), "late")
      // aborting each body at the answer closed its connection, and each call opened one
      assert.strictEqual(server.closedConnections(), 0)
      // a connection is busy until its response ends (10 ms after the answer), so back-to-back calls
      // take others of the pool meanwhile, as many as their pace needs; calls made once those responses
      // ended all go out on connections already open
      const opened = server.connections()
      for (let i = 0; i < 5; i++) {
        yield* Effect.sleep("100 millis")
        assert.strictEqual(textOf(yield* client.callTool("late")), "late")
      }
      assert.strictEqual(server.connections(), opened)
      assert.strictEqual(server.closedConnections(), 0)
    }).pipe(Effect.scoped))

  it.live("a response that stays open after the answer: the caller has the answer on a stopped clock", () =>
    Effect.gen(function*() {
      const server = yield* Scripted.scripted()
      const testClock = yield* TestClock.make()
      const onClock = Effect.provideService(Clock.Clock, testClock)
      const scope = yield* Scope.make()
      const client = yield* httpClient(server.url, { timeout: "Infinity" }, { listen: false }).pipe(
        onClock,
        Scope.provide(scope)
      )
      // the clock never moves: a wait for the end of the body would never return
      assert.strictEqual(textOf(yield* onClock(client.callTool("linger"))), "linger")
      assert.strictEqual(textOf(yield* onClock(client.callTool("fine"))), "ok")
      // the body is still being read: its connection is open (one aborted at the answer is closed
      // before the next call goes out) until the client's scope closes
      assert.strictEqual(server.closedConnections(), 0)
      yield* Scope.close(scope, Exit.void)
      yield* streamClosed(server, "linger")
    }).pipe(Effect.scoped))

  it.live("a response that stays open after the answer is aborted after the drain's grace, on the client's clock", () =>
    Effect.gen(function*() {
      const server = yield* Scripted.scripted()
      const testClock = yield* TestClock.make()
      const onClock = Effect.provideService(Clock.Clock, testClock)
      const client = yield* httpClient(server.url, { timeout: "Infinity" }, { listen: false }).pipe(onClock)
      assert.strictEqual(textOf(yield* onClock(client.callTool("linger"))), "linger")
      yield* testClock.adjust("1 second")
      yield* streamClosed(server, "linger")
      // the client goes on
      assert.strictEqual(textOf(yield* onClock(client.callTool("fine"))), "ok")
    }).pipe(Effect.scoped))

  it.live(`at most ${Body.MAX_DRAINS} responses are drained at once; the next is aborted at its answer`, () =>
    Effect.gen(function*() {
      const server = yield* Scripted.scripted()
      const testClock = yield* TestClock.make()
      const onClock = Effect.provideService(Clock.Clock, testClock)
      const client = yield* httpClient(server.url, { timeout: "Infinity" }, { listen: false }).pipe(onClock)
      for (let i = 0; i < Body.MAX_DRAINS; i++) {
        assert.strictEqual(textOf(yield* onClock(client.callTool("linger"))), "linger")
      }
      assert.strictEqual(textOf(yield* onClock(client.callTool("fine"))), "ok")
      assert.strictEqual(server.closedConnections(), 0)
      assert.strictEqual(textOf(yield* onClock(client.callTool("linger"))), "linger")
      yield* streamClosed(server, "linger")
      // only the one beyond the bound: the others are still being drained
      assert.strictEqual(textOf(yield* onClock(client.callTool("fine"))), "ok")
      assert.strictEqual(server.closedConnections(), 1)
    }).pipe(Effect.scoped))
})

describe("McpHttpTransport: the optional GET stream and cancellation", () => {
  it.live(
    "a GET stream that keeps dropping never ends the session or fails a call in flight",
    () =>
      Effect.gen(function*() {
        const server = yield* Scripted.scripted({ resetGet: true, slowMillis: 600 })
        const client = yield* httpClient(server.url, undefined, { reconnectDelay: "20 millis" })
        const result = yield* client.callTool("slow")
        assert.deepStrictEqual(result.content, [{ type: "text", text: "slow ok" }])
        const initializes = server.received.filter((r) => r.body?.method === "initialize")
        assert.strictEqual(initializes.length, 1)
        // the drops are retried with a growing delay, and given up on after a few quiet streams
        const gets = server.received.filter((r) => r.method === "GET").length
        assert.isTrue(gets >= 2 && gets <= 5, `${gets} GETs`)
      }).pipe(Effect.scoped),
    { timeout: 20_000 }
  )

  it.live(
    "a timed-out call returns at once even when the server does not take the cancellation",
    () =>
      Effect.gen(function*() {
        const server = yield* Scripted.scripted({ hangCancel: true })
        const client = yield* httpClient(server.url, undefined, { timeout: "5 seconds" })
        const error = yield* client.callTool("hang", {}, { timeout: "200 millis" }).pipe(
          Effect.flip,
          Effect.timeout("2 seconds")
        )
        assert.instanceOf(error, McpError.McpTimeoutError)
        // sent once, not retried
        yield* waitUntil(() => server.received.some((r) => r.body?.method === "notifications/cancelled"))
        yield* Effect.sleep("300 millis")
        assert.strictEqual(server.received.filter((r) => r.body?.method === "notifications/cancelled").length, 1)
      }).pipe(Effect.scoped),
    { timeout: 20_000 }
  )
})

describe("McpHttpTransport and McpAuth", () => {
  it.live("static headers go on every request; a 401 asks the hook, which may retry with new credentials", () =>
    Effect.gen(function*() {
      const server = yield* Servers.streamableHttp({ json: true, sessions: true })
      let token = "stale"
      const challenges: Array<McpAuth.Challenge> = []
      const asked: Array<McpAuth.Request> = []
      const seen: Array<McpAuth.Response> = []
      const auth = Layer.succeed(McpAuth.McpAuth, {
        headers: (request) =>
          Effect.sync(() => {
            asked.push(request)
            return { authorization: Redacted.make(`Bearer ${token}`) }
          }),
        onChallenge: (challenge) =>
          Effect.sync(() => {
            challenges.push(challenge)
            token = "fresh"
            return true
          }),
        onResponse: (response) => Effect.sync(() => seen.push(response))
      })
      // the server refuses the first POST once, as an expired token would be refused
      server.failNext(1, 401, "expired token", {
        "www-authenticate": `Bearer error="invalid_token"`,
        "dpop-nonce": "n-1"
      })
      const context = yield* inScope(
        McpHttpTransport.layer({ url: server.url, headers: { "x-tenant": "acme" } }).pipe(
          Layer.provide(Http),
          Layer.provide(auth)
        )
      )
      const client = yield* McpClient.make({ timeout: "10 seconds" }).pipe(Effect.provide(context))
      yield* client.ping()
      // the hook sees the refused request, the response's headers, and how many challenges it met
      assert.deepStrictEqual(
        challenges.map((c) => [c.status, c.request.method, c.request.url, c.attempt, c.headers["dpop-nonce"]]),
        [[401, "POST", server.url, 1, "n-1"]]
      )
      assert.strictEqual(challenges[0]!.wwwAuthenticate, `Bearer error="invalid_token"`)
      // headers are asked for each request with its method and URL (what a DPoP proof signs)
      assert.isTrue(asked.length >= 3)
      assert.strictEqual(asked[0]!.method, "POST")
      assert.isTrue(asked.every((request) => ["POST", "GET"].includes(request.method) && request.url === server.url))
      // every response is shown to the hook, the refused one first
      assert.strictEqual(seen[0]!.status, 401)
      assert.isTrue(seen.some((response) => response.status === 200))
      assert.strictEqual(seen[0]!.headers["dpop-nonce"], "n-1")
      const posts = server.requests.filter((r) => r.method === "POST")
      assert.isTrue(posts.length >= 2)
      assert.isTrue(posts.every((r) => r.headers["x-tenant"] === "acme"))
      assert.isTrue(posts.slice(1).every((r) => r.headers.authorization === "Bearer fresh"))
    }).pipe(Effect.scoped))

  it.live("a hook that fails fails the request with its McpAuthError; one that always retries is stopped", () =>
    Effect.gen(function*() {
      const server = yield* Servers.streamableHttp({ json: true, sessions: true })
      const refused = new McpAuthError.McpAuthError({
        reason: new McpAuthError.AuthorizationDenied({ description: "the user refused the login" }),
        server: server.url
      })
      const failing = Layer.succeed(McpAuth.McpAuth, {
        headers: () => Effect.fail(refused),
        onChallenge: () => Effect.succeed(false)
      })
      const context = yield* inScope(
        McpHttpTransport.layer({ url: server.url, retry: false }).pipe(Layer.provide(Http), Layer.provide(failing))
      )
      const error = yield* McpClient.make({ timeout: "10 seconds" }).pipe(Effect.provide(context), Effect.flip)
      assert.instanceOf(error, McpError.McpTransportError)
      assert.strictEqual(error.reason, refused)
      assert.include(error.message, "the user refused the login")

      let challenges = 0
      const eager = Layer.succeed(McpAuth.McpAuth, {
        headers: () => Effect.succeed({}),
        onChallenge: () => Effect.sync(() => ++challenges > 0)
      })
      server.failNext(100, 401)
      const eagerContext = yield* inScope(
        McpHttpTransport.layer({ url: server.url, retry: false }).pipe(Layer.provide(Http), Layer.provide(eager))
      )
      const status = yield* McpClient.make({ timeout: "10 seconds" }).pipe(Effect.provide(eagerContext), Effect.flip)
      assert.strictEqual(challenges, McpAuth.maxChallenges)
      assert.instanceOf(status, McpError.McpTransportError)
      assert.strictEqual(status.reason._tag, "HttpStatus")
    }).pipe(Effect.scoped))

  it.live("credentials never appear in errors", () =>
    Effect.gen(function*() {
      const context = yield* inScope(
        McpHttpTransport.layer({ url: "http://127.0.0.1:1/mcp", retry: false }).pipe(
          Layer.provide(Http),
          Layer.provide(McpAuth.layerHeaders({ authorization: "Bearer top-secret-token" }))
        )
      )
      const error = yield* McpClient.make().pipe(Effect.provide(context), Effect.flip)
      assert.instanceOf(error, McpError.McpTransportError)
      const rendered = `${error.message} ${JSON.stringify(error)} ${Cause.pretty(Cause.fail(error))}`
      assert.notInclude(rendered, "top-secret-token")
    }).pipe(Effect.scoped))
})

describe("McpHttpTransport: no credential in an error, a log line or a span", () => {
  const SECRETS = {
    token: "tok-9f2c-secret", // McpAuth's authorization header
    apiKey: "key-4d1e-secret", // a configured header Effect redacts by name
    custom: "hdr-77aa-secret", // a configured header it does not
    password: "pw-31b0-secret" // the URL's password
  }

  /** The URL with a user name and the password in it. */
  const withPassword = (url: string) => {
    const parsed = new URL(url)
    parsed.username = "mcp-user"
    parsed.password = SECRETS.password
    return parsed.toString()
  }

  interface Fault {
    readonly name: string
    /** The server; `arm` sets the fault up once the client is connected. */
    readonly start: Effect.Effect<{ readonly url: string; readonly arm?: () => void }, never, Scope.Scope>
    readonly act: (
      client: McpClient.McpClient["Service"]
    ) => Effect.Effect<unknown, McpError.McpError | McpError.McpToolError>
    /** Whether the error names the URL (then it must name it without the password). */
    readonly showsUrl: boolean
    /** Whether a log line names the URL. */
    readonly logsUrl?: boolean
  }

  const faults: ReadonlyArray<Fault> = [
    {
      name: "a 401 the hook does not retry",
      start: Effect.map(Servers.streamableHttp({ json: true, sessions: true }), (server) => ({
        url: server.url,
        arm: () => server.failNext(1, 401, "token expired")
      })),
      act: (client) => client.listTools(),
      showsUrl: true
    },
    {
      name: "a 500",
      start: Effect.map(Servers.streamableHttp({ json: true, sessions: true }), (server) => ({
        url: server.url,
        arm: () => server.failNext(1, 500, "database on fire")
      })),
      act: (client) => client.listTools(),
      showsUrl: true
    },
    {
      name: "a refused connection",
      start: Effect.succeed({ url: "http://127.0.0.1:1/mcp" }),
      act: (client) => client.ping(),
      showsUrl: true
    },
    {
      name: "a stream dropped before the response",
      start: Effect.map(Scripted.scripted(), (server) => ({ url: server.url })),
      act: (client) => client.callTool("cut", {}, { timeout: "Infinity" }),
      showsUrl: true
    },
    {
      // the refused probe is logged with the error's message, which names the URL
      // the fallback connects (the URL's credentials go as Basic authorization), then a call fails
      name: "a handshake refused with 404, then the HTTP+SSE fallback",
      start: Effect.map(Servers.legacySse, (server) => ({ url: server.url + "/sse" })),
      act: (client) => client.callTool("no-such-tool"),
      showsUrl: false,
      logsUrl: true
    }
  ]

  const render = (value: unknown): string => {
    try {
      return JSON.stringify(value) ?? String(value)
    } catch {
      return String(value)
    }
  }

  for (const fault of faults) {
    it.live(fault.name, () =>
      Effect.gen(function*() {
        const logs: Array<string> = []
        const spans: Array<Tracer.NativeSpan> = []
        const logger = Logger.make((options) => {
          logs.push(
            [
              ...(Array.isArray(options.message) ? options.message : [options.message]).map(String),
              render(options.fiber.getRef(References.CurrentLogAnnotations)),
              Cause.pretty(options.cause)
            ].join(" ")
          )
        })
        const tracer = Tracer.make({
          span: (options) => {
            const span = new Tracer.NativeSpan(options)
            spans.push(span)
            return span
          }
        })
        const { arm, url } = yield* fault.start
        const context = yield* inScope(
          McpHttpTransport.layer({
            url: withPassword(url),
            headers: { "x-api-key": SECRETS.apiKey, "x-custom-token": SECRETS.custom },
            retry: false
          }).pipe(
            Layer.provide(Http),
            Layer.provide(McpAuth.layerHeaders({ authorization: `Bearer ${SECRETS.token}` }))
          )
        )
        const error = yield* Effect.gen(function*() {
          const client = yield* McpClient.make({ timeout: "10 seconds", reconnect: false })
          arm?.()
          return yield* fault.act(client)
        }).pipe(
          Effect.scoped,
          Effect.provide(context),
          Effect.flip,
          Effect.provide(Logger.layer([logger])),
          Effect.provideService(References.MinimumLogLevel, "All"),
          Effect.withTracer(tracer)
        )
        const host = new URL(url).host
        const texts = {
          error: [error.message, String(error), render(error), Cause.pretty(Cause.fail(error))].join("\n"),
          logs: logs.join("\n"),
          spans: spans.map((span) =>
            [
              span.name,
              render([...span.attributes]),
              render(span.events),
              span.status._tag === "Ended" && Exit.isFailure(span.status.exit)
                ? Cause.pretty(span.status.exit.cause)
                : ""
            ].join(" ")
          ).join("\n")
        }
        for (const [where, text] of Object.entries(texts)) {
          for (const [what, secret] of Object.entries(SECRETS)) {
            assert.notInclude(text, secret, `the ${what} appears in the ${where}`)
          }
        }
        // what was searched does name the URL: the password was left out, not the URL
        if (fault.showsUrl) assert.include(texts.error, host)
        if (fault.logsUrl === true) assert.include(texts.logs, host)
        assert.isTrue(spans.some((span) => span.attributes.has("url.full")), "no HTTP span was recorded")
      }).pipe(Effect.scoped))
  }
})

describe("McpHttpTransport against Effect's McpServer.layerHttp", () => {
  const Add = Tool.make("add", {
    parameters: Schema.Struct({ a: Schema.Number, b: Schema.Number }),
    success: Schema.Struct({ sum: Schema.Number })
  })
  const Tools = Toolkit.make(Add)
  const ServerLive = HttpRouter.serve(
    McpServer.layerHttp({
      name: "effect-http-server",
      version: "1.0.0",
      path: "/mcp",
      protocols: [McpProtocol.v2025_11_25, McpProtocol.v2025_06_18],
      registrations: McpServer.toolkit(Tools).pipe(
        Layer.provide(Tools.toLayer({ add: ({ a, b }) => Effect.succeed({ sum: a + b }) }))
      )
    }),
    { disableLogger: true, disableListenLog: true }
  ).pipe(Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })))

  it.live("lists and calls tools", () =>
    Effect.gen(function*() {
      const { address } = yield* HttpServer.HttpServer
      const url = `http://127.0.0.1:${address._tag === "UnixPathAddress" ? 0 : address.port}/mcp`
      const client = yield* httpClient(url)
      assert.strictEqual((yield* client.session).serverInfo.name, "effect-http-server")
      assert.deepStrictEqual((yield* client.listTools()).map((t) => t.name), ["add"])
      assert.deepStrictEqual((yield* client.callTool("add", { a: 20, b: 22 })).structuredContent, { sum: 42 })
    }).pipe(Effect.scoped, Effect.provide(ServerLive)))
})

describe("McpSseTransport", () => {
  it.live("speaks to a legacy HTTP+SSE server", () =>
    Effect.gen(function*() {
      const server = yield* Servers.legacySse
      const context = yield* inScope(McpSseTransport.layer({ url: server.url + "/sse" }).pipe(Layer.provide(Http)))
      const client = yield* McpClient.make({ timeout: "10 seconds" }).pipe(Effect.provide(context))
      assert.strictEqual((yield* client.session).serverInfo.name, "effect-mcp-sdk1-fixture")
      assert.deepStrictEqual((yield* client.callTool("add", { a: 1, b: 2 })).structuredContent, { sum: 3 })
      assert.isTrue((yield* client.listTools()).length > 0)
    }).pipe(Effect.scoped))

  it.live("the Streamable HTTP transport falls back to HTTP+SSE when the server refuses its handshake", () =>
    Effect.gen(function*() {
      const server = yield* Servers.legacySse
      const context = yield* inScope(McpHttpTransport.layer({ url: server.url + "/sse" }).pipe(Layer.provide(Http)))
      const client = yield* McpClient.make({ timeout: "10 seconds" }).pipe(Effect.provide(context))
      const session = yield* client.session
      assert.deepStrictEqual([session.era, session.serverInfo.name], ["stateful", "effect-mcp-sdk1-fixture"])
      assert.deepStrictEqual((yield* client.callTool("add", { a: 1, b: 2 })).structuredContent, { sum: 3 })
      // the probe and initialize were POSTed to the URL and refused, then the SSE stream was opened there
      const methods = server.requests.map((r) => r.method)
      assert.deepStrictEqual(methods.slice(0, 3), ["POST", "POST", "GET"])
    }).pipe(Effect.scoped))

  it.live("with sseFallback: false, the refusal is the error", () =>
    Effect.gen(function*() {
      const server = yield* Servers.legacySse
      const context = yield* inScope(
        McpHttpTransport.layer({ url: server.url + "/sse", sseFallback: false }).pipe(Layer.provide(Http))
      )
      const error = yield* McpClient.make({ timeout: "10 seconds" }).pipe(Effect.provide(context), Effect.flip)
      assert.instanceOf(error, McpError.McpTransportError)
      assert.deepStrictEqual(error.reason._tag, "HttpStatus")
    }).pipe(Effect.scoped))

  it.live("a POST the server never answers fails with a typed error instead of hanging", () =>
    Effect.gen(function*() {
      const url = yield* Effect.acquireRelease(
        Effect.promise(() =>
          new Promise<{ url: string; server: ReturnType<typeof createServer> }>((resolve) => {
            const server = createServer((req, res) => {
              if (req.method === "GET") {
                res.writeHead(200, { "content-type": "text/event-stream" })
                res.write("event: endpoint\ndata: /messages\n\n")
              } // POSTs are never answered
            })
            server.listen(0, "127.0.0.1", () => {
              const address = server.address()
              resolve({
                url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/sse`,
                server
              })
            })
          })
        ),
        ({ server }) =>
          Effect.promise(() =>
            new Promise<void>((resolve) => {
              server.closeAllConnections()
              server.close(() => resolve())
            })
          )
      )
      const context = yield* inScope(
        McpSseTransport.layer({ url: url.url, timeout: "300 millis" }).pipe(Layer.provide(Http))
      )
      const error = yield* McpClient.make({ initializationTimeout: "Infinity" }).pipe(
        Effect.provide(context),
        Effect.flip,
        Effect.timeout("5 seconds")
      )
      assert.instanceOf(error, McpError.McpTransportError)
      assert.include(error.message, "no response")
    }).pipe(Effect.scoped), { timeout: 20_000 })

  it("resolves relative endpoints and refuses other origins", () => {
    const resolved = McpSseTransport.resolveEndpoint("http://127.0.0.1:8000/mcp/sse", "/mcp/messages?sessionId=1")
    assert.isTrue(Result.isSuccess(resolved))
    if (Result.isSuccess(resolved)) {
      assert.strictEqual(resolved.success, "http://127.0.0.1:8000/mcp/messages?sessionId=1")
    }
    const relative = McpSseTransport.resolveEndpoint("http://127.0.0.1:8000/mcp/sse", "messages?x=1")
    assert.isTrue(Result.isSuccess(relative) && relative.success === "http://127.0.0.1:8000/mcp/messages?x=1")
    const foreign = McpSseTransport.resolveEndpoint("http://127.0.0.1:8000/mcp/sse", "http://evil.example/steal")
    assert.isTrue(Result.isFailure(foreign))
    const credentials = McpSseTransport.resolveEndpoint("http://127.0.0.1:8000/mcp/sse", "http://u:p@127.0.0.1:8000/x")
    assert.isTrue(Result.isFailure(credentials))
  })

  it.live("layerUrl: HTTP+SSE for a path ending in /sse, Streamable HTTP otherwise, without a fallback to hide it", () =>
    Effect.gen(function*() {
      const legacy = yield* Servers.legacySse
      const sse = yield* inScope(
        McpHttpTransport.layerUrl(legacy.url + "/sse", { sseFallback: false }).pipe(Layer.provide(Http))
      )
      const viaSse = yield* McpClient.make({ timeout: "10 seconds" }).pipe(Effect.provide(sse))
      assert.deepStrictEqual((yield* viaSse.callTool("add", { a: 1, b: 2 })).structuredContent, { sum: 3 })
      // the stream first: nothing was POSTed to the SSE URL
      assert.strictEqual(legacy.requests[0]!.method, "GET")
      assert.isTrue(legacy.requests.slice(1).every((r) => r.method === "POST"))

      const streamable = yield* Servers.streamableHttp({ json: true, sessions: true })
      const http = yield* inScope(
        McpHttpTransport.layerUrl(streamable.url, { sseFallback: false, listen: false }).pipe(Layer.provide(Http))
      )
      const viaHttp = yield* McpClient.make({ timeout: "10 seconds" }).pipe(Effect.provide(http))
      assert.deepStrictEqual((yield* viaHttp.callTool("add", { a: 1, b: 2 })).structuredContent, { sum: 3 })
      // every message POSTed to the URL, and the options passed on (listen: false, so no GET)
      assert.isTrue(streamable.requests.every((r) => r.method === "POST"))
    }).pipe(Effect.scoped))

  it("infers the transport from the URL", () => {
    assert.isTrue(McpHttpTransport.isSseUrl("http://host/sse"))
    assert.isTrue(McpHttpTransport.isSseUrl("http://host/mcp/sse/"))
    assert.isFalse(McpHttpTransport.isSseUrl("http://host/mcp"))
    assert.isFalse(McpHttpTransport.isSseUrl("http://host/sse/mcp"))
  })
})
