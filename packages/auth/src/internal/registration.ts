/**
 * Dynamic Client Registration (RFC 7591): the client's metadata posted to the authorization
 * server's `registration_endpoint`, answered by a client id (and maybe a secret), kept as the token
 * store's `ClientRegistration` for that issuer.
 *
 * The request asks for a public native client (`token_endpoint_auth_method: "none"`,
 * `application_type: "native"`) unless the server lists only secret-based methods; the caller's
 * `clientMetadata` is merged over it.
 *
 * @internal
 */
import { McpAuthError, RegistrationFailed } from "@effect-mcp/core/McpAuthError"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as McpTokenStore from "../McpTokenStore.ts"
import { type AuthorizationServerMetadata, secureUrl } from "./discovery.ts"

const RegistrationResponse = Schema.Struct({
  client_id: Schema.String,
  client_secret: Schema.optionalKey(Schema.String),
  client_secret_expires_at: Schema.optionalKey(Schema.Number),
  redirect_uris: Schema.optionalKey(Schema.Array(Schema.String)),
  token_endpoint_auth_method: Schema.optionalKey(Schema.String)
})

const failed = (description: string, cause?: unknown) =>
  new McpAuthError({
    reason: new RegistrationFailed(cause === undefined ? { description } : { description, cause })
  })

/**
 * The token endpoint authentication a new registration asks for: `none` when the server lists it
 * (or lists nothing), else the first secret-based method it lists.
 */
export const requestedAuthMethod = (metadata: AuthorizationServerMetadata): string => {
  const supported = metadata.token_endpoint_auth_methods_supported
  if (supported === undefined || supported.length === 0 || supported.includes("none")) return "none"
  return supported.find((method) => method === "client_secret_basic" || method === "client_secret_post") ??
    supported[0]!
}

/**
 * Registers a client with the authorization server of `metadata`.
 */
export const register = Effect.fnUntraced(function*(options: {
  readonly metadata: AuthorizationServerMetadata
  readonly redirectUri: string
  readonly clientName: string
  readonly scope: string | undefined
  readonly clientMetadata: Readonly<Record<string, unknown>> | undefined
}): Effect.fn.Return<McpTokenStore.ClientRegistration, McpAuthError, HttpClient.HttpClient> {
  const { metadata } = options
  if (metadata.registration_endpoint === undefined) {
    return yield* failed(
      `the authorization server ${metadata.issuer} offers no dynamic registration, and no client id is configured`
    )
  }
  const endpoint = yield* secureUrl(metadata.registration_endpoint, "registration endpoint")
  const shown = `${endpoint.origin}${endpoint.pathname}`
  const body = {
    client_name: options.clientName,
    redirect_uris: [options.redirectUri],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: requestedAuthMethod(metadata),
    application_type: "native",
    ...(options.scope === undefined ? {} : { scope: options.scope }),
    ...options.clientMetadata
  }
  const response = yield* HttpClient.execute(
    HttpClientRequest.post(endpoint).pipe(HttpClientRequest.acceptJson, HttpClientRequest.bodyJsonUnsafe(body))
  ).pipe(Effect.mapError((cause) => failed(`the registration endpoint ${shown} could not be reached`, cause)))
  if (response.status !== 200 && response.status !== 201) {
    const error = yield* response.json.pipe(
      Effect.map((json) =>
        typeof json === "object" && json !== null && "error" in json && typeof json.error === "string"
          ? `, ${json.error.slice(0, 64)}`
          : ""
      ),
      Effect.orElseSucceed(() => "")
    )
    return yield* failed(`the registration endpoint ${shown} refused the registration (${response.status}${error})`)
  }
  const registered = yield* response.json.pipe(
    Effect.flatMap(Schema.decodeUnknownEffect(RegistrationResponse)),
    // the body holds the client secret: the cause is left out
    Effect.mapError(() => failed(`the registration endpoint ${shown} answered without a valid registration`))
  )
  return new McpTokenStore.ClientRegistration({
    clientId: registered.client_id,
    clientSecret: registered.client_secret === undefined ? undefined : Redacted.make(registered.client_secret),
    clientSecretExpiresAt:
      registered.client_secret_expires_at === undefined || registered.client_secret_expires_at === 0
        ? undefined
        : registered.client_secret_expires_at * 1000,
    issuer: metadata.issuer,
    redirectUris: registered.redirect_uris ?? [options.redirectUri],
    tokenEndpointAuthMethod: registered.token_endpoint_auth_method
  })
})
