/**
 * stdio: every client against the same server (the official SDK's, `servers/echo-server.ts`), each in a fresh
 * process, with the raw NDJSON client as the floor.
 */
import { fileURLToPath } from "node:url"
import { STDIO_CLIENTS } from "./clients.ts"
import { compare, type Comparison } from "./compare.ts"
import { quick } from "./harness.ts"

const target = {
  kind: "stdio",
  command: process.execPath,
  args: [fileURLToPath(new URL("./servers/echo-server.ts", import.meta.url))]
} as const

/** About 18 s a round on a quiet 2-core machine: 8 rounds. */
const BUDGET_SECONDS = 150

export const run = (): Promise<Array<Comparison>> =>
  compare("stdio", target, STDIO_CLIENTS, {
    cold: quick ? 3 : 5,
    sequential: quick ? 500 : 3000,
    total: quick ? 2000 : 10_000,
    bigRounds: quick ? 5 : 20
  }, BUDGET_SECONDS).then((comparison) => [comparison])
