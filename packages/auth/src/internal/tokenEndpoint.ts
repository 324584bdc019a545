/**
 * The token endpoint client (RFC 6749 §3.2): a form POST of a grant with the client's
 * authentication, answered by tokens or by an OAuth error.
 *
 * Client authentication: `none` (the `client_id` in the form), `client_secret_basic` (RFC 6749
 * §2.3.1: both parts form-encoded, then Basic), `client_secret_post`, `private_key_jwt` (RFC 7523:
 * an assertion the caller signs for the audience it is given). An optional DPoP hook adds a proof
 * (RFC 9449) and sees every response's headers; a `use_dpop_nonce` error is answered by one more
 * try with a fresh proof.
 *
 * An OAuth error becomes `TokenExchangeFailed` naming the endpoint, the grant type, the status and
 * the OAuth error code: never the grant's values, a secret, or the server's free-text description
 * (which may echo them).
 *
 * @internal
 */
import { McpAuthError, TokenExchangeFailed } from "@effect-mcp/core/McpAuthError"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as McpTokenStore from "../McpTokenStore.ts"
import { secureUrl } from "./discovery.ts"

/**
 * How the client authenticates to the token endpoint.
 */
export type ClientAuthentication =
  | { readonly method: "none"; readonly clientId: string }
  | {
    readonly method: "client_secret_basic" | "client_secret_post"
    readonly clientId: string
    readonly clientSecret: Redacted.Redacted<string>
  }
  | {
    readonly method: "private_key_jwt"
    readonly clientId: string
    /** Signs a client assertion (RFC 7523 §2.2) for `audience`. */
    readonly assertion: (audience: string) => Effect.Effect<string, McpAuthError>
  }

/**
 * The DPoP side of a token request: a proof for the request, and every response's headers (for a
 * `DPoP-Nonce`).
 */
export interface Proof {
  readonly proof: (request: { readonly method: string; readonly url: string }) => Effect.Effect<
    Redacted.Redacted<string> | undefined,
    McpAuthError
  >
  readonly observe?:
    | ((url: string, headers: Readonly<Record<string, string>>) => Effect.Effect<void>)
    | undefined
}

/**
 * A token request.
 */
export interface Options {
  readonly endpoint: string
  /** The grant: `grant_type` and its parameters (`code`, `refresh_token`, `resource`, `scope`…). */
  readonly grant: Readonly<Record<string, string>>
  readonly client: ClientAuthentication
  /** The audience of a `private_key_jwt` assertion; default: the token endpoint. */
  readonly audience?: string | undefined
  /** DPoP (RFC 9449): a proof per request, one more try on `use_dpop_nonce`. */
  readonly proof?: Proof["proof"] | undefined
  /** Sees every response's headers (a DPoP nonce). */
  readonly observe?: Proof["observe"]
}

const TokenResponse = Schema.Struct({
  access_token: Schema.String,
  token_type: Schema.String,
  expires_in: Schema.optionalKey(Schema.Number),
  refresh_token: Schema.optionalKey(Schema.String),
  scope: Schema.optionalKey(Schema.String),
  id_token: Schema.optionalKey(Schema.String)
})

const ErrorResponse = Schema.Struct({ error: Schema.String })

const formEncode = (value: string): string => encodeURIComponent(value).replace(/%20/g, "+")

const exchangeFailed = (description: string, cause?: unknown) =>
  new McpAuthError({
    reason: new TokenExchangeFailed(cause === undefined ? { description } : { description, cause })
  })

/**
 * The form of a token request, and its Basic `Authorization` header, for the client's
 * authentication.
 */
const authenticate = Effect.fnUntraced(function*(
  client: ClientAuthentication,
  audience: string
): Effect.fn.Return<
  { readonly form: Record<string, string>; readonly authorization?: Redacted.Redacted<string> },
  McpAuthError
> {
  switch (client.method) {
    case "none":
      return { form: { client_id: client.clientId } }
    case "client_secret_post":
      return { form: { client_id: client.clientId, client_secret: Redacted.value(client.clientSecret) } }
    case "client_secret_basic": {
      const credentials = `${formEncode(client.clientId)}:${formEncode(Redacted.value(client.clientSecret))}`
      return { form: {}, authorization: Redacted.make(`Basic ${btoa(credentials)}`) }
    }
    case "private_key_jwt":
      return {
        form: {
          client_id: client.clientId,
          client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
          client_assertion: yield* client.assertion(audience)
        }
      }
  }
})

