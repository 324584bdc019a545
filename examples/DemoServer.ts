/**
 * The embedded server the examples talk to: an Effect `McpServer` (from `effect/ai`) with tools (one
 * reporting progress, one that can fail), a resource, a resource template with completion, and a
 * prompt. It runs in-process: no network, no child process.
 */
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Layer, Schema } from "effect"
import { McpProtocol, McpSchema, McpServer, Tool, Toolkit } from "effect/ai"
import { HttpRouter } from "effect/http"
import { createServer } from "node:http"

const Add = Tool.make("add", {
  description: "Add two numbers",
  parameters: Schema.Struct({ a: Schema.Number, b: Schema.Number }),
  success: Schema.Struct({ sum: Schema.Number })
})

const Forecast = Tool.make("forecast", {
  description: "Weather forecast for a city (reports progress while it 'computes')",
  parameters: Schema.Struct({ city: Schema.String, days: Schema.Number }),
  success: Schema.Struct({
    city: Schema.String,
    days: Schema.Array(Schema.Struct({ day: Schema.Number, celsius: Schema.Number, sky: Schema.String }))
  }),
  dependencies: [McpSchema.McpServerClient]
})

const Divide = Tool.make("divide", {
  description: "Divide a by b",
  parameters: Schema.Struct({ a: Schema.Number, b: Schema.Number }),
  success: Schema.Number,
  failure: Schema.String,
  failureMode: "return"
})

const Sleep = Tool.make("sleep", {
  description: "Wait for the given number of milliseconds, then answer",
  parameters: Schema.Struct({ millis: Schema.Number }),
  success: Schema.String
})

const Diagnose = Tool.make("diagnose", {
  description: "Run a self-check, logging what it finds at several levels",
  parameters: Tool.EmptyParams,
  success: Schema.String
})

const Summarize = Tool.make("summarize", {
  description: "Summarize a text with the client's model (sampling)",
  parameters: Schema.Struct({ text: Schema.String }),
  success: Schema.String,
  dependencies: [McpSchema.McpServerClient]
})

const Signup = Tool.make("signup", {
  description: "Sign the user up for the newsletter (asks them through elicitation)",
  parameters: Tool.EmptyParams,
  success: Schema.String,
  dependencies: [McpSchema.McpServerClient]
})

const Workspace = Tool.make("workspace", {
  description: "Show the client's roots",
  parameters: Tool.EmptyParams,
  success: Schema.String,
  dependencies: [McpSchema.McpServerClient]
})

const Reload = Tool.make("reload", {
  description: "Reload the catalogue: tools, prompts and resources change",
  parameters: Tool.EmptyParams,
  success: Schema.String
})

const Tools = Toolkit.make(Add, Forecast, Divide, Sleep, Diagnose, Summarize, Signup, Workspace, Reload)

const skies = ["sunny", "cloudy", "rain", "snow"] as const

