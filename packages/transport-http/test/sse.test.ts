import { McpTransportError, MessageTooLarge } from "@effect-mcp/core/McpError"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { decode, DEFAULT_MAX_EVENT_BYTES, makeParser, type SseItem, type SseOptions } from "../src/internal/sse.ts"

const encoder = new TextEncoder()
const bomKeepingDecoder = new TextDecoder("utf-8", { ignoreBOM: true })

// -----------------------------------------------------------------------------
// Helpers
// -----------------------------------------------------------------------------

const event = (data: string, id?: string, type = "message"): SseItem => ({ _tag: "Event", event: type, data, id })
const lastEventId = (id: string): SseItem => ({ _tag: "LastEventId", id })
const retry = (millis: number): SseItem => ({ _tag: "Retry", millis })

/** Cuts `bytes` into chunks of the given sizes, cycling through them (0 makes an empty chunk). */
const splitBytes = (bytes: Uint8Array, sizes: ReadonlyArray<number>): Array<Uint8Array> => {
  if (!sizes.some((size) => size > 0)) return [bytes]
  const chunks: Array<Uint8Array> = []
  let offset = 0
  for (let i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length]
    chunks.push(bytes.subarray(offset, offset + size))
    offset += size
  }
  return chunks
}

/** Encodes `text` as UTF-8 and cuts it into chunks of the given sizes (one chunk when none). */
const split = (text: string, sizes: ReadonlyArray<number> = []): Array<Uint8Array> =>
  splitBytes(encoder.encode(text), sizes)

/** One pull per `batch` chunks, so that lines really cross pull boundaries. */
const fromChunks = (chunks: ReadonlyArray<Uint8Array>, batch = 1) => Stream.fromIterable(chunks, { chunkSize: batch })

const decodeChunks = (chunks: ReadonlyArray<Uint8Array>, options?: SseOptions, batch = 1) =>
  fromChunks(chunks, batch).pipe(decode(options), Stream.runCollect)

/** Decodes `text` whole, split at every byte, and in pieces of 1 to 4 bytes, checking all agree. */
const decodeText = (text: string, options?: SseOptions) =>
  Effect.gen(function*() {
    const whole = yield* decodeChunks(split(text), options)
    const bytes = yield* decodeChunks(split(text, [1]), options)
    const mixed = yield* decodeChunks(split(text, [3, 1, 4, 2]), options, 2)
    assert.deepStrictEqual(bytes, whole)
    assert.deepStrictEqual(mixed, whole)
    return whole
  })

/** Runs the decoder, keeping the items emitted before a failure. */
const decodeUntilFailure = (chunks: ReadonlyArray<Uint8Array>, options?: SseOptions, batch = 1) =>
  Effect.gen(function*() {
    const items: Array<SseItem> = []
    const exit = yield* fromChunks(chunks, batch).pipe(
      decode(options),
      Stream.runForEach((item) => Effect.sync(() => items.push(item))),
      Effect.exit
    )
    return { items, exit }
  })

const expectTooLarge = (error: unknown, maxBytes: number) => {
  assert.instanceOf(error, McpTransportError)
  assert.strictEqual(error.reason._tag, "MessageTooLarge")
  assert.instanceOf(error.reason, MessageTooLarge)
  assert.strictEqual(error.reason.maxBytes, maxBytes)
}

// -----------------------------------------------------------------------------
// Reference model
// -----------------------------------------------------------------------------

const Value = Schema.Union([
  Schema.String,
  Schema.Literals(["", "é", "日本", "😀", "é日本😀", " lead", "  two", "a:b", ":", "x\u0000y", "\u0000", "\uFEFF", "0"])
])

