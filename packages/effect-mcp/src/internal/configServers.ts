/**
 * A decoded configuration as the router's servers: each server's own transport layer, with its own
 * environment (stdio), headers and credentials (`McpAuth`, per server: nothing configured for one
 * server reaches another), and its own client options (timeout, protocol version, lazy connection).
 */
// the packages' indexes, not their modules: the front door loads them anyway, and each module path is one more file
import { McpAuth, McpConfig } from "@effect-mcp/core"
import type * as McpClient from "@effect-mcp/core/McpClient"
import type * as McpRouter from "@effect-mcp/core/McpRouter"
import type { McpTransport } from "@effect-mcp/core/McpTransport"
import { McpHttpTransport, McpSseTransport } from "@effect-mcp/transport-http"
import { McpStdioTransport } from "@effect-mcp/transport-stdio"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

/** What a server's transport needs: an HTTP client (a stdio server's transport needs nothing). */
export type Requirements = HttpClient.HttpClient

/** The OAuth layer of a server that asks for OAuth: it provides core's `McpAuth`. */
export type OAuthLayer = (server: McpConfig.HttpServer) => Layer.Layer<never, unknown, HttpClient.HttpClient>

/** Options the front door passes down. */
export interface Options {
  readonly client?: McpClient.Options | undefined
  readonly stdio?: Pick<McpStdioTransport.Options, "stderr" | "inheritEnv" | "shutdown"> | undefined
  readonly oauth?: OAuthLayer | undefined
}

const reveal = (record: Readonly<Record<string, Redacted.Redacted<string>>>) =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, Redacted.value(value)]))

const stdio = (server: McpConfig.StdioServer, options: Options): Layer.Layer<McpTransport, never, Requirements> =>
  McpStdioTransport.layer({
    ...options.stdio,
    command: server.command,
    args: server.args,
    env: reveal(server.env),
    cwd: server.cwd,
    keepAlive: server.keepAlive,
    name: server.name
  })

/** The server's credentials: its headers and bearer token (`Redacted`), or its OAuth layer. */
const auth = (
  server: McpConfig.HttpServer,
  options: Options
): Effect.Effect<Layer.Layer<never, unknown, HttpClient.HttpClient>, McpConfig.McpConfigError> => {
  if (server.auth?._tag === "OAuth") {
    return options.oauth === undefined
      ? Effect.fail(
        new McpConfig.McpConfigError({
          reason: new McpConfig.OAuthUnavailable({ file: server.file, server: server.name })
        })
      )
      : Effect.succeed(options.oauth(server))
  }
  const headers = server.auth?._tag === "Bearer"
    ? { ...server.headers, Authorization: Redacted.make(`Bearer ${Redacted.value(server.auth.token)}`) }
    : server.headers
  return Effect.succeed(McpAuth.layerHeaders(headers))
}

const http = (server: McpConfig.HttpServer, options: Options) =>
  Effect.map(auth(server, options), (credentials) => {
    const sse = server.transport === "sse" || (server.transport === undefined && McpHttpTransport.isSseUrl(server.url))
    const transport = sse
      ? McpSseTransport.layer({ url: server.url })
      : McpHttpTransport.layer({ url: server.url, sseFallback: server.transport === undefined })
    return transport.pipe(Layer.provide(credentials))
  })

const transportOf = (
  server: McpConfig.Server,
  options: Options
): Effect.Effect<Layer.Layer<McpTransport, unknown, Requirements>, McpConfig.McpConfigError> =>
  server._tag === "Stdio" ? Effect.succeed(stdio(server, options)) : http(server, options)

const clientOptions = (server: McpConfig.Server, options: Options): McpClient.Options => ({
  ...options.client,
  ...(server.timeout === undefined ? {} : { timeout: server.timeout }),
  ...(server.protocolVersion === undefined
    ? {}
    : { protocolVersion: server.protocolVersion as McpClient.ProtocolVersionOption }),
  connect: server.connect
})

/**
 * The router's servers of a configuration (disabled ones left out). Fails with `OAuthUnavailable` when
 * a server asks for OAuth and no `oauth` layer was given.
 */
export const servers = (
  config: McpConfig.McpConfig,
  options: Options
): Effect.Effect<
  Record<string, McpRouter.ServerOptions<unknown, Requirements>>,
  McpConfig.McpConfigError
> =>
  Effect.map(
    Effect.forEach(McpConfig.enabled(config), (server) =>
      Effect.map(
        Effect.all([transportOf(server, options), McpConfig.toolFilter(server)]),
        ([transport, tools]): readonly [string, McpRouter.ServerOptions<unknown, Requirements>] => [server.name, {
          transport,
          client: clientOptions(server, options),
          tools
        }]
      )),
    (entries) => Object.fromEntries(entries)
  )
