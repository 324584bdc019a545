/**
 * Multi-server configurations as MCP hosts write them, decoded into one model: the desktop
 * `{"mcpServers": {...}}` format (Claude Desktop, Claude Code, Cursor, Windsurf, Gemini CLI), VS Code's
 * `{"servers": {...}}` with `type`, Codex's `[mcp_servers.NAME]` (once parsed from TOML), opencode's
 * `mcp` and Goose's `extensions` (once parsed from YAML).
 *
 * Each server takes FastMCP's fields: `command`/`args`/`env`/`cwd` (stdio); `url`, `transport`
 * (`http`, `streamable-http`, `sse`) and `headers`; `auth` (`"oauth"`, a bearer token, or an OAuth
 * object); `timeout` (milliseconds, or a duration such as `"30 seconds"`); `keepAlive`;
 * `protocolVersion`; `disabled`; `connect` (`"eager"` or `"lazy"`); `includeTools`/`excludeTools`
 * (globs). Strings may use `${NAME}`, `${NAME:-default}` and `${env:NAME}`, and the references of the
 * hosts that have their own, read as those hosts read them: Gemini CLI's `$NAME` (left as it is when
 * not set) in the `gemini` format, opencode's `{env:NAME}` (empty when not set) in the `opencode` format.
 * Secrets (`env`, `headers`, tokens) are `Redacted` once decoded.
 *
 * This module reads no file and no environment: the front door (`effect-mcp`) finds and parses the
 * files and passes the variables. A decoding error names the file, the server and the field, and says
 * what was expected.
 *
 * **Example** (Decoding a desktop configuration)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { McpConfig } from "@effect-mcp/core"
 *
 * const config = McpConfig.decode({
 *   mcpServers: {
 *     weather: { url: "https://weather.example.com/mcp", auth: "${WEATHER_TOKEN}" },
 *     files: { command: "npx", args: ["-y", "@modelcontextprotocol/server-filesystem", "."] }
 *   }
 * }, { file: "mcp.json", env: { WEATHER_TOKEN: "t0k" } })
 *
 * // Effect.map(config, (c) => Object.keys(c.servers)) // => ["weather", "files"]
 * ```
 *
 * @stability experimental
 * @since 0.3.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import * as Formats from "./internal/configFormats.ts"
import { interpolate } from "./internal/interpolate.ts"

// -----------------------------------------------------------------------------
// Models
// -----------------------------------------------------------------------------

/**
 * The formats a configuration may be in. `decode` tells them apart by their top-level keys, except
 * `gemini` (an `mcpServers` file whose `url` is an SSE endpoint) and `claude-code-user`
 * (`~/.claude.json`), which the caller names.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type Format = Formats.Format

/**
 * How a server authorizes: a bearer token (sent as `Authorization: Bearer …`), or OAuth (`"oauth"`, or
 * an object of OAuth options such as `scopes` or `clientId`, kept as written for the OAuth layer).
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type Auth =
  | { readonly _tag: "Bearer"; readonly token: Redacted.Redacted<string> }
  | { readonly _tag: "OAuth"; readonly options: Readonly<Record<string, unknown>> }

/**
 * What every server of a configuration has.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface ServerBase {
  /** The server's name: its key in the configuration, and its prefix behind a router. */
  readonly name: string
  /** The file the server came from, if it came from one. */
  readonly file: string | undefined
  readonly timeout: Duration.Duration | undefined
  /** `"auto"`, `"legacy"` or a revision such as `"2025-06-18"`. */
  readonly protocolVersion: string | undefined
  readonly connect: "eager" | "lazy"
  readonly disabled: boolean
  /** Globs: only the tools that match one are offered. */
  readonly includeTools: ReadonlyArray<string> | undefined
  /** Globs: the tools that match one are never offered. */
  readonly excludeTools: ReadonlyArray<string> | undefined
}

/**
 * A server run as a child process.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface StdioServer extends ServerBase {
  readonly _tag: "Stdio"
  readonly command: string
  readonly args: ReadonlyArray<string>
  readonly env: Readonly<Record<string, Redacted.Redacted<string>>>
  readonly cwd: string | undefined
  /** Keep one process across sessions (the stdio transport's default) or start one per session. */
  readonly keepAlive: boolean | undefined
}

/**
 * A remote server.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface HttpServer extends ServerBase {
  readonly _tag: "Http"
  readonly url: string
  /** `"http"` (Streamable HTTP), `"sse"` (legacy HTTP+SSE), or `undefined`: inferred from the URL. */
  readonly transport: "http" | "sse" | undefined
  readonly headers: Readonly<Record<string, Redacted.Redacted<string>>>
  readonly auth: Auth | undefined
}

