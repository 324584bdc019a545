/**
 * What a connection does with messages that are not valid JSON-RPC: a bad line never takes down the
 * requests around it, and never floods the log. The first few of a run are logged one by one, the
 * rest are counted and summed up in one line when a valid message ends the run. A server that sends
 * nothing but malformed messages (`limit` in a row) is given up on: the connection fails with
 * `MalformedMessage`.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import { MalformedMessage, McpTransportError } from "../McpError.ts"
import { excerpt } from "../McpTransport.ts"

/** How many malformed messages of a run are logged one by one. */
const LOGGED_PER_RUN = 10

/**
 * The malformed messages of one connection.
 */
export interface Malformed {
  /** Whether a run of malformed messages is going on (a valid message then ends it). */
  readonly inRun: () => boolean
  /** Counts a malformed message; fails with the connection's error once `limit` came in a row. */
  readonly report: (description: string, message: unknown) => Effect.Effect<void, McpTransportError>
  /** Ends the run: a valid message came. Sums up what was not logged. */
  readonly endRun: Effect.Effect<void>
}

/**
 * A counter for one connection. `fail` is told the error when the limit is reached.
 */
export const make = (options: {
  readonly serverName: () => string
  /** Malformed messages in a row before the connection fails. */
  readonly limit: number
  readonly fail: (error: McpTransportError) => void
}): Malformed => {
  let run = 0
  const annotations = (description: string, text: string) => ({
    "mcp.server": options.serverName(),
    "mcp.reason": description,
    "mcp.message": text
  })
  return {
    inRun: () => run > 0,
    report: (description, message) =>
      Effect.suspend(() => {
        run++
        const text = describe(message)
        if (run >= options.limit) {
          const error = new McpTransportError({
            reason: new MalformedMessage({
              description: `${run} messages in a row were not JSON-RPC, the last: ${description}`,
              excerpt: text
            })
          })
          options.fail(error)
          return Effect.fail(error)
        }
        if (run > LOGGED_PER_RUN) return Effect.void
        return Effect.logWarning("MCP: ignored a malformed message from the server").pipe(
          Effect.annotateLogs(annotations(description, text))
        )
      }),
    endRun: Effect.suspend(() => {
      const unlogged = run - LOGGED_PER_RUN
      run = 0
      return unlogged <= 0 ? Effect.void : Effect.logWarning(
        `MCP: ignored ${unlogged} more malformed messages from the server (not logged one by one)`
      ).pipe(Effect.annotateLogs("mcp.server", options.serverName()))
    })
  }
}

/** A message as logs quote it: its text, at most 200 characters. */
export const describe = (message: unknown): string => {
  if (message instanceof MalformedMessage) return message.excerpt
  const text = typeof message === "string" ? message : JSON.stringify(message)
  return excerpt(text ?? String(message))
}
