/**
 * A test kit: an {@link McpClient} connected to an Effect `McpServer` running in the same process.
 *
 * Use it to test your own servers through a real client (the full protocol, server→client traffic
 * included), or your own client code against a server you build in the test.
 *
 * **Example** (Testing a server's tools)
 *
 * ```ts
 * import { assert, it } from "@effect/vitest"
 * import { Effect } from "effect"
 * import { McpClient, McpClientTest } from "@effect-mcp/core"
 *
 * declare const MyServer: McpClientTest.ServerLayer
 *
 * it.layer(McpClientTest.layer(MyServer))("my server", (it) => {
 *   it.effect("lists its tools", () =>
 *     Effect.gen(function*() {
 *       const client = yield* McpClient.McpClient
 *       const tools = yield* client.listTools()
 *       assert.deepStrictEqual(tools.map((tool) => tool.name), ["add"])
 *     }))
 * })
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as McpClient from "./McpClient.ts"
import type { McpError } from "./McpError.ts"
import * as McpInMemoryTransport from "./McpInMemoryTransport.ts"
import { McpTransport } from "./McpTransport.ts"

/**
 * A server layer over `Stdio`, such as `McpServer.layerStdio({ … })`.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type ServerLayer<ROut = unknown, E = unknown> = McpInMemoryTransport.ServerLayer<ROut, E>

/**
 * Builds a client connected to a fresh instance of the server, in the current `Scope`.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const makeClient = <ROut, E>(
  server: ServerLayer<ROut, E>,
  options?: McpClient.Options
): Effect.Effect<McpClient.McpClient["Service"], McpError, Scope.Scope> =>
  McpClient.make(options).pipe(
    Effect.provideService(McpTransport, { connect: McpInMemoryTransport.connect(server) })
  )

/**
 * Provides an {@link McpClient.McpClient} connected to the server for as long as the layer lives.
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = <ROut, E>(
  server: ServerLayer<ROut, E>,
  options?: McpClient.Options
): Layer.Layer<McpClient.McpClient, McpError> =>
  McpClient.layer(options).pipe(Layer.provide(McpInMemoryTransport.layer(server)))