const Field = Schema.Union([
  Schema.TaggedStruct("blank", {}),
  Schema.TaggedStruct("data", { value: Value, form: Schema.Literals(["space", "colon", "bare"]) }),
  Schema.TaggedStruct("event", { value: Value }),
  Schema.TaggedStruct("id", { value: Value }),
  Schema.TaggedStruct("retry", { millis: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 1_000_000_000 })) }),
  Schema.TaggedStruct("badRetry", {
    value: Schema.Literals(["", "-1", "1.5", " 5", "5s", "1e3", "\u0661", "\uFF15", "0x10", "+1"])
  }),
  Schema.TaggedStruct("comment", { value: Value }),
  Schema.TaggedStruct("unknown", {
    name: Schema.Literals(["foo", "Data", "DATA", "ID", "events", "retry ", " data", "data2"]),
    value: Value
  })
])
type Field = typeof Field.Type

const Line = Schema.Struct({ field: Field, ending: Schema.Literals(["\n", "\r\n", "\r"]) })
type Line = typeof Line.Type

/** Generated strings may hold line breaks and lone surrogates: a field value has neither. */
const clean = (value: string): string => bomKeepingDecoder.decode(encoder.encode(value)).replace(/[\r\n]/g, "")

/** The text of one line, without its line end. */
const lineText = (field: Field): string => {
  switch (field._tag) {
    case "blank":
      return ""
    case "data":
      return field.form === "bare" ? "data" : field.form === "colon" ? `data:${field.value}` : `data: ${field.value}`
    case "event":
    case "id":
      return `${field._tag}: ${field.value}`
    case "retry":
      return `retry: ${field.millis}`
    case "badRetry":
      return `retry: ${field.value}`
    case "comment":
      return `:${field.value}`
    case "unknown":
      return `${field.name}: ${field.value}`
  }
}

/** Serializes the lines. A blank line after a lone CR ends in CRLF, lest its LF join that CR. */
const serialize = (lines: ReadonlyArray<Line>, bom: boolean, tail: string): string => {
  let text = bom ? "\uFEFF" : ""
  let previous = "\n"
  for (const { ending, field } of lines) {
    const line = lineText(field)
    const end = previous === "\r" && line === "" && ending === "\n" ? "\r\n" : ending
    text += line + end
    previous = end
  }
  return text + tail
}

/** What the WHATWG algorithm makes of the lines: a state machine over fields, not over text. */
const model = (lines: ReadonlyArray<Line>): Array<SseItem> => {
  const items: Array<SseItem> = []
  let type = ""
  let data: Array<string> = []
  let idBuffer: string | undefined
  let lastId: string | undefined
  for (const { field } of lines) {
    switch (field._tag) {
      case "blank": {
        const changed = idBuffer !== lastId
        lastId = idBuffer
        if (data.length > 0) items.push(event(data.join("\n"), lastId, type === "" ? "message" : type))
        else if (changed && idBuffer !== undefined) items.push(lastEventId(idBuffer))
        type = ""
        data = []
        break
      }
      case "data": {
        const value = field.form === "bare"
          ? ""
          : field.form === "colon" && field.value.startsWith(" ")
          ? field.value.slice(1)
          : field.value
        data.push(value)
        break
      }
      case "event": {
        type = field.value
        break
      }
      case "id": {
        if (!field.value.includes("\u0000")) idBuffer = field.value
        break
      }
      case "retry": {
        items.push(retry(field.millis))
        break
      }
    }
  }
  // Whatever follows the last blank line is an incomplete event: discarded.
  return items
}

const cleanField = (field: Field): Field => {
  switch (field._tag) {
    case "blank":
    case "retry":
    case "badRetry":
      return field
    default:
      return { ...field, value: clean(field.value) }
  }
}

const normalize = (lines: ReadonlyArray<Line>): Array<Line> =>
  lines.map(({ ending, field }) => ({ ending, field: cleanField(field) }))

const Size = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 9 }))
const Batch = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 3 }))
const Tail = Schema.Literals(["", "data: tail", "retry: 5", "id: 9", ":c", "data: é日", "\uFEFF", "data"])

// -----------------------------------------------------------------------------
// Tests
// -----------------------------------------------------------------------------

