/**
 * The inbound framing of the stdio transport: turns the bytes a server writes on stdout, split
 * anywhere, into the JSON values of its newline-delimited messages.
 *
 * Each input chunk is scanned once for `\n`. A line that ends inside the chunk it started in is
 * decoded straight from a view of that chunk; the pieces of a line that spans chunks are decoded as
 * they arrive (a streaming `TextDecoder` holds a UTF-8 character split across them until its last
 * byte comes) and their text joined once when its `\n` arrives. Every byte is therefore scanned once
 * and decoded once, and the text copied at most once, whatever the chunking; and the input's chunks
 * are not held while a long line arrives (a 256 MiB message no longer keeps its 256 MiB of chunks
 * until its end: about 100 MiB less RSS at its peak, measured).
 *
 * Blank lines are skipped, lines that are not JSON are logged and skipped, and a line longer than the
 * cap fails the stream. Validating the JSON-RPC envelope is left to the client.
 *
 * @internal
 * @stability experimental
 * @since 0.1.0
 */
import { McpTransportError, MessageTooLarge } from "@effect-mcp/core/McpError"
import { parseFrame } from "@effect-mcp/core/McpTransport"
import * as Arr from "effect/Array"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Pull from "effect/Pull"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"

/**
 * Options of {@link decodeLines}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface FramingOptions {
  /**
   * The largest message accepted, in bytes of UTF-8 without its line ending (`\n` or `\r\n`).
   * Defaults to {@link DEFAULT_MAX_MESSAGE_BYTES}.
   */
  readonly maxMessageBytes?: number | undefined
}

/**
 * The default cap on the size of one message: 256 MiB.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 268_435_456

/**
 * Turns a stream of stdout chunks (UTF-8 bytes, split anywhere) into the JSON values of its lines.
 *
 * **Details**
 *
 * A trailing `\r` is stripped, so `\r\n` line endings work. Blank (whitespace-only) lines are skipped
 * silently; a line that is not JSON comes through as its `MalformedMessage` (the client counts and
 * reports those). A last line without
 * its `\n` is still parsed when the input ends. The work is linear in the input size: each byte is
 * scanned once and copied at most once.
 *
 * **Gotchas**
 *
 * A message longer than `maxMessageBytes` fails the stream with an `McpTransportError` whose reason is
 * `MessageTooLarge`, as soon as the buffered part of it exceeds the cap: the line is never buffered
 * whole. Messages before it are emitted first.
 *
 * The type parameters sit on the returned function, so that both `decodeLines(options)(stdout)` and
 * `stdout.pipe(decodeLines(options))` infer the error and requirements of the input.
 *
 * @stability experimental
 * @category combinators
 * @since 0.1.0
 */
export const decodeLines =
  (options?: FramingOptions) =>
  <E, R>(chunks: Stream.Stream<Uint8Array, E, R>): Stream.Stream<unknown, E | McpTransportError, R> => {
    const maxBytes = options?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
    return Stream.transformPull(chunks, (upstream) => Effect.sync(() => makePull(upstream, maxBytes, parseFrame)))
  }

/**
 * The framing of {@link decodeLines} without the parsing: the text of each line, without its line
 * ending (`\n`, or `\r\n`), blank lines skipped, with the same cap.
 *
 * **When to use**
 *
 * To see what the framer cuts out of the bytes (a `\r` left on a line would still parse as JSON).
 *
 * @stability experimental
 * @category combinators
 * @since 0.3.0
 */
export const frameLines =
  (options?: FramingOptions) =>
  <E, R>(chunks: Stream.Stream<Uint8Array, E, R>): Stream.Stream<string, E | McpTransportError, R> => {
    const maxBytes = options?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES
    return Stream.transformPull(chunks, (upstream) => Effect.sync(() => makePull(upstream, maxBytes, Result.succeed)))
  }

const LF = 0x0a
const CR = 0x0d
const EMPTY = new Uint8Array(0)

/**
 * A framer: the state of one run of the framing, fed chunks as they arrive. `parse` turns the text of
 * each line that is not blank into what it yields. The stdio transport feeds it from the process's
 * `data` events; {@link decodeLines} from a stream.
 *
 * @internal
 */
export interface Framer<A> {
  /** Scans a chunk; false once a line was too large (`failure` then says so, and the framer is done). */
  readonly push: (chunk: Uint8Array) => boolean
  /** The input ended: a last line without its `\n` is completed. */
  readonly end: () => void
  /** The values of the lines completed since the last call (the same array until one is complete). */
  readonly take: () => ReadonlyArray<A>
  /** Why the framing failed: a message over the cap. */
  readonly failure: () => McpTransportError | undefined
}

