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
  const state: ParserState = {
    emit,
    maxBytes: options?.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
    started: false,
    afterCR: false,
    failed: false,
    pieces: [],
    lineBytes: 0,
    exact: false,
    eventType: "",
    dataLines: [],
    dataBytes: 0,
    idBuffer: undefined,
    lastEventId: undefined
  }
  return {
    feed: (text) => feed(state, text),
    end: () => end(state)
  }
}

/**
 * The mutable state of one parser.
 */
interface ParserState {
  readonly emit: (item: SseItem) => void
  readonly maxBytes: number
  // Stream state: whether the leading BOM was checked, whether the last piece ended in CR (so that
  // an LF starting the next piece is the rest of that line end), and whether the cap was exceeded.
  started: boolean
  afterCR: boolean
  failed: boolean
  // The pieces of the unterminated line and its size (see `grow` for the unit).
  pieces: Array<string>
  lineBytes: number
  // Whether sizes are counted exactly, in UTF-8 bytes, rather than in characters (see `grow`).
  exact: boolean
  // Event state: the event type buffer, the data lines and their size (each counted with its "\n"),
  // the last event id buffer and the last event id last committed by a blank line.
  eventType: string
  dataLines: Array<string>
  dataBytes: number
  idBuffer: string | undefined
  lastEventId: string | undefined
}

// -----------------------------------------------------------------------------
// Lines
// -----------------------------------------------------------------------------

const feed = (state: ParserState, text: string): boolean => {
  if (state.failed) return false
  if (text.length === 0) return true
  const rest = readLines(state, text, skipLeading(state, text))
  if (rest === -1 || !keepUnterminated(state, text, rest)) return fail(state)
  return true
}

const end = (state: ParserState): void => {
  discardLine(state)
  discardEvent(state)
  state.idBuffer = state.lastEventId
  state.started = false
  state.afterCR = false
}

/** Where the lines of `text` start: after the stream's BOM, and after the LF of a CRLF split from its CR. */
const skipLeading = (state: ParserState, text: string): number => {
  let start = 0
  if (!state.started) {
    state.started = true
    if (text.charCodeAt(0) === BOM) start = 1
  }
  if (state.afterCR) {
    state.afterCR = false
    if (start < text.length && text.charCodeAt(start) === LF) start++
  }
  return start
}

/**
 * Parses the lines that end in `text` from `start` on. Returns where the unterminated rest of `text`
 * starts, or -1 when the event went past the cap.
 */
const readLines = (state: ParserState, text: string, start: number): number => {
  const length = text.length
  let lf = text.indexOf("\n", start)
  let cr = text.indexOf("\r", start)
  while (start < length) {
    if (lf !== -1 && lf < start) lf = text.indexOf("\n", start)
    if (cr !== -1 && cr < start) cr = text.indexOf("\r", start)
    const brk = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr)
    if (brk === -1) break
    // the line's size: characters while far from the cap, bytes once near it
    if (!grow(state, text, start, brk)) return -1
    const line = takeLine(state, text, start, brk)
    const bytes = state.lineBytes
    state.lineBytes = 0
    parseLine(state, line, bytes)
    start = afterLineEnd(state, text, brk)
  }
  return start
}

/** The line that `text.slice(start, end)` completes, joined once with its pieces from earlier text. */
const takeLine = (state: ParserState, text: string, start: number, end: number): string => {
  const line = text.slice(start, end)
  if (state.pieces.length === 0) return line
  state.pieces.push(line)
  const joined = state.pieces.join("")
  state.pieces = []
  return joined
}

/** Where the next line starts after the line end at `brk`: past the LF of a CRLF too, if it is there yet. */
const afterLineEnd = (state: ParserState, text: string, brk: number): number => {
  const next = brk + 1
  if (text.charCodeAt(brk) !== CR) return next
  if (next === text.length) {
    state.afterCR = true
    return next
  }
  return text.charCodeAt(next) === LF ? next + 1 : next
}