describe("sse", () => {
  describe("property", () => {
    it.effect.prop(
      "random events with random line ends, split at random bytes, decode to the model's items",
      {
        lines: Schema.Array(Line),
        bom: Schema.Boolean,
        tail: Tail,
        sizes: Schema.Array(Size),
        batch: Batch
      },
      ({ batch, bom, lines, sizes, tail }) =>
        Effect.gen(function*() {
          const normalized = normalize(lines)
          const text = serialize(normalized, bom, tail)
          const items = yield* decodeChunks(split(text, sizes), undefined, batch)
          assert.deepStrictEqual(items, model(normalized))
        }),
      { timeout: 60_000, arbitrary: { runs: 400, size: 40 } }
    )

    it.effect.prop(
      "the cap fails at the same item however the bytes are split",
      {
        lines: Schema.Array(Line),
        sizes: Schema.Array(Size),
        batch: Batch,
        max: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 40 }))
      },
      ({ batch, lines, max, sizes }) =>
        Effect.gen(function*() {
          const text = serialize(normalize(lines), false, "")
          const whole = yield* decodeUntilFailure(split(text), { maxEventBytes: max })
          const pieces = yield* decodeUntilFailure(split(text, sizes), { maxEventBytes: max }, batch)
          assert.deepStrictEqual(pieces.items, whole.items)
          assert.strictEqual(Exit.isSuccess(pieces.exit), Exit.isSuccess(whole.exit))
        }),
      { timeout: 60_000, arbitrary: { runs: 200, size: 40 } }
    )
  })

  describe("events", () => {
    it.effect("dispatches data at a blank line with the type \"message\"", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeText("data: hello\n\n"), [event("hello")])
      }))

    it.effect("joins multi-line data with \\n and strips only the last one", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeText("data: a\ndata:\ndata: c\n\n"), [event("a\n\nc")])
        assert.deepStrictEqual(yield* decodeText("data: a\ndata:\n\n"), [event("a\n")])
        assert.deepStrictEqual(yield* decodeText("data: {\"jsonrpc\":\"2.0\"}\n\n"), [event("{\"jsonrpc\":\"2.0\"}")])
      }))

    it.effect("sets the event type, resets it after each event, and treats an empty one as \"message\"", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(
          yield* decodeText("event: endpoint\ndata: /messages?s=1\n\ndata: x\n\nevent:\ndata: y\n\n"),
          [event("/messages?s=1", undefined, "endpoint"), event("x"), event("y")]
        )
      }))

    it.effect("`event:` without data dispatches nothing, and its type does not leak", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeText("event: ping\n\n"), [])
        assert.deepStrictEqual(yield* decodeText("event: ping\n\ndata: x\n\n"), [event("x")])
      }))

    it.effect("ignores comments", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeText(": keep-alive\n\n"), [])
        assert.deepStrictEqual(yield* decodeText(":\ndata: a\n: data: b\n:x\n\n"), [event("a")])
      }))

    it.effect("reads a line without a colon as a field with an empty value", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeText("data\n\n"), [event("")])
        assert.deepStrictEqual(yield* decodeText("data\ndata\n\n"), [event("\n")])
        assert.deepStrictEqual(yield* decodeText("event: e\nevent\ndata: x\n\n"), [event("x")])
        assert.deepStrictEqual(yield* decodeText("id: 1\ndata: x\n\nid\ndata: y\n\n"), [
          event("x", "1"),
          event("y", "")
        ])
      }))

    it.effect("removes one optional space after the colon, and only one", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeText("data:x\n\n"), [event("x")])
        assert.deepStrictEqual(yield* decodeText("data:  two\n\n"), [event(" two")])
        assert.deepStrictEqual(yield* decodeText("data:\tx \n\n"), [event("\tx ")])
        assert.deepStrictEqual(yield* decodeText("event:  e\nid:  1\ndata: x\n\n"), [event("x", " 1", " e")])
      }))

    it.effect("ignores unknown fields, matched case-sensitively and with spaces kept", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeText("Data: a\nDATA: b\n data: c\ndata : d\nfoo: e\ndata: f\n\n"), [
          event("f")
        ])
      }))

    it.effect("decodes non-ASCII text split inside its characters", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeText("event: é\nid: 日本\ndata: é日本😀\n\n"), [
          event("é日本😀", "日本", "é")
        ])
      }))

    it.effect("decodes invalid UTF-8 as U+FFFD", () =>
      Effect.gen(function*() {
        const bytes = new Uint8Array([...encoder.encode("data: "), 0xff, 0xe6, 0x97, ...encoder.encode("\n\n")])
        assert.deepStrictEqual(yield* decodeChunks(splitBytes(bytes, [1])), [event("\uFFFD\uFFFD")])
      }))

    it.effect("discards the incomplete event and the unterminated line at the end", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeText("data: a\n\ndata: b\n"), [event("a")])
        assert.deepStrictEqual(yield* decodeText("data: a\n\ndata: b"), [event("a")])
        assert.deepStrictEqual(yield* decodeText("data: a\n\nid: 9\ndata: b\n"), [event("a")])
        assert.deepStrictEqual(yield* decodeText("retry: 5"), [])
        // A CR at the very end is a whole line end.
        assert.deepStrictEqual(yield* decodeText("data: a\n\r"), [event("a")])
      }))

    it.effect("emits nothing for an empty or blank stream", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeChunks([]), [])
        assert.deepStrictEqual(yield* decodeChunks([new Uint8Array(0), new Uint8Array(0)]), [])
        assert.deepStrictEqual(yield* decodeText("\n\n\r\n\r\r"), [])
      }))
  })

  describe("line ends", () => {
    it.effect("accepts LF, CRLF and CR alone, mixed", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(
          yield* decodeText("data: a\rdata: b\r\rdata: c\r\ndata: d\r\n\r\ndata: e\ndata: f\r\r\n"),
          [
            event("a\nb"),
            event("c\nd"),
            event("e\nf")
          ]
        )
      }))

    it.effect("a CR ending one chunk and an LF starting the next are one line end", () =>
      Effect.gen(function*() {
        const chunks = ["data: a\r", "\ndata: b\r", "\n\r", "\n"].map((text) => encoder.encode(text))
        assert.deepStrictEqual(yield* decodeChunks(chunks), [event("a\nb")])
        // The same across pulls of several chunks, and with empty chunks in between.
        assert.deepStrictEqual(yield* decodeChunks(chunks, undefined, 2), [event("a\nb")])
        const gaps = ["data: a\r", "", "\n", "", "\r", "", "\n"].map((text) => encoder.encode(text))
        assert.deepStrictEqual(yield* decodeChunks(gaps), [event("a")])
      }))

    it.effect("CR, CR is two line ends, across chunks too", () =>
      Effect.gen(function*() {
        const chunks = ["data: a\r", "\r", "data: b\r", "\r\n"].map((text) => encoder.encode(text))
        assert.deepStrictEqual(yield* decodeChunks(chunks), [event("a"), event("b")])
      }))
  })

  describe("byte order mark", () => {
    it.effect("skips one BOM at the start of the stream, even split across chunks", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeText("\uFEFFdata: a\n\n"), [event("a")])
        assert.deepStrictEqual(yield* decodeText("\uFEFF\n"), [])
        assert.deepStrictEqual(yield* decodeText("\uFEFF: c\ndata: a\n\n"), [event("a")])
      }))

    it.effect("keeps a second BOM, or one later in the stream, as text", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeText("\uFEFF\uFEFFdata: a\n\n"), [])
        assert.deepStrictEqual(yield* decodeText("data: a\n\n\uFEFFdata: b\n\n"), [event("a")])
        assert.deepStrictEqual(yield* decodeText("data: \uFEFFa\n\n"), [event("\uFEFFa")])
      }))
  })

  describe("last event id", () => {
    it.effect("is carried by every later event", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeText("data: a\n\nid: 1\ndata: b\n\ndata: c\n\nid: 2\ndata: d\n\n"), [
          event("a"),
          event("b", "1"),
          event("c", "1"),
          event("d", "2")
        ])
      }))

    it.effect("an id without data (a priming event) is emitted as LastEventId", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeText("id: 42\n\n"), [lastEventId("42")])
        assert.deepStrictEqual(yield* decodeText("id: 42\nretry: 1000\n\ndata: x\n\n"), [
          retry(1000),
          lastEventId("42"),
          event("x", "42")
        ])
        assert.deepStrictEqual(yield* decodeText("event: e\nid: 42\n\n"), [lastEventId("42")])
      }))

    it.effect("is emitted only when it changes, including to the empty id", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeText("id: 1\n\nid: 1\n\n\nid: 2\nid: 1\n\nid:\n\ndata: x\n\n"), [
          lastEventId("1"),
          lastEventId(""),
          event("x", "")
        ])
        assert.deepStrictEqual(yield* decodeText("id: 1\ndata: a\n\nid: 1\n\n"), [event("a", "1")])
      }))

    it.effect("`id: x` with `data:` (the MCP SDK's priming event) is an event with empty data", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeText("id: 7\nretry: 500\ndata: \n\n"), [retry(500), event("", "7")])
      }))

    it.effect("ignores an id containing U+0000", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeText("id: 1\ndata: a\n\nid: 2\u0000\ndata: b\n\nid: \u0000\n\n"), [
          event("a", "1"),
          event("b", "1")
        ])
      }))

    it.effect("is not committed by an incomplete event", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeText("id: 1\n"), [])
      }))
  })

  describe("retry", () => {
    it.effect("is emitted when its line is read, before the event it is part of", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* decodeText("data: a\nretry: 3000\n\nretry:0\n"), [
          retry(3000),
          event("a"),
          retry(0)
        ])
        assert.deepStrictEqual(yield* decodeText("retry: 007\n"), [retry(7)])
      }))

    it.effect("ignores a value that is not only ASCII digits", () =>
      Effect.gen(function*() {
        const text = [
          "retry: 1.5",
          "retry: -1",
          "retry:",
          "retry",
          "retry: ten",
          "retry: \uFF11",
          "retry:  5",
          "retry: 5 "
        ]
          .map((line) => `${line}\n`).join("")
        assert.deepStrictEqual(yield* decodeText(text), [])
      }))
  })

  describe("maxEventBytes", () => {
    it("defaults to 16 MiB", () => {
      assert.strictEqual(DEFAULT_MAX_EVENT_BYTES, 16 * 1024 * 1024)
    })

    it.effect("an event up to the cap passes; one byte more fails with MessageTooLarge, after the items before it", () =>
      Effect.gen(function*() {
        // "data: 0123456789" is 16 bytes; with "data: ab\n" before it, 3 + 16 bytes are pending.
        const fits = "data: 0123456789\n\ndata: ab\ndata: 0123456789\n\n"
        assert.deepStrictEqual(yield* decodeText(fits, { maxEventBytes: 19 }), [
          event("0123456789"),
          event("ab\n0123456789")
        ])
        for (const sizes of [[], [1], [5, 2]]) {
          const { exit, items } = yield* decodeUntilFailure(split(fits, sizes), { maxEventBytes: 18 })
          assert.deepStrictEqual(items, [event("0123456789")])
          assert.isTrue(Exit.isFailure(exit))
          const error = yield* Effect.flip(exit)
          expectTooLarge(error, 18)
        }
      }))

    it.effect("counts bytes of UTF-8, not characters", () =>
      Effect.gen(function*() {
        // "data: é日😀" is 6 + 2 + 3 + 4 = 15 bytes.
        assert.deepStrictEqual(yield* decodeText("data: é日😀\n\n", { maxEventBytes: 15 }), [event("é日😀")])
        const error = yield* decodeChunks(split("data: é日😀\n\n", [1]), { maxEventBytes: 14 }).pipe(Effect.flip)
        expectTooLarge(error, 14)
      }))

    it.effect("fails on a line that never ends, as soon as it is too long", () =>
      Effect.gen(function*() {
        const error = yield* Stream.make(encoder.encode("data: " + "x".repeat(100))).pipe(
          Stream.concat(Stream.never),
          decode({ maxEventBytes: 50 }),
          Stream.runCollect,
          Effect.flip
        )
        expectTooLarge(error, 50)
      }))

    it.effect("does not count comments and dispatched events against later events", () =>
      Effect.gen(function*() {
        const text = ": keep-alive\n".repeat(100) + "data: 0123\n\n".repeat(100)
        const items = yield* decodeText(text, { maxEventBytes: 16 })
        assert.strictEqual(items.length, 100)
      }))

    it.effect("fails with the default cap past 16 MiB", () =>
      Effect.gen(function*() {
        const piece = encoder.encode("x".repeat(1024 * 1024))
        const chunks = [encoder.encode("data: "), ...Array.from({ length: 17 }, () => piece)]
        const error = yield* decodeChunks(chunks).pipe(Effect.flip)
        expectTooLarge(error, DEFAULT_MAX_EVENT_BYTES)
      }))
  })

  describe("makeParser", () => {
    it("emits items as feed completes them, and end discards the incomplete event", () => {
      const items: Array<SseItem> = []
      const parser = makeParser((item) => items.push(item))
      assert.isTrue(parser.feed("id: 1\ndata: a\r"))
      assert.deepStrictEqual(items, [])
      assert.isTrue(parser.feed("\n\r"))
      assert.deepStrictEqual(items, [event("a", "1")])
      assert.isTrue(parser.feed("\nid: 2\ndata: b\n"))
      parser.end()
      assert.deepStrictEqual(items, [event("a", "1")])
      // A new stream: its BOM is skipped and the committed id is kept.
      assert.isTrue(parser.feed("\uFEFFdata: c\n\n"))
      assert.deepStrictEqual(items, [event("a", "1"), event("c", "1")])
    })

    it("returns false once the cap is exceeded, and from then on", () => {
      const items: Array<SseItem> = []
      const parser = makeParser((item) => items.push(item), { maxEventBytes: 8 })
      assert.isTrue(parser.feed("data: a\n\n"))
      assert.isFalse(parser.feed("data: abc"))
      assert.isFalse(parser.feed("\n\ndata: a\n\n"))
      assert.deepStrictEqual(items, [event("a")])
    })

    it("is linear: a long line fed one character at a time is joined once", () => {
      const items: Array<SseItem> = []
      const parser = makeParser((item) => items.push(item))
      const length = 2_000_000
      parser.feed("data: ")
      for (let i = 0; i < length; i++) parser.feed("x")
      for (let i = 0; i < 100_000; i++) parser.feed("\r")
      parser.feed("\n")
      assert.strictEqual(items.length, 1)
      const [item] = items
      assert.strictEqual(item._tag === "Event" ? item.data.length : -1, length)
    })
  })

  describe("decode", () => {
    it.effect("keeps its state per run of the stream", () =>
      Effect.gen(function*() {
        const stream = fromChunks(split("\uFEFFid: 1\ndata: a\n\ndata: b", [3])).pipe(decode())
        const first = yield* Stream.runCollect(stream)
        const second = yield* Stream.runCollect(stream)
        assert.deepStrictEqual(first, [event("a", "1")])
        assert.deepStrictEqual(second, first)
      }))

    it.effect("passes the input's failure through, after the items before it", () =>
      Effect.gen(function*() {
        const items: Array<SseItem> = []
        const error = yield* Stream.make(encoder.encode("data: a\n\ndata: b\n")).pipe(
          Stream.concat(Stream.fail("boom" as const)),
          decode(),
          Stream.runForEach((item) => Effect.sync(() => items.push(item))),
          Effect.flip
        )
        assert.strictEqual(error, "boom")
        assert.deepStrictEqual(items, [event("a")])
      }))
  })
})
