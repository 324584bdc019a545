/**
 * An incremental Server-Sent Events parser for the Streamable HTTP and HTTP+SSE transports,
 * following the WHATWG "event stream interpretation" algorithm.
 *
 * Unlike `effect/encoding/Sse`, it reports every change of the last event id (a blank line after an
 * `id` field with no `data` dispatches no event, but the client must still resume from that id with
 * `Last-Event-ID`), and reports `retry` as an item, not as a failure. Lines end in CRLF, LF or CR; a
 * CR at the end of one chunk and an LF at the start of the next are one line end. Each character is
 * scanned once and the pieces of a line that spans chunks are joined once, when the line ends.
 *
 * It leaves out reconnecting, deciding what the data means (JSON-RPC messages are decoded by the
 * transport) and the `Content-Type` check.
 *
 * @internal
 * @stability experimental
 * @since 0.1.0
 */
import { McpTransportError, MessageTooLarge } from "@effect-mcp/core/McpError"
import * as Arr from "effect/Array"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Pull from "effect/Pull"
import * as Stream from "effect/Stream"

/**
 * What the parser reads from an event stream.
 *
 * - `Event`: a dispatched event. `event` is the event type (`"message"` when the stream set none or
 *   an empty one), `data` the data lines joined with `"\n"`, and `id` the last event id in force when
 *   it was dispatched (`undefined` while the stream never set one; `""` after the stream reset it with
 *   an empty `id`).
 * - `LastEventId`: the last event id changed at a blank line that dispatched no event (an `id` field
 *   without any `data` line), such as the "priming" event of a resumable stream. A change of the id
 *   carried by a dispatched event is reported by that event's `id` only.
 * - `Retry`: a valid `retry` field (ASCII digits only), reported as soon as its line is read, in
 *   milliseconds.
 *
 * **Gotchas**
 *
 * A field line `data:` with an empty value still adds a line of data, so `id: 7\ndata:\n\n` (the
 * priming event of the MCP TypeScript SDK) is an `Event` with `data: ""` and `id: "7"`, while
 * `id: 7\n\n` is a `LastEventId`. Consumers skip events with empty data.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type SseItem =
  | { readonly _tag: "Event"; readonly event: string; readonly data: string; readonly id: string | undefined }
  | { readonly _tag: "LastEventId"; readonly id: string }
  | { readonly _tag: "Retry"; readonly millis: number }

/**
 * Options of {@link makeParser} and {@link decode}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface SseOptions {
  /**
   * The most text one event may keep pending, in bytes of UTF-8: the data lines read since the last
   * blank line (each with its `"\n"`) plus the line being read (field name included, line end
   * excluded). Defaults to {@link DEFAULT_MAX_EVENT_BYTES}.
   */
  readonly maxEventBytes?: number | undefined
}

/**
 * The default cap on the pending text of one event: 16 MiB.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const DEFAULT_MAX_EVENT_BYTES = 16_777_216

/**
 * An incremental parser of one event stream, made by {@link makeParser}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface SseParser {
  /**
   * Parses the next piece of decoded text, which may end anywhere (even between the CR and LF of a
   * line end), and emits the items it completes. Returns `false`, having discarded the pending event,
   * when the event went past `maxEventBytes`; every later call then returns `false` too.
   */
  readonly feed: (text: string) => boolean
  /**
   * Ends the stream: the unterminated last line and the incomplete event are discarded, as the
   * WHATWG algorithm requires, so nothing is emitted. A later `feed` starts a new stream (its leading
   * BOM is skipped) that keeps the last event id.
   */
  readonly end: () => void
}

const LF = 0x0a
const CR = 0x0d
const SPACE = 0x20
const BOM = 0xfeff
const ASCII_DIGITS = /^[0-9]+$/

