/**
 * The router over in-process Effect servers of both eras: names and routing, merged listings,
 * notifications and logs tagged with their server, partial failure with retry on the `TestClock`,
 * the whole-router error, name collisions, tool filters and lazy servers.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import { TestClock } from "effect/testing"
import * as McpClient from "../src/McpClient.ts"
import type * as McpError from "../src/McpError.ts"
import * as McpInMemoryTransport from "../src/McpInMemoryTransport.ts"
import * as McpLogging from "../src/McpLogging.ts"
import * as McpQueueTransport from "../src/McpQueueTransport.ts"
import * as McpRouter from "../src/McpRouter.ts"
import * as McpSchema from "../src/McpSchema.ts"
import * as RouterServer from "./fixtures/RouterServer.ts"
import * as ScriptedPeer from "./fixtures/ScriptedPeer.ts"

const inMemory = (name: string, era: "stateless" | "stateful", options?: Parameters<typeof RouterServer.layer>[2]) => ({
  transport: McpInMemoryTransport.layer(RouterServer.layer(name, era, options))
})

/** A server that fails to start while `state.broken`, and is the stateful `name` server once fixed. */
const breakable = (name: string, state: { broken: boolean }) => ({
  transport: McpInMemoryTransport.layer(
    Layer.unwrap(Effect.sync((): McpInMemoryTransport.ServerLayer<never, unknown> =>
      state.broken
        ? Layer.effectDiscard(Effect.fail(`${name} is broken`))
        : RouterServer.layer(name, "stateful")
    ))
  )
})

/** A stateful scripted server whose connection dies at its first tool call; counts its connections. */
const dyingServer = () => {
  let connections = 0
  const transport = McpQueueTransport.layer((peer) => {
    connections++
    return ScriptedPeer.serve({
      onMessage: (message, peer) =>
        message.method === "tools/call" ? peer.close : Effect.succeed({ result: { tools: [] } })
    })(peer)
  })
  return { transport, connections: () => connections }
}

const textOf = (contents: ReadonlyArray<McpSchema.ResourceContents>) =>
  contents.map((c) => McpSchema.isTextResourceContents(c) ? c.text : "").join("")

const waitFor = (router: McpRouter.Service, server: string, tag: McpRouter.ServerStatus["_tag"]) =>
  SubscriptionRef.changes(router.status).pipe(
    Stream.filter((all) => all[server]?._tag === tag),
    Stream.take(1),
    Stream.runDrain
  )

const routeFailure = (error: McpError.McpError | McpError.McpToolError) => {
  assert.strictEqual(error._tag, "McpProtocolError")
  return error._tag === "McpProtocolError" ? error.reason : undefined
}

describe("McpRouter over one server", () => {
  it.effect("prefixes nothing: names, URIs and calls are the server's own", () =>
    Effect.gen(function*() {
      const router = yield* McpRouter.make({ servers: { solo: inMemory("solo", "stateful") } })
      const tools = (yield* router.listTools()).map((tool) => tool.name)
      assert.deepStrictEqual(tools.sort(), ["add", "secrets", "touch", "whoami"])
      assert.strictEqual((yield* router.callTool("whoami")).structuredContent, undefined)
      assert.strictEqual(textOf(yield* router.readResource("docs://readme")), "readme of solo")
      assert.strictEqual((yield* router.session).serverInfo.name, "solo-server")
    }))
})

