/**
 * One client program, two protocol eras. The same `session` function (list the tools, call one, read a
 * resource, subscribe to tool changes, sign up through elicitation) runs against two in-process Effect
 * servers: one that speaks only 2026-07-28 (stateless: `server/discover`, `_meta` on every request,
 * `input_required` rounds, `subscriptions/listen`) and `DemoServer`, which speaks only the stateful
 * revisions (`initialize`, server→client requests, `resources/subscribe`). The client negotiates
 * (`protocolVersion: "auto"`, the default) and the program does not know which era it got.
 *
 * One `McpElicitation` layer answers both servers: the stateful one sends an `elicitation/create`
 * request, the stateless one answers `input_required` with the same form and gets the answer in a
 * second `tools/call`.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Context, Effect, Layer, Schema, Stream } from "effect"
import { McpClient, McpElicitation, McpInMemoryTransport, McpSchema } from "effect-mcp"
import { McpProtocol, McpSchema as ServerSchema, McpServer, Tool, Toolkit } from "effect/ai"
import { DemoServer } from "./DemoServer.ts"

// -----------------------------------------------------------------------------
// The client side: one program, one handler layer
// -----------------------------------------------------------------------------

const textOf = (result: McpSchema.CallToolResult): string =>
  result.content.map((block) => block.type === "text" ? block.text : `[${block.type}]`).join(" ")

const describe = (event: McpClient.SubscriptionEvent): string =>
  event._tag === "Acknowledged" ? `Acknowledged ${JSON.stringify(event.honoured)}` : event._tag

/** Knows nothing of eras: it only uses the `McpClient` service. */
const session = (client: McpClient.McpClient["Service"]) =>
  Effect.gen(function*() {
    const info = yield* client.session
    yield* Console.log(
      `  ${info.serverInfo.name}: era ${info.era}, protocol ${info.protocolVersion}` +
        (info.discovery === undefined ? "" : ` (server/discover: ${info.discovery.supportedVersions.join(", ")})`)
    )

    const tools = yield* client.listTools()
    yield* Console.log(`  tools: ${tools.map((tool) => tool.name).join(", ")}`)

    const { sum } = yield* client.callTool("add", { a: 20, b: 22 }, { output: Schema.Struct({ sum: Schema.Number }) })
    yield* Console.log(`  add(20, 22) = ${sum}`)

    const [readme] = yield* client.readResource("docs://readme")
    if (readme !== undefined && McpSchema.isTextResourceContents(readme)) {
      yield* Console.log(`  docs://readme: ${readme.text.split("\n")[0]}`)
    }

    // the same subscription API in both eras: subscriptions/listen, or the stateful list_changed
    // notifications; the first event says what the server agreed to
    const events = yield* client.subscribe({ tools: true }).pipe(
      Stream.tap((event) => event._tag === "Acknowledged" ? Effect.ignore(client.callTool("reload")) : Effect.void),
      Stream.take(2),
      Stream.runCollect,
      Effect.timeout("5 seconds")
    )
    yield* Console.log(`  subscribe: ${events.map(describe).join(", ")}`)

    const signup = yield* client.callTool("signup")
    yield* Console.log(`  signup: ${textOf(signup)}`)
  })

/** Answers form elicitations, whether they come as server requests or as `input_required` rounds. */
const Elicitation = McpElicitation.layer((request) =>
  Effect.gen(function*() {
    if (request._tag !== "Form") return McpElicitation.decline
    yield* Console.log(`  (elicitation handler asked: "${request.message}")`)
    // city and weekly are left out: their schema defaults are filled in
    return McpElicitation.accept({ email: "ada@example.com" })
  })
)

const runAgainst = <ROut, E>(label: string, server: McpInMemoryTransport.ServerLayer<ROut, E>) =>
  Console.log(label).pipe(
    Effect.andThen(Effect.flatMap(McpClient.McpClient, session)),
    Effect.provide(
      McpClient.layer({ timeout: "30 seconds" }).pipe(
        Layer.provide([McpInMemoryTransport.layer(server), Elicitation])
      )
    )
  )

// -----------------------------------------------------------------------------
// A server that speaks only 2026-07-28
// -----------------------------------------------------------------------------

const Add = Tool.make("add", {
  description: "Add two numbers",
  parameters: Schema.Struct({ a: Schema.Number, b: Schema.Number }),
  success: Schema.Struct({ sum: Schema.Number })
})

const Reload = Tool.make("reload", {
  description: "Reload the catalogue: the tools change",
  parameters: Tool.EmptyParams,
  success: Schema.String
})

const Tools = Toolkit.make(Add, Reload)

const ToolsLive = Tools.toLayer(Effect.gen(function*() {
  const server = yield* McpServer.McpServer
  return Tools.of({
    add: ({ a, b }) => Effect.succeed({ sum: a + b }),
    reload: () => server.notifications["notifications/tools/list_changed"]({}).pipe(Effect.orDie, Effect.as("reloaded"))
  })
}))

const signupForm = {
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
}

/**
 * `signup` in the stateless way: a server never sends requests in 2026-07-28, so the first call
 * answers `input_required` with the form; the client answers it and calls again with the answer and
 * the request state.
 */
const Signup = Layer.effectDiscard(Effect.gen(function*() {
  const server = yield* McpServer.McpServer
  yield* server.addTool({
    tool: new ServerSchema.Tool({
      name: "signup",
      description: "Sign the user up for the newsletter (asks them through elicitation)",
      inputSchema: { type: "object", properties: {} }
    }),
    annotations: Context.empty(),
    handle: () =>
      Effect.gen(function*() {
        const request = yield* ServerSchema.McpRequestContext
        const answer = request.inputResponses?.form
        if (request.requestState !== "signup" || answer === undefined) {
          return new ServerSchema.InputRequired({
            inputRequests: { form: { method: "elicitation/create", params: signupForm } },
            requestState: "signup"
          })
        }
        const text = answer.action === "accept"
          ? `signed up: ${JSON.stringify(answer.content)}`
          : `no sign-up (${String(answer.action)})`
        return ServerSchema.CallToolResult.make({ content: [{ type: "text", text }] })
      })
  })
}))

const StatelessServer = McpServer.layerStdio({
  name: "stateless-server",
  version: "2.0.0",
  protocols: [McpProtocol.v2026_07_28],
  registrations: Layer.mergeAll(
    McpServer.toolkit(Tools).pipe(Layer.provide(ToolsLive)),
    Signup,
    McpServer.resource({
      uri: "docs://readme",
      name: "readme",
      mimeType: "text/markdown",
      content: Effect.succeed("# Stateless server\nEvery request stands on its own.")
    })
  )
})

// -----------------------------------------------------------------------------

const program = Effect.gen(function*() {
  yield* runAgainst("A server of 2026-07-28 only:", StatelessServer)
  // DemoServer speaks 2025-11-25, 2025-06-18, 2025-03-26 and 2024-11-05
  yield* runAgainst("\nA server of the stateful revisions only (DemoServer):", DemoServer)
})

program.pipe(NodeRuntime.runMain)