/**
 * A server of a configuration.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type Server = StdioServer | HttpServer

/**
 * A decoded configuration: its servers by name, in the order they were written.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface McpConfig {
  readonly servers: Readonly<Record<string, Server>>
}

/**
 * Options of {@link decode}.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface DecodeOptions {
  /** The file the document came from, for errors and for {@link ServerBase} `file`. */
  readonly file?: string | undefined
  /** The format; by default told from the document's keys. */
  readonly format?: Format | undefined
  /** The variables of `${NAME}` references (and `$NAME`, `{env:NAME}` in the formats that use them). Default: none. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
  /** The project directory, for `claude-code-user` (its `projects` entry). */
  readonly project?: string | undefined
}

// -----------------------------------------------------------------------------
// Errors
// -----------------------------------------------------------------------------

const where = (file: string | undefined, server: string | undefined, field: string | undefined) =>
  [
    file === undefined ? undefined : `config ${file}`,
    server === undefined ? undefined : `server "${server}"`,
    field === undefined || field === "" ? undefined : `field "${field}"`
  ].filter((part) => part !== undefined).join(", ")

/**
 * A field does not have the value it should.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class InvalidField extends Schema.TaggedError<InvalidField>("@effect-mcp/core/McpConfig/InvalidField")(
  "InvalidField",
  {
    file: Schema.optional(Schema.String),
    server: Schema.optional(Schema.String),
    field: Schema.String,
    expected: Schema.String
  }
) {
  override get message(): string {
    return `${where(this.file, this.server, this.field)}: ${this.expected}`
  }
}

/**
 * A `${NAME}` reference names a variable that is not set and has no default, or is of a kind that is
 * not supported (`${input:id}`).
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class MissingVariable extends Schema.TaggedError<MissingVariable>(
  "@effect-mcp/core/McpConfig/MissingVariable"
)("MissingVariable", {
  file: Schema.optional(Schema.String),
  server: Schema.optional(Schema.String),
  field: Schema.String,
  variable: Schema.String,
  unsupported: Schema.optional(Schema.String)
}) {
  override get message(): string {
    const at = where(this.file, this.server, this.field)
    return this.unsupported === undefined
      ? `${at}: the variable ${this.variable} is not set (give it a value, or a default with \${${this.variable}:-default})`
      : `${at}: ${this.unsupported} is not supported (use \${NAME}, \${NAME:-default} or \${env:NAME})`
  }
}

/**
 * A document is not in any known format (no `mcpServers`, `servers`, `mcp_servers`, `mcp` or
 * `extensions`).
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class UnknownFormat extends Schema.TaggedError<UnknownFormat>("@effect-mcp/core/McpConfig/UnknownFormat")(
  "UnknownFormat",
  { file: Schema.optional(Schema.String), keys: Schema.Array(Schema.String) }
) {
  override get message(): string {
    const found = this.keys.length === 0 ? "no keys" : this.keys.map((key) => `"${key}"`).join(", ")
    return `${where(this.file, undefined, undefined) || "config"}: expected an object with "mcpServers", ` +
      `"servers", "mcp_servers", "mcp" or "extensions", found ${found}`
  }
}

/**
 * A configuration file could not be read or parsed (not JSON, not TOML, not YAML).
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class ReadFailed extends Schema.TaggedError<ReadFailed>("@effect-mcp/core/McpConfig/ReadFailed")(
  "ReadFailed",
  { file: Schema.String, description: Schema.String, cause: Schema.optional(Schema.Defect()) }
) {
  override get message(): string {
    return `config ${this.file}: ${this.description}`
  }
}

/**
 * A server asks for OAuth (`auth: "oauth"` or an OAuth object) and no OAuth layer was given to build
 * it with.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class OAuthUnavailable extends Schema.TaggedError<OAuthUnavailable>(
  "@effect-mcp/core/McpConfig/OAuthUnavailable"
)("OAuthUnavailable", { file: Schema.optional(Schema.String), server: Schema.String }) {
  override get message(): string {
    return `${where(this.file, this.server, "auth")}: the server asks for OAuth, and no OAuth layer was given ` +
      `(pass the \`oauth\` option, e.g. oauth: (server) => McpOAuth.layer({ ... }))`
  }
}

/**
 * Why a configuration could not be used.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type McpConfigErrorReason = InvalidField | MissingVariable | UnknownFormat | ReadFailed | OAuthUnavailable

/**
 * The schema of {@link McpConfigErrorReason}.
 *
 * @stability experimental
 * @category schemas
 * @since 0.3.0
 */
