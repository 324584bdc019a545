/**
 * `npm run conformance`: the client scenarios of the official conformance suite against
 * `conformance/client.ts`, one at a time, with the expected failures of `expected-failures.yaml`
 * (scenarios whose issue has not landed):
 *
 * - every dated scenario of the stable release (`@modelcontextprotocol/conformance`);
 * - the 2026-07-28 scenarios of the pre-release (`@modelcontextprotocol/conformance-next`, an npm
 *   alias of `0.2.0-alpha.12`), some at two revisions.
 *
 * Prints each run's result and the pass count; exits 1 when a scenario fails that is not expected to,
 * or passes while listed as expected to fail (so the list stays honest).
 */
import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { join } from "node:path"

const root = join(import.meta.dirname, "..")
// run the suite with this Node (24): its bin's shebang would pick whatever `node` is on PATH
const cliOf = (name: string) => join(root, "node_modules", "@modelcontextprotocol", name, "dist", "index.js")
const stable = cliOf("conformance")
const next = cliOf("conformance-next")
const conformance = (args: ReadonlyArray<string>, cli = stable) =>
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

/** One run: a scenario of a release, with extra flags (a revision to run it at). */
interface Run {
  readonly scenario: string
  readonly cli: string
  readonly flags: ReadonlyArray<string>
}

const runs: Array<Run> = [
  ...scenarios.map((scenario) => ({ scenario, cli: stable, flags: [] })),
  // revision 2026-07-28 (the pre-release picks that revision for the scenarios introduced in it)
  ...[
    "request-metadata",
    "http-standard-headers",
    "http-custom-headers",
    "http-invalid-tool-headers",
    "sep-2322-client-request-state",
    "json-schema-ref-no-deref",
    "json-schema-2020-12-preservation"
  ].map((scenario) => ({ scenario, cli: next, flags: [] })),
  // the same scenarios at both eras
  ...["json-schema-2020-12-preservation", "tools_call"].map((scenario) => ({
    scenario,
    cli: next,
    flags: ["--spec-version", "2026-07-28"]
  })),
  // the skills extension
  ...["no-prefetch", "verify-digest", "verify-size", "verify-frontmatter"].map((name) => ({
    scenario: `sep-2640-client-${name}`,
    cli: next,
    flags: []
  }))
]

let passed = 0
const surprises: Array<string> = []
for (const { cli, flags, scenario } of runs) {
  const run = conformance([
    "client",
    "--command",
    `${process.execPath} conformance/client.ts`,
    "--scenario",
    scenario,
    "--timeout",
    "30000",
    ...flags
  ], cli)
  // the suite reports on stderr
  const output = `${run.stdout}\n${run.stderr}`
  const counts = /Passed: (\d+)\/(\d+)/.exec(output)
  // a run with no checks proved nothing (scenarios that allow a client error pass that way)
  const ok = run.status === 0 && /OVERALL: PASSED/.test(output) && counts !== null && counts[2] !== "0"
  const detail = counts === null ? "" : ` (checks ${counts[1]}/${counts[2]})`
  const label = [cli === next ? "next:" : "", scenario, ...flags.map((flag) => ` ${flag}`)].join("")
  if (ok) passed++
  const isExpected = expected.has(scenario)
  const verdict = ok
    ? (isExpected ? "PASS (listed as expected to fail)" : "pass")
    : isExpected
    ? "fail (expected)"
    : "FAIL"
  console.log(`${verdict.padEnd(34)} ${label}${detail}`)
  if (ok === isExpected) {
    surprises.push(label)
    if (!ok) {
      const lines = output.split("\n")
      console.log(lines.filter((line) => /FAILURE|WARNING|ERROR|Error/.test(line)).slice(0, 10).join("\n"))
    }
  }
}
console.log(`\nconformance: ${passed}/${runs.length} client scenario runs passed, ${expected.size} expected to fail`)
if (surprises.length > 0) {
  console.log(`unexpected results: ${surprises.join(", ")}`)
  process.exitCode = 1
}
