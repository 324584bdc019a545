/**
 * The end-to-end suite every transport runs against its own real servers: `e2eSuite(name, servers)`
 * declares, for each kind of server the transport can run, the client's behaviour that does not depend
 * on the transport (negotiation in both eras, tools, resources, prompts, `input_required` rounds
 * answered by the handler layers, the methods 2026-07-28 removed, pinning, tasks …).
 *
 * The kinds of server, each the same program on every transport (see `servers/`):
 * - `sdk2`: the official SDK v2 server, speaking 2026-07-28 and 2025-11-25 (`servers/sdk2.ts`);
 * - `sdk1`: the official SDK v1 server, stateful only (`servers/sdk1.ts`);
 * - `effect`: Effect's `McpServer`, in the era asked for (`servers/effect.ts`);
 * - `everything`: `@modelcontextprotocol/server-everything` (tasks of 2025-11-25).
 *
 * A transport passes, per kind it can run, a function building a `Layer<McpTransport>` to that server.
 * The layer must call `record` with every message the client writes, before the server answers it
 * (where it leaves the client, or where an in-process server reads it), and, for `effect`, pass the
 * server's events to `emit`. Each test builds its own layer, so each runs against a fresh server.
 * What only one transport has (HTTP headers, process signals, keep-alive …) stays in that
 * transport's own tests.
 *
 * Tests wait for the events themselves (a message recorded, a handler started) rather than for time;
 * tests of timeouts run on the `TestClock`.
 */
import * as McpClient from "@effect-mcp/core/McpClient"
import * as McpElicitation from "@effect-mcp/core/McpElicitation"
import * as McpError from "@effect-mcp/core/McpError"
import * as McpLogging from "@effect-mcp/core/McpLogging"
import * as McpRoots from "@effect-mcp/core/McpRoots"
import * as McpSampling from "@effect-mcp/core/McpSampling"
import type * as McpSchema from "@effect-mcp/core/McpSchema"
import type * as McpTransport from "@effect-mcp/core/McpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { TestClock } from "effect/testing"
import type * as EffectServer from "./servers/effect.ts"
import type * as Wire from "./wire.ts"
import { makeLog } from "./wire.ts"

/** A transport to one server. */
export type Transport = Layer.Layer<McpTransport.McpTransport>

/** What a transport gives the suite: per kind of server it can run, how to reach a fresh one. */
export interface Servers {
  /** The official SDK v2 server (2026-07-28 and 2025-11-25). */
  readonly sdk2?: ((record: Wire.Record) => Transport) | undefined
  /** The official SDK v1 server (stateful revisions only). */
  readonly sdk1?: ((record: Wire.Record) => Transport) | undefined
  /** Effect's `McpServer`, speaking the revisions of `era`; its handlers' events go to `emit`. */
  readonly effect?:
    | ((options: {
      readonly era: EffectServer.Era
      readonly record: Wire.Record
      readonly emit: (event: EffectServer.Event) => void
    }) => Transport)
    | undefined
  /** `@modelcontextprotocol/server-everything` (its task tool). */
  readonly everything?: ((record: Wire.Record) => Transport) | undefined
  /**
   * What a server cannot do when served this way; the tests that need it are skipped (and shown as
   * skipped) instead of failing:
   * - `"sdk2 server requests on a 2025 session"`: the SDK v2 server sends no requests of its own on a
   *   stateful session (its HTTP entry, `createMcpHandler`, serves the 2025 era per request).
   */
  readonly cannot?: ReadonlyArray<"sdk2 server requests on a 2025 session"> | undefined
}

/** A client in the current scope over a transport built into the current scope. */
const connect = (transport: Transport, options?: McpClient.Options) =>
  Effect.flatMap(
    Layer.build(transport),
    (context) => McpClient.make({ timeout: "20 seconds", ...options }).pipe(Effect.provide(context))
  )

/** The `_meta` of a message's params. */
const metaOf = (message: Wire.Sent): Record<string, unknown> => (message.params?._meta ?? {}) as Record<string, unknown>

/** The messages of one JSON-RPC method. */
const ofMethod = (sent: ReadonlyArray<Wire.Sent>, method: string) => sent.filter((m) => m.method === method)

const textOf = (result: McpSchema.CallToolResult): string => {
  const block = result.content[0]
  return block?.type === "text" ? block.text : ""
}

