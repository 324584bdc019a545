/**
 * A transport inferred from a source, as the FastMCP client does: an `http(s)://` URL is Streamable
 * HTTP (or the legacy HTTP+SSE transport when its path ends in `/sse`); anything else is a local server
 * run over stdio: a script (`server.py`, `server.js`, `server.ts`), a command line
 * (`"npx -y @modelcontextprotocol/server-everything"`, `"uvx mcp-server-fetch"`) or an argument list.
 *
 * A configuration is a source too: an object (`{ mcpServers: { … } }`, or any format `McpConfig`
 * decodes) or the path of a configuration file (`.json`, `.jsonc`, `.toml`, `.yaml`). {@link layerFrom}
 * takes every kind of source and provides one `McpClient` (a router over the servers, see
 * `McpRouter`): the front door's single entry, also reachable as `McpClient.layerFrom`.
 *
 * **Example** (One program, any server)
 *
 * ```ts
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Console, Effect, Layer } from "effect"
 * import { McpClient, McpSource } from "effect-mcp"
 *
 * const source = process.argv[2] ?? "server.py"
 *
 * Effect.gen(function*() {
 *   const client = yield* McpClient.McpClient
 *   yield* Console.log((yield* client.listTools()).map((tool) => tool.name))
 * }).pipe(
 *   Effect.provide(McpClient.layer().pipe(Layer.provide(McpSource.layerNode(source)))),
 *   NodeRuntime.runMain
 * )
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
// the packages' indexes, not their modules: the front door loads them anyway, and each module path is one more file
import { McpClient, McpConfig, McpRouter } from "@effect-mcp/core"
import type * as McpError from "@effect-mcp/core/McpError"
import type { McpTransport } from "@effect-mcp/core/McpTransport"
import { McpHttpTransport } from "@effect-mcp/transport-http"
import { McpStdioTransport } from "@effect-mcp/transport-stdio"
import type * as McpStdioCommand from "@effect-mcp/transport-stdio/McpStdioCommand"
import type * as NodeServices from "@effect/platform-node/NodeServices"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as ConfigServers from "./internal/configServers.ts"
import * as OAuth from "./internal/oauth.ts"
import * as McpConfigFile from "./McpConfigFile.ts"

/**
 * Options of {@link layer}: those of the transport the source implies.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Options {
  readonly http?: Omit<McpHttpTransport.Options, "url"> | undefined
  readonly stdio?: (Omit<McpStdioTransport.Options, "command" | "args"> & McpStdioCommand.InferOptions) | undefined
}

/**
 * Tells whether a source names a remote server (an `http:` or `https:` URL).
 *
 * @stability experimental
 * @category guards
 * @since 0.1.0
 */
export const isUrl = (source: string | ReadonlyArray<string>): source is string =>
  typeof source === "string" && /^https?:\/\//i.test(source.trim())

