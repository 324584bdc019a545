/**
 * Streamable HTTP: every client against the same server (the official SDK's, `servers/http-server.ts`, with
 * sessions), once answering with JSON bodies and once with SSE streams; each client in a fresh process.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { HTTP_CLIENTS } from "./clients.ts"
import { compare, type Comparison } from "./compare.ts"
import { quick } from "./harness.ts"

const startServer = (mode: "json" | "sse") =>
  new Promise<{ url: string; stop: () => void }>((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL("./servers/http-server.ts", import.meta.url))], {
      env: { ...process.env, MODE: mode },
      stdio: ["ignore", "pipe", "inherit"]
    })
    child.stdout.on("data", (chunk: Buffer) => {
      const port = /listening (\d+)/.exec(String(chunk))?.[1]
      if (port !== undefined) resolve({ url: `http://127.0.0.1:${port}/mcp`, stop: () => child.kill() })
    })
  })

const counts = {
  cold: quick ? 3 : 5,
  sequential: quick ? 200 : 1000,
  total: quick ? 2000 : 10_000,
  bigRounds: quick ? 5 : 10
}

/** For each of JSON and SSE: about 30 s a round on a quiet 2-core machine, 5 rounds. */
const BUDGET_SECONDS = 150

export const run = async (): Promise<Array<Comparison>> => {
  const results: Array<Comparison> = []
  for (const mode of ["json", "sse"] as const) {
    const { url, stop } = await startServer(mode)
    const title = `Streamable HTTP, ${mode === "json" ? "JSON" : "SSE"} answers`
    results.push(await compare(title, { kind: "http", url }, HTTP_CLIENTS, counts, BUDGET_SECONDS).finally(stop))
  }
  return results
}
