/**
 * From the shared flags to a connected client: which server the command line names (`--server`,
 * `--config`, a command after `--`, or the discovered configuration files), and the client over it,
 * with the terminal's handlers (progress, elicitation, server logs) installed. Everything heavy (the
 * transports, the configuration readers, the auth package) is imported when a command connects, so
 * `effect-mcp --help` loads none of it.
 *
 * @internal
 */
import type * as McpClient from "@effect-mcp/core/McpClient"
import type * as McpConfig from "@effect-mcp/core/McpConfig"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as McpSourceModule from "../../McpSource.ts"
import type * as Auth from "./auth.ts"
import * as Shared from "./shared.ts"

/** What the command line names: one server, one server of a configuration, or a whole configuration. */
export type Target =
  | { readonly _tag: "Single"; readonly source: string | ReadonlyArray<string>; readonly name: string }
  | { readonly _tag: "Named"; readonly config: McpConfig.McpConfig; readonly name: string }
  | { readonly _tag: "Config"; readonly config: McpConfig.McpConfig }

/** A script or a command line rather than the name of a configured server. */
const isLocal = (source: string) => /[\s/\\]/.test(source.trim()) || /\.(py|[cm]?[jt]s|sh|rb)$/i.test(source.trim())

const usage = (description: string) => new Shared.UsageError({ description })

const loadSource = Effect.promise(() => import("../../McpSource.ts"))

/** The configuration `--config` names, or the merge of the discovered files (this directory's included). */
export const loadConfig = (file: string | undefined) =>
  file === undefined
    ? Effect.flatMap(
      Effect.promise(() => import("../../McpConfigFile.ts")),
      (McpConfigFile) => McpConfigFile.discover({ project: process.cwd() })
    )
    : Effect.flatMap(loadSource, (McpSource) => McpSource.config(file))

/** The server the shared flags name. */
export const target = Effect.gen(function*() {
  const flags = yield* Shared.root
  const command = yield* Shared.ServerCommand
  const server = Option.getOrUndefined(flags.server)
  const file = Option.getOrUndefined(flags.config)
  if (command.length > 0) {
    if (server !== undefined || file !== undefined) {
      return yield* usage("name the server once: --server, --config, or a command after `--`")
    }
    return { _tag: "Single", source: command, name: command.join(" ") } satisfies Target as Target
  }
  if (server !== undefined && ((yield* loadSource).isUrl(server) || isLocal(server))) {
    if (file !== undefined) return yield* usage("--config names servers by name: --server must then be one of them")
    return { _tag: "Single", source: server, name: server } satisfies Target as Target
  }
  const config = yield* loadConfig(file)
  const where = file ?? "the discovered configuration files"
  if (server !== undefined) {
    if (!Object.hasOwn(config.servers, server)) {
      const names = Object.keys(config.servers)
      return yield* usage(
        `no server named "${server}" in ${where}` + (names.length > 0 ? ` (servers: ${names.join(", ")})` : "")
      )
    }
    return { _tag: "Named", config, name: server } satisfies Target as Target
  }
  if (Object.keys(config.servers).length === 0) {
    return yield* usage(`no server given, and none in ${where}: use --server, --config, or a command after \`--\``)
  }
  return { _tag: "Config", config } satisfies Target as Target
})

/** The client options of the shared flags. */
export const clientOptions = (timeout: Option.Option<number>): McpClient.Options => ({
  clientInfo: { name: "effect-mcp-cli", version: Shared.version },
  reconnect: false,
  ...Option.match(timeout, {
    onNone: () => ({}),
    onSome: (seconds) => ({ timeout: `${seconds} seconds`, initializationTimeout: `${seconds} seconds` } as const)
  })
})

/** A header name: an HTTP token. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** The headers of `--header`, each `Name: value`; a line that is not one is a usage error (its value unprinted). */
export const parseHeaders = (lines: ReadonlyArray<string>): Effect.Effect<Record<string, string>, Shared.UsageError> =>
  Effect.suspend(() => {
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(":")
      const name = line.slice(0, colon).trim()
      if (colon === -1 || !HEADER_NAME.test(name)) {
        return Effect.fail(
          usage(
            `--header takes \`Name: value\`, got a line ${
              colon === -1 ? "without a colon" : "whose name is not a header name"
            }`
          )
        )
      }
      headers[name] = line.slice(colon + 1).trim()
    }
    return Effect.succeed(headers)
  })

/** The OAuth layer of `--oauth` (and of `login`): loads the auth package. */
export const oauthLayer = (options?: Auth.Options) =>
  Layer.unwrap(Effect.map(Effect.promise(() => import("./auth.ts")), (Auth) => Auth.layer(options)))

/**
 * A client for the server the shared flags name, in the caller's `Scope`, with the terminal's
 * handlers. A whole configuration is a router over its servers.
 */
export const connect = Effect.gen(function*() {
  const flags = yield* Shared.root
  const resolved = yield* target
  const [McpSource, Handlers] = yield* Effect.all([loadSource, Effect.promise(() => import("./handlers.ts"))])
  const handlers = yield* Handlers.layer
  const options = clientOptions(flags.timeout)
  const auth = yield* credentials(McpSource, resolved, flags)
  return yield* connectTo(McpSource, resolved, options, auth).pipe(Effect.provide(handlers))
})

/**
 * The credentials of a URL server: `--oauth`'s layer, or `--header`'s, which only a URL server takes
 * (a configured one has its own, and a local one none).
 */
const credentials = Effect.fnUntraced(function*(
  McpSource: typeof McpSourceModule,
  resolved: Target,
  flags: { readonly oauth: boolean; readonly header: ReadonlyArray<string> }
) {
  const isUrl = resolved._tag === "Single" && typeof resolved.source === "string" && McpSource.isUrl(resolved.source)
  if (flags.header.length === 0) return isUrl && flags.oauth ? oauthLayer() : undefined
  if (!isUrl) return yield* usage("--header is for a server given by URL (a configured server has its own headers)")
  if (flags.oauth) return yield* usage("--header and --oauth both authorize: give one of them")
  const McpAuth = yield* Effect.promise(() => import("@effect-mcp/core/McpAuth"))
  return McpAuth.layerHeaders(yield* parseHeaders(flags.header))
})

const connectTo = (
  McpSource: typeof McpSourceModule,
  resolved: Target,
  options: McpClient.Options,
  auth: Layer.Layer<never, unknown> | undefined
) =>
  Effect.gen(function*() {
    const McpClient = yield* Effect.promise(() => import("@effect-mcp/core/McpClient"))
    switch (resolved._tag) {
      case "Single": {
        const transport = McpSource.layerNode(resolved.source)
        return yield* McpClient.connect(auth === undefined ? transport : Layer.provide(transport, auth), options)
      }
      case "Named": {
        const servers = yield* McpSource.servers(resolved.config)
        const server = servers[resolved.name]
        if (server === undefined) return yield* usage(`the server "${resolved.name}" is disabled`)
        return yield* McpClient.connect(server.transport, { ...options, ...server.client })
      }
      case "Config": {
        const context = yield* Layer.build(McpSource.layerConfig(resolved.config, { client: options }))
        return Context.get(context, McpClient.McpClient)
      }
    }
  })
