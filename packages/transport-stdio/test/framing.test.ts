import { MalformedMessage, McpTransportError, MessageTooLarge } from "@effect-mcp/core/McpError"
import { parseFrame } from "@effect-mcp/core/McpTransport"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { decodeLines, DEFAULT_MAX_MESSAGE_BYTES, frameLines, makeFramer } from "../src/internal/framing.ts"

const encoder = new TextEncoder()

/** Encodes `text` as UTF-8 and cuts it into chunks of the given sizes, cycling through them. */
const split = (text: string, sizes: ReadonlyArray<number>): Array<Uint8Array> => {
  const bytes = encoder.encode(text)
  const chunks: Array<Uint8Array> = []
  let offset = 0
  for (let i = 0; offset < bytes.length; i++) {
    const size = sizes.length === 0 ? bytes.length : sizes[i % sizes.length]
    chunks.push(bytes.subarray(offset, offset + size))
    offset += size
  }
  return chunks
}

/** One pull per chunk, so that lines really cross pull boundaries. */
const fromChunks = (chunks: ReadonlyArray<Uint8Array>) => Stream.fromIterable(chunks, { chunkSize: 1 })

const decodeAll = (chunks: ReadonlyArray<Uint8Array>, maxMessageBytes?: number) =>
  fromChunks(chunks).pipe(decodeLines({ maxMessageBytes }), Stream.runCollect)

const Text = Schema.Union([Schema.String, Schema.Literals(["é", "日本", "😀", "naïve 日本語 😀 ok", "a\u2028b\u0000"])])

const Message = Schema.Struct({
  jsonrpc: Schema.Literal("2.0"),
  id: Schema.Int,
  method: Text,
  params: Schema.Struct({ text: Text, tags: Schema.Array(Text) })
})

const Small = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 5 }))
const ChunkSize = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 23 }))

/** Line endings, some with blank lines after them. */
const endings = ["\n", "\r\n", "\n\n", "\r\n \t \r\n", "\n\r\n", "\n   \n\n"]

