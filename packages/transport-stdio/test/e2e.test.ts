/**
 * The end-to-end suite over stdio: every server is a child process, the client's messages are recorded
 * as they are written to its stdin.
 */
import * as McpStdioCommand from "@effect-mcp/transport-stdio/McpStdioCommand"
import * as Layer from "effect/Layer"
import { fileURLToPath } from "node:url"
import { e2eSuite } from "../../core/test/e2e/suite.ts"
import * as E2e from "./fixtures/e2e.ts"

const everything = McpStdioCommand.infer(
  fileURLToPath(import.meta.resolve("@modelcontextprotocol/server-everything/dist/index.js")),
  { node: process.execPath, args: ["stdio"] }
)

e2eSuite("stdio", {
  sdk2: (record) => E2e.transport(E2e.server("sdk2"), record),
  sdk1: (record) => E2e.transport(E2e.server("sdk1"), record),
  effect: ({ emit, era, record }) =>
    E2e.effectEvents(emit).pipe(
      Layer.provideMerge(E2e.transport({ ...E2e.server("effect", era), stderr: "stream" }, record))
    ),
  everything: (record) => E2e.transport(everything, record)
})