export const McpConfigErrorReason: Schema.Union<
  [typeof InvalidField, typeof MissingVariable, typeof UnknownFormat, typeof ReadFailed, typeof OAuthUnavailable]
> = Schema.Union([InvalidField, MissingVariable, UnknownFormat, ReadFailed, OAuthUnavailable])

/**
 * A configuration could not be read, decoded or used. `reason` says where and why.
 *
 * @stability experimental
 * @category errors
 * @since 0.3.0
 */
export class McpConfigError extends Schema.TaggedError<McpConfigError>("@effect-mcp/core/McpConfig/McpConfigError")(
  "McpConfigError",
  { reason: McpConfigErrorReason }
) {
  override readonly cause = this.reason

  override get message(): string {
    return this.reason.message
  }
}

/**
 * Tells whether a value is an {@link McpConfigError}.
 *
 * @stability experimental
 * @category guards
 * @since 0.3.0
 */
export const isMcpConfigError = (u: unknown): u is McpConfigError =>
  typeof u === "object" && u !== null && (u as { _tag?: unknown })._tag === "McpConfigError"

// -----------------------------------------------------------------------------
// Schemas
// -----------------------------------------------------------------------------

const Strings = Schema.Array(Schema.String)
const StringRecord = Schema.Record(Schema.String, Schema.String)
const TransportName = Schema.Literals(["stdio", "http", "streamable-http", "streamableHttp", "sse"])

/**
 * The schema of one server as written, in any format (after the format's own names are mapped to
 * these): FastMCP's fields, plus the aliases `type` (VS Code, Claude Code), `serverUrl` (Windsurf) and
 * `httpUrl` (Gemini CLI). Unknown fields are ignored.
 *
 * @stability experimental
 * @category schemas
 * @since 0.3.0
 */
export const ServerEntry = Schema.Struct({
  command: Schema.optionalKey(Schema.String),
  args: Schema.optionalKey(Strings),
  env: Schema.optionalKey(StringRecord),
  cwd: Schema.optionalKey(Schema.String),
  url: Schema.optionalKey(Schema.String),
  serverUrl: Schema.optionalKey(Schema.String),
  httpUrl: Schema.optionalKey(Schema.String),
  transport: Schema.optionalKey(TransportName),
  type: Schema.optionalKey(TransportName),
  headers: Schema.optionalKey(StringRecord),
  auth: Schema.optionalKey(Schema.Union([Schema.String, Schema.Record(Schema.String, Schema.Unknown)])),
  timeout: Schema.optionalKey(Schema.Union([Schema.Number, Schema.String])),
  keepAlive: Schema.optionalKey(Schema.Boolean),
  protocolVersion: Schema.optionalKey(Schema.String),
  disabled: Schema.optionalKey(Schema.Boolean),
  connect: Schema.optionalKey(Schema.Literals(["eager", "lazy"])),
  includeTools: Schema.optionalKey(Strings),
  excludeTools: Schema.optionalKey(Strings)
})