describe("McpRouter over several servers", () => {
  const servers = {
    alpha: inMemory("alpha", "stateless"),
    beta: inMemory("beta", "stateful")
  }

  it.effect("lists every server's tools, prompts, resources and templates under prefixed names", () =>
    Effect.gen(function*() {
      const router = yield* McpRouter.make({ servers })
      const tools = (yield* router.listTools()).map((tool) => tool.name)
      assert.deepStrictEqual(tools.sort(), [
        "alpha_add",
        "alpha_secrets",
        "alpha_touch",
        "alpha_whoami",
        "beta_add",
        "beta_secrets",
        "beta_touch",
        "beta_whoami"
      ])
      assert.deepStrictEqual((yield* router.listPrompts()).map((p) => p.name), ["alpha_greet", "beta_greet"])
      assert.deepStrictEqual((yield* router.listResources()).map((r) => r.uri), [
        "docs://alpha/readme",
        "docs://beta/readme"
      ])
      assert.deepStrictEqual((yield* router.listResourceTemplates()).map((t) => t.uriTemplate), [
        "docs://alpha/pages/{param0}",
        "docs://beta/pages/{param0}"
      ])
    }))

  it.effect("routes calls, reads, template reads and prompt gets back to their server, un-prefixed", () =>
    Effect.gen(function*() {
      const router = yield* McpRouter.make({ servers })
      const Sum = Schema.Struct({ sum: Schema.Number, server: Schema.String })
      assert.deepStrictEqual(yield* router.callTool("beta_add", { a: 2, b: 3 }, { output: Sum }), {
        sum: 5,
        server: "beta"
      })
      assert.deepStrictEqual(yield* router.callTool("alpha_add", { a: 1, b: 1 }, { output: Sum }), {
        sum: 2,
        server: "alpha"
      })
      const read = yield* router.readResourceRaw("docs://beta/readme")
      assert.strictEqual(textOf(read.contents), "readme of beta")
      assert.strictEqual(read.contents[0]?.uri, "docs://beta/readme")
      assert.strictEqual(textOf(yield* router.readResource("docs://alpha/pages/7")), "page 7 of alpha")
      const prompt = yield* router.getPrompt("alpha_greet", { who: "Ada" })
      const [message] = prompt.messages
      assert.strictEqual(message?.content.type === "text" ? message.content.text : "", "alpha greets Ada")
    }))

  it.effect("each server negotiates its own era", () =>
    Effect.gen(function*() {
      const router = yield* McpRouter.make({ servers })
      const status = yield* SubscriptionRef.get(router.status)
      const alpha = status.alpha
      const beta = status.beta
      assert.strictEqual(alpha?._tag === "Ready" ? alpha.session.protocolVersion : "", "2026-07-28")
      assert.strictEqual(beta?._tag === "Ready" ? beta.session.protocolVersion : "", "2025-11-25")
      const merged = yield* router.session
      assert.strictEqual(merged.protocolVersion, "2026-07-28, 2025-11-25")
      assert.strictEqual(merged.era, "stateful")
    }))

  it.effect("pages walk every server behind the router's own cursor", () =>
    Effect.gen(function*() {
      const router = yield* McpRouter.make({ servers })
      const first = yield* router.listToolsPage()
      assert.isTrue(first.tools.every((tool) => tool.name.startsWith("alpha_")))
      assert.isString(first.nextCursor)
      const second = yield* router.listToolsPage(first.nextCursor ?? undefined)
      assert.isTrue(second.tools.every((tool) => tool.name.startsWith("beta_")))
      assert.isUndefined(second.nextCursor)
      const bad = yield* Effect.flip(router.listToolsPage("not-a-cursor"))
      assert.strictEqual(routeFailure(bad)?._tag, "NoRoute")
    }))

  it.effect("a name with no server prefix fails with NoRoute, and nothing is sent", () =>
    Effect.gen(function*() {
      const router = yield* McpRouter.make({ servers })
      const error = yield* Effect.flip(router.callTool("gamma_add", { a: 1, b: 2 }))
      assert.strictEqual(routeFailure(error)?._tag, "NoRoute")
      assert.strictEqual(
        error.message,
        "tools/call: No server to route \"gamma_add\" to: it starts with no server's name and \"_\" (servers: alpha, beta)"
      )
      const uri = yield* Effect.flip(router.readResource("docs://readme"))
      assert.include(uri.message, "the URI names no server")
    }))

  it.effect("notifications and log entries carry the name of their server; one handler serves all", () =>
    Effect.gen(function*() {
      const entries: Array<McpLogging.LogEntry> = []
      const router = yield* McpRouter.make({ servers }).pipe(
        Effect.provide(McpLogging.layer((entry) => Effect.sync(() => entries.push(entry))))
      )
      const changed = yield* router.notifications.pipe(
        Stream.filter((n) => n.method === "notifications/tools/list_changed"),
        Stream.take(1),
        Stream.runHead,
        Effect.forkChild({ startImmediately: true })
      )
      yield* router.callTool("beta_touch")
      const notification = yield* Fiber.join(changed)
      assert.strictEqual(notification._tag === "Some" ? notification.value.server : "", "beta")
      const entry = entries.find((e) => e.data === "beta touched")
      assert.strictEqual(entry?.server, "beta")
    }))
})

