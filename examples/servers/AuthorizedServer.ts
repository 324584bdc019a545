/**
 * The demo server behind authorization, for the auth examples: on 127.0.0.1 (a free port), one
 * origin serving
 *
 * - the MCP endpoint `/mcp` (`DemoServer`'s registrations), refusing requests without a valid token
 *   with 401 and `WWW-Authenticate: Bearer resource_metadata="…"`;
 * - its protected-resource metadata (RFC 9728) naming itself as the authorization server;
 * - authorization-server metadata (RFC 8414) and a token endpoint for the client-credentials grant:
 *   `client_secret_basic`, or `private_key_jwt` assertions checked with Web Crypto; with a DPoP proof
 *   (RFC 9449) the token is bound to the proof's key, and MCP requests must prove it.
 *
 * A real deployment has a real authorization server; this one is just enough for the examples to run
 * in CI without a network.
 */
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { McpProtocol, McpServer } from "effect/ai"
import { HttpRouter, HttpServer, HttpServerRequest, HttpServerResponse, UrlParams } from "effect/http"
import { createHash, randomUUID, type webcrypto } from "node:crypto"
import { createServer } from "node:http"
import { Registrations } from "../DemoServer.ts"

/** Who may get tokens: a client id with its secret or the public key of its assertions. */
export interface Options {
  /** A token accepted as is (a pre-issued token, as `McpBearerAuth` sends). */
  readonly staticToken?: string | undefined
  readonly clients?: Readonly<Record<string, { readonly secret?: string; readonly publicKey?: webcrypto.CryptoKey }>>
}

const decode = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, "base64url").toString("utf8"))

/** The claims of a compact JWS that `key` verifies (ES256 or RS256), else `undefined`. */
const verify = (jws: string, key: (header: Record<string, unknown>) => Promise<webcrypto.CryptoKey>) =>
  Effect.promise(async () => {
    const [h = "", c = "", s = ""] = jws.split(".")
    const header = decode(h)
    const algorithm = header.alg === "ES256" ? { name: "ECDSA", hash: "SHA-256" } : { name: "RSASSA-PKCS1-v1_5" }
    const input = new TextEncoder().encode(`${h}.${c}`)
    const valid = await crypto.subtle.verify(algorithm, await key(header), Buffer.from(s, "base64url"), input)
    return valid ? { header, claims: decode(c) } : undefined
  }).pipe(Effect.catchDefect(() => Effect.succeed(undefined)))

const proofKey = (header: Record<string, unknown>) =>
  crypto.subtle.importKey("jwk", header.jwk as webcrypto.JsonWebKey, { name: "ECDSA", namedCurve: "P-256" }, false, [
    "verify"
  ])

const thumbprint = (jwk: Record<string, unknown>) =>
  createHash("sha256").update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest("base64url")

const refuse = (status: number, error: string, headers: Record<string, string> = {}) =>
  HttpServerResponse.jsonUnsafe({ error }, { status, headers })

/** Starts the server in the current Scope; its MCP endpoint, and how many tokens it issued. */
export const make = (options: Options = {}) =>
  Effect.gen(function*() {
    let base = ""
    // access token → the thumbprint of its DPoP key (undefined: a bearer token)
    const tokens = new Map<string, string | undefined>()
    if (options.staticToken !== undefined) tokens.set(options.staticToken, undefined)
    const issued = { count: 0 }

    // the client of a token request: its Basic credentials, or its signed assertion
    const client = (params: Record<string, string>, authorization: string | undefined) =>
      Effect.gen(function*() {
        if (authorization?.startsWith("Basic ")) {
          const [id = "", secret] = Buffer.from(authorization.slice(6), "base64").toString().split(":")
          return options.clients?.[decodeURIComponent(id)]?.secret === decodeURIComponent(secret ?? "")
        }
        const publicKey = options.clients?.[params.client_id ?? ""]?.publicKey
        if (publicKey === undefined || params.client_assertion === undefined) return false
        const verified = yield* verify(params.client_assertion, () => Promise.resolve(publicKey))
        return verified?.claims.sub === params.client_id && verified?.claims.aud === base
      })

    const token = Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const params = UrlParams.toRecord(yield* Effect.orDie(request.urlParamsBody)) as Record<string, string>
      if (params.grant_type !== "client_credentials") return refuse(400, "unsupported_grant_type")
      if (!(yield* client(params, request.headers.authorization))) return refuse(401, "invalid_client")
      const proof = request.headers.dpop === undefined ? undefined : yield* verify(request.headers.dpop, proofKey)
      if (request.headers.dpop !== undefined && proof === undefined) return refuse(400, "invalid_dpop_proof")
      const accessToken = `at-${randomUUID()}`
      tokens.set(accessToken, proof === undefined ? undefined : thumbprint(proof.header.jwk as Record<string, unknown>))
      issued.count++
      return HttpServerResponse.jsonUnsafe({
        access_token: accessToken,
        token_type: proof === undefined ? "Bearer" : "DPoP",
        expires_in: 3600
      })
    })

    // every MCP request needs a token; a DPoP-bound one needs a proof by its key over it
    const guard = HttpRouter.middleware((effect) =>
      Effect.gen(function*() {
        const request = yield* HttpServerRequest.HttpServerRequest
        if (!request.url.startsWith("/mcp")) return yield* effect
        const [scheme = "", accessToken = ""] = (request.headers.authorization ?? "").split(" ")
        const bound = tokens.get(accessToken)
        const challenge = {
          "www-authenticate": `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`
        }
        if (!tokens.has(accessToken)) return refuse(401, "invalid_token", challenge)
        if (bound === undefined) return scheme === "Bearer" ? yield* effect : refuse(401, "invalid_token", challenge)
        const proof = yield* verify(request.headers.dpop ?? "", proofKey)
        const ath = createHash("sha256").update(accessToken).digest("base64url")
        const valid = scheme === "DPoP" && proof !== undefined && proof.claims.ath === ath &&
          thumbprint(proof.header.jwk as Record<string, unknown>) === bound
        return valid ? yield* effect : refuse(401, "invalid_token", challenge)
      }), { global: true })

    const routes = Layer.mergeAll(
      HttpRouter.add("GET", "/.well-known/oauth-protected-resource/mcp", () =>
        Effect.sync(() =>
          HttpServerResponse.jsonUnsafe({ resource: `${base}/mcp`, authorization_servers: [base] })
        )),
      HttpRouter.add("GET", "/.well-known/oauth-authorization-server", () =>
        Effect.sync(() =>
          HttpServerResponse.jsonUnsafe({
            issuer: base,
            token_endpoint: `${base}/token`,
            grant_types_supported: ["client_credentials"],
            token_endpoint_auth_methods_supported: ["client_secret_basic", "private_key_jwt"],
            dpop_signing_alg_values_supported: ["ES256"]
          })
        )),
      HttpRouter.add("POST", "/token", token),
      McpServer.layerHttp({
        name: "authorized-demo-server",
        version: "1.0.0",
        path: "/mcp",
        protocols: [McpProtocol.v2025_11_25, McpProtocol.v2025_06_18],
        registrations: Registrations
      }),
      guard
    )
    const context = yield* Layer.build(
      HttpRouter.serve(routes, { disableLogger: true, disableListenLog: true }).pipe(
        Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
      )
    ).pipe(Effect.orDie)
    const { address } = yield* Effect.provide(Effect.service(HttpServer.HttpServer), context)
    base = `http://127.0.0.1:${address._tag === "UnixPathAddress" ? 0 : address.port}`
    return { url: `${base}/mcp`, issued }
  })
