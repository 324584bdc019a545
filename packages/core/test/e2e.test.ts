/**
 * The end-to-end suite over the in-memory transport: each server runs in this process, reading what the
 * client writes from an in-memory `Stdio` (where the suite records it) and writing its answers back.
 */
import * as McpInMemoryTransport from "@effect-mcp/core/McpInMemoryTransport"
import { StdioServerTransport as Sdk1StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js"
import { serveStdio, StdioServerTransport as Sdk2StdioServerTransport } from "@modelcontextprotocol/server/stdio"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as EffectServer from "./e2e/servers/effect.ts"
import * as NodeStdio from "./e2e/servers/NodeStdio.ts"
import * as Sdk1 from "./e2e/servers/sdk1.ts"
import * as Sdk2 from "./e2e/servers/sdk2.ts"
import { e2eSuite } from "./e2e/suite.ts"
import * as Wire from "./e2e/wire.ts"

e2eSuite("in-memory", {
  sdk2: (record) =>
    McpInMemoryTransport.layer(
      NodeStdio.layer((stdin, stdout) => {
        const handle = serveStdio(Sdk2.makeFactory(), { transport: new Sdk2StdioServerTransport(stdin, stdout) })
        return Promise.resolve(() => handle.close())
      }).pipe(Layer.provide(Wire.recordStdin(record)))
    ),
  sdk1: (record) =>
    McpInMemoryTransport.layer(
      NodeStdio.layer(async (stdin, stdout) => {
        const server = Sdk1.makeServer()
        await server.connect(new Sdk1StdioServerTransport(stdin, stdout))
        return () => server.close()
      }).pipe(Layer.provide(Wire.recordStdin(record)))
    ),
  effect: ({ emit, era, record }) =>
    McpInMemoryTransport.layer(
      EffectServer.layerStdio({ era, emit: (event) => Effect.sync(() => emit(event)) }).pipe(
        Layer.provide(Wire.recordStdin(record))
      )
    )
})
