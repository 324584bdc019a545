/**
 * Runs a server written for Node streams (the official SDKs' stdio servers) over Effect's `Stdio`, so that
 * `McpInMemoryTransport` can run it in process: the server reads `Stdio`'s input and writes to its output.
 * Test code: the SDKs' promises are fine here.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"
import * as Stdio from "effect/Stdio"
import * as Stream from "effect/Stream"
import { PassThrough, type Readable, type Writable } from "node:stream"

/**
 * A server over `Stdio`. `serve` starts the server on the two Node streams and returns how to close it;
 * the server stops when its input ends or the layer's scope closes.
 */
export const layer = (
  serve: (stdin: Readable, stdout: Writable) => Promise<() => Promise<void>>
): Layer.Layer<never, never, Stdio.Stdio> =>
  Layer.effectDiscard(Effect.gen(function*() {
    const stdio = yield* Stdio.Stdio
    const input = new PassThrough()
    const output = new PassThrough()
    yield* stdio.stdin.pipe(
      Stream.runForEach((bytes) =>
        Effect.sync(() => {
          input.write(bytes)
        })
      ),
      Effect.ignore,
      Effect.ensuring(Effect.sync(() => input.end())),
      Effect.forkScoped({ startImmediately: true })
    )
    yield* Stream.callback<Uint8Array>((queue) =>
      Effect.sync(() => {
        output.on("data", (chunk: Buffer) => Queue.offerUnsafe(queue, new Uint8Array(chunk)))
        output.on("end", () => Queue.endUnsafe(queue))
      })
    ).pipe(
      Stream.run(stdio.stdout()),
      Effect.ignore,
      Effect.forkScoped({ startImmediately: true })
    )
    yield* Effect.acquireRelease(
      Effect.promise(() => serve(input, output)),
      (close) => Effect.promise(close)
    )
  }))
