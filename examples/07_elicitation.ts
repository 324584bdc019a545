/**
 * Elicitation: the server asks the user for input. `McpElicitation.layer` answers with a handler (a
 * real application would show a form); defaults in the requested schema are applied on accept.
 * `McpElicitation.layerForm` hands the handler an Effect Schema of the form and checks the answer.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Schema } from "effect"
import { McpClient, McpElicitation, McpInMemoryTransport } from "effect-mcp"
import { DemoServer } from "./DemoServer.ts"

const signup = Effect.gen(function*() {
  const client = yield* McpClient.McpClient
  const result = yield* client.callTool("signup")
  yield* Console.log(`  server says: ${result.content[0]?.type === "text" ? result.content[0].text : ""}`)
})

const clientWith = (handlers: Layer.Layer<never>) =>
  McpClient.layer().pipe(Layer.provide([McpInMemoryTransport.layer(DemoServer), handlers]))

// 1. A handler: answers only the required e-mail; city and weekly come from the schema's defaults
const acceptWithDefaults = McpElicitation.layer((request) =>
  Effect.gen(function*() {
    if (request._tag !== "Form") return McpElicitation.decline
    yield* Console.log(`  asked: "${request.message}" (defaults: ${JSON.stringify(request.defaults)})`)
    return McpElicitation.accept({ email: "ada@example.com" })
  })
)

// 2. A typed form: the requested schema as an Effect Schema; the answer is checked before it is sent
const typedForm = McpElicitation.layerForm((request) =>
  Effect.gen(function*() {
    const answer = { email: "grace@example.com", city: "Arlington" }
    const valid = Schema.is(request.schema)({ ...request.defaults, ...answer })
    yield* Console.log(`  the answer matches the requested schema: ${valid}`)
    return { action: "accept" as const, content: answer }
  })
)

// 3. Declining
const declineAll = McpElicitation.layer(() => Effect.succeed(McpElicitation.decline))

const program = Effect.gen(function*() {
  yield* Console.log("1. accept with defaults:")
  yield* signup.pipe(Effect.provide(clientWith(acceptWithDefaults)))
  yield* Console.log("2. typed form (layerForm):")
  yield* signup.pipe(Effect.provide(clientWith(typedForm)))
  yield* Console.log("3. decline:")
  yield* signup.pipe(Effect.provide(clientWith(declineAll)))
})

program.pipe(NodeRuntime.runMain)
