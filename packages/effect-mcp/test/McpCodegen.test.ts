import { assert, describe, it, layer } from "@effect/vitest"
import { McpClient } from "effect-mcp"
import type { McpError, McpSchema } from "effect-mcp"
import * as McpCodegen from "effect-mcp/McpCodegen"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import ts from "typescript"
import * as Names from "../src/internal/codegen/names.ts"
import * as Fixtures from "./fixtures/codegen.ts"

/** The marker every fallback carries. */
const fallbackMarker = "// effect-mcp codegen: unsupported JSON Schema, falls back to Schema.Unknown"

/** The block of one tool, from its section comment to the next. */
const section = (source: string, tool: string): string => {
  const start = source.indexOf(`// ${JSON.stringify(tool)}\n`)
  assert.isAtLeast(start, 0, `no section for ${tool}`)
  const next = source.indexOf("\n// ---", source.indexOf("\n", source.indexOf("\n", start) + 1) + 1)
  return source.slice(start, next === -1 ? undefined : next)
}

/** Type assertions of the generated modules, compiled in the same `tsc` run. */
const usage = `import * as Effect from "effect/Effect"
import type { McpClient, McpError, McpSchema } from "effect-mcp"
import * as Edge from "./edge.ts"
import * as Everything from "./everything.ts"
import * as Sdk2 from "./sdk2.ts"

type Errors = McpError.McpError | McpError.McpToolError

export const structured: Effect.Effect<
  { readonly temperature: number; readonly conditions: string; readonly humidity: number },
  Errors,
  McpClient.McpClient
> = Everything.getStructuredContent({ location: "Chicago" })
// @ts-expect-error: not a location the schema lists
export const paris = Everything.getStructuredContent({ location: "Paris" })
export const sum: Effect.Effect<McpSchema.CallToolResult, Errors, McpClient.McpClient> = Everything.getSum({ a: 1, b: 2 })
export const added: Effect.Effect<{ readonly sum: number }, Errors, McpClient.McpClient> = Sdk2.add({ a: 1, b: 2 })
// @ts-expect-error: b is required
export const half = Sdk2.add({ a: 1 })
export const touched = Sdk2.touch()
export const tree: Edge.RefsOutput = { tree: { value: 1, children: [{ value: 2, children: [] }] } }
export const refs: Edge.RefsInput = { home: { street: "Main" } }
export const again: Edge.RefsAgainInput = { address: { zip: 1 } }
export const unknown: Edge.IfThenInput = 42
export const calls = [Edge.getWeather, Edge.getWeather2, Edge.aBC, Edge._123x, Edge.delete_, Edge.default_, Edge.effect, Edge.tool]
`

interface Generated {
  readonly dir: string
  readonly sources: Readonly<Record<"everything" | "sdk2" | "edge", string>>
  readonly tsc: { readonly code: number; readonly output: string }
}

class GeneratedModules extends Context.Service<GeneratedModules, Generated>()("test/McpCodegen/GeneratedModules") {}

const generateFrom = (transport: typeof Fixtures.everything) =>
  McpCodegen.fromClient().pipe(
    Effect.provide(McpClient.layer({ timeout: "20 seconds" })),
    Effect.provide(transport)
  )

/** Generates from both servers and the edge cases, writes the modules and compiles them once. */
const GeneratedLive = Layer.effect(
  GeneratedModules,
  Effect.gen(function*() {
    const dir = yield* Fixtures.tempDir
    const [everything, sdk2] = yield* Effect.all([generateFrom(Fixtures.everything), generateFrom(Fixtures.sdk2)], {
      concurrency: 2
    })
    const edge = yield* McpCodegen.fromTools([
      ...Fixtures.supported,
      ...Fixtures.unsupported,
      ...Fixtures.awkward,
      Fixtures.commentBreaker
    ])
    const sources = { everything, sdk2, edge }
    yield* Fixtures.writeAll(dir, { "everything.ts": everything, "sdk2.ts": sdk2, "edge.ts": edge, "usage.ts": usage })
    return { dir, sources, tsc: yield* Fixtures.tsc(dir) }
  })
)

