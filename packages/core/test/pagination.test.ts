import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as McpClient from "../src/McpClient.ts"
import * as McpError from "../src/McpError.ts"
import * as McpQueueTransport from "../src/McpQueueTransport.ts"
import * as ScriptedPeer from "./fixtures/ScriptedPeer.ts"

/** A server whose `tools/list` pages are computed from the cursor. */
const pagedServer = (
  page: (cursor: string | undefined) => { readonly names: ReadonlyArray<string>; readonly next?: string | null },
  log?: Array<ScriptedPeer.ClientMessage>
) =>
  McpQueueTransport.layer(ScriptedPeer.serve({
    log,
    onMessage: (message) => {
      if (message.method !== "tools/list" && message.method !== "prompts/list") return Effect.void
      const cursor = message.params?.cursor as string | undefined
      const { names, next } = page(cursor)
      const items = message.method === "tools/list"
        ? { tools: names.map((name) => ({ name, inputSchema: { type: "object" } })) }
        : { prompts: names.map((name) => ({ name })) }
      return Effect.succeed({ result: next === undefined ? items : { ...items, nextCursor: next } })
    }
  }))

describe("pagination", () => {
  it.effect("follows nextCursor across many pages, in order", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      const client = yield* McpClient.make().pipe(
        Effect.provide(pagedServer((cursor) => {
          const n = cursor === undefined ? 0 : Number(cursor.slice(5))
          return {
            names: [`tool-${n}-a`, `tool-${n}-b`],
            ...(n < 119 ? { next: `page-${n + 1}` } : {})
          }
        }, log))
      )
      const tools = yield* client.listTools()
      assert.strictEqual(tools.length, 240)
      assert.strictEqual(tools[0]!.name, "tool-0-a")
      assert.strictEqual(tools[239]!.name, "tool-119-b")
      const cursors = log.filter((m) => m.method === "tools/list").map((m) => m.params?.cursor)
      assert.strictEqual(cursors.length, 120)
      assert.isUndefined(cursors[0])
      assert.strictEqual(cursors[1], "page-1")
    }))

  it.effect("a null nextCursor ends the listing", () =>
    Effect.gen(function*() {
      const client = yield* McpClient.make().pipe(
        Effect.provide(pagedServer(() => ({ names: ["only"], next: null })))
      )
      const tools = yield* client.listTools()
      assert.deepStrictEqual(tools.map((t) => t.name), ["only"])
    }))

  it.effect("a server that repeats a cursor forever is stopped with a typed error", () =>
    Effect.gen(function*() {
      const client = yield* McpClient.make().pipe(
        Effect.provide(pagedServer(() => ({ names: ["again"], next: "same" })))
      )
      const error = yield* client.listTools().pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpProtocolError)
      assert.strictEqual(error.method, "tools/list")
      assert.strictEqual(error.reason._tag, "PaginationLimit")
      if (error.reason._tag === "PaginationLimit") {
        assert.strictEqual(error.reason.repeatedCursor, "same")
        assert.strictEqual(error.reason.pages, 2)
      }
    }))

  it.effect("a listing that never ends is stopped by the page cap", () =>
    Effect.gen(function*() {
      let served = 0
      const client = yield* McpClient.make({ maxPages: 25 }).pipe(
        Effect.provide(pagedServer((cursor) => {
          served++
          return { names: ["x"], next: `${cursor ?? ""}+` }
        }))
      )
      const error = yield* client.listPrompts().pipe(Effect.flip)
      assert.instanceOf(error, McpError.McpProtocolError)
      assert.strictEqual(error.reason._tag, "PaginationLimit")
      if (error.reason._tag === "PaginationLimit") assert.strictEqual(error.reason.pages, 25)
      assert.strictEqual(served, 25)
      // a per-call cap overrides the client's
      const capped = yield* client.listPrompts({ maxPages: 3 }).pipe(Effect.flip)
      assert.instanceOf(capped, McpError.McpProtocolError)
      if (capped.reason._tag === "PaginationLimit") assert.strictEqual(capped.reason.pages, 3)
      else assert.fail(`expected PaginationLimit, got ${capped.reason._tag}`)
    }))

  it.effect("the resource, template and prompt page variants send the cursor and return that one page", () =>
    Effect.gen(function*() {
      const log: Array<ScriptedPeer.ClientMessage> = []
      // each page names the cursor it was asked for, and points at one more page
      const client = yield* McpClient.make().pipe(
        Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({
          log,
          onMessage: (message) => {
            const at = (message.params?.cursor as string | undefined) ?? "start"
            const page = (items: Record<string, unknown>) =>
              Effect.succeed({ result: { ...items, nextCursor: `${at}+` } })
            switch (message.method) {
              case "resources/list":
                return page({ resources: [{ uri: `memo://${at}`, name: at }] })
              case "resources/templates/list":
                return page({ resourceTemplates: [{ uriTemplate: `memo://${at}/{id}`, name: at }] })
              case "prompts/list":
                return page({ prompts: [{ name: at }] })
            }
            return Effect.void
          }
        })))
      )
      const resources = [yield* client.listResourcesPage(), yield* client.listResourcesPage("r2")]
      assert.deepStrictEqual(resources.map((page) => [page.resources.map((r) => r.uri), page.nextCursor]), [
        [["memo://start"], "start+"],
        [["memo://r2"], "r2+"]
      ])
      const templates = [yield* client.listResourceTemplatesPage(), yield* client.listResourceTemplatesPage("t2")]
      assert.deepStrictEqual(
        templates.map((page) => [page.resourceTemplates.map((t) => t.uriTemplate), page.nextCursor]),
        [[["memo://start/{id}"], "start+"], [["memo://t2/{id}"], "t2+"]]
      )
      const prompts = [yield* client.listPromptsPage(), yield* client.listPromptsPage("p2")]
      assert.deepStrictEqual(prompts.map((page) => [page.prompts.map((p) => p.name), page.nextCursor]), [
        [["start"], "start+"],
        [["p2"], "p2+"]
      ])
      // one request per call: a page variant never follows nextCursor
      assert.deepStrictEqual(
        log.filter((m) => m.method?.endsWith("/list")).map((m) => [m.method, m.params?.cursor]),
        [
          ["resources/list", undefined],
          ["resources/list", "r2"],
          ["resources/templates/list", undefined],
          ["resources/templates/list", "t2"],
          ["prompts/list", undefined],
          ["prompts/list", "p2"]
        ]
      )
    }))

  it.effect("the page variant returns one page and its cursor", () =>
    Effect.gen(function*() {
      const client = yield* McpClient.make().pipe(
        Effect.provide(pagedServer((cursor) => ({ names: [cursor ?? "first"], next: "c2" })))
      )
      const first = yield* client.listToolsPage()
      assert.deepStrictEqual([first.tools[0]!.name, first.nextCursor], ["first", "c2"])
      const second = yield* client.listToolsPage("c2")
      assert.strictEqual(second.tools[0]!.name, "c2")
    }))
})
