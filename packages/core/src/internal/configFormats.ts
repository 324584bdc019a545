/**
 * The configuration formats of the MCP hosts, each turned into the common entries `McpConfig` decodes
 * (FastMCP's field names: `command`/`args`/`env`/`cwd`, `url`/`transport`/`headers`, `auth`, `timeout`
 * in milliseconds, `disabled`, `includeTools`/`excludeTools`). A format only renames; the checks are
 * the common decoder's, so every format fails with the same messages.
 */
import * as Result from "effect/Result"

/**
 * The formats: `mcpServers` (Claude Desktop, Claude Code's `.mcp.json`, Cursor, Windsurf), `gemini`
 * (`mcpServers`, where `url` is an SSE endpoint and `httpUrl` Streamable HTTP), `vscode` (`servers`,
 * or `mcp.servers` in user settings), `codex` (`[mcp_servers.NAME]`), `opencode` (`mcp`), `goose`
 * (`extensions`) and `claude-code-user` (`~/.claude.json`: `mcpServers` and the project's own under
 * `projects`).
 */
export type Format = "mcpServers" | "gemini" | "vscode" | "codex" | "opencode" | "goose" | "claude-code-user"

/** What is wrong with the shape of a document: the field, and what it should be. */
export interface ShapeError {
  readonly server: string | undefined
  readonly field: string
  readonly expected: string
}

type Entries = Record<string, unknown>

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const objectAt = (doc: Record<string, unknown>, key: string): Result.Result<Entries, ShapeError> => {
  const value = doc[key]
  return isObject(value)
    ? Result.succeed(value)
    : Result.fail({ server: undefined, field: key, expected: "expected an object of servers, by name" })
}

/** Applies `translate` to each entry that is an object (others fail in the common decoder). */
const mapEntries = (entries: Entries, translate: (entry: Record<string, unknown>) => Record<string, unknown>) => {
  const out: Entries = {}
  for (const [name, entry] of Object.entries(entries)) out[name] = isObject(entry) ? translate(entry) : entry
  return out
}

/** Copies the defined fields of `from` under their new names. */
const rename = (from: Record<string, unknown>, names: Readonly<Record<string, string>>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(from)) {
    if (value !== undefined) out[names[key] ?? key] = value
  }
  return out
}

const seconds = (value: unknown) => typeof value === "number" ? value * 1000 : value

const gemini = (entry: Record<string, unknown>) => {
  const { httpUrl, type, url, ...rest } = entry
  if (httpUrl !== undefined) return { ...rest, url: httpUrl, transport: type ?? "http" }
  return url === undefined ? entry : { ...rest, url, transport: type ?? "sse" }
}

const codex = (entry: Record<string, unknown>) => {
  const {
    bearer_token_env_var,
    enabled,
    env_http_headers,
    http_headers,
    startup_timeout_sec,
    tool_timeout_sec,
    ...rest
  } = entry
  const headers: Record<string, unknown> = isObject(http_headers) ? { ...http_headers } : {}
  if (isObject(env_http_headers)) {
    for (const [header, variable] of Object.entries(env_http_headers)) headers[header] = `\${env:${String(variable)}}`
  }
  const out = rename(rest, { enabled_tools: "includeTools", disabled_tools: "excludeTools" })
  if (http_headers !== undefined || env_http_headers !== undefined) {
    out.headers = isObject(http_headers) || http_headers === undefined ? headers : http_headers
  }
  if (typeof bearer_token_env_var === "string") out.auth = `\${env:${bearer_token_env_var}}`
  if (enabled === false) out.disabled = true
  const timeout = tool_timeout_sec ?? startup_timeout_sec
  if (timeout !== undefined) out.timeout = seconds(timeout)
  return out
}

const opencode = (entry: Record<string, unknown>) => {
  const { command, enabled, environment, type, ...rest } = entry
  const out: Record<string, unknown> = { ...rest }
  if (Array.isArray(command)) {
    out.command = command[0]
    out.args = command.slice(1)
  } else if (command !== undefined) out.command = command
  if (environment !== undefined) out.env = environment
  if (type === "remote" && out.transport === undefined) out.transport = "http"
  if (enabled === false) out.disabled = true
  return out
}

const goose = (entry: Record<string, unknown>) => {
  const { cmd, enabled, envs, timeout, type, uri, ...rest } = entry
  const out: Record<string, unknown> = rename(rest, { env_keys: "envKeys" })
  delete out.name
  delete out.description
  delete out.bundled
  delete out.envKeys
  if (cmd !== undefined) out.command = cmd
  if (envs !== undefined) out.env = envs
  if (uri !== undefined) out.url = uri
  if (type === "sse") out.transport = "sse"
  if (type === "streamable_http") out.transport = "http"
  if (enabled === false) out.disabled = true
  if (timeout !== undefined) out.timeout = seconds(timeout)
  return out
}

/** Goose's built-in extensions run inside Goose itself: they are not servers. */
const withoutBuiltins = (entries: Entries): Entries =>
  Object.fromEntries(Object.entries(entries).filter(([, e]) => !(isObject(e) && e.type === "builtin")))

const claudeCodeUser = (
  doc: Record<string, unknown>,
  project: string | undefined
): Result.Result<Entries, ShapeError> => {
  const user = isObject(doc.mcpServers) ? doc.mcpServers : {}
  const projects = isObject(doc.projects) ? doc.projects : {}
  const own = project === undefined ? undefined : projects[project]
  const local = isObject(own) && isObject(own.mcpServers) ? own.mcpServers : {}
  return Result.succeed({ ...user, ...local })
}

/** Which format a document is in, by its top-level keys. */
export const detect = (doc: Record<string, unknown>): Format | undefined => {
  if ("mcp_servers" in doc) return "codex"
  if ("servers" in doc) return "vscode"
  if (isObject(doc.mcp)) return isObject(doc.mcp.servers) ? "vscode" : "opencode"
  if ("extensions" in doc) return "goose"
  if ("mcpServers" in doc) return "mcpServers"
  return undefined
}

/** The common entries of a document in a format. */
export const entries = (
  format: Format,
  doc: Record<string, unknown>,
  project: string | undefined
): Result.Result<Entries, ShapeError> => {
  switch (format) {
    case "mcpServers":
      return objectAt(doc, "mcpServers")
    case "gemini":
      return Result.map(objectAt(doc, "mcpServers"), (e) => mapEntries(e, gemini))
    case "vscode":
      return isObject(doc.mcp) && !("servers" in doc) ? objectAt(doc.mcp, "servers") : objectAt(doc, "servers")
    case "codex":
      return Result.map(objectAt(doc, "mcp_servers"), (e) => mapEntries(e, codex))
    case "opencode":
      return Result.map(objectAt(doc, "mcp"), (e) => mapEntries(e, opencode))
    case "goose":
      return Result.map(objectAt(doc, "extensions"), (e) => mapEntries(withoutBuiltins(e), goose))
    case "claude-code-user":
      return claudeCodeUser(doc, project)
  }
}