const ToolsLive = Tools.toLayer(Effect.gen(function*() {
  const server = yield* McpServer.McpServer
  return Tools.of({
    add: ({ a, b }) => Effect.succeed({ sum: a + b }),
    diagnose: () =>
      Effect.all([
        server.notifications["notifications/message"]({ level: "debug", logger: "selfcheck", data: "starting" }),
        server.notifications["notifications/message"]({ level: "info", logger: "selfcheck", data: "disk ok" }),
        server.notifications["notifications/message"]({
          level: "warning",
          logger: "selfcheck",
          data: { cache: "cold", hitRate: 0.12 }
        }),
        server.notifications["notifications/message"]({ level: "error", logger: "selfcheck", data: "clock skew 2s" })
      ]).pipe(Effect.orDie, Effect.as("self-check done: 1 warning, 1 error")),
    summarize: Effect.fnUntraced(function*({ text }) {
      const client = yield* (yield* McpSchema.McpServerClient).getClient
      const result = yield* client.createMessage({
        messages: [{ role: "user", content: { type: "text", text: `Summarize in one line:\n${text}` } }],
        systemPrompt: "You write one-line summaries.",
        maxTokens: 60
      }).pipe(Effect.orDie)
      const first = [result.content].flat()[0]
      return first?.type === "text" ? `${first.text} (by ${result.model})` : "(no text)"
    }, Effect.scoped),
    signup: Effect.fnUntraced(function*() {
      const client = yield* (yield* McpSchema.McpServerClient).getClient
      const request = yield* Schema.decodeUnknownEffect(McpSchema.ElicitRequestFormParams)({
        mode: "form",
        message: "Sign up for the weekly forecast?",
        requestedSchema: {
          type: "object",
          properties: {
            email: { type: "string", format: "email", title: "E-mail" },
            city: { type: "string", title: "Home city", default: "Oslo" },
            weekly: { type: "boolean", title: "Weekly digest", default: true }
          },
          required: ["email"]
        }
      }).pipe(Effect.orDie)
      const result = yield* client.elicit(request).pipe(Effect.orDie)
      return result.action === "accept"
        ? `signed up: ${JSON.stringify(result.content)}`
        : `no sign-up (${result.action})`
    }, Effect.scoped),
    workspace: Effect.fnUntraced(function*() {
      const client = yield* (yield* McpSchema.McpServerClient).getClient
      const { roots } = yield* client.listRoots().pipe(Effect.orDie)
      return roots.length === 0 ? "no roots" : roots.map((root) => root.name ?? root.uri).join(", ")
    }, Effect.scoped),
    reload: () =>
      Effect.all([
        server.notifications["notifications/tools/list_changed"]({}),
        server.notifications["notifications/prompts/list_changed"]({}),
        server.notifications["notifications/resources/list_changed"]({})
      ]).pipe(Effect.orDie, Effect.as("reloaded")),
    sleep: ({ millis }) => Effect.as(Effect.sleep(millis), `slept ${millis} ms`),
    divide: ({ a, b }) => b === 0 ? Effect.fail("cannot divide by zero") : Effect.succeed(a / b),
    forecast: Effect.fnUntraced(function*({ city, days }) {
      const client = yield* McpSchema.McpServerClient
      const token = client.requestMetadata?.progressToken as string | number | undefined
      const out: Array<{ day: number; celsius: number; sky: string }> = []
      for (let day = 1; day <= days; day++) {
        out.push({ day, celsius: 10 + ((city.length * 7 + day * 3) % 15), sky: skies[(city.length + day) % 4]! })
        if (token !== undefined) {
          yield* server.notifications["notifications/progress"]({
            progressToken: token,
            progress: day,
            total: days,
            message: `day ${day} of ${days}`
          }).pipe(Effect.orDie)
        }
      }
      return { city, days: out }
    })
  })
}))

/**
 * The demo server's tools, resources and prompt, for any `McpServer` transport.
 */
export const Registrations = Layer.mergeAll(
  McpServer.toolkit(Tools).pipe(Layer.provide(ToolsLive)),
  McpServer.resource({
    uri: "docs://readme",
    name: "readme",
    description: "What this server is",
    mimeType: "text/markdown",
    content: Effect.succeed("# Demo server\nAn Effect McpServer running in the same process as its client.")
  }),
  McpServer.resource`docs://cities/${Schema.String}`({
    name: "city",
    description: "Facts about a city",
    mimeType: "text/plain",
    completion: {
      param0: (prefix: string) =>
        Effect.succeed(["Oslo", "Osaka", "Ottawa", "Lima"].filter((c) => c.startsWith(prefix)))
    },
    content: (_uri, city) => Effect.succeed(`${city}: a fine place to be.`)
  }),
  McpServer.prompt({
    name: "trip-plan",
    description: "Plan a trip",
    parameters: { city: Schema.String, days: Schema.String },
    content: ({ city, days }) => Effect.succeed(`Plan a ${days}-day trip to ${city}. Use the forecast tool.`)
  })
)

/**
 * The demo server as a layer over `Stdio`: give it to `McpInMemoryTransport.layer`.
 */
export const DemoServer = McpServer.layerStdio({
  name: "demo-server",
  version: "1.0.0",
  instructions: "Call forecast before planning a trip.",
  protocols: [McpProtocol.v2025_11_25, McpProtocol.v2025_06_18, McpProtocol.v2025_03_26, McpProtocol.v2024_11_05],
  registrations: Registrations
})

/**
 * The demo server over Streamable HTTP (`McpServer.layerHttp`, stateful revisions) at `/mcp` on
 * 127.0.0.1 and a free port: read the port from `HttpServer.HttpServer`.
 */
export const DemoHttpServer = HttpRouter.serve(
  McpServer.layerHttp({
    name: "demo-http-server",
    version: "1.0.0",
    path: "/mcp",
    protocols: [McpProtocol.v2025_11_25, McpProtocol.v2025_06_18],
    registrations: Registrations
  }),
  { disableLogger: true, disableListenLog: true }
).pipe(Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })))
