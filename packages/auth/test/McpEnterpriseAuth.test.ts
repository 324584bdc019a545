import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Redacted } from "effect"
import * as McpEnterpriseAuth from "../src/McpEnterpriseAuth.ts"
import { clientOver } from "./fixtures/client.ts"
import * as MachineServer from "./fixtures/machineServer.ts"

const idToken = "eyJ.id-token-of-the-user.sig"

const options = (server: MachineServer.Running, overrides: Partial<McpEnterpriseAuth.Options> = {}) => ({
  idToken,
  idp: { tokenEndpoint: server.idp.tokenEndpoint, clientId: "idp-client" },
  clientId: "ema-client",
  clientSecret: Redacted.make("ema-secret"),
  ...overrides
})

describe("McpEnterpriseAuth", () => {
  it.effect("ID token → ID-JAG at the identity provider (RFC 8693) → access token by the JWT-bearer grant", () =>
    Effect.gen(function*() {
      const server = yield* MachineServer.make({ clients: { "ema-client": { secret: "ema-secret" } }, idToken })
      const client = yield* clientOver(server.url, McpEnterpriseAuth.layer(options(server)))
      assert.isTrue((yield* client.listTools()).length > 0)
      assert.strictEqual(server.idpRequests.length, 1)
      const exchange = server.idpRequests[0]!.params
      assert.strictEqual(exchange.grant_type, "urn:ietf:params:oauth:grant-type:token-exchange")
      assert.strictEqual(exchange.requested_token_type, "urn:ietf:params:oauth:token-type:id-jag")
      assert.strictEqual(exchange.subject_token_type, "urn:ietf:params:oauth:token-type:id_token")
      assert.strictEqual(exchange.subject_token, idToken)
      assert.strictEqual(exchange.audience, server.issuer)
      assert.strictEqual(exchange.resource, server.url)
      assert.strictEqual(exchange.client_id, "idp-client")
      assert.strictEqual(server.tokenRequests.length, 1)
      const grant = server.tokenRequests[0]!
      assert.strictEqual(grant.params.grant_type, "urn:ietf:params:oauth:grant-type:jwt-bearer")
      assert.strictEqual(grant.headers.authorization, `Basic ${btoa("ema-client:ema-secret")}`)
      const jag = JSON.parse(Buffer.from(grant.params.assertion!.split(".")[0]!, "base64url").toString("utf8"))
      assert.strictEqual(jag.typ, "oauth-id-jag+jwt")
      // the ID token went to the identity provider only
      assert.notInclude(JSON.stringify(server.tokenRequests), idToken)
      assert.notInclude(JSON.stringify(server.mcpRequests), idToken)
      const authorized = server.mcpRequests.filter((r) => r.headers.authorization !== undefined)
      for (const r of authorized) assert.strictEqual(r.headers.authorization, `Bearer ${server.issued[0]}`)
    }))

  it.effect("the ID token is read each time a token is needed", () =>
    Effect.gen(function*() {
      const server = yield* MachineServer.make({ clients: { "ema-client": { secret: "ema-secret" } }, idToken })
      let reads = 0
      const client = yield* clientOver(
        server.url,
        McpEnterpriseAuth.layer(options(server, { idToken: Effect.sync(() => (reads++, idToken)) }))
      )
      yield* client.listTools()
      yield* server.revokeAll
      yield* client.callTool("add", { a: 1, b: 2 })
      assert.strictEqual(reads, 2)
      assert.strictEqual(server.idpRequests.length, 2)
    }))

  it.effect("an ID token the identity provider refuses fails with TokenExchangeFailed, before the authorization server", () =>
    Effect.gen(function*() {
      const server = yield* MachineServer.make({ clients: { "ema-client": { secret: "ema-secret" } }, idToken })
      const exit = yield* Effect.exit(
        clientOver(server.url, McpEnterpriseAuth.layer(options(server, { idToken: "stale-token" }))).pipe(
          Effect.flatMap((client) => client.listTools())
        )
      )
      assert.isTrue(Exit.isFailure(exit))
      assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), "TokenExchangeFailed")
      assert.notInclude(String(Exit.isFailure(exit) ? exit.cause : ""), "stale-token")
      assert.strictEqual(server.tokenRequests.length, 0)
    }))
})