/**
 * Sends the grant to the token endpoint; the tokens it grants, or `TokenExchangeFailed`.
 */
export const request = Effect.fnUntraced(function*(
  options: Options
): Effect.fn.Return<McpTokenStore.Tokens, McpAuthError, HttpClient.HttpClient> {
  const endpoint = yield* secureUrl(options.endpoint, "token endpoint")
  const grantType = options.grant.grant_type ?? "unknown"
  const shown = `${endpoint.origin}${endpoint.pathname}`
  const send = Effect.fnUntraced(function*() {
    // a fresh assertion and proof per try: both are single-use
    const { authorization, form } = yield* authenticate(options.client, options.audience ?? options.endpoint)
    const proof = options.proof === undefined ? undefined : yield* options.proof({
      method: "POST",
      url: options.endpoint
    })
    const headers: Record<string, string> = {}
    if (authorization !== undefined) headers.authorization = Redacted.value(authorization)
    if (proof !== undefined) headers.dpop = Redacted.value(proof)
    const response = yield* HttpClient.execute(
      HttpClientRequest.post(endpoint).pipe(
        HttpClientRequest.acceptJson,
        HttpClientRequest.setHeaders(headers),
        HttpClientRequest.bodyUrlParams({ ...options.grant, ...form })
      )
    ).pipe(
      Effect.mapError((cause) => exchangeFailed(`the token endpoint ${shown} could not be reached`, cause))
    )
    if (options.observe !== undefined) yield* options.observe(options.endpoint, response.headers)
    return response
  })
  const first = yield* send()
  const oauthError = first.status >= 400 ? yield* errorCode(first) : undefined
  const response = oauthError === "use_dpop_nonce" && options.proof !== undefined ? yield* send() : first
  const code = response === first ? oauthError : response.status >= 400 ? yield* errorCode(response) : undefined
  if (response.status >= 400 || code !== undefined) {
    return yield* Effect.fail(
      exchangeFailed(
        `the token endpoint ${shown} refused the ${grantType} grant (${response.status}${
          code === undefined ? "" : `, ${code}`
        })`
      )
    )
  }
  return yield* granted(response, shown)
})

/**
 * The OAuth error code of a refusal, when its body has one.
 */
const errorCode = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<string | undefined> =>
  response.json.pipe(
    Effect.flatMap(Schema.decodeUnknownEffect(ErrorResponse)),
    Effect.map((body) => /^[\x20-\x7e]{1,64}$/.test(body.error) ? body.error : "malformed error code"),
    Effect.orElseSucceed(() => undefined)
  )

const normalizeType = (type: string): string =>
  type.toLowerCase() === "bearer" ? "Bearer" : type.toLowerCase() === "dpop" ? "DPoP" : type

const granted = Effect.fnUntraced(function*(
  response: HttpClientResponse.HttpClientResponse,
  shown: string
): Effect.fn.Return<McpTokenStore.Tokens, McpAuthError> {
  const body = yield* response.json.pipe(
    Effect.flatMap(Schema.decodeUnknownEffect(TokenResponse)),
    // the body holds the tokens: the cause is left out
    Effect.mapError(() => exchangeFailed(`the token endpoint ${shown} answered without a valid token response`))
  )
  const now = yield* Clock.currentTimeMillis
  return new McpTokenStore.Tokens({
    accessToken: Redacted.make(body.access_token),
    tokenType: normalizeType(body.token_type),
    refreshToken: body.refresh_token === undefined ? undefined : Redacted.make(body.refresh_token),
    expiresAt: body.expires_in === undefined ? undefined : now + body.expires_in * 1000,
    scope: body.scope,
    idToken: body.id_token === undefined ? undefined : Redacted.make(body.id_token)
  })
})