/**
 * The transport a source implies. Needs an `HttpClient` for URLs (see {@link layerNode} for Node's);
 * a local server's transport needs nothing.
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = (
  source: string | ReadonlyArray<string>,
  options?: Options
): Layer.Layer<McpTransport, never, HttpClient.HttpClient> =>
  isUrl(source)
    ? McpHttpTransport.layerUrl(source.trim(), options?.http)
    : McpStdioTransport.layerSource(source, options?.stdio)

/**
 * {@link layer} with Node's HTTP client (undici) provided.
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layerNode = (source: string | ReadonlyArray<string>, options?: Options): Layer.Layer<McpTransport> =>
  isUrl(source)
    ? McpHttpTransport.layerUrl(source.trim(), options?.http).pipe(Layer.provide(nodeHttpClient))
    : McpStdioTransport.layerSource(source, options?.stdio)

// The Node platform is loaded when a layer is built, and only the part the source needs: importing
// this module costs no HTTP client or file-system code the program may never use.
const nodeHttpClient: Layer.Layer<HttpClient.HttpClient> = Layer.unwrap(
  Effect.promise(() => import("@effect/platform-node/NodeHttpClient")).pipe(
    Effect.map((module) => module.layerUndici)
  )
)

const nodeServices: Layer.Layer<NodeServices.NodeServices> = Layer.unwrap(
  Effect.promise(() => import("@effect/platform-node/NodeServices")).pipe(Effect.map((module) => module.layer))
)

/**
 * A client for the server a source names, with its transport, both in the caller's `Scope`: the
 * shortest way to talk to any server, and to hold several at once.
 *
 * **Example** (Two servers in one program)
 *
 * ```ts
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Console, Effect } from "effect"
 * import { McpSource } from "effect-mcp"
 *
 * Effect.gen(function*() {
 *   const local = yield* McpSource.connect("server.py")
 *   const remote = yield* McpSource.connect("https://example.com/mcp", { client: { timeout: "30 seconds" } })
 *   yield* Console.log((yield* local.listTools()).length, (yield* remote.listTools()).length)
 * }).pipe(Effect.scoped, NodeRuntime.runMain)
 * ```
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const connect = (
  source: string | ReadonlyArray<string>,
  options?: Options & { readonly client?: McpClient.Options | undefined }
): Effect.Effect<McpClient.McpClient["Service"], McpError.McpError, Scope.Scope> =>
  McpClient.connect(layerNode(source, options), options?.client)

// -----------------------------------------------------------------------------
// Configurations as sources
// -----------------------------------------------------------------------------

/**
 * Every kind of source: a URL, a script, a command line or an argument list (one server), a
 * configuration object, or the path of a configuration file (many servers).
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type Source = string | ReadonlyArray<string> | McpConfig.Input | Readonly<Record<string, unknown>>

/**
 * Options of {@link layerFrom} and {@link layerConfig}.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface FromOptions extends Options {
  /** Options of every server's client (a server's own `timeout`, `protocolVersion`, `connect` win). */
  readonly client?: McpClient.Options | undefined
  /** When a failed server is tried again. Default: `McpRouter.defaultRetry`. */
  readonly retry?: McpRouter.Options["retry"]
  /**
   * The OAuth layer of a server whose configuration asks for OAuth (`auth: "oauth"` or an OAuth
   * object): a layer that provides core's `McpAuth`, such as `McpOAuth.layer(...)` of
   * `@effect-mcp/auth`. Default: `McpOAuth.layer` with the server's OAuth object as its options, the
   * system browser and a loopback callback for the login (`McpLogin.layerBrowser`), and tokens in the
   * user's file store (`McpTokenStore.layerFile`).
   */
  readonly oauth?: ConfigServers.OAuthLayer | undefined
  /** The variables of `${NAME}` in a configuration. Default: this process's environment. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
  /** A name for a single server's source (its prefix nowhere, its key in `status`). Default: `"server"`. */
  readonly name?: string | undefined
}

/**
 * Tells whether a source names a configuration file: a path ending in `.json`, `.jsonc`, `.toml`,
 * `.yaml` or `.yml`.
 *
 * @stability experimental
 * @category guards
 * @since 0.3.0
 */
export const isConfigPath = (source: Source): boolean =>
  typeof source === "string" && /\.(jsonc?|toml|ya?ml)$/i.test(source.trim()) && !isUrl(source)

/** The one server a source names, or `undefined` for a configuration. */
const singleServer = (source: Source): string | ReadonlyArray<string> | undefined =>
  typeof source === "string"
    ? isConfigPath(source) ? undefined : source
    : Array.isArray(source)
    ? source as ReadonlyArray<string>
    : undefined

const defaultOAuth: ConfigServers.OAuthLayer = (server) => OAuth.layer(server, nodeServices)