const sumOf = (result: McpSchema.CallToolResult) => (result.structuredContent as { readonly sum?: number }).sum

/** The removed methods fail at once with a typed error, send nothing, and the session goes on. */
const assertRemovedMethods = (
  client: McpClient.McpClient["Service"],
  sent: Wire.Log<Wire.Sent>,
  subscribeUri: string
) =>
  Effect.gen(function*() {
    yield* client.session
    const before = sent.items.length
    const errors = [
      yield* client.ping().pipe(Effect.flip),
      yield* client.setLoggingLevel("info").pipe(Effect.flip),
      yield* client.subscribeResource(subscribeUri).pipe(Effect.flip)
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
    assert.strictEqual(sent.items.length, before)
    // the session goes on, and the next message on the wire is that call's
    assert.strictEqual(sumOf(yield* client.callTool("add", { a: 1, b: 2 })), 3)
    assert.deepStrictEqual(sent.items.slice(before).map((m) => m.method), ["tools/call"])
  })

/**
 * The caller's timeout spans every round, the time spent answering included: the first handler takes
 * 2 seconds, the second is still at work when the 3 seconds are up (on the `TestClock`).
 */
const assertTimeoutSpansRounds = (
  transport: Transport,
  tool: string,
  answer: McpSchema.ElicitResult
) =>
  Effect.gen(function*() {
    const elicited = yield* Deferred.make<void>()
    const sampling = yield* Deferred.make<void>()
    const slowHandlers = Layer.mergeAll(
      McpElicitation.layer(() =>
        Deferred.succeed(elicited, undefined).pipe(Effect.andThen(Effect.sleep("2 seconds")), Effect.as(answer))
      ),
      McpSampling.layer(() =>
        Deferred.succeed(sampling, undefined).pipe(Effect.andThen(Effect.sleep("2 seconds")), Effect.as("slow"))
      ),
      McpRoots.layer([])
    )
    const client = yield* connect(transport).pipe(Effect.provide(slowHandlers))
    const fiber = yield* client.callTool(tool, {}, { timeout: "3 seconds" }).pipe(
      Effect.flip,
      Effect.forkChild({ startImmediately: true })
    )
    yield* Deferred.await(elicited)
    yield* TestClock.adjust("2 seconds")
    yield* Deferred.await(sampling)
    yield* TestClock.adjust("1 second")
    const error = yield* Fiber.join(fiber)
    assert.instanceOf(error, McpError.McpTimeoutError)
    assert.strictEqual(error.method, "tools/call")
    assert.strictEqual(error.timeoutMillis, 3000)
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

const assertTripAsked = (asked: Asked) => {
  assert.lengthOf(asked.elicitations, 1)
  assert.strictEqual(asked.elicitations[0]!._tag, "Form")
  assert.strictEqual(asked.elicitations[0]!.message, "Where to?")
  assert.lengthOf(asked.samplings, 1)
  assert.deepStrictEqual(asked.samplings[0]!.messages[0]!.content, {
    type: "text",
    text: "One line to sell a trip to Lisbon"
  })
  assert.strictEqual(asked.roots, 1)
}

/** The three handlers `interview` needs, counting their calls. */
const interviewHandlers = (calls: Record<string, number>) =>
  Layer.mergeAll(
    McpElicitation.layer(() =>
      Effect.sync(() => {
        calls.elicit = (calls.elicit ?? 0) + 1
        return McpElicitation.accept({ name: "Ada" })
      })
    ),
    McpSampling.layer((request) =>
      Effect.sync(() => {
        calls.sample = (calls.sample ?? 0) + 1
        const first = request.messages[0]?.content as { readonly text?: string }
        return `roses for ${first.text?.slice("a poem for ".length)}`
      })
    ),
    McpRoots.layer(["file:///work", "file:///tmp"])
  )

const TaskList = Schema.Struct({
  tasks: Schema.Array(Schema.Struct({ taskId: Schema.String, status: Schema.String }))
})

const allTextOf = (result: McpSchema.CallToolResult): string =>
  result.content.map((block) => block.type === "text" ? block.text : "").join("\n")

/**
 * Declares the shared end-to-end tests of one transport, for each kind of server in `servers`.
 */
export const e2eSuite = (name: string, servers: Servers): void => {
  const { effect, everything, sdk1, sdk2 } = servers
  const cannot = servers.cannot ?? []

  if (sdk2 !== undefined) {
    describe(`${name}: the official SDK v2 server (2026-07-28 and 2025-11-25)`, () => {
      for (const protocolVersion of ["auto", "2026-07-28"] as const) {
        it.live(`${protocolVersion}: server/discover opens a 2026-07-28 session, without initialize`, () =>
          Effect.gen(function*() {
            const sent = makeLog<Wire.Sent>()
            const client = yield* connect(sdk2(sent.push), { protocolVersion })
            const session = yield* client.session
            assert.strictEqual(session.era, "stateless")
            assert.strictEqual(session.protocolVersion, "2026-07-28")
            assert.include(session.discovery?.supportedVersions ?? [], "2026-07-28")
            assert.deepStrictEqual(session.serverInfo, { name: "effect-mcp-sdk2-fixture", version: "1.0.0" })
            assert.isDefined(session.capabilities.tools)
            assert.strictEqual(session.capabilities.resources?.subscribe, true)
            assert.deepStrictEqual((yield* client.listTools()).map((t) => t.name), ["add", "book_trip", "touch"])
            assert.strictEqual(sent.items[0]?.method, "server/discover")
            assert.lengthOf(ofMethod(sent.items, "initialize"), 0)
            // every request carries the envelope
            assert.deepStrictEqual(sent.items.map((m) => m.method), ["server/discover", "tools/list"])
            for (const message of sent.items) {
              const meta = metaOf(message)
              assert.strictEqual(meta["io.modelcontextprotocol/protocolVersion"], "2026-07-28")
              assert.isObject(meta["io.modelcontextprotocol/clientCapabilities"])
              assert.strictEqual(
                (meta["io.modelcontextprotocol/clientInfo"] as McpSchema.Implementation | undefined)?.name,
                McpClient.defaultClientInfo.name
              )
            }
          }))
      }

      it.live("tools, resources and prompts; logLevel rides in every _meta; in-band errors are protocol errors", () =>
        Effect.gen(function*() {
          const sent = makeLog<Wire.Sent>()
          const client = yield* connect(sdk2(sent.push), { logLevel: "warning" })
          const sum = yield* client.callTool("add", { a: 2, b: 3 })
          assert.strictEqual(sumOf(sum), 5)
          assert.strictEqual(textOf(sum), "5")
          assert.deepStrictEqual((yield* client.listResources()).map((r) => r.uri), [
            "demo://greeting",
            "demo://counter"
          ])
          const greeting = yield* client.readResourceRaw("demo://greeting")
          assert.deepStrictEqual(greeting.contents, [
            { uri: "demo://greeting", mimeType: "text/plain", text: "Hello from the SDK v2 fixture" }
          ])
          assert.deepStrictEqual((yield* client.listPrompts()).map((p) => p.name), ["greet"])
          const prompt = yield* client.getPrompt("greet", { name: "Ada" })
          assert.deepStrictEqual(prompt.messages, [{
            role: "user",
            content: { type: "text", text: "Say hello to Ada" }
          }])
          assert.isTrue(sent.items.length >= 6)
          assert.isTrue(sent.items.every((m) => metaOf(m)["io.modelcontextprotocol/logLevel"] === "warning"))
          // errors the server sends in-band are the request's protocol errors
          const missing = yield* client.readResource("demo://nope").pipe(Effect.flip)
          assert.instanceOf(missing, McpError.McpProtocolError)
          assert.strictEqual(missing.reason._tag, "RpcError")
          if (missing.reason._tag === "RpcError") assert.strictEqual(missing.reason.code, -32602)
          const unknown = yield* client.callTool("nope").pipe(Effect.flip)
          assert.instanceOf(unknown, McpError.McpProtocolError)
        }))

      it.live("book_trip completes through three input_required rounds answered by the handler layers", () =>
        Effect.gen(function*() {
          const sent = makeLog<Wire.Sent>()
          const asked: Asked = { elicitations: [], samplings: [], roots: 0 }
          const client = yield* connect(sdk2(sent.push)).pipe(Effect.provide(tripHandlers(asked)))
          assert.strictEqual((yield* client.session).era, "stateless")
          assert.strictEqual(textOf(yield* client.callTool("book_trip")), BOOKED)
          assertTripAsked(asked)
          // one request per round, each a new request id, answers and state added to the same params
          const calls = ofMethod(sent.items, "tools/call")
          assert.lengthOf(calls, 4)
          assert.strictEqual(new Set(calls.map((c) => c.id)).size, 4)
          assert.deepStrictEqual(
            calls.map((c) => Object.keys((c.params?.inputResponses ?? {}) as object)),
            [[], ["destination"], ["pitch"], ["roots"]]
          )
          assert.isUndefined(calls[0]!.params?.requestState)
          assert.isTrue(calls.slice(1).every((c) => String(c.params?.requestState).startsWith("v1.")))
          assert.deepStrictEqual(calls[1]!.params?.inputResponses, {
            destination: { action: "accept", content: { destination: "Lisbon" } }
          })
          assert.deepStrictEqual(calls[3]!.params?.inputResponses, {
            roots: { roots: [{ uri: "file:///home/ada/trips", name: "trips" }] }
          })
          // the envelope declares what the handler layers serve
          const capabilities = metaOf(calls[0]!)[
            "io.modelcontextprotocol/clientCapabilities"
          ] as McpSchema.ClientCapabilities
          assert.isDefined(capabilities.elicitation)
          assert.isDefined(capabilities.sampling)
          assert.deepStrictEqual(capabilities.roots, {})
        }))

      it.live("without a sampling handler, the server refuses the second round with -32021", () =>
        Effect.gen(function*() {
          const sent = makeLog<Wire.Sent>()
          const asked: Asked = { elicitations: [], samplings: [], roots: 0 }
          const client = yield* connect(sdk2(sent.push)).pipe(
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
          assert.lengthOf(ofMethod(sent.items, "tools/call"), 2)
        }))

      it.live("a sampling handler that fails fails the call with InputFailed; the request is not sent again", () =>
        Effect.gen(function*() {
          const sent = makeLog<Wire.Sent>()
          const client = yield* connect(sdk2(sent.push)).pipe(
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
          assert.lengthOf(ofMethod(sent.items, "tools/call"), 2)
        }))

      it.live("a server that keeps asking fails the call with InputLimit after maxInputRounds", () =>
        Effect.gen(function*() {
          const sent = makeLog<Wire.Sent>()
          let declined = 0
          // the fixture asks again for a destination each time it is declined
          const client = yield* connect(sdk2(sent.push), { maxInputRounds: 3 }).pipe(
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
          assert.lengthOf(ofMethod(sent.items, "tools/call"), 4)
        }))

      it.effect("the call's timeout spans its rounds, the time spent answering included", () =>
        assertTimeoutSpansRounds(sdk2(() => {}), "book_trip", McpElicitation.accept({ destination: "Lisbon" })))

      it.live("ping, logging/setLevel and resources/subscribe fail as removed in 2026-07-28, and send nothing", () =>
        Effect.gen(function*() {
          const sent = makeLog<Wire.Sent>()
          const client = yield* connect(sdk2(sent.push))
          yield* assertRemovedMethods(client, sent, "demo://counter")
        }))

      it.live("protocolVersion: \"legacy\" opens a stateful session with the same server", () =>
        Effect.gen(function*() {
          const sent = makeLog<Wire.Sent>()
          const client = yield* connect(sdk2(sent.push), { protocolVersion: "legacy" })
          const session = yield* client.session
          assert.strictEqual(session.era, "stateful")
          assert.strictEqual(session.protocolVersion, "2025-11-25")
          assert.isUndefined(session.discovery)
          assert.strictEqual(session.serverInfo.name, "effect-mcp-sdk2-fixture")
          // stateful requests carry none of the 2026 headers, so the tool sees none
          const result = yield* client.callTool("add", { a: 4, b: 5, region: "eu-west-1" })
          assert.deepStrictEqual(result.structuredContent, { sum: 9 })
          yield* client.ping()
          assert.strictEqual(sent.items[0]?.method, "initialize")
          assert.lengthOf(ofMethod(sent.items, "server/discover"), 0)
        }))

      it.live.skipIf(cannot.includes("sdk2 server requests on a 2025 session"))(
        "the same handlers answer the server's own requests when the session is stateful (legacy)",
        () =>
          Effect.gen(function*() {
            const asked: Asked = { elicitations: [], samplings: [], roots: 0 }
            const client = yield* connect(sdk2(() => {}), { protocolVersion: "legacy" }).pipe(
              Effect.provide(tripHandlers(asked))
            )
            const session = yield* client.session
            assert.strictEqual(session.era, "stateful")
            assert.strictEqual(session.protocolVersion, "2025-11-25")
            assert.strictEqual(textOf(yield* client.callTool("book_trip")), BOOKED)
            assertTripAsked(asked)
            yield* client.ping()
          })
      )

      it.live("two sessions in a row on one transport are both stateless", () =>
        Effect.gen(function*() {
          const context = yield* Layer.build(sdk2(() => {}))
          const eras = yield* Effect.forEach([1, 2], () =>
            Effect.scoped(Effect.gen(function*() {
              const client = yield* McpClient.make({ timeout: "20 seconds" }).pipe(Effect.provide(context))
              assert.strictEqual(sumOf(yield* client.callTool("add", { a: 1, b: 1 })), 2)
              return (yield* client.session).era
            })))
          assert.deepStrictEqual(eras, ["stateless", "stateless"])
        }))
    })
  }

  if (sdk1 !== undefined) {
    describe(`${name}: the official SDK v1 server (stateful only)`, () => {
      it.live("auto falls back to initialize by itself; the operations work", () =>
        Effect.gen(function*() {
          const sent = makeLog<Wire.Sent>()
          const client = yield* connect(sdk1(sent.push))
          const session = yield* client.session
          assert.strictEqual(session.era, "stateful")
          assert.strictEqual(session.protocolVersion, "2025-11-25")
          assert.isUndefined(session.discovery)
          assert.strictEqual(session.serverInfo.name, "effect-mcp-sdk1-fixture")
          assert.deepStrictEqual((yield* client.callTool("add", { a: 20, b: 22 })).structuredContent, { sum: 42 })
          assert.isTrue(Number(textOf(yield* client.callTool("pid"))) > 0)
          yield* client.ping()
          yield* client.setLoggingLevel("info")
          assert.deepStrictEqual(sent.items.slice(0, 3).map((m) => m.method), [
            "server/discover",
            "initialize",
            "notifications/initialized"
          ])
        }))

      it.live("protocolVersion pinned to 2026-07-28 fails the connection with a typed error, without falling back", () =>
        Effect.gen(function*() {
          const sent = makeLog<Wire.Sent>()
          const context = yield* Layer.build(sdk1(sent.push))
          const error = yield* McpClient.make({ timeout: "20 seconds", protocolVersion: "2026-07-28" }).pipe(
            Effect.provide(context),
            Effect.flip
          )
          // the server's refusal of server/discover means it does not speak the pinned revision
          assert.instanceOf(error, McpError.McpVersionError)
          if (error instanceof McpError.McpVersionError) assert.strictEqual(error.requested, "2026-07-28")
          assert.deepStrictEqual(sent.items.map((m) => m.method), ["server/discover"])
          // the same transport still serves a stateful session: the refused probe left it uninitialized
          const legacy = yield* McpClient.make({ timeout: "20 seconds", protocolVersion: "legacy" }).pipe(
            Effect.provide(context)
          )
          assert.strictEqual((yield* legacy.session).era, "stateful")
        }))
    })
  }

  if (effect !== undefined) {
    describe(`${name}: Effect's McpServer`, () => {
      /** A transport to a fresh server of `era`, recording what the client sends and what the handlers do. */
      const effectServer = (era: EffectServer.Era) => {
        const sent = makeLog<Wire.Sent>()
        const events = makeLog<EffectServer.Event>()
        return { sent, events, transport: effect({ era, record: sent.push, emit: events.push }) }
      }

      it.live("auto negotiates 2026-07-28 with a server that speaks only it: discovery, instructions, tools", () =>
        Effect.gen(function*() {
          const { sent, transport } = effectServer("stateless")
          const client = yield* connect(transport)
          const session = yield* client.session
          assert.strictEqual(session.era, "stateless")
          assert.strictEqual(session.protocolVersion, "2026-07-28")
          assert.deepStrictEqual(session.discovery?.supportedVersions, ["2026-07-28"])
          assert.strictEqual(session.serverInfo.name, "effect-mcp-effect-fixture")
          assert.strictEqual(session.instructions, "Add with care")
          assert.isDefined(session.capabilities.tools)
          assert.deepStrictEqual((yield* client.listTools()).map((t) => t.name).sort(), [
            "add",
            "count",
            "insist",
            "interview",
            "pid",
            "slow",
            "touch"
          ])
          assert.deepStrictEqual((yield* client.callTool("add", { a: 20, b: 22 })).structuredContent, { sum: 42 })
          const [readme] = yield* client.readResource("memo://readme")
          assert.strictEqual((readme as { readonly text: string }).text, "hello from the readme")
          assert.lengthOf(ofMethod(sent.items, "initialize"), 0)
          const error = yield* client.ping().pipe(Effect.flip)
          assert.instanceOf(error, McpError.McpCapabilityError)
        }))

      it.live("a server that also speaks 2025-11-25: auto picks 2026-07-28, legacy opens a session", () =>
        Effect.gen(function*() {
          const auto = yield* connect(effectServer("both").transport)
          assert.strictEqual((yield* auto.session).era, "stateless")
          const { sent, transport } = effectServer("both")
          const legacy = yield* connect(transport, { protocolVersion: "legacy" })
          const session = yield* legacy.session
          assert.deepStrictEqual([session.era, session.protocolVersion], ["stateful", "2025-11-25"])
          assert.deepStrictEqual((yield* legacy.callTool("add", { a: 1, b: 2 })).structuredContent, { sum: 3 })
          yield* legacy.ping()
          assert.strictEqual(sent.items[0]?.method, "initialize")
        }))

      it.live("a stateful-only server: auto falls back to the handshake; a pinned 2026-07-28 fails", () =>
        Effect.gen(function*() {
          const client = yield* connect(effectServer("stateful").transport)
          const session = yield* client.session
          assert.deepStrictEqual([session.era, session.protocolVersion, session.discovery], [
            "stateful",
            "2025-11-25",
            undefined
          ])
          const { sent, transport } = effectServer("stateful")
          const error = yield* connect(transport, { protocolVersion: "2026-07-28" }).pipe(Effect.flip)
          assert.instanceOf(error, McpError.McpVersionError)
          assert.deepStrictEqual(sent.items.map((m) => m.method), ["server/discover"])
        }))

      it.live("input_required: three rounds answered by the same handler layers as server requests", () =>
        Effect.gen(function*() {
          const { events, transport } = effectServer("stateless")
          const calls: Record<string, number> = {}
          const client = yield* connect(transport).pipe(Effect.provide(interviewHandlers(calls)))
          const result = yield* client.callTool("interview")
          assert.strictEqual(textOf(result), "Ada | roses for Ada | file:///work,file:///tmp")
          assert.deepStrictEqual(calls, { elicit: 1, sample: 1 })
          // the request state came back byte for byte, and only where the server gave one
          const rounds = events.items.filter((event) => event._tag === "Round")
          assert.deepStrictEqual(rounds.map((round) => round.requestState), [
            undefined,
            "round-1 ✓ {\"opaque\": true}",
            "round-2:Ada"
          ])
          assert.deepStrictEqual(rounds[1]!.inputResponses, { who: { action: "accept", content: { name: "Ada" } } })
          assert.deepStrictEqual(Object.keys(rounds[2]!.inputResponses ?? {}).sort(), ["poem", "roots"])
        }))

      it.live("without the handler layer, the capability is not declared and the server refuses (-32021)", () =>
        Effect.gen(function*() {
          const client = yield* connect(effectServer("stateless").transport)
          const error = yield* client.callTool("interview").pipe(Effect.flip)
          assert.instanceOf(error, McpError.McpProtocolError)
          assert.strictEqual((error.reason as McpError.RpcError).code, -32021)
        }))

      it.live("a handler that fails an input request fails the call with InputFailed, and no retry is sent", () =>
        Effect.gen(function*() {
          const { events, sent, transport } = effectServer("stateless")
          const client = yield* connect(transport).pipe(
            Effect.provide(
              McpElicitation.layer(() =>
                Effect.fail(new McpError.McpHandlerError({ code: -1, description: "no user" }))
              )
            )
          )
          const error = yield* client.callTool("interview").pipe(Effect.flip)
          assert.instanceOf(error, McpError.McpProtocolError)
          assert.deepStrictEqual(
            error.reason,
            new McpError.InputFailed({ key: "who", request: "elicitation/create", code: -1, description: "no user" })
          )
          assert.lengthOf(events.items.filter((event) => event._tag === "Round"), 1)
          assert.lengthOf(ofMethod(sent.items, "tools/call"), 1)
        }))

      it.live("a server that never stops asking fails with InputLimit after maxInputRounds", () =>
        Effect.gen(function*() {
          const client = yield* connect(effectServer("stateless").transport, { maxInputRounds: 3 })
          const error = yield* client.callTool("insist").pipe(Effect.flip)
          assert.instanceOf(error, McpError.McpProtocolError)
          assert.deepStrictEqual(error.reason, new McpError.InputLimit({ rounds: 3 }))
        }))

      it.effect("the caller's timeout spans every round, the time spent answering included", () =>
        assertTimeoutSpansRounds(
          effectServer("stateless").transport,
          "interview",
          McpElicitation.accept({ name: "Ada" })
        ))

      it.live("the methods 2026-07-28 removed fail with a typed error naming the revision, and send nothing", () =>
        Effect.gen(function*() {
          const { sent, transport } = effectServer("stateless")
          const client = yield* connect(transport)
          yield* assertRemovedMethods(client, sent, "memo://readme")
        }))

      it.live("progress and log messages of a call reach their handlers; logLevel filters the logs", () =>
        Effect.gen(function*() {
          const entries = makeLog<McpLogging.LogEntry>()
          const progress: Array<number> = []
          const client = yield* connect(effectServer("stateless").transport, { logLevel: "warning" }).pipe(
            Effect.provide(McpLogging.layer((entry) => Effect.sync(() => entries.push(entry))))
          )
          const result = yield* client.callTool("count", { n: 3 }, {
            onProgress: (p) => Effect.sync(() => progress.push(p.progress))
          })
          assert.deepStrictEqual(result.structuredContent, { counted: 3 })
          assert.deepStrictEqual(progress, [1, 2, 3])
          // the server logs "counting" at info before "counted" at error, and entries arrive in order:
          // once the error is in, an info entry that got through would be in too
          yield* entries.until((entry) => entry.data === "counted")
          assert.deepStrictEqual(entries.items.map((e) => [e.level, e.data]), [["error", "counted"]])
        }))

      it.live("interrupting a call stops the server's handler; the client goes on", () =>
        Effect.gen(function*() {
          const { events, transport } = effectServer("stateless")
          const client = yield* connect(transport)
          const fiber = yield* client.callTool("slow", { tag: "interrupted" }).pipe(
            Effect.forkChild({ startImmediately: true })
          )
          yield* events.until((event) => event._tag === "Started" && event.tag === "interrupted")
          yield* Fiber.interrupt(fiber)
          yield* events.until((event) => event._tag === "Interrupted" && event.tag === "interrupted")
          assert.deepStrictEqual((yield* client.callTool("add", { a: 1, b: 2 })).structuredContent, { sum: 3 })
          const session = yield* client.session
          assert.strictEqual(session.era, "stateless")
        }))

      for (const era of ["stateless", "stateful"] as const) {
        it.live(`${era}: closing the client fails every pending call with ClientClosed, and sends nothing more`, () =>
          Effect.gen(function*() {
            const { events, sent, transport } = effectServer(era)
            const scope = yield* Scope.make()
            const client = yield* connect(transport).pipe(Scope.provide(scope))
            const calls = yield* Effect.forEach(
              ["first", "second"],
              (tag) => client.callTool("slow", { tag }).pipe(Effect.flip, Effect.forkChild({ startImmediately: true }))
            )
            yield* events.until((event) => event._tag === "Started" && event.tag === "first")
            yield* events.until((event) => event._tag === "Started" && event.tag === "second")
            yield* Scope.close(scope, Exit.void)
            const closedAt = sent.items.length
            for (const call of calls) {
              const error = yield* Fiber.join(call)
              assert.instanceOf(error, McpError.McpTransportError)
              if (error instanceof McpError.McpTransportError) {
                assert.strictEqual(error.reason._tag, "ClientClosed")
                assert.strictEqual(error.message, "The MCP client was closed before the server answered")
              }
            }
            // the client's fibers are gone with its scope: a call made now fails at once, sending nothing
            const late = yield* client.callTool("add", { a: 1, b: 2 }).pipe(Effect.flip)
            assert.instanceOf(late, McpError.McpTransportError)
            assert.strictEqual(sent.items.length, closedAt)
          }))
      }

      it.effect("a call that times out fails with McpTimeoutError and stops the server's handler", () =>
        Effect.gen(function*() {
          const { events, transport } = effectServer("stateless")
          const client = yield* connect(transport)
          const fiber = yield* client.callTool("slow", { tag: "timed-out" }, { timeout: "300 millis" }).pipe(
            Effect.flip,
            Effect.forkChild({ startImmediately: true })
          )
          yield* events.until((event) => event._tag === "Started" && event.tag === "timed-out")
          yield* TestClock.adjust("300 millis")
          const error = yield* Fiber.join(fiber)
          assert.instanceOf(error, McpError.McpTimeoutError)
          assert.strictEqual(error.timeoutMillis, 300)
          yield* events.until((event) => event._tag === "Interrupted" && event.tag === "timed-out")
        }))
    })
  }

  if (everything !== undefined) {
    /**
     * Tasks of revision 2025-11-25 against a real server: server-everything's `simulate-research-query`
     * runs four one-second stages as a task, and with `ambiguous: true` asks for a clarification
     * (elicitation) while the task waits for input. The tool requires a task (execution.taskSupport:
     * "required"): a plain call would be refused.
     */
    describe(`${name}: tasks (2025-11-25) against server-everything`, () => {
      const research = "simulate-research-query"

      it.live("a call with task: true runs as a task and is awaited transparently", () =>
        Effect.gen(function*() {
          const client = yield* connect(everything(() => {}))
          const result = yield* client.callTool(research, { topic: "tides" }, { task: true })
          assert.include(allTextOf(result), "tides")
        }), { timeout: 60_000 })

      it.live(
        "callToolTask hands out the task: its status stream follows the stages until completed",
        () =>
          Effect.gen(function*() {
            const client = yield* connect(everything(() => {}))
            const task = yield* client.callToolTask(research, { topic: "tides" }, { task: { ttl: "1 minute" } })
            assert.isString(task.taskId)
            const states = yield* Stream.runCollect(task.status)
            assert.strictEqual(states[0]?.status, "working")
            assert.strictEqual(states.at(-1)?.status, "completed")
            // the stages show up as status messages
            assert.isTrue(states.filter((state) => state.statusMessage !== undefined).length >= 2)
            assert.include(allTextOf(yield* task.result), "tides")
          }),
        { timeout: 60_000 }
      )

      it.live("a task waiting for input gets it from the elicitation layer", () =>
        Effect.gen(function*() {
          const asked: Array<string> = []
          const client = yield* connect(everything(() => {})).pipe(
            Effect.provide(McpElicitation.layer((request) =>
              Effect.sync(() => {
                asked.push(request.message)
                return McpElicitation.accept({ interpretation: "ocean tides" })
              })
            ))
          )
          const result = yield* client.callTool(research, { topic: "tides", ambiguous: true }, { task: true })
          assert.strictEqual(asked.length, 1)
          assert.include(allTextOf(result), "ocean tides")
        }), { timeout: 60_000 })

      it.live("interrupting a caller awaiting a task cancels the task", () =>
        Effect.gen(function*() {
          const sent = makeLog<Wire.Sent>()
          const client = yield* connect(everything(sent.push))
          const call = yield* client.callTool(research, { topic: "tides" }, { task: true }).pipe(
            Effect.forkChild({ startImmediately: true })
          )
          // the task exists once the client asks about it; then walk away from it
          yield* sent.until((message) => message.method?.startsWith("tasks/") === true)
          const listTasks = client.request("tasks/list", {}, TaskList)
          let tasks = yield* listTasks
          assert.strictEqual(tasks.tasks.length, 1)
          yield* Fiber.interrupt(call)
          yield* sent.until((message) => message.method === "tasks/cancel")
          // the server applies the cancellation on its own time and announces nothing the client waits
          // for: ask it again, a bounded number of times
          for (let i = 0; i < 50 && tasks.tasks[0]?.status !== "cancelled"; i++) {
            yield* Effect.sleep("50 millis")
            tasks = yield* listTasks
          }
          assert.strictEqual(tasks.tasks[0]?.status, "cancelled")
          assert.lengthOf(ofMethod(sent.items, "tasks/cancel"), 1)
        }), { timeout: 60_000 })

      it.live(
        "callToolTask leaves the task running; cancel ends it, and its result fails",
        () =>
          Effect.gen(function*() {
            const client = yield* connect(everything(() => {}))
            const task = yield* client.callToolTask(research, { topic: "tides" }, { task: true })
            yield* task.cancel
            const states = yield* Stream.runCollect(task.status)
            assert.strictEqual(states.at(-1)?.status, "cancelled")
            const error = yield* Effect.flip(task.result)
            assert.instanceOf(error, McpError.McpProtocolError)
          }),
        { timeout: 60_000 }
      )
    })
  }
}