describe("decodeLines", () => {
  it.effect.prop(
    "NDJSON split at any byte decodes to the original messages, in order",
    {
      messages: Schema.Array(Message),
      ending: Schema.Array(Small),
      sizes: Schema.Array(ChunkSize),
      leadingBlank: Schema.Boolean,
      lastEnds: Schema.Boolean,
      onePull: Schema.Boolean
    },
    ({ ending, lastEnds, leadingBlank, messages, onePull, sizes }) =>
      Effect.gen(function*() {
        let text = leadingBlank ? " \r\n\n" : ""
        messages.forEach((message, i) => {
          const last = i === messages.length - 1
          text += JSON.stringify(message)
          if (!last || lastEnds) text += endings[ending.length === 0 ? 0 : ending[i % ending.length]]
        })
        const chunks = split(text, sizes)
        const decoded = yield* (onePull ? Stream.fromIterable(chunks) : fromChunks(chunks)).pipe(
          decodeLines(),
          Stream.runCollect
        )
        assert.deepStrictEqual(decoded, messages.map((message) => JSON.parse(JSON.stringify(message))))
      }),
    { arbitrary: { runs: 200 } }
  )

  it.effect("a character split across chunks decodes right", () =>
    Effect.gen(function*() {
      const decoded = yield* decodeAll(split("{\"t\":\"é日本😀\"}\n[\"😀\"]", [1]))
      assert.deepStrictEqual(decoded, [{ t: "é日本😀" }, ["😀"]])
    }))

  it.effect("strips \\r before \\n, even when they arrive in different chunks", () =>
    Effect.gen(function*() {
      // JSON.parse accepts a trailing \r, so the framed text is what shows whether it was stripped
      const chunks = [encoder.encode("1\r"), encoder.encode("\n2\r"), encoder.encode("\n\"x\"\r")]
      const framed = yield* fromChunks(chunks).pipe(frameLines(), Stream.runCollect)
      assert.deepStrictEqual(framed, ["1", "2", "\"x\""])
      const decoded = yield* decodeAll(chunks)
      assert.deepStrictEqual(decoded, [1, 2, "x"])
      // and within one chunk, a \r\n in the middle and a \r at the very end
      const whole = yield* fromChunks([encoder.encode("[1]\r\n{\"a\":\"b\"}\r")]).pipe(frameLines(), Stream.runCollect)
      assert.deepStrictEqual(whole, ["[1]", "{\"a\":\"b\"}"])
    }))

  it.effect("lines that are not JSON come through as MalformedMessage, in order, between the messages around them", () =>
    Effect.gen(function*() {
      const decoded = yield* decodeAll(
        split("{\"id\":1}\nthis is not json\n  \n{\"id\":2,\"cut\nhalf\"}\r\n{\"id\":3}\n", [7])
      )
      assert.deepStrictEqual(decoded.filter((value) => !(value instanceof MalformedMessage)), [{ id: 1 }, { id: 3 }])
      // the client counts and reports these (bounded, in the engine): the framer only hands them on
      const malformed = decoded.filter((value): value is MalformedMessage => value instanceof MalformedMessage)
      assert.deepStrictEqual(malformed.map((error) => error.excerpt), [
        "this is not json",
        "{\"id\":2,\"cut",
        "half\"}"
      ])
      assert.isTrue(malformed.every((error) => error.description.length > 0))
      assert.instanceOf(decoded[1], MalformedMessage)
      assert.deepStrictEqual(decoded[4], { id: 3 })
    }))

  it.effect("a final line without a trailing newline is parsed", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* decodeAll(split("{\"a\":1}\n{\"b\":2}", [3])), [{ a: 1 }, { b: 2 }])
      assert.deepStrictEqual(yield* decodeAll([encoder.encode("{\"b\":2}\r")]), [{ b: 2 }])
    }))

  it.effect("empty and blank input give nothing", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* decodeAll([]), [])
      assert.deepStrictEqual(yield* decodeAll([new Uint8Array(0), new Uint8Array(0)]), [])
      assert.deepStrictEqual(yield* decodeAll(split("\n\r\n \t \n  ", [2])), [])
    }))

  it.effect("upstream failures pass through after the messages before them", () =>
    Effect.gen(function*() {
      const seen: Array<unknown> = []
      const error = yield* fromChunks(split("1\n2\n3", [3])).pipe(
        Stream.concat(Stream.fail("boom" as const)),
        decodeLines(),
        Stream.runForEach((value) => Effect.sync(() => seen.push(value))),
        Effect.flip
      )
      assert.strictEqual(error, "boom")
      assert.deepStrictEqual(seen, [1, 2])
    }))

  describe("maxMessageBytes", () => {
    const max = 16
    const exactly = `"${"a".repeat(max - 2)}"` // 16 bytes of JSON

    it("defaults to 256 MiB", () => {
      assert.strictEqual(DEFAULT_MAX_MESSAGE_BYTES, 256 * 1024 * 1024)
    })

    it.effect("a line of exactly the cap passes, with \\n or \\r\\n, whole or in pieces", () =>
      Effect.gen(function*() {
        const expected = "a".repeat(max - 2)
        assert.deepStrictEqual(yield* decodeAll(split(`${exactly}\n`, []), max), [expected])
        assert.deepStrictEqual(yield* decodeAll(split(`${exactly}\r\n${exactly}\r\n`, [1]), max), [expected, expected])
        assert.deepStrictEqual(yield* decodeAll(split(`${exactly}\r`, [5]), max), [expected])
        assert.deepStrictEqual(yield* decodeAll(split(exactly, [3]), max), [expected])
      }))

    it.effect("one byte more fails with MessageTooLarge, after the messages before it", () =>
      Effect.gen(function*() {
        const over = `"${"a".repeat(max - 1)}"`
        for (const [text, sizes] of [[`1\n${over}\n2\n`, []], [`1\n${over}\n`, [1]], [`1\n${over}`, [4]]] as const) {
          const seen: Array<unknown> = []
          const error = yield* fromChunks(split(text, sizes)).pipe(
            decodeLines({ maxMessageBytes: max }),
            Stream.runForEach((value) => Effect.sync(() => seen.push(value))),
            Effect.flip
          )
          assert.instanceOf(error, McpTransportError)
          assert.strictEqual(error.reason._tag, "MessageTooLarge")
          assert.instanceOf(error.reason, MessageTooLarge)
          assert.strictEqual(error.reason.maxBytes, max)
          assert.deepStrictEqual(seen, [1])
        }
      }))

    it.effect("a line that never ends fails as soon as it passes the cap", () =>
      Effect.gen(function*() {
        const error = yield* Stream.make(encoder.encode("[")).pipe(
          Stream.concat(Stream.forever(Stream.make(encoder.encode(" ")))),
          decodeLines({ maxMessageBytes: 1024 }),
          Stream.runDrain,
          Effect.flip
        )
        assert.instanceOf(error, McpTransportError)
        assert.strictEqual(error.reason._tag, "MessageTooLarge")
        assert.include(error.message, "1024 bytes")
      }))
  })

  it.effect("a 64 MiB message in 64 KiB chunks", () =>
    Effect.gen(function*() {
      const size = 64 * 1024 * 1024
      const body = "x".repeat(size - 4) + "日😀"
      const bytes = encoder.encode(`{"jsonrpc":"2.0","id":1,"result":{"text":"${body}"}}\n`)
      const chunks: Array<Uint8Array> = []
      for (let offset = 0; offset < bytes.length; offset += 65_536) {
        chunks.push(bytes.subarray(offset, offset + 65_536))
      }
      const decoded = yield* decodeAll(chunks)
      assert.strictEqual(decoded.length, 1)
      const message = decoded[0] as { readonly id: number; readonly result: { readonly text: string } }
      assert.strictEqual(message.id, 1)
      assert.isTrue(message.result.text === body)
    }))

  it("holds no chunk of a line that spans several: a producer may reuse its buffer once it was pushed", () => {
    // a long line's pieces are decoded as they arrive, so that its chunks are not all kept until it ends
    const framer = makeFramer(1024, parseFrame)
    const bytes = encoder.encode("{\"text\":\"é日本😀 naïve\"}\r\n{\"id\":2}\n")
    const reused = new Uint8Array(3)
    for (let offset = 0; offset < bytes.length; offset += reused.length) {
      const piece = bytes.subarray(offset, offset + reused.length)
      reused.fill(0x20)
      reused.set(piece)
      assert.isTrue(framer.push(reused.subarray(0, piece.length)))
    }
    assert.deepStrictEqual(framer.take(), [{ text: "é日本😀 naïve" }, { id: 2 }])
  })

  it.effect("20 000 small messages in 4 KiB chunks", () =>
    Effect.gen(function*() {
      const count = 20_000
      let text = ""
      for (let id = 0; id < count; id++) {
        text += `{"jsonrpc":"2.0","method":"notifications/progress","params":{"id":${id},"note":"é"}}\n`
      }
      const decoded = yield* decodeAll(split(text, [4096]))
      assert.strictEqual(decoded.length, count)
      assert.isTrue(decoded.every((message, id) => (message as { params: { id: number } }).params.id === id))
    }))
})