const load = (dir: string, name: string) =>
  Effect.promise(() => import(pathToFileURL(join(dir, `${name}.ts`)).href) as Promise<Record<string, unknown>>)

type Call<I, A> = (input: I) => Effect.Effect<A, McpError.McpError | McpError.McpToolError, McpClient.McpClient>

const textOf = (result: McpSchema.CallToolResult): string =>
  result.content[0]?.type === "text" ? result.content[0].text : ""

layer(GeneratedLive, { timeout: "120 seconds", excludeTestServices: true })("generated modules", (it) => {
  it.effect("typecheck under the project's strict settings, with the types they promise", () =>
    Effect.gen(function*() {
      const { tsc } = yield* GeneratedModules
      assert.strictEqual(tsc.code, 0, tsc.output)
    }))

  it.effect("name the server and its revision in the header", () =>
    Effect.gen(function*() {
      const { sources } = yield* GeneratedModules
      assert.include(
        sources.everything,
        "of the MCP server mcp-servers/everything 2.0.0 (protocol revision 2025-11-25)"
      )
      assert.include(sources.sdk2, "of the MCP server effect-mcp-sdk2-fixture 1.0.0 (protocol revision 2026-07-28)")
      assert.include(sources.everything, "Echoes back the input string")
      assert.include(sources.edge, " * Ends a comment *\\/ export const broken = 1\n * and goes on")
      assert.notInclude(sources.everything, fallbackMarker)
    }))

  it.effect("call server-everything and decode its structured content", () =>
    Effect.gen(function*() {
      const { dir } = yield* GeneratedModules
      const tools = yield* load(dir, "everything")
      const getStructuredContent = tools.getStructuredContent as Call<{ location: string }, unknown>
      const echo = tools.echo as Call<{ message: string }, McpSchema.CallToolResult>
      const getSum = tools.getSum as Call<{ a: number; b: number }, McpSchema.CallToolResult>
      const client = yield* McpClient.McpClient
      const raw = yield* client.callTool("get-structured-content", { location: "Chicago" })
      const decoded = yield* getStructuredContent({ location: "Chicago" })
      assert.deepStrictEqual(decoded, raw.structuredContent)
      const weather = decoded as { temperature: unknown; conditions: unknown; humidity: unknown }
      assert.isNumber(weather.temperature)
      assert.isString(weather.conditions)
      assert.isNumber(weather.humidity)
      assert.strictEqual(textOf(yield* echo({ message: "hi" })), "Echo: hi")
      assert.include(textOf(yield* getSum({ a: 2, b: 3 })), "5")
    }).pipe(Effect.provide(McpClient.layer({ timeout: "20 seconds" })), Effect.provide(Fixtures.everything)), {
    timeout: 60_000
  })

  it.effect("call the SDK v2 server and decode its structured content", () =>
    Effect.gen(function*() {
      const { dir } = yield* GeneratedModules
      const tools = yield* load(dir, "sdk2")
      const add = tools.add as Call<{ a: number; b: number }, unknown>
      const touch = tools.touch as Call<undefined, McpSchema.CallToolResult>
      assert.deepStrictEqual(yield* add({ a: 20, b: 22 }), { sum: 42 })
      assert.isFalse((yield* touch(undefined)).isError === true)
      // a result that does not match the output schema fails as the client's InvalidResult
      const AddOutput = tools.AddOutput as Schema.Decoder<unknown>
      assert.isTrue(Schema.is(AddOutput)({ sum: 1 }))
      assert.isFalse(Schema.is(AddOutput)({ sum: "1" }))
    }).pipe(Effect.provide(McpClient.layer({ timeout: "20 seconds" })), Effect.provide(Fixtures.sdk2)), {
    timeout: 60_000
  })

  it.effect("translate $defs, recursion, oneOf, allOf, draft-07, patterns and missing types", () =>
    Effect.gen(function*() {
      const { dir, sources } = yield* GeneratedModules
      for (const tool of Fixtures.supported) assert.notInclude(section(sources.edge, tool.name), fallbackMarker)
      const edge = yield* load(dir, "edge")
      const decodes = (name: string, value: unknown) => Schema.is(edge[name] as Schema.Decoder<unknown>)(value)
      assert.isTrue(decodes("RefsOutput", { tree: { value: 1, children: [{ value: 2 }] } }))
      assert.isFalse(decodes("RefsOutput", { tree: { value: 1, children: [{ value: "2" }] } }))
      assert.isTrue(decodes("RefsInput", { home: { street: "Main" } }))
      assert.isFalse(decodes("RefsInput", { home: {} }))
      assert.isTrue(decodes("RefsAgainInput", { address: { zip: 1 } }))
      assert.isTrue(decodes("OneOfInput", { value: "a" }) && decodes("OneOfInput", { value: 1 }))
      assert.isFalse(decodes("OneOfInput", { value: true }))
      assert.isTrue(decodes("AllOfInput", { a: "x", b: 1 }))
      assert.isFalse(decodes("AllOfInput", { b: 1 }))
      assert.isTrue(decodes("Draft07Input", { p: "x" }))
      assert.isFalse(decodes("Draft07Input", { p: "z" }))
      assert.isTrue(decodes("MissingTypeInput", { a: "x" }))
      // patterns are left out by default
      assert.isTrue(decodes("PatternInput", { code: "ABC" }) && decodes("PatternInput", { code: "abc" }))
      assert.isTrue(decodes("NullableInput", { note: null }))
    }))

  it.effect("fall back to Schema.Unknown with a comment for what the translators reject", () =>
    Effect.gen(function*() {
      const { dir, sources } = yield* GeneratedModules
      for (const tool of Fixtures.unsupported) assert.include(section(sources.edge, tool.name), fallbackMarker)
      assert.include(section(sources.edge, "if-then"), "\"if\"")
      assert.include(section(sources.edge, "external-ref"), "https://example.com/a.json")
      const edge = yield* load(dir, "edge")
      for (const name of ["TypedAdditionalInput", "IfThenInput", "ConstObjectInput", "OutputOnlyOutput"]) {
        assert.strictEqual((edge[name] as Schema.Top).ast._tag, "Unknown", name)
      }
      assert.notStrictEqual((edge.OutputOnlyInput as Schema.Top).ast._tag, "Unknown")
    }))

  it.effect("make tool names valid, unique identifiers and send the original names", () =>
    Effect.gen(function*() {
      const { sources } = yield* GeneratedModules
      const expected = {
        "get-weather": "getWeather",
        "get_weather": "getWeather2",
        "a.b/c": "aBC",
        "123x": "_123x",
        "delete": "delete_",
        "default": "default_",
        "Effect": "effect",
        "--": "tool",
        "naïve café": "naïveCafé"
      }
      for (const [name, fn] of Object.entries(expected)) {
        const block = section(sources.edge, name)
        assert.include(block, `export const ${fn} = (`)
        assert.include(block, `client.callTool(${JSON.stringify(name)}, input`)
      }
    }))
})

