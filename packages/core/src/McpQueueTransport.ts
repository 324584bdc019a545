/**
 * A transport made of two in-memory queues, with the server side handed to a function you write.
 *
 * For tests of what a real server cannot be made to do: a scripted peer receives every message the
 * client writes (parsed from the JSON line the client produced) and sends back whatever it likes,
 * including raw text that is not JSON. Each client session runs the peer function once, in the
 * session's scope.
 *
 * **Example** (A peer that answers `initialize` and nothing else)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { McpQueueTransport } from "@effect-mcp/core"
 *
 * const Transport = McpQueueTransport.layer((peer) =>
 *   Effect.gen(function*() {
 *     const init = (yield* Effect.orDie(peer.receive)) as { id: number } // Done: the client closed
 *     yield* peer.send({
 *       jsonrpc: "2.0",
 *       id: init.id,
 *       result: { protocolVersion: "2025-11-25", capabilities: {}, serverInfo: { name: "peer", version: "0" } }
 *     })
 *   })
 * )
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import type * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { decodeNdjson, encodeLine, fromChannel, McpTransport } from "./McpTransport.ts"
import type { McpConnection } from "./McpTransport.ts"

/**
 * The server side of a queue connection.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Peer {
  /** The next message the client wrote, parsed from its JSON line. Fails with `Done` once the client closed. */
  readonly receive: Effect.Effect<unknown, Cause.Done>
  /** Every message the client writes, until it closes. */
  readonly messages: Stream.Stream<unknown>
  /** Sends a value to the client as one JSON line. */
  readonly send: (message: unknown) => Effect.Effect<void>
  /** Sends raw text to the client, unframed: for malformed input and split lines. */
  readonly sendRaw: (text: string) => Effect.Effect<void>
  /** Ends the server side: the client sees the connection close. */
  readonly close: Effect.Effect<void>
}

/**
 * Opens a queue connection in the current `Scope` and runs `serve` on its server side.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const connect = (
  serve: (peer: Peer) => Effect.Effect<void, never, Scope.Scope>
): Effect.Effect<McpConnection, never, Scope.Scope> =>
  Effect.gen(function*() {
    const toServer = yield* Queue.unbounded<string, Cause.Done>()
    const toClient = yield* Queue.unbounded<string, Cause.Done>()
    yield* Effect.addFinalizer(() => Queue.end(toServer))
    const fromClient = yield* Queue.unbounded<unknown, Cause.Done>()
    yield* decodeNdjson(Stream.fromQueue(toServer)).pipe(
      Stream.runForEach((message) => Queue.offer(fromClient, message)),
      Effect.ensuring(Queue.end(fromClient)),
      Effect.forkScoped({ startImmediately: true })
    )
    const peer: Peer = {
      receive: Queue.take(fromClient),
      messages: Stream.fromQueue(fromClient),
      send: (message) => Effect.asVoid(Queue.offer(toClient, JSON.stringify(message) + "\n")),
      sendRaw: (text) => Effect.asVoid(Queue.offer(toClient, text)),
      close: Effect.asVoid(Queue.end(toClient))
    }
    yield* serve(peer).pipe(Effect.forkScoped({ startImmediately: true }))
    return fromChannel({
      send: (message) => Effect.asVoid(Queue.offer(toServer, encodeLine(message))),
      incoming: decodeNdjson(Stream.fromQueue(toClient))
    })
  })

/**
 * Provides an {@link McpTransport} whose every connection is served by `serve`.
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = (
  serve: (peer: Peer) => Effect.Effect<void, never, Scope.Scope>
): Layer.Layer<McpTransport> => Layer.succeed(McpTransport)({ connect: connect(serve) })
