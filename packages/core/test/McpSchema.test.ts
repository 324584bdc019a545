import { assert, describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as McpArbitrary from "../src/McpArbitrary.ts"
import * as McpSchema from "../src/McpSchema.ts"

const names = Object.keys(McpArbitrary.schemas) as Array<McpArbitrary.Name>

describe("McpSchema", () => {
  describe("every wire message round-trips encode → JSON → decode", () => {
    for (const name of names) {
      const schema = McpArbitrary.schemas[name] as unknown as Schema.Codec<unknown, unknown>
      const encode = Schema.encodeSync(schema)
      const decode = Schema.decodeUnknownSync(schema)
      it.effect(name, () =>
        Effect.gen(function*() {
          const result = yield* Arbitrary.checkEffect(
            McpArbitrary.arbitraries[name] as Arbitrary.Arbitrary<unknown>,
            (value) => {
              // what goes on the wire decodes, and encodes back to the same JSON: nothing dropped, nothing invented
              const wire = JSON.parse(JSON.stringify(encode(value)))
              return JSON.stringify(encode(decode(wire))) === JSON.stringify(wire)
            },
            { runs: 60 }
          )
          assert.strictEqual(result._tag, "Passed", Arbitrary.formatCheckFailure(result))
        }))
    }
  })

  it("keeps unknown fields, at every level", () => {
    const decoded = Schema.decodeUnknownSync(McpSchema.CallToolResult)({
      content: [{ type: "text", text: "hi", "x-lang": "en" }],
      structuredContent: { a: 1 },
      "x-trace": { id: "t1" }
    })
    assert.deepStrictEqual(decoded["x-trace"], { id: "t1" })
    assert.deepStrictEqual(decoded.content[0]!["x-lang"], "en")
    assert.deepStrictEqual(
      Schema.encodeSync(McpSchema.CallToolResult)(decoded),
      { content: [{ type: "text", text: "hi", "x-lang": "en" }], structuredContent: { a: 1 }, "x-trace": { id: "t1" } }
    )
  })

  it("rejects a message missing a required field", () => {
    const missing = Schema.decodeUnknownExit(McpSchema.Tool)({ name: "t" })
    assert.strictEqual(missing._tag, "Failure")
    const wrongType = Schema.decodeUnknownExit(McpSchema.ImageContent)({ type: "image", data: 1, mimeType: "x" })
    assert.strictEqual(wrongType._tag, "Failure")
  })

  it("a client's experimental capabilities and extensions are objects, as the SDKs require", () => {
    const encode = Schema.encodeUnknownExit(McpSchema.ClientCapabilities)
    assert.strictEqual(encode({ experimental: { "x-feature": { on: true } } })._tag, "Success")
    assert.strictEqual(encode({ extensions: { "io.example/ext": {} } })._tag, "Success")
    assert.strictEqual(encode({ experimental: { "x-feature": true } })._tag, "Failure")
    assert.strictEqual(encode({ extensions: { "io.example/ext": [] } })._tag, "Failure")
  })

  it("a tool_result block's structuredContent may be any JSON value (2026-07-28)", () => {
    const decode = Schema.decodeUnknownSync(McpSchema.ToolResultContent)
    for (const structuredContent of [{ a: 1 }, [1, 2], "text", 42, false, null]) {
      const block = { type: "tool_result", toolUseId: "t1", content: [], structuredContent }
      assert.deepStrictEqual(decode(block).structuredContent, structuredContent)
    }
  })

  it("the unions hold the messages 2026-07-28 added: discovery and subscriptions", () => {
    const request = Schema.decodeUnknownSync(McpSchema.ClientRequest)
    assert.deepStrictEqual<unknown>(request({ method: "server/discover" }), { method: "server/discover" })
    const listen = { method: "subscriptions/listen", params: { notifications: { toolsListChanged: true } } }
    assert.deepStrictEqual<unknown>(request(listen), listen)
    const acknowledged = {
      method: "notifications/subscriptions/acknowledged",
      params: { notifications: { resourceSubscriptions: ["memo://a"] }, _meta: { "x-subscription": 7 } }
    }
    assert.deepStrictEqual<unknown>(Schema.decodeUnknownSync(McpSchema.ServerNotification)(acknowledged), acknowledged)
  })

  it("decodes each content type by its tag", () => {
    const decode = Schema.decodeUnknownSync(McpSchema.ContentBlock)
    const blocks = [
      { type: "text", text: "t" },
      { type: "image", data: "AA==", mimeType: "image/png" },
      { type: "audio", data: "AA==", mimeType: "audio/wav" },
      { type: "resource_link", uri: "file:///a", name: "a" },
      { type: "resource", resource: { uri: "file:///b", blob: "AA==" } }
    ]
    assert.deepStrictEqual(blocks.map((block) => decode(block).type), [
      "text",
      "image",
      "audio",
      "resource_link",
      "resource"
    ])
    assert.strictEqual(Schema.decodeUnknownExit(McpSchema.ContentBlock)({ type: "video" })._tag, "Failure")
  })

  it("guards tell text contents from blob contents", () => {
    const text = { uri: "a", text: "t" }
    const blob = { uri: "b", blob: "AA==" }
    assert.deepStrictEqual([McpSchema.isTextResourceContents(text), McpSchema.isTextResourceContents(blob)], [
      true,
      false
    ])
    assert.deepStrictEqual([McpSchema.isBlobResourceContents(text), McpSchema.isBlobResourceContents(blob)], [
      false,
      true
    ])
  })

  it("reads both elicitation modes", () => {
    const decode = Schema.decodeUnknownSync(McpSchema.ElicitRequestParams)
    const url = decode({ mode: "url", message: "m", url: "https://x", elicitationId: "e" })
    assert.strictEqual(url.mode, "url")
    const form = decode({ message: "m", requestedSchema: { type: "object", properties: { n: { type: "string" } } } })
    assert.strictEqual("requestedSchema" in form, true)
  })
})