/**
 * A server as written: the type of {@link ServerEntry}.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type ServerEntry = typeof ServerEntry.Type

/**
 * A configuration written by hand: `{ mcpServers: { name: entry } }`. What {@link decode} takes in
 * this format, and what `McpSource` accepts as a source.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Input {
  readonly mcpServers: Readonly<Record<string, ServerEntry>>
}

// -----------------------------------------------------------------------------
// Decoding
// -----------------------------------------------------------------------------

const fail = (reason: McpConfigErrorReason) => Result.fail(new McpConfigError({ reason }))

const invalid = (file: string | undefined, server: string | undefined, field: string, expected: string) =>
  fail(new InvalidField({ file, server, field, expected }))

const fieldName = (path: ReadonlyArray<unknown>) =>
  path.map((key) => typeof key === "number" || typeof key === "string" ? key : String(key)).reduce<string>(
    (out, key) => typeof key === "number" ? `${out}[${key}]` : out === "" ? String(key) : `${out}.${String(key)}`,
    ""
  )

const formatIssue = SchemaIssue.makeFormatterStandardSchemaV1()
const decodeEntry = Schema.decodeUnknownResult(ServerEntry)

const REVISION = /^(auto|legacy|\d{4}-\d{2}-\d{2})$/

const redactAll = (record: Readonly<Record<string, string>> | undefined) => {
  const out: Record<string, Redacted.Redacted<string>> = {}
  for (const [key, value] of Object.entries(record ?? {})) out[key] = Redacted.make(value)
  return out
}

const parseTimeout = (timeout: number | string | undefined): Option.Option<Duration.Duration | undefined> =>
  timeout === undefined
    ? Option.some(undefined)
    : typeof timeout === "number"
    ? timeout >= 0 ? Option.some(Duration.millis(timeout)) : Option.none()
    : Duration.fromInput(timeout as Duration.Input)

const parseAuth = (auth: ServerEntry["auth"]): Auth | undefined => {
  if (auth === undefined) return undefined
  if (typeof auth !== "string") return { _tag: "OAuth", options: auth }
  if (auth.toLowerCase() === "oauth") return { _tag: "OAuth", options: {} }
  return { _tag: "Bearer", token: Redacted.make(auth.replace(/^Bearer\s+/i, "")) }
}

/** The checks the schema cannot make: one kind of server, a known transport, a revision, a timeout. */
const toServer = (
  name: string,
  file: string | undefined,
  entry: ServerEntry
): Result.Result<Server, McpConfigError> => {
  const url = entry.url ?? entry.serverUrl ?? entry.httpUrl
  const transport = entry.transport ?? entry.type
  if (entry.command === undefined && url === undefined) {
    return invalid(file, name, "command", "expected a `command` (a local server) or a `url` (a remote server)")
  }
  if (entry.command !== undefined && url !== undefined) {
    return invalid(file, name, "url", "expected either a `command` or a `url`, not both")
  }
  if (url === undefined && transport !== undefined && transport !== "stdio") {
    return invalid(file, name, "transport", `expected "stdio" for a server with a \`command\`, got "${transport}"`)
  }
  if (url !== undefined && transport === "stdio") {
    return invalid(
      file,
      name,
      "transport",
      "expected \"http\", \"streamable-http\" or \"sse\" for a server with a `url`"
    )
  }
  if (url !== undefined && !URL.canParse(url)) {
    return invalid(file, name, "url", `expected an http:// or https:// URL, got "${url}"`)
  }
  if (entry.protocolVersion !== undefined && !REVISION.test(entry.protocolVersion)) {
    return invalid(
      file,
      name,
      "protocolVersion",
      `expected "auto", "legacy" or a revision such as "2025-06-18", got "${entry.protocolVersion}"`
    )
  }
  const timeout = parseTimeout(entry.timeout)
  if (Option.isNone(timeout)) {
    return invalid(
      file,
      name,
      "timeout",
      `expected milliseconds or a duration such as "30 seconds", got ${JSON.stringify(entry.timeout)}`
    )
  }
  const base: ServerBase = {
    name,
    file,
    timeout: timeout.value,
    protocolVersion: entry.protocolVersion,
    connect: entry.connect ?? "eager",
    disabled: entry.disabled ?? false,
    includeTools: entry.includeTools,
    excludeTools: entry.excludeTools
  }
  if (url === undefined) {
    return Result.succeed({
      ...base,
      _tag: "Stdio",
      command: entry.command ?? "",
      args: entry.args ?? [],
      env: redactAll(entry.env),
      cwd: entry.cwd,
      keepAlive: entry.keepAlive
    })
  }
  return Result.succeed({
    ...base,
    _tag: "Http",
    url,
    transport: transport === undefined ? undefined : transport === "sse" ? "sse" : "http",
    headers: redactAll(entry.headers),
    auth: parseAuth(entry.auth)
  })
}

const SECRET_FIELDS = new Set(["env", "headers", "auth"])

