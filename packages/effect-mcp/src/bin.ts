#!/usr/bin/env node
/**
 * The `effect-mcp` command line: `npx effect-mcp tools -- node server.js`, `effect-mcp call add a=1 b=2
 * -s https://example.com/mcp`, `effect-mcp list --exit-code`. Run `effect-mcp --help` for every command.
 * This module only starts the program: the commands live under `internal/cli/`, and what they need to
 * reach a server is imported when a command connects, so `--help` starts fast.
 *
 * @stability experimental
 * @since 0.3.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as Effect from "effect/Effect"
import * as Main from "./internal/cli/main.ts"

Main.run(process.argv.slice(2)).pipe(
  Effect.provide(NodeServices.layer),
  (program) => NodeRuntime.runMain(program, { disableErrorReporting: true, teardown: Main.teardown })
)
