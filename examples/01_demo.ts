/**
 * The main demo (`npm start`): an embedded Effect McpServer, a scoped McpClient connected to it
 * in-process, and every operation: list and call tools (with progress and typed output), resources,
 * templates, completion, prompts, and a tool error as a typed error.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Schema } from "effect"
import { McpClient, McpInMemoryTransport, McpSchema } from "effect-mcp"
import { DemoServer } from "./DemoServer.ts"

const Forecast = Schema.Struct({
  city: Schema.String,
  days: Schema.Array(Schema.Struct({ day: Schema.Number, celsius: Schema.Number, sky: Schema.String }))
})

const program = Effect.gen(function*() {
  const client = yield* McpClient.McpClient
  const session = yield* client.session
  yield* Console.log(
    `Connected to ${session.serverInfo.name} ${session.serverInfo.version} (protocol ${session.protocolVersion})`
  )
  yield* Console.log(`Instructions: ${session.instructions}\n`)

  const tools = yield* client.listTools()
  yield* Console.log(`Tools (${tools.length}):`)
  for (const tool of tools) yield* Console.log(`  ${tool.name.padEnd(10)} ${tool.description ?? ""}`)

  const { sum } = yield* client.callTool("add", { a: 20, b: 22 }, { output: Schema.Struct({ sum: Schema.Number }) })
  yield* Console.log(`\nadd(20, 22) = ${sum}`)

  yield* Console.log("\nforecast(Oslo, 3 days):")
  const forecast = yield* client.callTool("forecast", { city: "Oslo", days: 3 }, {
    output: Forecast,
    onProgress: (p) => Console.log(`  progress ${p.progress}/${p.total}: ${p.message}`)
  })
  for (const day of forecast.days) yield* Console.log(`  day ${day.day}: ${day.celsius}°C, ${day.sky}`)

  const divided = yield* client.callTool("divide", { a: 1, b: 0 }).pipe(
    Effect.map(() => "unexpected success"),
    Effect.catchTag("McpToolError", (error) => Effect.succeed(`McpToolError: ${error.message}`))
  )
  yield* Console.log(`\ndivide(1, 0) -> ${divided}`)

  const resources = yield* client.listResources()
  yield* Console.log(`\nResources: ${resources.map((r) => r.uri).join(", ")}`)
  const [readme] = yield* client.readResource("docs://readme")
  if (readme !== undefined && McpSchema.isTextResourceContents(readme)) {
    yield* Console.log(readme.text.split("\n").map((line) => `  ${line}`).join("\n"))
  }

  const templates = yield* client.listResourceTemplates()
  yield* Console.log(`\nTemplates: ${templates.map((t) => t.uriTemplate).join(", ")}`)
  const completion = yield* client.complete({ type: "ref/resource", uri: "docs://cities/{param0}" }, {
    name: "param0",
    value: "O"
  })
  yield* Console.log(`  completions for "O": ${completion.values.join(", ")}`)
  const [city] = yield* client.readResource("docs://cities/Osaka")
  if (city !== undefined && McpSchema.isTextResourceContents(city)) yield* Console.log(`  ${city.text}`)

  const prompts = yield* client.listPrompts()
  yield* Console.log(`\nPrompts: ${prompts.map((p) => p.name).join(", ")}`)
  const prompt = yield* client.getPrompt("trip-plan", { city: "Lima", days: 4 })
  for (const message of prompt.messages) {
    if (message.content.type === "text") yield* Console.log(`  ${message.role}: ${message.content.text}`)
  }

  yield* client.ping()
  yield* Console.log("\nping ok; closing the session.")
})

const ClientLive = McpClient.layer({ clientInfo: { name: "effect-mcp-demo", version: "0.1.0" }, timeout: "30 seconds" })
  .pipe(Layer.provide(McpInMemoryTransport.layer(DemoServer)))

program.pipe(Effect.provide(ClientLive), NodeRuntime.runMain)
