/**
 * The conformance suite's client (`@modelcontextprotocol/conformance`): the suite runs
 * `node conformance/client.ts <server-url>` with the scenario in `MCP_CONFORMANCE_SCENARIO`; the
 * program does the scenario's task with this client and exits 0, or 1 on failure.
 */
import { McpLogin, McpOAuth, McpTokenStore } from "@effect-mcp/auth"
import { McpAuthError, McpClient, McpElicitation, McpSkills } from "@effect-mcp/core"
import { McpHttpTransport } from "@effect-mcp/transport-http"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import * as Machine from "./machine.ts"

const url = process.argv.at(-1) ?? ""
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? "initialize"
// scenario data some scenarios pass (http-custom-headers: the calls to make)
// and the credentials of auth scenarios (pre-registration: a client id and secret for an issuer)
const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? "{}") as Machine.Context & {
  readonly toolCalls?: ReadonlyArray<{ readonly name: string; readonly arguments?: Record<string, unknown> }>
  readonly client_id?: string
  readonly client_secret?: string
  readonly issuer?: string
}

const task: Effect.Effect<void, unknown, McpClient.McpClient> = Effect.gen(function*() {
  const client = yield* McpClient.McpClient
  switch (scenario) {
    case "initialize": {
      // the handshake is the whole task (the scenario's server offers no capabilities)
      yield* client.session
      return
    }
    case "tools_call": {
      yield* client.callTool("add_numbers", { a: 5, b: 3 })
      return
    }
    case "elicitation-sep1034-client-defaults": {
      yield* client.callTool("test_client_elicitation_defaults")
      return
    }
    case "sse-retry": {
      yield* client.listTools()
      yield* client.callTool("test_reconnection")
      return
    }
    case "request-metadata": {
      // the server refuses the first request with -32022: negotiation offers a supported revision again
      // (the server advertises no capabilities, so the discovery is the whole task)
      yield* client.session
      return
    }
    case "http-standard-headers": {
      const [tool] = yield* client.listTools()
      if (tool !== undefined) yield* client.callToolRaw(tool.name)
      const [resource] = yield* client.listResources()
      if (resource !== undefined) yield* client.readResourceRaw(resource.uri)
      const [prompt] = yield* client.listPrompts()
      if (prompt !== undefined) yield* client.getPrompt(prompt.name)
      return
    }
    case "http-custom-headers": {
      yield* client.listTools()
      for (const call of context.toolCalls ?? []) yield* client.callToolRaw(call.name, call.arguments)
      return
    }
    case "http-invalid-tool-headers": {
      // the transport drops the tools whose x-mcp-header annotations are invalid: call what is left
      for (const tool of yield* client.listTools()) yield* client.callToolRaw(tool.name, { region: "us-west1" })
      return
    }
    case "sep-2322-client-request-state": {
      yield* client.listTools()
      yield* client.callToolRaw("test_mrtr_echo_state")
      yield* client.callToolRaw("test_mrtr_unrelated")
      yield* client.callToolRaw("test_mrtr_no_state")
      yield* client.callToolRaw("test_mrtr_no_result_type")
      return
    }
    case "json-schema-ref-no-deref": {
      // listing is the task: the schemas' $ref URLs must never be fetched
      yield* client.listTools()
      return
    }
    case "json-schema-2020-12-preservation": {
      const tools = yield* client.listTools()
      const focal = tools.find((tool) => tool.name === "json_schema_2020_12_tool")
      if (focal === undefined) return yield* Effect.fail("json_schema_2020_12_tool is not listed")
      yield* client.callToolRaw("json_schema_echo", { schema: focal.inputSchema })
      return
    }
    case "sep-2640-client-no-prefetch": {
      // listing reads no skill file: nothing is loaded, so nothing is fetched
      yield* McpSkills.list(client)
      return
    }
    case "sep-2640-client-verify-digest":
    case "sep-2640-client-verify-size":
    case "sep-2640-client-verify-frontmatter": {
      // load the first skill: its tampered SKILL.md is refused (McpSkillError, exit 1), so none of its
      // supporting files is read
      const [skill] = yield* McpSkills.list(client)
      if (skill === undefined) return yield* Effect.fail("the server lists no skill")
      const loaded = yield* McpSkills.load(client, skill)
      if (Array.isArray(loaded.skill.resources)) {
        for (const file of loaded.skill.resources) yield* McpSkills.readFile(client, loaded, file.uri)
      }
      return
    }
    default: {
      if (!scenario.startsWith("auth/")) return yield* Effect.fail(`scenario ${scenario} is not supported yet`)
      // authorization is the task: list the tools, then call each
      for (const tool of yield* client.listTools()) yield* client.callToolRaw(tool.name, {})
      return
    }
  }
})

/**
 * The login a browser would do, without a user: open the authorization URL and hand back where it
 * redirects (the suite's authorization server approves at once).
 */
const followRedirect = (url: URL) =>
  HttpClient.execute(HttpClientRequest.get(url)).pipe(
    Effect.flatMap((response) =>
      response.headers.location === undefined
        ? Effect.fail(`the authorization endpoint answered ${response.status} without a redirect`)
        : Effect.succeed(response.headers.location)
    ),
    Effect.mapError((cause) =>
      new McpAuthError.McpAuthError({
        reason: new McpAuthError.AuthorizationDenied({ description: "the login did not redirect", cause })
      })
    )
  )

/** The authorization of a scenario: OAuth for `auth/*` (with the context's credentials), else none. */
const AuthLive: Layer.Layer<never, never, HttpClient.HttpClient> = scenario.startsWith("auth/")
  ? Layer.unwrap(Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    return McpOAuth.layer({
      clientName: "effect-mcp-conformance",
      clientId: context.client_id,
      clientSecret: context.client_secret,
      issuer: context.issuer,
      clientMetadataUrl: "https://conformance-test.local/client-metadata.json"
    }).pipe(
      Layer.provide([
        McpLogin.layer({
          redirectUri: "http://localhost:3000/callback",
          authorize: (url) => Effect.provideService(followRedirect(url), HttpClient.HttpClient, http)
        }),
        McpTokenStore.layerMemory
      ])
    )
  }))
  : Layer.empty

const ClientLive = McpClient.layer({
  clientInfo: { name: "effect-mcp-conformance", version: "0.1.0" },
  timeout: "20 seconds"
}).pipe(
  Layer.provide([
    // machine credentials (auth-base's scenarios in machine.ts), else OAuth (with DPoP where asked)
    McpHttpTransport.layerUrl(url).pipe(
      Layer.provide(Machine.authLayer(scenario, context) ?? Machine.withDpop(scenario, AuthLive))
    ),
    // accept every form with the schema's defaults (SEP-1034)
    McpElicitation.layer(() => Effect.succeed(McpElicitation.accept()))
  ]),
  Layer.provide(NodeHttpClient.layerUndici)
)

task.pipe(Effect.provide(ClientLive), NodeRuntime.runMain)