/**
 * The router's servers of a decoded configuration (disabled ones left out), each with its own
 * transport (on Node's HTTP client for the remote ones): to put beside servers of your own (an
 * in-process one, say) in `McpRouter.layer`.
 *
 * **Details**
 *
 * Each server gets its own transport layer: its `env` (stdio) and `headers` and bearer token (HTTP,
 * through its own `McpAuth.layerHeaders`) reach that server only. A server that asks for OAuth gets
 * its own OAuth layer: the `oauth` option's, or the default (see `FromOptions.oauth`).
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const servers = (
  config: McpConfig.McpConfig,
  options?: FromOptions
): Effect.Effect<Record<string, McpRouter.ServerOptions<unknown>>, McpConfig.McpConfigError> =>
  Effect.map(ConfigServers.servers(config, { ...options, oauth: options?.oauth ?? defaultOAuth }), (all) => {
    const out: Record<string, McpRouter.ServerOptions<unknown>> = {}
    for (const [name, server] of Object.entries(all)) {
      out[name] = { ...server, transport: Layer.provide(server.transport, nodeHttpClient) }
    }
    return out
  })

/**
 * A router over the servers of a decoded configuration (see {@link servers}). Provides both
 * `McpRouter` and `McpClient`. Fails with `McpConfigError` or `McpRouterError`.
 *
 * @stability experimental
 * @category layers
 * @since 0.3.0
 */
export const layerConfig = (
  config: McpConfig.McpConfig,
  options?: FromOptions
): Layer.Layer<McpRouter.McpRouter | McpClient.McpClient, McpConfig.McpConfigError | McpRouter.McpRouterError> =>
  Layer.unwrap(Effect.map(servers(config, options), (all) => McpRouter.layer({ servers: all, retry: options?.retry })))

/**
 * The decoded configuration a configuration source stands for: an object decoded with `env`, or a
 * file read through Node's file system.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const config = (
  source: string | Readonly<Record<string, unknown>>,
  options?: Pick<FromOptions, "env">
): Effect.Effect<McpConfig.McpConfig, McpConfig.McpConfigError> =>
  typeof source === "string"
    ? McpConfigFile.read(source.trim(), { env: options?.env }).pipe(Effect.provide(nodeServices))
    : McpConfig.decode(source, { env: options?.env ?? process.env })

/**
 * The front door's one entry: an `McpClient` (and its `McpRouter`) for any source: a URL, a script, a
 * command, a configuration object or a configuration file.
 *
 * **Details**
 *
 * A single server is a router over that one server: no prefixes, and `status` works as for many. A
 * configuration is a router over its servers, with `{server}_{name}` tools and
 * `{scheme}://{server}/{rest}` resources once there are several. The layer fails with
 * `McpConfigError` for a configuration that cannot be read or decoded, and with `McpRouterError` when
 * no server connects or two claim one name.
 *
 * **Example** (One program, any source)
 *
 * ```ts
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Console, Effect } from "effect"
 * import { McpClient } from "effect-mcp"
 *
 * Effect.gen(function*() {
 *   const client = yield* McpClient.McpClient
 *   yield* Console.log((yield* client.listTools()).map((tool) => tool.name))
 * }).pipe(
 *   Effect.provide(McpClient.layerFrom(process.argv[2] ?? ".mcp.json")),
 *   NodeRuntime.runMain
 * )
 * ```
 *
 * @stability experimental
 * @category layers
 * @since 0.3.0
 */
export const layerFrom = (
  source: Source,
  options?: FromOptions
): Layer.Layer<McpRouter.McpRouter | McpClient.McpClient, McpConfig.McpConfigError | McpRouter.McpRouterError> => {
  const single = singleServer(source)
  return single === undefined
    ? Layer.unwrap(
      Effect.map(
        config(source as string | Readonly<Record<string, unknown>>, options),
        (decoded) => layerConfig(decoded, options)
      )
    )
    : McpRouter.layer({
      servers: { [options?.name ?? "server"]: { transport: layerNode(single, options), client: options?.client } },
      retry: options?.retry
    })
}
