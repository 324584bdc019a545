/**
 * Runs one of the end-to-end suite's servers as a process:
 *
 *   node main.ts sdk1 stdio     the SDK v1 server over stdio
 *   node main.ts sdk2 stdio     the SDK v2 server over stdio
 *   node main.ts sdk2 http      the SDK v2 server over HTTP on 127.0.0.1 and a free port; prints
 *                               "LISTENING <url>", then serves until SIGTERM or SIGINT
 *   node main.ts effect stdio   Effect's McpServer over stdio, speaking the revisions of `EFFECT_ERA`
 *                               (stateless, both or stateful; default both), its events on stderr
 *
 * Each branch imports only what it runs, so that a process starts quickly. Test code: the SDKs' promises
 * are fine here.
 */
const [kind, mode] = process.argv.slice(2)

switch (`${kind} ${mode}`) {
  case "sdk1 stdio": {
    const Sdk1 = await import("./sdk1.ts")
    const { StdioServerTransport } = await import("@modelcontextprotocol/sdk/server/stdio.js")
    await Sdk1.makeServer().connect(new StdioServerTransport())
    break
  }
  case "sdk2 stdio": {
    const Sdk2 = await import("./sdk2.ts")
    const { serveStdio } = await import("@modelcontextprotocol/server/stdio")
    serveStdio(Sdk2.makeFactory())
    break
  }
  case "sdk2 http": {
    const Sdk2 = await import("./sdk2.ts")
    const { createMcpHandler } = await import("@modelcontextprotocol/server")
    const { localhostHostValidation, localhostOriginValidation, toNodeHandler } = await import(
      "@modelcontextprotocol/node"
    )
    const { createServer } = await import("node:http")
    const handler = createMcpHandler(Sdk2.makeFactory((uri) => handler.notify.resourceUpdated(uri)))
    const serve = toNodeHandler(handler)
    const validateHost = localhostHostValidation()
    const validateOrigin = localhostOriginValidation()
    const http = createServer((req, res) => {
      if (!validateHost(req, res) || !validateOrigin(req, res)) return
      if (new URL(req.url ?? "/", "http://localhost").pathname !== "/mcp") {
        res.writeHead(404).end()
        return
      }
      // NodeIncomingMessageLike declares `method?: string`, which exactOptionalPropertyTypes reads strictly.
      void serve(req as Parameters<typeof serve>[0], res)
    })
    http.listen(0, "127.0.0.1", () => {
      const address = http.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      process.stdout.write(`LISTENING http://127.0.0.1:${port}/mcp\n`)
    })
    const stop = () => {
      // close() ends open listen streams with their graceful result before the sockets go.
      void handler.close().finally(() => {
        http.closeAllConnections()
        http.close(() => process.exit(0))
      })
    }
    process.on("SIGTERM", stop)
    process.on("SIGINT", stop)
    break
  }
  case "effect stdio": {
    const EffectServer = await import("./effect.ts")
    const { NodeRuntime, NodeServices } = await import("@effect/platform-node")
    const Effect = await import("effect/Effect")
    const Layer = await import("effect/Layer")
    const era = (process.env.EFFECT_ERA ?? "both") as "stateless" | "both" | "stateful"
    EffectServer.layerStdio({
      era,
      emit: (event) =>
        Effect.sync(() => {
          process.stderr.write(EffectServer.eventPrefix + JSON.stringify(event) + "\n")
        })
    }).pipe(
      Layer.provide(NodeServices.layer),
      Layer.launch,
      NodeRuntime.runMain
    )
    break
  }
  default: {
    process.stderr.write("usage: main.ts sdk1 stdio | sdk2 stdio | sdk2 http | effect stdio\n")
    process.exit(2)
  }
}
