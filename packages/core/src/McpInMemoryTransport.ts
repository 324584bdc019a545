/**
 * Connects the client to an Effect `McpServer` (`effect/ai`) running in the same process, with no
 * sockets and no child process: FastMCP's `Client(server)`.
 *
 * The server runs as `McpServer.layerStdio` over an in-memory `Stdio`, so it speaks exactly the
 * newline-delimited JSON it would speak over a pipe, and server→client traffic (notifications and
 * requests such as `sampling/createMessage`) flows as it would in production. Each client session
 * gets a fresh server instance, started in the session's scope and stopped (its stdin ends, then its
 * fiber is interrupted) when the session closes.
 *
 * **Example** (A client for an in-process server)
 *
 * ```ts
 * import { Effect, Layer, Schema } from "effect"
 * import { McpProtocol, McpServer, Tool, Toolkit } from "effect/ai"
 * import { McpClient, McpInMemoryTransport } from "@effect-mcp/core"
 *
 * const Add = Tool.make("add", {
 *   parameters: Schema.Struct({ a: Schema.Number, b: Schema.Number }),
 *   success: Schema.Number
 * })
 * const Tools = Toolkit.make(Add)
 *
 * const Server = McpServer.layerStdio({
 *   name: "calculator",
 *   version: "1.0.0",
 *   protocols: [McpProtocol.v2025_11_25],
 *   registrations: McpServer.toolkit(Tools).pipe(Layer.provide(Tools.toLayer({ add: ({ a, b }) => Effect.succeed(a + b) })))
 * })
 *
 * const ClientLive = McpClient.layer().pipe(Layer.provide(McpInMemoryTransport.layer(Server)))
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"
import * as Sink from "effect/Sink"
import type * as Stdio from "effect/Stdio"
import * as Stream from "effect/Stream"
import { ConnectionClosed, McpTransportError } from "./McpError.ts"
import { decodeNdjson, encodeLine, fromChannel, McpTransport } from "./McpTransport.ts"

/**
 * A server layer that runs over `Stdio`, such as `McpServer.layerStdio({ … })` with its registrations
 * provided.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ServerLayer<ROut = unknown, E = unknown> = Layer.Layer<ROut, E, Stdio.Stdio>

const encoder = new TextEncoder()

/** Effect's `Stdio` module, loaded when a server is connected, not when this module is. */
const loadStdio = Effect.promise(() => import("effect/Stdio"))

/**
 * Opens a connection to a fresh instance of the server in the current `Scope`.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const connect = <ROut, E>(server: ServerLayer<ROut, E>) =>
  Effect.gen(function*() {
    const toServer = yield* Queue.unbounded<Uint8Array, Cause.Done>()
    const fromServer = yield* Queue.unbounded<string | Uint8Array, McpTransportError | Cause.Done>()
    const stdio = (yield* loadStdio).layerTest({
      stdin: Stream.fromQueue(toServer),
      stdout: () => Sink.forEach((chunk: string | Uint8Array) => Queue.offer(fromServer, chunk))
    })
    yield* Layer.launch(Layer.provide(server, stdio)).pipe(
      Effect.onExit((exit) =>
        Exit.isSuccess(exit) || Exit.hasInterrupts(exit)
          ? Queue.end(fromServer)
          : Queue.fail(
            fromServer,
            new McpTransportError({
              reason: new ConnectionClosed({
                description: "the in-process server failed",
                cause: Cause.squash(exit.cause)
              })
            })
          )
      ),
      Effect.forkScoped({ startImmediately: true })
    )
    // End the server's stdin before its fiber is interrupted, as a process would see EOF.
    yield* Effect.addFinalizer(() => Queue.end(toServer))

    return fromChannel({
      send: (message) => Effect.asVoid(Queue.offer(toServer, encoder.encode(encodeLine(message)))),
      incoming: decodeNdjson(Stream.fromQueue(fromServer))
    })
  })

/**
 * Provides an {@link McpTransport} that starts the given server in-process for each session.
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = <ROut, E>(server: ServerLayer<ROut, E>): Layer.Layer<McpTransport> =>
  Layer.succeed(McpTransport)({ connect: connect(server) })