/**
 * Makes an incremental Server-Sent Events parser that reports what it reads to `emit`, in order.
 *
 * **Details**
 *
 * The parser follows the WHATWG event stream interpretation: a leading U+FEFF (BOM) of the stream is
 * skipped; lines end in CRLF, LF or CR; a line starting with `:` is a comment; `field:value` loses one
 * space after the colon; a line without a colon is a field with an empty value. `event` sets the
 * event type, `data` appends a line of data, `id` sets the last event id unless its value contains
 * U+0000, and `retry` with only ASCII digits is emitted as a `Retry` at once. A blank line updates
 * the last event id (emitting `LastEventId` when it changed and no event is dispatched) and
 * dispatches an `Event` when there is data. Unknown fields are ignored.
 *
 * The work is linear in the input: line ends are found with `indexOf`, a line that spans pieces of
 * text is kept as an array of pieces and joined once, and data lines are joined once, at dispatch.
 * UTF-8 sizes (for the cap) are counted only for an event that may reach it.
 *
 * **Gotchas**
 *
 * The parser is mutable: make one per stream run, never share it.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const makeParser = (emit: (item: SseItem) => void, options?: SseOptions): SseParser => {
  const maxBytes = options?.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES

  // Stream state: whether the leading BOM was checked, whether the last piece ended in CR (so that
  // an LF starting the next piece is the rest of that line end), and whether the cap was exceeded.
  let started = false
  let afterCR = false
  let failed = false
  // The pieces of the unterminated line and its size in UTF-8 bytes.
  let pieces: Array<string> = []
  let lineBytes = 0
  // Event state: the event type buffer, the data lines and their size (each counted with its "\n"),
  // the last event id buffer and the last event id last committed by a blank line.
  let eventType = ""
  let dataLines: Array<string> = []
  let dataBytes = 0
  let idBuffer: string | undefined
  let lastEventId: string | undefined

  const discardEvent = (): void => {
    eventType = ""
    dataLines = []
    dataBytes = 0
    exact = false
  }

  const discardLine = (): void => {
    pieces = []
    lineBytes = 0
  }

  const fail = (): false => {
    failed = true
    discardLine()
    discardEvent()
    return false
  }

  const dispatch = (): void => {
    const id = idBuffer
    const changed = id !== lastEventId
    lastEventId = id
    if (dataLines.length === 0) {
      eventType = ""
      if (changed && id !== undefined) emit({ _tag: "LastEventId", id })
      return
    }
    const event = eventType === "" ? "message" : eventType
    const data = dataLines.join("\n")
    discardEvent()
    emit({ _tag: "Event", event, data, id: lastEventId })
  }

  // `bytes` is the UTF-8 size of `line`, whose line end is already removed.
  const parseLine = (line: string, bytes: number): void => {
    if (line.length === 0) return dispatch()
    const colon = line.indexOf(":")
    if (colon === 0) return
    let field = line
    let valueStart = line.length
    if (colon > 0) {
      field = line.slice(0, colon)
      valueStart = line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1
    }
    switch (field) {
      case "data": {
        // The field name, colon and space are ASCII: one byte per character.
        dataLines.push(line.slice(valueStart))
        dataBytes += bytes - valueStart + 1
        return
      }
      case "event": {
        eventType = line.slice(valueStart)
        return
      }
      case "id": {
        const value = line.slice(valueStart)
        if (!value.includes("\u0000")) idBuffer = value
        return
      }
      case "retry": {
        const value = line.slice(valueStart)
        if (ASCII_DIGITS.test(value)) emit({ _tag: "Retry", millis: Number(value) })
        return
      }
    }
  }

  /** The UTF-8 size of `text.slice(from, to)`: a surrogate pair (4 bytes) counts 2 per half. */
  const utf8Bytes = (text: string, from: number, to: number): number => {
    let bytes = 0
    for (let i = from; i < to; i++) {
      const code = text.charCodeAt(i)
      bytes += code < 0x80 ? 1 : code < 0x800 || (code & 0xf800) === 0xd800 ? 2 : 3
    }
    return bytes
  }

  // Byte counting is lazy: a character is at most 3 UTF-8 bytes, so while three times the characters
  // pending stays under the cap, nothing is counted and lines are found with `indexOf` alone. Only an
  // event that may reach the cap is counted, exactly, from then on: still once per character.
  let exact = false
  /** Counts the pending event (data lines and the unterminated line) exactly, once. */
  const countExactly = (): void => {
    exact = true
    let bytes = 0
    for (const line of dataLines) bytes += utf8Bytes(line, 0, line.length) + 1
    dataBytes = bytes
    let pending = 0
    for (const piece of pieces) pending += utf8Bytes(piece, 0, piece.length)
    lineBytes = pending
  }
  /** Adds `text.slice(from, to)` to the unterminated line; false when the event passes the cap. */
  const grow = (text: string, from: number, to: number): boolean => {
    if (!exact && (dataBytes + lineBytes + to - from) * 3 > maxBytes) countExactly()
    if (!exact) {
      lineBytes += to - from
      return true
    }
    lineBytes += utf8Bytes(text, from, to)
    return dataBytes + lineBytes <= maxBytes
  }

  const feed = (text: string): boolean => {
    if (failed) return false
    const length = text.length
    if (length === 0) return true
    let start = 0
    if (!started) {
      started = true
      if (text.charCodeAt(0) === BOM) start = 1
    }
    if (afterCR) {
      afterCR = false
      if (start < length && text.charCodeAt(start) === LF) start++
    }
    let lf = text.indexOf("\n", start)
    let cr = text.indexOf("\r", start)
    while (start < length) {
      if (lf !== -1 && lf < start) lf = text.indexOf("\n", start)
      if (cr !== -1 && cr < start) cr = text.indexOf("\r", start)
      const brk = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr)
      if (brk === -1) break
      // the line's size: characters while far from the cap, bytes once near it
      if (!grow(text, start, brk)) return fail()
      let line = text.slice(start, brk)
      if (pieces.length > 0) {
        pieces.push(line)
        line = pieces.join("")
        pieces = []
      }
      const bytes = lineBytes
      lineBytes = 0
      parseLine(line, bytes)
      start = brk + 1
      if (text.charCodeAt(brk) === CR) {
        if (start === length) afterCR = true
        else if (text.charCodeAt(start) === LF) start++
      }
    }
    if (start < length) {
      if (!grow(text, start, length)) return fail()
      pieces.push(start === 0 ? text : text.slice(start))
    }
    return true
  }

  const end = (): void => {
    discardLine()
    discardEvent()
    idBuffer = lastEventId
    started = false
    afterCR = false
  }

  return { feed, end }
}

