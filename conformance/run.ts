/**
 * `npm run conformance`: the client scenarios of the official conformance suite against
 * `conformance/client.ts`, one at a time, with the expected failures of `expected-failures.yaml`
 * (scenarios whose issue has not landed):
 *
 * - every dated scenario of the stable release (`@modelcontextprotocol/conformance`), and its
 *   draft `auth/*` scenarios;
 * - the 2026-07-28 scenarios of the pre-release (`@modelcontextprotocol/conformance-next`, an npm
 *   alias of `0.2.0-alpha.12`), some at two revisions: every `auth/*` scenario introduced in
 *   2026-07-28 (found in its list), and the ones named here;
 * - the `[extension]` scenarios named in `extensions` (of either release).
 *
 * Runs `CONFORMANCE_JOBS` scenarios at a time (default 3). Prints each run's result and the pass count; exits 1 when a scenario fails that is not expected to,
 * or passes while listed as expected to fail (so the list stays honest).
 */
import { spawn, spawnSync } from "node:child_process"
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

/** The client scenarios a release lists, with their tags (revisions, `draft`, `extension`). */
const listOf = (cli: string) =>
  conformance(["list", "--client"], cli).stdout
    .split("\n")
    .map((line) => /^\s*-\s*(\S+)\s*\[([^\]]*)\]/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ scenario: match[1]!, tags: match[2]!.split(",") }))

const stableListed = listOf(stable)
const nextListed = listOf(next)
const scenarios = [
  // the core suite: dated revisions
  ...stableListed.filter(({ tags }) => tags.some((tag) => /\d{4}-\d{2}-\d{2}/.test(tag))),
  // the draft auth scenarios (resource-mismatch, offline-access-*)
  ...stableListed.filter(({ scenario, tags }) => scenario.startsWith("auth/") && tags.includes("draft"))
].map(({ scenario }) => scenario)

/**
 * `[extension]` scenarios to run, by release: extensions are opt-in, so each is named here (the
 * machine credentials, enterprise-managed authorization, DPoP and workload identity add theirs).
 */
const extensions: { readonly stable: ReadonlyArray<string>; readonly next: ReadonlyArray<string> } = {
  stable: ["auth/client-credentials-jwt", "auth/client-credentials-basic", "auth/cross-app-access-complete-flow"],
  next: [
    "auth/client-credentials-jwt",
    "auth/client-credentials-basic",
    "auth/enterprise-managed-authorization",
    "auth/dpop",
    "auth/dpop-nonce",
    "auth/wif-jwt-bearer"
  ]
}
const listedAs = (listed: ReadonlyArray<{ readonly scenario: string }>, names: ReadonlyArray<string>) => {
  const unknown = names.filter((name) => !listed.some(({ scenario }) => scenario === name))
  if (unknown.length > 0) throw new Error(`not listed by the suite: ${unknown.join(", ")}`)
  return names
}

/** One run: a scenario of a release, with extra flags (a revision to run it at). */
interface Run {
  readonly scenario: string
  readonly cli: string
  readonly flags: ReadonlyArray<string>
}

const runs: Array<Run> = [
  ...scenarios.map((scenario) => ({ scenario, cli: stable, flags: [] })),
  ...listedAs(stableListed, extensions.stable).map((scenario) => ({ scenario, cli: stable, flags: [] })),
  // the auth scenarios introduced in 2026-07-28 (issuer checks, migration, offline access…)
  ...nextListed
    .filter(({ scenario, tags }) => scenario.startsWith("auth/") && tags.length === 1 && tags[0] === "2026-07-28")
    .map(({ scenario }) => ({ scenario, cli: next, flags: [] })),
  ...listedAs(nextListed, extensions.next).map((scenario) => ({ scenario, cli: next, flags: [] })),
  // the scope union on re-authorization is checked at 2026-07-28 only
  { scenario: "auth/scope-step-up", cli: next, flags: ["--spec-version", "2026-07-28"] },
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

/** Runs one scenario in a child process; resolves with its exit status and output. */
const runOne = ({ cli, flags, scenario }: Run) =>
  new Promise<{ readonly status: number | null; readonly output: string }>((resolve) => {
    const child = spawn(process.execPath, [
      cli,
      "client",
      "--command",
      `${process.execPath} conformance/client.ts`,
      "--scenario",
      scenario,
      "--timeout",
      "30000",
      ...flags
    ], { cwd: root, env: { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}` } })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.on("close", (status) => resolve({ status, output }))
  })

// a few at once (each suite server listens on a free port): most of a run is waiting on processes
const jobs = Math.max(1, Number(process.env.CONFORMANCE_JOBS ?? 3))
const results: Array<Promise<{ readonly status: number | null; readonly output: string }>> = []
const pending: Array<Promise<unknown>> = []
for (const run of runs) {
  if (pending.length >= jobs) await Promise.race(pending)
  const result = runOne(run)
  results.push(result)
  const settled: Promise<unknown> = result.then(() => pending.splice(pending.indexOf(settled), 1))
  pending.push(settled)
}

let passed = 0
const surprises: Array<string> = []
for (const [index, { cli, flags, scenario }] of runs.entries()) {
  // the suite reports on stderr
  const { output, status } = await results[index]!
  const counts = /Passed: (\d+)\/(\d+)/.exec(output)
  // a run with no checks proved nothing (scenarios that allow a client error pass that way)
  const ok = status === 0 && /OVERALL: PASSED/.test(output) && counts !== null && counts[2] !== "0"
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
console.log(
  `\nconformance: ${passed}/${runs.length} client scenario runs passed, ${expected.size} expected to fail (${
    Math.round(performance.now() / 1000)
  } s)`
)
if (surprises.length > 0) {
  console.log(`unexpected results: ${surprises.join(", ")}`)
  process.exitCode = 1
}
