import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import type { webcrypto } from "node:crypto"
import * as McpWorkloadIdentity from "../src/McpWorkloadIdentity.ts"
import { clientOver } from "./fixtures/client.ts"
import * as MachineServer from "./fixtures/machineServer.ts"

/** A workload JWT signed by the platform's key. */
const workloadJwt = (key: webcrypto.CryptoKey, audience: string, exp: number) =>
  Effect.promise(async () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")
    const input = `${encode({ alg: "ES256", typ: "JWT" })}.${
      encode({ iss: "https://platform.example.com", sub: "workload-1", aud: audience, exp })
    }`
    const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, new TextEncoder().encode(input))
    return `${input}.${Buffer.from(signature).toString("base64url")}`
  })

const platformKeys = Effect.promise(() =>
  crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]) as Promise<
    webcrypto.CryptoKeyPair
  >
)

const far = 4_000_000_000

describe("McpWorkloadIdentity", () => {
  it.effect("the workload's JWT is traded by the JWT-bearer grant, with the client id and no secret", () =>
    Effect.gen(function*() {
      const keys = yield* platformKeys
      const server = yield* MachineServer.make({ workloadKey: keys.publicKey })
      const assertion = yield* workloadJwt(keys.privateKey, server.issuer, far)
      const client = yield* clientOver(server.url, McpWorkloadIdentity.layer({ clientId: "job-1", assertion }))
      assert.isTrue((yield* client.listTools()).length > 0)
      const [request] = server.tokenRequests
      assert.strictEqual(request!.params.grant_type, McpWorkloadIdentity.jwtBearerGrantType)
      assert.strictEqual(request!.params.assertion, assertion)
      assert.strictEqual(request!.params.client_id, "job-1")
      assert.strictEqual(request!.params.resource, server.url)
      assert.isUndefined(request!.headers.authorization)
      const authorized = server.mcpRequests.filter((r) => r.headers.authorization !== undefined)
      for (const r of authorized) assert.strictEqual(r.headers.authorization, `Bearer ${server.issued[0]}`)
    }))

  it.effect("a refused assertion fails with TokenExchangeFailed: no retry, no other grant", () =>
    Effect.gen(function*() {
      const keys = yield* platformKeys
      const server = yield* MachineServer.make({ workloadKey: keys.publicKey })
      const wrongAudience = yield* workloadJwt(keys.privateKey, "https://wrong.example", far)
      const exit = yield* Effect.exit(
        clientOver(server.url, McpWorkloadIdentity.layer({ clientId: "job-1", assertion: wrongAudience })).pipe(
          Effect.flatMap((client) => client.listTools())
        )
      )
      assert.isTrue(Exit.isFailure(exit))
      assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), "invalid_grant")
      assert.strictEqual(server.tokenRequests.length, 1)
      assert.notInclude(String(Exit.isFailure(exit) ? exit.cause : ""), wrongAudience)
    }))

  it.effect("the assertion is read again for each new token (a rotated file)", () =>
    Effect.gen(function*() {
      const keys = yield* platformKeys
      const server = yield* MachineServer.make({ workloadKey: keys.publicKey })
      const assertions = [
        yield* workloadJwt(keys.privateKey, server.issuer, far),
        yield* workloadJwt(keys.privateKey, server.issuer, far + 1)
      ]
      let reads = 0
      const client = yield* clientOver(
        server.url,
        McpWorkloadIdentity.layer({ clientId: "job-1", assertion: Effect.sync(() => assertions[reads++]!) })
      )
      yield* client.listTools()
      yield* server.revokeAll
      yield* client.callTool("add", { a: 1, b: 2 })
      assert.deepStrictEqual(server.tokenRequests.map((r) => r.params.assertion), assertions)
    }))
})
