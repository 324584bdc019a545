/**
 * auth-base's scenarios of the conformance suite (machine credentials and DPoP): the `McpAuth` layer
 * each one uses, built from the credentials the suite passes in `MCP_CONFORMANCE_CONTEXT`, the way a
 * host application would configure it.
 */
import { McpClientCredentials, McpDpop, McpEnterpriseAuth, McpWorkloadIdentity } from "@effect-mcp/auth"
import type { McpAuthError } from "@effect-mcp/core"
import { Layer } from "effect"
import type { HttpClient } from "effect/http"

/** What the suite passes for these scenarios. */
export interface Context {
  readonly client_id?: string
  readonly client_secret?: string
  readonly private_key_pem?: string
  readonly signing_algorithm?: string
  readonly idp_client_id?: string
  readonly idp_id_token?: string
  readonly idp_issuer?: string
  readonly idp_token_endpoint?: string
  readonly valid_jwt?: string
}

const required = (value: string | undefined, name: string): string => {
  if (value === undefined) throw new Error(`MCP_CONFORMANCE_CONTEXT has no ${name}`) // lint-allow-throw
  return value
}

/** The `McpAuth` layer of a machine-credential scenario, or `undefined` for any other scenario. */
export const authLayer = (
  scenario: string,
  context: Context
): Layer.Layer<never, McpAuthError.McpAuthError, HttpClient.HttpClient> | undefined => {
  switch (scenario) {
    case "auth/client-credentials-basic":
      return McpClientCredentials.layer({
        clientId: required(context.client_id, "client_id"),
        clientSecret: required(context.client_secret, "client_secret")
      })
    case "auth/client-credentials-jwt":
      return McpClientCredentials.layer({
        clientId: required(context.client_id, "client_id"),
        privateKey: required(context.private_key_pem, "private_key_pem"),
        algorithm: (context.signing_algorithm ?? "ES256") as McpClientCredentials.Algorithm
      })
    // the stable release's name of enterprise-managed authorization
    case "auth/cross-app-access-complete-flow":
    case "auth/enterprise-managed-authorization":
      return McpEnterpriseAuth.layer({
        idToken: required(context.idp_id_token, "idp_id_token"),
        idp: {
          tokenEndpoint: context.idp_token_endpoint,
          issuer: context.idp_issuer,
          clientId: required(context.idp_client_id, "idp_client_id")
        },
        clientId: required(context.client_id, "client_id"),
        clientSecret: required(context.client_secret, "client_secret")
      })
    case "auth/wif-jwt-bearer":
      return McpWorkloadIdentity.layer({
        clientId: required(context.client_id, "client_id"),
        assertion: required(context.valid_jwt, "valid_jwt")
      })
    default:
      return undefined
  }
}

/** The DPoP scenarios: OAuth (the client's usual layer) with an `McpDpop` key. */
export const withDpop = <E, R>(scenario: string, auth: Layer.Layer<never, E, R>): Layer.Layer<never, E, R> =>
  scenario === "auth/dpop" || scenario === "auth/dpop-nonce" ? auth.pipe(Layer.provide(McpDpop.layer)) : auth