describe("McpRouter: partial failure", () => {
  it.effect("skips a broken server, fails its calls at once naming it, and recovers on the retry schedule", () =>
    Effect.gen(function*() {
      const state = { broken: true }
      const router = yield* McpRouter.make({
        servers: { alpha: inMemory("alpha", "stateless"), gamma: breakable("gamma", state) }
      })
      const status = yield* SubscriptionRef.get(router.status)
      assert.strictEqual(status.alpha?._tag, "Ready")
      assert.strictEqual(status.gamma?._tag, "Failed")
      // the listing holds what answered
      assert.isTrue((yield* router.listTools()).every((tool) => tool.name.startsWith("alpha_")))
      const error = yield* Effect.flip(router.callTool("gamma_whoami"))
      assert.strictEqual(error._tag === "McpTransportError" ? error.reason._tag : "", "ServerUnavailable")
      assert.include(error.message, "The MCP server \"gamma\" is not available (failed after 1 attempt)")

      state.broken = false
      yield* TestClock.adjust("1 second")
      yield* waitFor(router, "gamma", "Ready")
      const result = yield* router.callTool("gamma_whoami")
      assert.deepStrictEqual(result.content, [{ type: "text", text: "gamma" }])
    }))

  it.effect("shows a failed server restarting while its retry runs", () =>
    Effect.gen(function*() {
      const state = { broken: true }
      const router = yield* McpRouter.make({
        servers: { alpha: inMemory("alpha", "stateless"), gamma: breakable("gamma", state) }
      })
      const seen = yield* SubscriptionRef.changes(router.status).pipe(
        Stream.map((all) => all.gamma?._tag),
        Stream.changes,
        Stream.take(3),
        Stream.runCollect,
        Effect.forkChild({ startImmediately: true })
      )
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(yield* Fiber.join(seen), ["Failed", "Restarting", "Failed"])
    }))

  it.effect("a ready server whose connection dies shows Restarting, then Ready once its client reconnected", () =>
    Effect.gen(function*() {
      const beta = dyingServer()
      const router = yield* McpRouter.make({
        servers: {
          alpha: inMemory("alpha", "stateless"),
          beta: {
            transport: beta.transport,
            client: { protocolVersion: "legacy", reconnect: Schedule.spaced("1 second") }
          }
        }
      })
      const seen = yield* SubscriptionRef.changes(router.status).pipe(
        Stream.map((all) => all.beta?._tag),
        Stream.changes,
        Stream.take(3),
        Stream.runCollect,
        Effect.forkChild({ startImmediately: true })
      )
      yield* Effect.flip(router.callTool("beta_x"))
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(yield* Fiber.join(seen), ["Ready", "Restarting", "Ready"])
      assert.strictEqual(beta.connections(), 2)
    }))

  it.effect("a ready server whose client gives up reconnecting is Failed, and the router starts it over", () =>
    Effect.gen(function*() {
      const beta = dyingServer()
      const router = yield* McpRouter.make({
        servers: {
          alpha: inMemory("alpha", "stateless"),
          beta: { transport: beta.transport, client: { protocolVersion: "legacy", reconnect: false } }
        }
      })
      const seen = yield* SubscriptionRef.changes(router.status).pipe(
        Stream.map((all) => all.beta?._tag),
        Stream.changes,
        Stream.take(4),
        Stream.runCollect,
        Effect.forkChild({ startImmediately: true })
      )
      yield* Effect.flip(router.callTool("beta_x"))
      assert.deepStrictEqual(yield* Fiber.join(seen), ["Ready", "Failed", "Restarting", "Ready"])
      assert.strictEqual(beta.connections(), 2)
      // the router's own connection stays connected: alpha never left
      const connection = yield* router.connection.pipe(Stream.take(1), Stream.runCollect)
      assert.deepStrictEqual(connection.map((state) => state._tag), ["Connected"])
    }))

  it.effect("fails as a whole only when every server fails, with each server's error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(McpRouter.make({
        servers: { one: breakable("one", { broken: true }), two: breakable("two", { broken: true }) }
      }))
      assert.strictEqual(error.reason._tag, "AllServersFailed")
      assert.match(error.message, /^Every MCP server failed to connect \(one: .+; two: .+\)$/)
    }))

  it.effect("a lazy server stays idle until a call needs it", () =>
    Effect.gen(function*() {
      const router = yield* McpRouter.make({
        servers: {
          alpha: inMemory("alpha", "stateless"),
          later: { ...inMemory("later", "stateful"), client: { connect: "lazy" } }
        }
      })
      assert.strictEqual((yield* SubscriptionRef.get(router.status)).later?._tag, "Idle")
      const result = yield* router.callTool("later_whoami")
      assert.deepStrictEqual(result.content, [{ type: "text", text: "later" }])
      assert.strictEqual((yield* SubscriptionRef.get(router.status)).later?._tag, "Ready")
    }))
})

describe("McpRouter: names", () => {
  it.effect("two servers claiming one prefixed name stop the router at startup", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(McpRouter.make({
        servers: {
          a: inMemory("a", "stateful", { extraTools: ["b_c"] }),
          a_b: inMemory("a_b", "stateful", { extraTools: ["c"] })
        }
      }))
      assert.strictEqual(error.reason._tag, "NameCollision")
      assert.strictEqual(
        error.message,
        "MCP servers claim the same names: \"a_b_c\" (a, a_b); rename a server to tell them apart"
      )
    }))

  it.effect("a server's tool filter hides tools from listings and refuses their calls", () =>
    Effect.gen(function*() {
      const router = yield* McpRouter.make({
        servers: {
          alpha: { ...inMemory("alpha", "stateless"), tools: (tool) => tool !== "secrets" },
          beta: inMemory("beta", "stateful")
        }
      })
      const tools = (yield* router.listTools()).map((tool) => tool.name)
      assert.notInclude(tools, "alpha_secrets")
      assert.include(tools, "beta_secrets")
      const error = yield* Effect.flip(router.callTool("alpha_secrets"))
      assert.include(error.message, "server \"alpha\" does not offer it (includeTools/excludeTools)")
    }))

  it.effect("the layer provides the router as McpClient: a program for one client runs unchanged", () =>
    Effect.gen(function*() {
      const client = yield* McpClient.McpClient
      const names = (yield* client.listTools()).map((tool) => tool.name)
      assert.include(names, "beta_whoami")
    }).pipe(Effect.provide(McpRouter.layer({
      servers: { alpha: inMemory("alpha", "stateless"), beta: inMemory("beta", "stateful") }
    }))))
})
