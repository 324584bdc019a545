/**
 * The OAuth layer a configuration's server gets when it asks for OAuth (`auth: "oauth"` or an OAuth
 * object) and the program gave none: `McpOAuth` of `@effect-mcp/auth` with the system browser and a
 * loopback callback (`McpLogin.layerBrowser`), tokens in the user's file store
 * (`McpTokenStore.layerFile`), and the server's OAuth object as its options. The auth package and the
 * Node platform load when such a server's layer is built, never with the front door.
 *
 * @internal
 */
import type * as McpOAuth from "@effect-mcp/auth/McpOAuth"
import type * as McpConfig from "@effect-mcp/core/McpConfig"
import type * as NodeServices from "@effect/platform-node/NodeServices"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Predicate from "effect/Predicate"

/** The first of `keys` (camelCase, then the seed's snake_case) that holds a string. */
const stringOf = (options: Readonly<Record<string, unknown>>, ...keys: ReadonlyArray<string>): string | undefined => {
  for (const key of keys) {
    const value = options[key]
    if (typeof value === "string" && value.length > 0) return value
  }
  return undefined
}

/** `scopes` as a list or a space-separated string. */
const scopesOf = (options: Readonly<Record<string, unknown>>): ReadonlyArray<string> | undefined => {
  const scopes = options["scopes"] ?? options["scope"]
  if (typeof scopes === "string") return scopes.split(/\s+/).filter((scope) => scope.length > 0)
  return Array.isArray(scopes) ? scopes.filter(Predicate.isString) : undefined
}

/** The `McpOAuth` options a server's OAuth object names; anything else in it is ignored. */
export const optionsOf = (options: Readonly<Record<string, unknown>>): McpOAuth.Options => {
  const picked: Record<string, unknown> = {
    scopes: scopesOf(options),
    clientName: stringOf(options, "clientName", "client_name"),
    clientId: stringOf(options, "clientId", "client_id"),
    clientSecret: stringOf(options, "clientSecret", "client_secret"),
    issuer: stringOf(options, "issuer"),
    clientMetadataUrl: stringOf(options, "clientMetadataUrl", "client_metadata_url")
  }
  return Object.fromEntries(Object.entries(picked).filter(([, value]) => value !== undefined)) as McpOAuth.Options
}

/** The default OAuth layer of `server`, over the Node services `platform` gives. */
export const layer = (
  server: McpConfig.HttpServer,
  platform: Layer.Layer<NodeServices.NodeServices>
): Layer.Layer<never, never, HttpClient.HttpClient> =>
  Layer.unwrap(
    Effect.promise(() => import("@effect-mcp/auth")).pipe(
      Effect.map(({ McpLogin, McpOAuth, McpTokenStore }) =>
        McpOAuth.layer(optionsOf(server.auth?._tag === "OAuth" ? server.auth.options : {})).pipe(
          Layer.provide([McpLogin.layerBrowser(), McpTokenStore.layerFile()]),
          Layer.provide(platform)
        )
      )
    )
  )
