/**
 * Workload identity federation (SEP-1933): a workload that already holds a JWT from its platform
 * (a Kubernetes service-account token, a cloud identity token, a CI job's OIDC token) trades it for
 * an access token with the RFC 7523 JWT-bearer grant, without any client secret.
 *
 * The assertion is read each time a token is needed, so a platform that rotates its token file is
 * followed. A refused assertion (`invalid_grant`, `invalid_scope`, `unauthorized_client`) fails the
 * request with `TokenExchangeFailed`: the layer neither retries it nor falls back to another grant.
 * With `McpDpop` provided the tokens are DPoP-bound.
 *
 * **Example** (A Kubernetes service-account token)
 *
 * ```ts
 * import { Effect, FileSystem } from "effect"
 * import { McpWorkloadIdentity } from "@effect-mcp/auth"
 *
 * const AuthLive = McpWorkloadIdentity.layer({
 *   clientId: "reporting-job",
 *   assertion: FileSystem.FileSystem.use((fs) =>
 *     fs.readFileString("/var/run/secrets/tokens/mcp-token")
 *   ).pipe(Effect.orDie)
 * })
 * ```
 *
 * @stability experimental
 * @since 0.3.0
 */
import type { McpAuthError } from "@effect-mcp/core/McpAuthError"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Machine from "./internal/machine.ts"
import * as Secret from "./internal/secret.ts"

/**
 * The grant type of RFC 7523 assertions.
 *
 * @stability experimental
 * @category constants
 * @since 0.3.0
 */
export const jwtBearerGrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"

/**
 * Options of {@link layer}.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Options<R = never> {
  /** The client id the authorization server knows the workload by (sent as `client_id`). */
  readonly clientId: string
  /** The workload's JWT: a value, or an effect that reads it each time (a rotated file). */
  readonly assertion:
    | string
    | Redacted.Redacted<string>
    | Effect.Effect<string | Redacted.Redacted<string>, McpAuthError, R>
  /** The scopes to ask for. Default: the server's challenge's, else its `scopes_supported`, else none. */
  readonly scopes?: ReadonlyArray<string> | undefined
  /** The only authorization server the assertion may be sent to. Default: the one the server names. */
  readonly issuer?: string | undefined
  /** The client identity of the token store's entries. Default: the client id. */
  readonly identity?: string | undefined
}

/**
 * Provides core's `McpAuth` with tokens of the JWT-bearer grant over the workload's assertion.
 *
 * @stability experimental
 * @category layers
 * @since 0.3.0
 */
export const layer = <R = never>(options: Options<R>): Layer.Layer<never, never, HttpClient.HttpClient | R> =>
  Machine.layer(
    Effect.map(Effect.context<R>(), (context): Machine.Grant => ({
      grantType: jwtBearerGrantType,
      identity: options.identity ?? options.clientId,
      run: ({ metadata, request, resource, scopes }) =>
        Effect.flatMap(Effect.provideContext(Secret.read(options.assertion), context), (assertion) =>
          request({
            endpoint: metadata.token_endpoint,
            client: { method: "none", clientId: options.clientId },
            grant: {
              grant_type: jwtBearerGrantType,
              assertion: Redacted.value(assertion),
              resource,
              ...(scopes === undefined ? {} : { scope: scopes.join(" ") })
            }
          }))
    })),
    { scopes: options.scopes, issuer: options.issuer }
  )
