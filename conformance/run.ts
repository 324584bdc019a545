/**
 * `npm run conformance`: every client scenario of the official conformance suite
 * (`@modelcontextprotocol/conformance`) against `conformance/client.ts`, one at a time, with the
 * expected failures of `expected-failures.yaml` (scenarios whose issue has not landed). Prints each
 * scenario's result and the pass count; exits 1 when a scenario fails that is not expected to, or
 * passes while listed as expected to fail (so the list stays honest).
 */
import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"

const root = join(import.meta.dirname, "..")
// run the suite with this Node (24): its bin's shebang would pick whatever `node` is on PATH
const cli = join(root, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js")
const conformance = (args: ReadonlyArray<string>) =>
  spawnSync(process.execPath, [cli, ...args], {
    encoding: "utf8",
    cwd: root,
    env: { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}` }
  })
const expected = new Set(
  readFileSync(join(import.meta.dirname, "expected-failures.yaml"), "utf8")
    .split("\n")
    .map((line) => /^\s*-\s*(\S+)/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined)
)

const listed = conformance(["list", "--client"])
const scenarios = listed.stdout
  .split("\n")
  .map((line) => /^\s*-\s*(\S+)\s*\[([^\]]*)\]/.exec(line))
  .filter((match): match is RegExpExecArray => match !== null)
  // the core suite: dated revisions (draft and extension scenarios are run by later issues)
  .filter((match) => /\d{4}-\d{2}-\d{2}/.test(match[2]!))
  .map((match) => match[1]!)

let passed = 0
const surprises: Array<string> = []
for (const scenario of scenarios) {
  const run = conformance([
    "client",
    "--command",
    `${process.execPath} conformance/client.ts`,
    "--scenario",
    scenario,
    "--timeout",
    "30000"
  ])
  // the suite reports on stderr
  const output = `${run.stdout}\n${run.stderr}`
  const ok = run.status === 0 && /OVERALL: PASSED/.test(output)
  const counts = /Passed: (\d+)\/(\d+)/.exec(output)
  const detail = counts === null ? "" : ` (checks ${counts[1]}/${counts[2]})`
  if (ok) passed++
  const isExpected = expected.has(scenario)
  const verdict = ok
    ? (isExpected ? "PASS (listed as expected to fail)" : "pass")
    : isExpected
    ? "fail (expected)"
    : "FAIL"
  console.log(`${verdict.padEnd(34)} ${scenario}${detail}`)
  if (ok === isExpected) {
    surprises.push(scenario)
    if (!ok) {
      const lines = output.split("\n")
      console.log(lines.filter((line) => /FAILURE|WARNING|ERROR|Error/.test(line)).slice(0, 10).join("\n"))
    }
  }
}
console.log(`\nconformance: ${passed}/${scenarios.length} client scenarios passed, ${expected.size} expected to fail`)
if (surprises.length > 0) {
  console.log(`unexpected results: ${surprises.join(", ")}`)
  process.exitCode = 1
}
