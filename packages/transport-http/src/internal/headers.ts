/**
 * The headers both HTTP transports send: the configured ones, then the credentials of the `McpAuth`
 * hook (unwrapped from `Redacted` only here, at the edge, so they never reach logs or errors).
 *
 * @internal
 */
import type * as McpAuth from "@effect-mcp/core/McpAuth"
import { McpTransportError } from "@effect-mcp/core/McpError"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

/**
 * The configured headers plus the hook's credentials for a request; a hook that fails (a refused
 * login) fails the request with its `McpAuthError` as the reason.
 */
export const authorized = (
  auth: McpAuth.Service,
  request: McpAuth.Request,
  configured: Readonly<Record<string, string>> | undefined
): Effect.Effect<Record<string, string>, McpTransportError> =>
  Effect.mapBoth(auth.headers(request), {
    onFailure: (reason) => new McpTransportError({ reason }),
    onSuccess: (credentials) => {
      const headers: Record<string, string> = { ...configured }
      for (const [name, value] of Object.entries(credentials)) headers[name] = Redacted.value(value)
      return headers
    }
  })

const hex = (bytes: ArrayBuffer): string =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("")

/**
 * A SHA-256 of the headers a POST to `url` goes out with (names and values, sorted), as the
 * connection's `credentialsId`: it tells credentials apart without holding them.
 */
export const credentialsId = (
  auth: McpAuth.Service,
  url: string,
  configured: Readonly<Record<string, string>> | undefined
): Effect.Effect<string, McpTransportError> =>
  Effect.flatMap(authorized(auth, { method: "POST", url }, configured), (headers) => {
    const text = Object.entries(headers)
      .map(([name, value]) => `${name.toLowerCase()}:${value}`)
      .sort()
      .join("\n")
    return Effect.promise(() => globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))).pipe(
      Effect.map(hex)
    )
  })
