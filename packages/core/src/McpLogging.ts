/**
 * What the client does with the log messages a server sends (`notifications/message`).
 *
 * The default, without any layer, writes each entry to Effect's logger at debug level, annotated with
 * the server's name, the MCP level, the server's logger name and the data. Provide a layer to choose:
 * a handler of your own ({@link layer}), Effect's logger at the matching level ({@link layerLogger}),
 * or a `Stream` of entries ({@link layerStream}). Ask the server for less or more with
 * `client.setLoggingLevel`.
 *
 * Handlers run one at a time, in order, on the client's dispatcher fiber: never on the fiber that reads
 * the connection, so a slow handler delays only other log entries, never a response.
 *
 * **Example** (Server logs at their own level in the application's logger)
 *
 * ```ts
 * import { Layer } from "effect"
 * import { McpClient, McpLogging } from "@effect-mcp/core"
 *
 * const ClientLive = McpClient.layer().pipe(Layer.provide(McpLogging.layerLogger))
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as LogLevel from "effect/LogLevel"
import * as PubSub from "effect/PubSub"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { LoggingLevel } from "./McpSchema.ts"

/**
 * One log message from a server.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface LogEntry {
  /** The MCP (syslog) level. */
  readonly level: LoggingLevel
  /** The server's name for the logger that wrote the entry, if it gave one. */
  readonly logger: string | undefined
  /** The payload: a string or any JSON value. */
  readonly data: Schema.Json
  /** The name of the server that sent it (from its `serverInfo`). */
  readonly server: string
}

/**
 * The logging handler.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Service {
  readonly handle: (entry: LogEntry) => Effect.Effect<void>
}

/**
 * Maps an MCP level to Effect's: `notice` is `Info`; `critical`, `alert` and `emergency` are `Fatal`.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const toLogLevel = (level: LoggingLevel): LogLevel.Severity => {
  switch (level) {
    case "debug":
      return "Debug"
    case "info":
    case "notice":
      return "Info"
    case "warning":
      return "Warn"
    case "error":
      return "Error"
    default:
      return "Fatal"
  }
}

const annotations = (entry: LogEntry): Record<string, unknown> => ({
  "mcp.server": entry.server,
  "mcp.level": entry.level,
  ...(entry.logger === undefined ? {} : { "mcp.logger": entry.logger }),
  ...(typeof entry.data === "string" ? {} : { "mcp.data": entry.data })
})

const text = (entry: LogEntry): string =>
  typeof entry.data === "string" ? entry.data : `MCP ${entry.level} from ${entry.server}`

/**
 * Writes an entry to Effect's logger at the given level, with the entry's details as annotations.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const logAt = (entry: LogEntry, level: LogLevel.Severity): Effect.Effect<void> =>
  Effect.logWithLevel(level)(text(entry)).pipe(Effect.annotateLogs(annotations(entry)))

/**
 * The logging handler service. Its default writes every entry at debug level.
 *
 * @stability experimental
 * @category services
 * @since 0.1.0
 */
export const McpLogging: Context.Reference<Service> = Context.Reference<Service>("@effect-mcp/core/McpLogging", {
  defaultValue: () => ({ handle: (entry) => logAt(entry, "Debug") })
})

/**
 * Handles log entries with a function of your own.
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = (handle: (entry: LogEntry) => Effect.Effect<void>): Layer.Layer<never> =>
  Layer.succeed(McpLogging, { handle })

/**
 * Writes log entries to Effect's logger at the matching level ({@link toLogLevel}).
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layerLogger: Layer.Layer<never> = layer((entry) => logAt(entry, toLogLevel(entry.level)))

/**
 * A `Stream` of the log entries of every client built while the layer lives.
 *
 * @stability experimental
 * @category services
 * @since 0.1.0
 */
export class McpLogEntries extends Context.Service<McpLogEntries, {
  /** Every entry received after the stream starts. */
  readonly stream: Stream.Stream<LogEntry>
}>()("@effect-mcp/core/McpLogging/McpLogEntries") {}

/**
 * Publishes log entries to a `Stream`: provides {@link McpLogEntries} and the handler that feeds it.
 *
 * **Example** (Collecting a server's logs)
 *
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { McpLogging } from "@effect-mcp/core"
 *
 * const errors = Effect.gen(function*() {
 *   const { stream } = yield* McpLogging.McpLogEntries
 *   return stream.pipe(Stream.filter((entry) => entry.level === "error"))
 * })
 * ```
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layerStream: Layer.Layer<McpLogEntries> = Layer.effectContext(
  Effect.gen(function*() {
    const entries = yield* Effect.acquireRelease(PubSub.unbounded<LogEntry>(), PubSub.shutdown)
    return Context.make(McpLogEntries, McpLogEntries.of({ stream: Stream.fromPubSub(entries) })).pipe(
      Context.add(McpLogging, { handle: (entry) => Effect.asVoid(PubSub.publish(entries, entry)) })
    )
  })
)