/** Keeps the unterminated rest of `text`, from `start`, as a piece of the next line; false past the cap. */
const keepUnterminated = (state: ParserState, text: string, start: number): boolean => {
  if (start >= text.length) return true
  if (!grow(state, text, start, text.length)) return false
  state.pieces.push(start === 0 ? text : text.slice(start))
  return true
}

const discardLine = (state: ParserState): void => {
  state.pieces = []
  state.lineBytes = 0
}

const fail = (state: ParserState): false => {
  state.failed = true
  discardLine(state)
  discardEvent(state)
  return false
}

// -----------------------------------------------------------------------------
// Fields and events
// -----------------------------------------------------------------------------

/** Parses one line, whose line end is already removed; `bytes` is its UTF-8 size. */
const parseLine = (state: ParserState, line: string, bytes: number): void => {
  if (line.length === 0) return dispatch(state)
  const colon = line.indexOf(":")
  // a comment
  if (colon === 0) return
  // a field without a colon has an empty value
  if (colon === -1) return setField(state, line, line, line.length, bytes)
  setField(state, line.slice(0, colon), line, line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1, bytes)
}

/** Applies the field `field`, whose value is `line.slice(valueStart)`. */
const setField = (state: ParserState, field: string, line: string, valueStart: number, bytes: number): void => {
  switch (field) {
    case "data": {
      // The field name, colon and space are ASCII: one byte per character.
      state.dataLines.push(line.slice(valueStart))
      state.dataBytes += bytes - valueStart + 1
      return
    }
    case "event": {
      state.eventType = line.slice(valueStart)
      return
    }
    case "id": {
      const value = line.slice(valueStart)
      if (!value.includes("\u0000")) state.idBuffer = value
      return
    }
    case "retry": {
      const value = line.slice(valueStart)
      if (ASCII_DIGITS.test(value)) state.emit({ _tag: "Retry", millis: Number(value) })
      return
    }
  }
}

/** The blank line: commits the last event id, and dispatches the event if it has data. */
const dispatch = (state: ParserState): void => {
  const id = state.idBuffer
  const changed = id !== state.lastEventId
  state.lastEventId = id
  if (state.dataLines.length === 0) {
    state.eventType = ""
    if (changed && id !== undefined) state.emit({ _tag: "LastEventId", id })
    return
  }
  const event = state.eventType === "" ? "message" : state.eventType
  const data = state.dataLines.join("\n")
  discardEvent(state)
  state.emit({ _tag: "Event", event, data, id })
}

const discardEvent = (state: ParserState): void => {
  state.eventType = ""
  state.dataLines = []
  state.dataBytes = 0
  state.exact = false
}

// -----------------------------------------------------------------------------
// Sizes
// -----------------------------------------------------------------------------

// Byte counting is lazy: a character is at most 3 UTF-8 bytes, so while three times the characters
// pending stays under the cap, nothing is counted and lines are found with `indexOf` alone. Only an
// event that may reach the cap is counted, exactly, from then on: still once per character.

/** Adds `text.slice(from, to)` to the unterminated line; false when the event passes the cap. */
const grow = (state: ParserState, text: string, from: number, to: number): boolean => {
  if (!state.exact && (state.dataBytes + state.lineBytes + to - from) * 3 > state.maxBytes) countExactly(state)
  if (!state.exact) {
    state.lineBytes += to - from
    return true
  }
  state.lineBytes += utf8Bytes(text, from, to)
  return state.dataBytes + state.lineBytes <= state.maxBytes
}

/** Counts the pending event (data lines and the unterminated line) exactly, once. */
const countExactly = (state: ParserState): void => {
  state.exact = true
  let bytes = 0
  for (const line of state.dataLines) bytes += utf8Bytes(line, 0, line.length) + 1
  state.dataBytes = bytes
  let pending = 0
  for (const piece of state.pieces) pending += utf8Bytes(piece, 0, piece.length)
  state.lineBytes = pending
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
