/**
 * The demo server over this process's real stdin and stdout: what a stdio transport launches.
 * `node examples/servers/demo-stdio.ts`
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Layer } from "effect"
import { DemoServer } from "../DemoServer.ts"

process.stderr.write(`demo-stdio server started (pid ${process.pid})\n`)
DemoServer.pipe(Layer.provide(NodeServices.layer), Layer.launch, NodeRuntime.runMain)