/**
 * Decodes a stream of UTF-8 bytes, split anywhere, into the items of its Server-Sent Events.
 *
 * **Details**
 *
 * Each run of the stream gets its own `TextDecoder` (in streaming mode, so a character split across
 * chunks decodes right, and with the BOM left for the parser to skip once) and its own parser. Items
 * are emitted in order, each batch as soon as the chunks that complete it arrive. When the input
 * ends, an incomplete event is discarded.
 *
 * **Gotchas**
 *
 * An event past `maxEventBytes` fails the stream with an `McpTransportError` whose reason is
 * `MessageTooLarge`, after the items before it.
 *
 * The type parameters sit on the returned function, so that both `decode(options)(bytes)` and
 * `bytes.pipe(decode(options))` infer the error and requirements of the input.
 *
 * @stability experimental
 * @category combinators
 * @since 0.1.0
 */
export const decode =
  (options?: SseOptions) =>
  <E, R>(bytes: Stream.Stream<Uint8Array, E, R>): Stream.Stream<SseItem, E | McpTransportError, R> =>
    Stream.transformPull(bytes, (upstream) => Effect.sync(() => makePull(upstream, options)))

/**
 * The decoder of one run of the stream: its state lives in this closure.
 */
const makePull = <E>(
  upstream: Pull.Pull<Arr.NonEmptyReadonlyArray<Uint8Array>, E, void>,
  options: SseOptions | undefined
): Pull.Pull<Arr.NonEmptyReadonlyArray<SseItem>, E | McpTransportError, void> => {
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true })
  let items: Array<SseItem> = []
  const parser = makeParser((item) => {
    items.push(item)
  }, options)
  // Set once the input ended, or once an event was too large (failed on the next pull).
  let done = false
  let failure: McpTransportError | undefined

  const tooLarge = (): void => {
    failure = new McpTransportError({
      reason: new MessageTooLarge({ maxBytes: options?.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES })
    })
  }

  const emit = (): Pull.Pull<Arr.NonEmptyReadonlyArray<SseItem>, E | McpTransportError, void> => {
    const out = items
    items = []
    return Arr.isArrayNonEmpty(out) ? Effect.succeed(out) : pull
  }

  const onChunks = (chunks: Arr.NonEmptyReadonlyArray<Uint8Array>) => {
    for (let i = 0; i < chunks.length; i++) {
      if (!parser.feed(decoder.decode(chunks[i], { stream: true }))) {
        tooLarge()
        break
      }
    }
    return emit()
  }

  const onDone = () => {
    done = true
    // Flushes an incomplete character (as U+FFFD): it can only belong to the discarded last line.
    if (!parser.feed(decoder.decode())) tooLarge()
    parser.end()
    return emit()
  }

  const pull: Pull.Pull<Arr.NonEmptyReadonlyArray<SseItem>, E | McpTransportError, void> = Effect.suspend(() => {
    if (failure !== undefined) return Effect.fail(failure)
    if (done) return Cause.done()
    return Pull.matchEffect(upstream, { onSuccess: onChunks, onFailure: Effect.failCause, onDone })
  })

  return pull
}
