import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Cli from "./fixtures/cli.ts"

// the demo server (examples/servers/demo-stdio.ts) as a child process, after `--`
const demo = ["--", process.execPath, Cli.demoServer]
const dir = mkdtempSync(join(tmpdir(), "effect-mcp-cli-"))
// a server that exits at once
const dead = join(dir, "dead.mjs")
writeFileSync(dead, "process.exit(3)\n")

const lines = (text: string) => text.split("\n").filter((line) => line.length > 0)

describe("effect-mcp (stdio)", () => {
  it.live("tools: a table of names and descriptions", () =>
    Effect.gen(function*() {
      const { code, stdout } = yield* Cli.run(["tools", ...demo])
      assert.strictEqual(code, 0)
      const rows = lines(stdout)
      assert.match(rows[0]!, /^name\s+description$/)
      assert.match(rows.find((row) => row.startsWith("add "))!, /^add\s+Add two numbers$/)
      assert.isTrue(rows.some((row) => row.startsWith("forecast ")))
    }))

  it.live("tools --json and --output json print the listed tools", () =>
    Effect.gen(function*() {
      for (const flag of [["--json"], ["--output", "json"]]) {
        const { code, stdout } = yield* Cli.run(["tools", ...flag, ...demo])
        assert.strictEqual(code, 0)
        const tools = JSON.parse(stdout) as ReadonlyArray<{ name: string; inputSchema: object }>
        assert.deepStrictEqual(tools.find((tool) => tool.name === "add")?.inputSchema && "ok", "ok")
        assert.includeMembers(tools.map((tool) => tool.name), ["add", "divide", "forecast", "signup"])
      }
    }))

  it.live("info: the server, the negotiated revision and the capabilities", () =>
    Effect.gen(function*() {
      const text = yield* Cli.run(["info", ...demo])
      assert.strictEqual(text.code, 0)
      assert.match(text.stdout, /server:\s+demo-server 1\.0\.0/)
      assert.match(text.stdout, /protocol:\s+2025-11-25 \(stateful\)/)
      assert.match(text.stdout, /capabilities:.*tools/)
      const json = JSON.parse((yield* Cli.run(["info", "--output", "json", ...demo])).stdout)
      assert.strictEqual(json.protocolVersion, "2025-11-25")
      assert.deepStrictEqual(json.serverInfo, { name: "demo-server", version: "1.0.0" })
    }))

  it.live("call: key=value arguments coerced by the input schema, --args JSON", () =>
    Effect.gen(function*() {
      const add = yield* Cli.run(["call", "add", "a=1.5", "b=2", ...demo])
      assert.deepStrictEqual([add.code, JSON.parse(add.stdout)], [0, { sum: 3.5 }])
      const json = yield* Cli.run(["call", "add", "--args", "{\"a\":1,\"b\":2}", "b=40", ...demo])
      assert.deepStrictEqual([json.code, JSON.parse(json.stdout)], [0, { sum: 41 }])
      const full = yield* Cli.run(["call", "add", "a=1", "b=2", "--output", "json", ...demo])
      assert.deepStrictEqual(JSON.parse(full.stdout).structuredContent, { sum: 3 })
    }))

  it.live("call: a tool error exits 1 with one line on stderr", () =>
    Effect.gen(function*() {
      const { code, stderr, stdout } = yield* Cli.run(["call", "divide", "a=1", "b=0", ...demo])
      assert.strictEqual(code, 1)
      assert.strictEqual(stdout, "")
      assert.deepStrictEqual(lines(stderr), ["effect-mcp: tool divide failed: \"cannot divide by zero\""])
    }))

  it.live("bad command lines exit 2 with one line", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, RegExp]> = [
        [["tool", ...demo], /Unknown subcommand "tool"/],
        [["tools", "--bogus", ...demo], /Unrecognized flag: --bogus/],
        [["call", "add", "a=1", ...demo], /the tool add needs b=…/],
        [["call", "add", "a=1", "b=[1]", ...demo], /argument b: "\[1\]" is not/],
        [["call", "add", "a", ...demo], /expected key=value, got "a"/],
        [["call", "nope", ...demo], /no tool named "nope"/],
        [["call", ...demo], /Missing required argument: tool/],
        [["tools", "--output", "yaml", ...demo], /--output/],
        [["tools", "--server", "x.py", ...demo], /name the server once/]
      ]
      for (const [args, message] of cases) {
        const { code, stderr } = yield* Cli.run(args)
        assert.strictEqual(code, 2, args.join(" "))
        assert.strictEqual(lines(stderr).length, 1, stderr)
        assert.match(stderr, message)
        assert.match(stderr, /^effect-mcp: /)
      }
    }))

  it.live("a server that exits at once: exit 1 with a clear line", () =>
    Effect.gen(function*() {
      const { code, stderr } = yield* Cli.run(["tools", "--", process.execPath, dead])
      assert.strictEqual(code, 1)
      assert.deepStrictEqual(lines(stderr), [
        `effect-mcp: The MCP server "${process.execPath} ${dead}" exited with code 3`
      ])
    }))

  it.live("resources, templates, read, prompts, get, complete, ping", () =>
    Effect.gen(function*() {
      const resources = yield* Cli.run(["resources", ...demo])
      assert.match(resources.stdout, /docs:\/\/readme\s+readme\s+text\/markdown/)
      const templates = yield* Cli.run(["templates", "--output", "markdown", ...demo])
      assert.include(templates.stdout, "| docs://cities/{param0} | city | Facts about a city |")
      const read = yield* Cli.run(["read", "docs://readme", ...demo])
      assert.strictEqual(read.stdout, "# Demo server\nAn Effect McpServer running in the same process as its client.\n")
      const file = join(dir, "readme.md")
      const saved = yield* Cli.run(["read", "docs://cities/Oslo", "-o", file, ...demo])
      assert.strictEqual(saved.code, 0)
      assert.strictEqual(readFileSync(file, "utf8"), "Oslo: a fine place to be.")
      const prompts = yield* Cli.run(["prompts", ...demo])
      assert.match(prompts.stdout, /trip-plan\s+city days\s+Plan a trip/)
      const get = yield* Cli.run(["get", "trip-plan", "city=Oslo", "days=3", ...demo])
      assert.strictEqual(get.stdout, "user: Plan a 3-day trip to Oslo. Use the forecast tool.\n")
      const complete = yield* Cli.run(["complete", "--template", "docs://cities/{param0}", "param0", "O", ...demo])
      assert.deepStrictEqual(lines(complete.stdout), ["Oslo", "Osaka", "Ottawa"])
      const ping = yield* Cli.run(["ping", ...demo])
      assert.deepStrictEqual([ping.code, ping.stdout], [0, "pong\n"])
    }), { timeout: 60_000 })

  it.live("server logs go to stderr with their levels; progress is a line per report off a terminal", () =>
    Effect.gen(function*() {
      const diagnose = yield* Cli.run(["call", "diagnose", ...demo])
      assert.strictEqual(diagnose.stdout, "self-check done: 1 warning, 1 error\n")
      assert.include(diagnose.stderr, "[warning] demo-server/selfcheck: {\"cache\":\"cold\",\"hitRate\":0.12}")
      assert.include(diagnose.stderr, "[error] demo-server/selfcheck: clock skew 2s")
      const forecast = yield* Cli.run(["call", "forecast", "city=Oslo", "days=3", ...demo])
      assert.strictEqual(forecast.code, 0)
      assert.deepStrictEqual(lines(forecast.stderr).filter((line) => line.startsWith("progress: ")).length, 3)
      assert.include(forecast.stderr, "3/3 day 3 of 3")
    }))

  it.live("elicitation without a terminal is declined, with a line on stderr", () =>
    Effect.gen(function*() {
      const { code, stderr, stdout } = yield* Cli.run(["call", "signup", ...demo])
      assert.strictEqual(code, 0)
      assert.strictEqual(stdout, "no sign-up (decline)\n")
      assert.include(stderr, "declined the server's request for input (\"Sign up for the weekly forecast?\")")
    }))

  it.live(
    "list: every configured server with its health; --exit-code fails when one is down",
    () =>
      Effect.gen(function*() {
        const config = join(dir, "mcp.json")
        writeFileSync(
          config,
          JSON.stringify({
            mcpServers: {
              good: { command: process.execPath, args: [Cli.demoServer] },
              dead: { command: process.execPath, args: [dead] }
            }
          })
        )
        const plain = yield* Cli.run(["list", "--config", config])
        assert.strictEqual(plain.code, 0)
        assert.match(plain.stdout, /good\s+ok\s+demo-server 1\.0\.0, 2025-11-25/)
        assert.match(plain.stdout, /dead\s+failed\s+.*exited with code 3/)
        const checked = yield* Cli.run(["list", "--exit-code", "--config", config])
        assert.strictEqual(checked.code, 1)
        assert.include(checked.stderr, "1 of 2 servers unhealthy: dead")
        const json = JSON.parse((yield* Cli.run(["list", "--json", "--config", config])).stdout)
        assert.deepStrictEqual(json.map((entry: { server: string; status: string }) => [entry.server, entry.status]), [
          ["good", "ok"],
          ["dead", "failed"]
        ])
        // a server of the file by name
        const named = yield* Cli.run(["call", "add", "a=2", "b=3", "--config", config, "--server", "good"])
        assert.deepStrictEqual([named.code, named.stdout], [0, "{\"sum\":5}\n"])
      }),
    { timeout: 60_000 }
  )

  it.live("codegen: a module of the tools to stdout or a file; --include narrows it, an unknown name exits 2", () =>
    Effect.gen(function*() {
      const printed = yield* Cli.run(["codegen", ...demo])
      assert.strictEqual(printed.code, 0)
      assert.include(printed.stdout, `from "effect-mcp"`)
      assert.match(printed.stdout, /\* Add two numbers/)
      assert.match(printed.stdout, /export const add = /)
      assert.match(printed.stdout, /export const forecast = /)
      const file = join(dir, "tools.ts")
      const written = yield* Cli.run(["codegen", "-o", file, "--include", "add", "--client-module", "my-mcp", ...demo])
      assert.strictEqual(written.code, 0)
      assert.strictEqual(written.stdout, "")
      assert.include(written.stderr, `wrote ${file}`)
      const source = readFileSync(file, "utf8")
      assert.include(source, `from "my-mcp"`)
      assert.match(source, /export const add = /)
      assert.notMatch(source, /export const forecast = /)
      const unknown = yield* Cli.run(["codegen", "--include", "nope", ...demo])
      assert.strictEqual(unknown.code, 2)
      assert.lengthOf(lines(unknown.stderr), 1)
      assert.include(unknown.stderr, `No tool named "nope"`)
    }))

  it.live("--help describes every command", () =>
    Effect.gen(function*() {
      const root = yield* Cli.run(["--help"])
      assert.strictEqual(root.code, 0)
      for (
        const name of [
          "info",
          "tools",
          "call",
          "resources",
          "templates",
          "read",
          "prompts",
          "get",
          "complete",
          "ping",
          "list",
          "codegen",
          "login",
          "logout"
        ]
      ) {
        assert.match(root.stdout, new RegExp(`\\n  ${name}\\s+\\S`))
      }
      const call = yield* Cli.run(["call", "--help"])
      assert.include(call.stdout, "--args")
      assert.include(call.stdout, "An argument of the tool")
    }))
})