describe("McpCodegen", () => {
  it.effect("include and exclude select tools by their wire names", () =>
    Effect.gen(function*() {
      const only = yield* McpCodegen.fromTools(Fixtures.awkward, { include: ["a.b/c", "delete"] })
      assert.include(only, "export const aBC = (")
      assert.include(only, "export const delete_ = (")
      assert.notInclude(only, "export const getWeather")
      const without = yield* McpCodegen.fromTools(Fixtures.awkward, { exclude: ["a.b/c"] })
      assert.notInclude(without, "export const aBC")
      assert.include(without, "export const getWeather = (")
      const error = yield* McpCodegen.fromTools(Fixtures.awkward, { include: ["nope"], exclude: ["gone"] }).pipe(
        Effect.flip
      )
      assert.isTrue(McpCodegen.isMcpCodegenError(error))
      assert.strictEqual(error.reason._tag, "UnknownTool")
      assert.deepStrictEqual((error.reason as McpCodegen.UnknownTool).names, ["nope", "gone"])
    }))

  it.live("fails with ListFailed when the server cannot be reached", () =>
    Effect.gen(function*() {
      const error = yield* McpCodegen.fromClient().pipe(
        Effect.provide(McpClient.layer({ connect: "lazy", reconnect: false, timeout: "10 seconds" })),
        Effect.provide(Fixtures.exitingServer),
        Effect.flip
      )
      assert.isTrue(McpCodegen.isMcpCodegenError(error))
      assert.strictEqual((error as McpCodegen.McpCodegenError).reason._tag, "ListFailed")
      assert.include(error.message, "Could not list the server's tools")
    }), { timeout: 30_000 })

  it.effect("imports the client from the given module, and nothing for no tools", () =>
    Effect.gen(function*() {
      const core = yield* McpCodegen.fromTools(Fixtures.awkward.slice(0, 1), { clientModule: "@effect-mcp/core" })
      assert.include(core, `import { McpClient, McpError, McpSchema } from "@effect-mcp/core"`)
      const none = yield* McpCodegen.fromTools([], { header: "Nothing here." })
      assert.notInclude(none, "import ")
      assert.include(none, "Nothing here.")
    }))

  it.effect("enforces patterns when asked, and then falls back for open patternProperties", () =>
    Effect.gen(function*() {
      const tools = [...Fixtures.supported.filter((tool) => tool.name === "pattern"), Fixtures.patternProperties]
      const ignored = yield* McpCodegen.fromTools(tools)
      assert.notInclude(ignored, "Schema.isPattern(")
      assert.notInclude(ignored, fallbackMarker)
      const applied = yield* McpCodegen.fromTools(tools, { patterns: "apply" })
      assert.include(section(applied, "pattern"), `Schema.isPattern(new globalThis.RegExp("^[A-Z]{3}$", "u"))`)
      assert.include(section(applied, "pattern-properties"), fallbackMarker)
      assert.include(section(applied, "pattern-properties"), "patternProperties")
    }))

  it.effect("keeps open objects open when asked", () =>
    Effect.gen(function*() {
      const tools = Fixtures.supported.filter((tool) => tool.name === "pattern")
      const closed = yield* McpCodegen.fromTools(tools)
      const open = yield* McpCodegen.fromTools(tools, { openObjects: true })
      assert.notInclude(closed, "Schema.Json")
      assert.include(open, "Schema.StructWithRest(")
    }))

  /** TypeScript's scanner rules (code point by code point) and keywords, as an oracle independent of `names.ts`. */
  const isIdentifier = (name: string): boolean => {
    const points = [...name].map((char) => char.codePointAt(0)!)
    return points.length > 0 &&
      ts.isIdentifierStart(points[0]!, ts.ScriptTarget.ES2023) &&
      points.slice(1).every((point) => ts.isIdentifierPart(point, ts.ScriptTarget.ES2023)) &&
      ts.identifierToKeywordKind(ts.factory.createIdentifier(name)) === undefined &&
      !["eval", "arguments", "undefined"].includes(name)
  }

  const ToolName = Schema.Union([
    Schema.String,
    Schema.Literals([
      "",
      "__",
      "123x",
      "a.b/c",
      "delete",
      "default",
      "Effect",
      "get-weather",
      "get_weather",
      "eval",
      "of",
      "type",
      "declare"
    ])
  ])

  it.prop("any tool names give valid, unique identifiers", [Schema.Array(ToolName)], ([toolNames]) => {
    const names = Names.registry(["Effect", "Schema"])
    const claimed = toolNames.flatMap((name) => [
      names.claim(Names.camelCase(name)),
      names.claim(`${Names.pascalCase(name)}Input`)
    ])
    assert.strictEqual(new Set(claimed).size, claimed.length)
    for (const name of claimed) assert.isTrue(isIdentifier(name), JSON.stringify(name))
  }, { arbitrary: { runs: 1000 } })
})
