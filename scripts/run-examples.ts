/**
 * Runs every `examples/NN_name.ts` in order with this Node (24, type stripping), one child process each.
 * Prints name, exit code and duration; shows stdout/stderr of failures; exits 1 if any failed.
 *
 * Usage: `node scripts/run-examples.ts [filter]` (filter: substring of the file name).
 */
import { spawnSync } from "node:child_process"
import { existsSync, readdirSync } from "node:fs"
import { join, resolve } from "node:path"

const TIMEOUT_MS = 60_000
const root = resolve(import.meta.dirname, "..")
const examplesDir = join(root, "examples")
const filter = process.argv[2]

const examples = existsSync(examplesDir)
  ? readdirSync(examplesDir)
    .filter((name) => /^\d\d_.*\.ts$/.test(name) && !name.endsWith(".d.ts"))
    .filter((name) => filter === undefined || name.includes(filter))
    .sort()
  : []

interface Outcome {
  readonly name: string
  readonly ok: boolean
}

const indent = (text: string): string => text.trimEnd().split("\n").map((line) => `    ${line}`).join("\n")

const outcomes: Array<Outcome> = []
for (const name of examples) {
  const started = performance.now()
  const result = spawnSync(process.execPath, [join(examplesDir, name)], {
    cwd: root,
    env: process.env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: TIMEOUT_MS,
    killSignal: "SIGKILL",
    maxBuffer: 64 * 1024 * 1024
  })
  const seconds = ((performance.now() - started) / 1000).toFixed(2)
  const timedOut = result.error !== undefined && (result.error as NodeJS.ErrnoException).code === "ETIMEDOUT"
  const status = timedOut
    ? `timeout after ${TIMEOUT_MS / 1000}s`
    : result.error !== undefined
    ? `error: ${result.error.message}`
    : result.signal !== null
    ? `signal ${result.signal}`
    : `exit ${result.status}`
  const ok = result.error === undefined && result.status === 0
  outcomes.push({ name, ok })
  console.log(`${ok ? "ok  " : "FAIL"} ${name} (${status}, ${seconds}s)`)
  if (!ok) {
    if (result.stdout) console.log(`  stdout:\n${indent(result.stdout)}`)
    if (result.stderr) console.log(`  stderr:\n${indent(result.stderr)}`)
  }
}

const failed = outcomes.filter((o) => !o.ok)
if (examples.length === 0) {
  console.log("examples: none found (examples/NN_name.ts)")
} else if (failed.length > 0) {
  console.log(`examples: ${failed.length} of ${outcomes.length} failed: ${failed.map((o) => o.name).join(", ")}`)
  process.exitCode = 1
} else {
  console.log(`examples: all ${outcomes.length} passed`)
}
