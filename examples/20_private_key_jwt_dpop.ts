/**
 * Client credentials without a shared secret, and tokens a thief cannot use:
 *
 * - `private_key_jwt`: the client proves its identity with an assertion signed by its private key
 *   (RFC 7523); the authorization server knows only the public key;
 * - DPoP (RFC 9449): with `McpDpop.layer` provided, the token is bound to a key pair the client
 *   holds, and every request carries a fresh proof signed with it (`Authorization: DPoP …`).
 *
 * The key pair is made here with Web Crypto; a real service loads its private key (PEM, JWK) from
 * its secrets. The server is `servers/AuthorizedServer.ts` on 127.0.0.1.
 */
import { McpClientCredentials, McpDpop } from "@effect-mcp/auth"
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer } from "effect"
import { McpClient, McpHttpTransport } from "effect-mcp"
import * as AuthorizedServer from "./servers/AuthorizedServer.ts"

const program = Effect.gen(function*() {
  const keys = yield* Effect.promise(() =>
    crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"])
  )
  const server = yield* AuthorizedServer.make({ clients: { "nightly-job": { publicKey: keys.publicKey } } })

  const AuthLive = McpClientCredentials.layer({ clientId: "nightly-job", privateKey: keys.privateKey }).pipe(
    Layer.provide(McpDpop.layer)
  )
  const ClientLive = McpClient.layer().pipe(
    Layer.provide(McpHttpTransport.layerUrl(server.url).pipe(Layer.provide(AuthLive))),
    Layer.provide(NodeHttpClient.layerUndici)
  )

  yield* Effect.gen(function*() {
    const client = yield* McpClient.McpClient
    const tools = yield* client.listTools()
    yield* Console.log(`authorized with a signed assertion and a DPoP-bound token; tools: ${tools.length}`)
  }).pipe(Effect.provide(ClientLive))
})

program.pipe(Effect.scoped, NodeRuntime.runMain)
