/**
 * A transport inferred from a source, as the FastMCP client does: an `http(s)://` URL is Streamable
 * HTTP (or the legacy HTTP+SSE transport when its path ends in `/sse`); anything else is a local server
 * run over stdio: a script (`server.py`, `server.js`, `server.ts`), a command line
 * (`"npx -y @modelcontextprotocol/server-everything"`, `"uvx mcp-server-fetch"`) or an argument list.
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
import * as McpClient from "@effect-mcp/core/McpClient"
import type * as McpError from "@effect-mcp/core/McpError"
import type { McpTransport } from "@effect-mcp/core/McpTransport"
import * as McpHttpTransport from "@effect-mcp/transport-http/McpHttpTransport"
import type * as McpStdioCommand from "@effect-mcp/transport-stdio/McpStdioCommand"
import * as McpStdioTransport from "@effect-mcp/transport-stdio/McpStdioTransport"
import * as Effect from "effect/Effect"
import type * as FileSystem from "effect/FileSystem"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import type * as ChildProcessSpawner from "effect/process/ChildProcessSpawner"
import type * as Scope from "effect/Scope"

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
 * The transport a source implies. Needs an `HttpClient` for URLs, and a `ChildProcessSpawner` and a
 * `FileSystem` for local servers (see {@link layerNode} for all three on Node).
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = (
  source: string | ReadonlyArray<string>,
  options?: Options
): Layer.Layer<
  McpTransport,
  never,
  HttpClient.HttpClient | ChildProcessSpawner.ChildProcessSpawner | FileSystem.FileSystem
> =>
  isUrl(source)
    ? McpHttpTransport.layerUrl(source.trim(), options?.http)
    : McpStdioTransport.layerSource(source, options?.stdio) as Layer.Layer<
      McpTransport,
      never,
      ChildProcessSpawner.ChildProcessSpawner | FileSystem.FileSystem
    >

/**
 * {@link layer} with Node's HTTP client (undici) and process services provided.
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layerNode = (source: string | ReadonlyArray<string>, options?: Options): Layer.Layer<McpTransport> =>
  isUrl(source)
    ? McpHttpTransport.layerUrl(source.trim(), options?.http).pipe(Layer.provide(nodeHttpClient))
    : McpStdioTransport.layerSource(source, options?.stdio).pipe(Layer.provide(nodeServices))

// The Node platform is loaded when a layer is built, and only the part the source needs: importing
// this module costs no HTTP client, child-process or file-system code the program may never use.
const nodeHttpClient: Layer.Layer<HttpClient.HttpClient> = Layer.unwrap(
  Effect.promise(() => import("@effect/platform-node/NodeHttpClient")).pipe(
    Effect.map((module) => module.layerUndici)
  )
)

const nodeServices: Layer.Layer<ChildProcessSpawner.ChildProcessSpawner | FileSystem.FileSystem> = Layer.unwrap(
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
