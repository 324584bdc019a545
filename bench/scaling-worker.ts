/**
 * One scaling case at one size, in a fresh process, with effect-mcp's public API over stdio against
 * `servers/scaling-server.ts`: `node bench/scaling-worker.ts '<ScalingInput as JSON>'` prints one line of
 * {@link ScalingFigures} as JSON: the operation's time, and this process's RSS before it and at its peak.
 */
import * as McpClient from "@effect-mcp/core/McpClient"
import * as McpStdioTransport from "@effect-mcp/transport-stdio/McpStdioTransport"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as Effect from "effect/Effect"
import { peakRssMiB } from "./harness.ts"

export type ScalingCase = "tools" | "inflight" | "progress" | "message"

export interface ScalingInput {
  readonly case: ScalingCase
  /** Tools listed, requests in flight, or MiB (of progress messages, of the one message). */
  readonly size: number
  readonly server: string
}

export interface ScalingFigures {
  readonly ms: number
  readonly baseRssMiB: number
  readonly peakRssMiB: number
}

const input = JSON.parse(process.argv[2]!) as ScalingInput
const MiB = 1024 * 1024
const PROGRESS_CHUNK = 1024

const check = (ok: boolean, what: string) => ok ? Effect.void : Effect.die(new Error(`${input.case}: ${what}`))

/** The operation each case times, and a check that it did all it should. */
const operation = (client: McpClient.McpClient["Service"], size: number): Effect.Effect<void, unknown> => {
  switch (input.case) {
    case "tools":
      return client.listTools({ maxPages: 10_000 }).pipe(
        Effect.flatMap((tools) => check(tools.length === size, `${tools.length} tools listed`))
      )
    case "inflight":
      return Effect.forEach(Array.from({ length: size }), () => client.callToolRaw("hold", { n: size }), {
        concurrency: "unbounded",
        discard: true
      })
    case "progress": {
      let reports = 0
      const onProgress = () => Effect.sync(() => void reports++)
      return client.callToolRaw("progress", { bytes: size * MiB, chunk: PROGRESS_CHUNK }, { onProgress }).pipe(
        Effect.flatMap(() => check(reports === size * MiB / PROGRESS_CHUNK, `${reports} progress reports`))
      )
    }
    case "message":
      return client.callToolRaw("big", { bytes: size * MiB }).pipe(
        Effect.flatMap((result) => {
          const [first] = result.content
          return check(first?.type === "text" && first.text.length === size * MiB, "the message's length")
        })
      )
  }
}

const measure = Effect.gen(function*() {
  const transport = McpStdioTransport.layer({
    command: process.execPath,
    args: [input.server, String(input.case === "tools" ? input.size : 0)],
    keepAlive: false,
    stderr: "inherit",
    maxMessageBytes: 1024 * MiB
  })
  const client = yield* McpClient.connect(transport, { timeout: "10 minutes", protocolVersion: "legacy" })
  const baseRssMiB = process.memoryUsage.rss() / MiB
  const t0 = performance.now()
  yield* operation(client, input.size)
  const ms = performance.now() - t0
  return { ms, baseRssMiB, peakRssMiB: peakRssMiB() } satisfies ScalingFigures
}).pipe(Effect.scoped, Effect.provide(NodeServices.layer))

process.stdout.write(JSON.stringify(await Effect.runPromise(measure)) + "\n")
process.exit(0)