/**
 * Makes a framer of lines of at most `maxBytes` bytes.
 *
 * @internal
 */
export const makeFramer = <A, F>(
  maxBytes: number,
  parse: (text: string) => Result.Result<A, F>
): Framer<A | F> => {
  const decoder = new TextDecoder()
  // The text of the line being received, decoded as its pieces arrive (a character split across
  // pieces is held by the decoder until its last byte comes), its length in bytes, and its last byte.
  let parts: Array<string> = []
  let buffered = 0
  let lastByte = -1
  // The parsed lines not taken yet, and what `parse` says of each that did not parse.
  let values: Array<A | F> = []
  let failure: McpTransportError | undefined

  const tooLarge = (): false => {
    parts = []
    buffered = 0
    failure = new McpTransportError({ reason: new MessageTooLarge({ maxBytes }) })
    return false
  }

  const parseText = (text: string): void => {
    if (text.trim().length === 0) return
    const parsed = parse(text)
    values.push(Result.isSuccess(parsed) ? parsed.success : parsed.failure)
  }

  // Completes the line made of the buffered text followed by `chunk[start, end)`. Returns false when
  // the line is too large.
  const endLine = (chunk: Uint8Array, start: number, end: number): boolean => {
    const total = buffered + end - start
    const last = end > start ? chunk[end - 1] : lastByte
    const length = last === CR ? total - 1 : total
    if (length > maxBytes) return tooLarge()
    if (buffered === 0) {
      // the line is all in this chunk: decoded straight from a view of it
      if (length > 0) parseText(decoder.decode(chunk.subarray(start, start + length)))
      return true
    }
    parts.push(decoder.decode(chunk.subarray(start, end)))
    const text = parts.join("")
    parts = []
    buffered = 0
    parseText(last === CR ? text.slice(0, -1) : text)
    return true
  }

  // Scans one chunk once for line ends.
  const push = (chunk: Uint8Array): boolean => {
    if (failure !== undefined) return false
    let start = 0
    let end = chunk.indexOf(LF)
    while (end !== -1) {
      if (!endLine(chunk, start, end)) return false
      start = end + 1
      end = chunk.indexOf(LF, start)
    }
    if (start < chunk.length) {
      buffered += chunk.length - start
      lastByte = chunk[chunk.length - 1]
      // One byte over the cap may be the `\r` of a `\r\n`; anything more is too large.
      if (buffered > maxBytes && (buffered > maxBytes + 1 || lastByte !== CR)) return tooLarge()
      // decoded now, so that the input's chunks are not held until the line ends
      parts.push(decoder.decode(start === 0 ? chunk : chunk.subarray(start), { stream: true }))
    }
    return true
  }

  return {
    push,
    // the last line had no `\n`: complete it with an empty tail
    end: () => {
      if (buffered > 0 && failure === undefined) endLine(EMPTY, 0, 0)
    },
    take: () => {
      if (values.length === 0) return values
      const taken = values
      values = []
      return taken
    },
    failure: () => failure
  }
}

/**
 * The framer of one run of the stream, pulled by its consumer.
 */
const makePull = <E, A, F>(
  upstream: Pull.Pull<Arr.NonEmptyReadonlyArray<Uint8Array>, E, void>,
  maxBytes: number,
  parse: (text: string) => Result.Result<A, F>
): Pull.Pull<Arr.NonEmptyReadonlyArray<A | F>, E | McpTransportError, void> => {
  const framer = makeFramer(maxBytes, parse)
  // Set once the input ended.
  let done = false

  const emit = (): Pull.Pull<Arr.NonEmptyReadonlyArray<A | F>, E | McpTransportError, void> => {
    const out = framer.take()
    return Arr.isReadonlyArrayNonEmpty(out) ? Effect.succeed(out) : pull
  }

  const onChunks = (chunks: Arr.NonEmptyReadonlyArray<Uint8Array>) => {
    for (let i = 0; i < chunks.length; i++) {
      if (!framer.push(chunks[i])) break
    }
    return emit()
  }

  const onDone = () => {
    done = true
    framer.end()
    return emit()
  }

  // a message too large fails the pull after the messages before it were emitted
  const pull: Pull.Pull<Arr.NonEmptyReadonlyArray<A | F>, E | McpTransportError, void> = Effect.suspend(
    () => {
      const failure = framer.failure()
      if (failure !== undefined) return Effect.fail(failure)
      if (done) return Cause.done()
      return Pull.matchEffect(upstream, { onSuccess: onChunks, onFailure: Effect.failCause, onDone })
    }
  )

  return pull
}
