/**
 * The routing headers of revision 2026-07-28: `Mcp-Method`, `Mcp-Name`, and `Mcp-Param-{Name}` for
 * the tool arguments a tool's input schema marks with `"x-mcp-header": "{Name}"`, so that proxies and
 * load balancers can route without reading the body. Values that are not plain visible ASCII travel
 * as `=?base64?{UTF-8 in base64}?=`.
 *
 * @internal
 */
import type { Tool } from "@effect-mcp/core/McpSchema"
import type { RequestMessage, Route } from "@effect-mcp/core/McpTransport"
import * as Predicate from "effect/Predicate"

/** A tool argument mirrored into a header: its header name and its path through `properties`. */
export interface HeaderParam {
  readonly header: string
  readonly path: ReadonlyArray<string>
}

/** An RFC 9110 token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

const PRIMITIVE_TYPES: ReadonlySet<unknown> = new Set(["string", "integer", "boolean"])

/**
 * Whether a header value must be sent in base64: anything but visible ASCII and inner spaces
 * (control characters, non-ASCII, whitespace at either end), and values that look encoded. The
 * specification lets a tab through as is; it is encoded here too, as the conformance suite expects
 * and as every server decodes.
 */
const needsEncoding = (value: string): boolean => {
  if (value !== value.trim()) return true
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code < 0x20 || code > 0x7e) return true
  }
  return value.startsWith("=?base64?") && value.endsWith("?=")
}

const encoder = new TextEncoder()

/**
 * Encodes a header value: as is when it is safe, else `=?base64?…?=`.
 */
export const encodeValue = (value: string): string => {
  if (!needsEncoding(value)) return value
  const bytes = encoder.encode(value)
  let binary = ""
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return `=?base64?${btoa(binary)}?=`
}

/**
 * Reads the `x-mcp-header` annotations of a tool's input schema, or says why they are invalid (then
 * the tool must not be offered over HTTP). Annotations are valid on `string`, `integer` and `boolean`
 * properties reached from the root through `properties` only, as unique (case-insensitively) tokens.
 */
export const headerParams = (inputSchema: unknown): { readonly params: ReadonlyArray<HeaderParam> } | {
  readonly invalid: string
} => {
  const params: Array<HeaderParam> = []
  const seen = new Set<string>()
  let problem: string | undefined
  // every annotation anywhere in the schema is visited; those reached through `properties` alone count
  const visit = (node: unknown, path: ReadonlyArray<string> | undefined): void => {
    if (problem !== undefined) return
    if (Array.isArray(node)) {
      for (const item of node) visit(item, undefined)
      return
    }
    if (!Predicate.isObject(node)) return
    if ("x-mcp-header" in node) {
      const header = node["x-mcp-header"]
      if (path === undefined || path.length === 0) {
        problem = "x-mcp-header is only allowed on properties reached through \"properties\""
        return
      }
      if (typeof header !== "string" || header.length === 0) {
        problem = `x-mcp-header of ${path.join(".")} is empty or not a string`
        return
      }
      if (!TOKEN.test(header)) {
        problem = `x-mcp-header ${JSON.stringify(header)} is not a valid header name`
        return
      }
      if (!PRIMITIVE_TYPES.has(node.type)) {
        problem = `x-mcp-header ${header} is on a property that is not a string, integer or boolean`
        return
      }
      const key = header.toLowerCase()
      if (seen.has(key)) {
        problem = `x-mcp-header ${header} is used twice`
        return
      }
      seen.add(key)
      params.push({ header, path })
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === "properties" && Predicate.isObject(value) && path !== undefined) {
        for (const [name, property] of Object.entries(value)) visit(property, [...path, name])
      } else {
        visit(value, undefined)
      }
    }
  }
  visit(inputSchema, [])
  return problem === undefined ? { params } : { invalid: problem }
}

/**
 * The `Mcp-Param-*` headers of a call: one per annotated argument present with a string, integer or
 * boolean value (`null` and absent arguments send no header).
 */
export const paramHeaders = (
  params: ReadonlyArray<HeaderParam>,
  args: unknown
): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (const { header, path } of params) {
    let value: unknown = args
    for (const key of path) value = Predicate.isObject(value) ? value[key] : undefined
    if (typeof value === "string") headers[`mcp-param-${header.toLowerCase()}`] = encodeValue(value)
    else if (typeof value === "boolean") headers[`mcp-param-${header.toLowerCase()}`] = String(value)
    else if (typeof value === "number" && Number.isSafeInteger(value)) {
      headers[`mcp-param-${header.toLowerCase()}`] = String(value)
    }
  }
  return headers
}

/**
 * The routing headers of requests: none in the stateful revisions; in 2026-07-28 `Mcp-Method`,
 * `Mcp-Name` (the route's name) and, for a call to a listed tool, its `Mcp-Param-*` headers. Each
 * tool's annotations are read once.
 */
export const make = () => {
  const annotations = new WeakMap<object, ReturnType<typeof headerParams>>()
  const annotationsOf = (tool: Tool): ReturnType<typeof headerParams> => {
    let found = annotations.get(tool)
    if (found === undefined) {
      found = headerParams(tool.inputSchema)
      annotations.set(tool, found)
    }
    return found
  }
  return {
    headers: (route: Route, message: RequestMessage): Record<string, string> => {
      if (route.era !== "stateless") return {}
      const headers: Record<string, string> = { "mcp-method": route.method }
      if (route.name !== undefined) headers["mcp-name"] = encodeValue(route.name)
      const tool = route.tool
      if (tool === undefined) return headers
      const annotated = annotationsOf(tool)
      if ("invalid" in annotated || annotated.params.length === 0) return headers
      const args = (message.params as { readonly arguments?: unknown } | undefined)?.arguments
      return { ...headers, ...paramHeaders(annotated.params, args) }
    },
    /** Why calls to a tool cannot be routed: its annotations are invalid. */
    unroutable: (tool: Tool): string | undefined => {
      const annotated = annotationsOf(tool)
      return "invalid" in annotated ? annotated.invalid : undefined
    }
  }
}