/** What was found at a path, for an error: the value, or only its type for secrets. */
const describe = (path: ReadonlyArray<unknown>, entry: unknown): string => {
  let value: unknown = entry
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key as string]
  const type = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`
  return SECRET_FIELDS.has(String(path[0])) || typeof value === "object" ? type : `${type} (${JSON.stringify(value)})`
}

/** One server: interpolated, then decoded by {@link ServerEntry}, then checked. */
const decodeServer = (
  name: string,
  raw: unknown,
  options: DecodeOptions | undefined,
  format: Format
): Result.Result<Server, McpConfigError> => {
  const file = options?.file
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return invalid(file, name, "", "expected an object with a `command` or a `url`")
  }
  const interpolated = interpolate(
    raw,
    options?.env ?? {},
    format === "gemini" || format === "opencode" ? format : undefined
  )
  if (Result.isFailure(interpolated)) {
    const { path, unsupported, variable } = interpolated.failure
    return fail(new MissingVariable({ file, server: name, field: fieldName(path), variable, unsupported }))
  }
  const decoded = decodeEntry(interpolated.success)
  if (Result.isFailure(decoded)) {
    const [issue] = formatIssue(decoded.failure.issue).issues
    const path = issue?.path ?? []
    const expected = (issue?.message ?? "invalid").replace(/^E/, "e")
    return invalid(file, name, fieldName(path), `${expected}, got ${describe(path, interpolated.success)}`)
  }
  return toServer(name, file, decoded.success)
}

/**
 * Decodes a configuration document (parsed JSON, TOML or YAML) in any {@link Format}.
 *
 * **Details**
 *
 * The format is told from the top-level keys unless given. Each server's strings are interpolated
 * from `env`, then its fields decoded by {@link ServerEntry}. Disabled servers are kept (with
 * `disabled: true`): a router leaves them out.
 *
 * Fails with `McpConfigError`: `UnknownFormat` (no known top-level key), `InvalidField` (a field of the
 * wrong type or value; the message names file, server and field, and says what was expected),
 * `MissingVariable` (a `${NAME}` that is not set).
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const decode = (
  document: unknown,
  options?: DecodeOptions
): Effect.Effect<McpConfig, McpConfigError> => Effect.fromResult(decodeResult(document, options))

/**
 * The format a configuration document is in, told from its top-level keys as {@link decode} tells it
 * when no `format` is given; `undefined` when none says.
 *
 * @stability experimental
 * @category utils
 * @since 0.3.0
 */
export const detectFormat = (document: unknown): Format | undefined =>
  typeof document === "object" && document !== null && !Array.isArray(document)
    ? Formats.detect(document as Record<string, unknown>)
    : undefined

/**
 * {@link decode} as a `Result`, for code that is not in an `Effect`.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const decodeResult = (
  document: unknown,
  options?: DecodeOptions
): Result.Result<McpConfig, McpConfigError> => {
  const file = options?.file
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    return fail(new UnknownFormat({ file, keys: [] }))
  }
  const doc = document as Record<string, unknown>
  const format = options?.format ?? Formats.detect(doc)
  if (format === undefined) return fail(new UnknownFormat({ file, keys: Object.keys(doc) }))
  const entries = Formats.entries(format, doc, options?.project)
  if (Result.isFailure(entries)) {
    const { expected, field, server } = entries.failure
    return invalid(file, server, field, expected)
  }
  const servers: Record<string, Server> = {}
  for (const [name, raw] of Object.entries(entries.success)) {
    const server = decodeServer(name, raw, options, format)
    if (Result.isFailure(server)) return Result.fail(server.failure)
    servers[name] = server.success
  }
  return Result.succeed({ servers })
}

// -----------------------------------------------------------------------------
// Combinators
// -----------------------------------------------------------------------------

/**
 * Merges configurations: a server of a later one replaces the server of the same name of an earlier
 * one (the later file wins, whole: fields are not mixed). Order is first appearance.
 *
 * @stability experimental
 * @category combinators
 * @since 0.3.0
 */
export const merge = (configs: ReadonlyArray<McpConfig>): McpConfig => {
  const servers: Record<string, Server> = {}
  for (const config of configs) Object.assign(servers, config.servers)
  return { servers }
}

/**
 * The servers a router runs: those not `disabled`.
 *
 * @stability experimental
 * @category combinators
 * @since 0.3.0
 */
export const enabled = (config: McpConfig): ReadonlyArray<Server> =>
  Object.values(config.servers).filter((server) => !server.disabled)

/**
 * The test of a server's `includeTools` and `excludeTools` globs: whether it offers a tool. The globs
 * are compiled once; `effect/Glob` is loaded only for a server that has some.
 *
 * @stability experimental
 * @category combinators
 * @since 0.3.0
 */
export const toolFilter = (server: ServerBase): Effect.Effect<(tool: string) => boolean> =>
  server.includeTools === undefined && server.excludeTools === undefined
    ? Effect.succeed(() => true)
    : Effect.map(loadGlob, (Glob) => {
      const compile = (patterns: ReadonlyArray<string> | undefined) => patterns?.map((pattern) => Glob.make(pattern))
      const include = compile(server.includeTools)
      const exclude = compile(server.excludeTools)
      return (tool) =>
        (include === undefined || include.some((glob) => Glob.match(glob, tool))) &&
        (exclude === undefined || !exclude.some((glob) => Glob.match(glob, tool)))
    })

const loadGlob = Effect.promise(() => import("effect/Glob"))
