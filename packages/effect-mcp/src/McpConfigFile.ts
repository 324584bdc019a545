/**
 * The MCP configuration files users already have, found and read: Claude Desktop, Claude Code
 * (`~/.claude.json`, `.mcp.json`), Cursor, VS Code, Windsurf, Codex (`~/.codex/config.toml`), Gemini CLI,
 * opencode and Goose, at each platform's own paths (macOS, Linux, Windows).
 *
 * {@link discover} reads the files that exist, in the order of {@link locations}, and merges them: the
 * user-level files first, then the project's, so that a server of the project's own file wins over a
 * server of the same name elsewhere (whole: fields are not mixed). Each server remembers its file
 * (`server.file`). Files are read through Effect's `FileSystem`, so tests run on any directory.
 *
 * **Example** (Every server the user configured, behind one router)
 *
 * ```ts
 * import { NodeServices } from "@effect/platform-node"
 * import { Effect } from "effect"
 * import { McpConfigFile } from "effect-mcp"
 *
 * const servers = McpConfigFile.discover({ project: process.cwd() }).pipe(
 *   Effect.map((config) => Object.values(config.servers).map((s) => `${s.name} (${s.file})`)),
 *   Effect.provide(NodeServices.layer)
 * )
 * ```
 *
 * @stability experimental
 * @since 0.3.0
 */
import { McpConfig } from "@effect-mcp/core"
import * as Effect from "effect/Effect"
import type * as FileSystem from "effect/FileSystem"
import type * as Path from "effect/Path"
import type { PlatformError } from "effect/PlatformError"
import * as NodePath from "node:path"
import { parse } from "./internal/parse.ts"

/** Effect's `FileSystem` and `Path` modules, loaded when a file is read, not when this module is. */
const loadFileSystem = Effect.promise(() => import("effect/FileSystem"))
const loadPath = Effect.promise(() => import("effect/Path"))

/**
 * The hosts whose configuration files are known.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export type Host =
  | "claude-desktop"
  | "claude-code"
  | "cursor"
  | "vscode"
  | "windsurf"
  | "codex"
  | "gemini"
  | "opencode"
  | "goose"

/**
 * Where a configuration file may be, and how to read it.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Location {
  readonly host: Host
  /** `"user"` files come first in the merge; `"project"` files after them, and win. */
  readonly scope: "user" | "project"
  readonly path: string
  readonly format: McpConfig.Format
}

/**
 * The platform the paths are for: its OS, the user's home, and on Windows `%APPDATA%`.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Platform {
  readonly os: "darwin" | "linux" | "win32"
  readonly home: string
  /** Windows' `%APPDATA%`. Default: `{home}\AppData\Roaming`. */
  readonly appData?: string | undefined
  /** `$XDG_CONFIG_HOME` on Linux. Default: `{home}/.config`. */
  readonly xdgConfig?: string | undefined
  /** `$CODEX_HOME`. Default: `{home}/.codex`. */
  readonly codexHome?: string | undefined
}

/**
 * Options of {@link discover} and {@link read}.
 *
 * @stability experimental
 * @category models
 * @since 0.3.0
 */
export interface Options {
  /** The project directory: its own files are read, and win. */
  readonly project?: string | undefined
  /** The platform; default: this process's (`process.platform`, the home directory, `APPDATA`). */
  readonly platform?: Platform | undefined
  /** The variables of `${NAME}`; default: this process's environment (plus `workspaceFolder`). */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
  /** Only these hosts' files. Default: all. */
  readonly hosts?: ReadonlyArray<Host> | undefined
}

/**
 * This process's platform.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const currentPlatform = (): Platform => ({
  os: process.platform === "darwin" || process.platform === "win32" ? process.platform : "linux",
  home: process.env.HOME ?? process.env.USERPROFILE ?? "",
  appData: process.env.APPDATA,
  xdgConfig: process.env.XDG_CONFIG_HOME,
  codexHome: process.env.CODEX_HOME
})

/** The per-application configuration directory of each OS (Claude Desktop, VS Code). */
const appConfig = (path: Path.Path, platform: Platform, app: string) =>
  platform.os === "darwin"
    ? path.join(platform.home, "Library", "Application Support", app)
    : platform.os === "win32"
    ? path.join(platform.appData ?? path.join(platform.home, "AppData", "Roaming"), app)
    : path.join(platform.xdgConfig ?? path.join(platform.home, ".config"), app)

/**
 * Every location, in merge order: user files (Claude Desktop, Claude Code's `~/.claude.json`, Cursor,
 * VS Code's user `mcp.json` and `settings.json`, Windsurf, Codex, Gemini CLI, opencode, Goose), then the
 * project's (`.vscode/mcp.json`, `.cursor/mcp.json`, `.gemini/settings.json`, `.codex/config.toml`,
 * `opencode.json`, and last Claude Code's `.mcp.json`).
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const locations = (path: Path.Path, platform: Platform, project?: string): ReadonlyArray<Location> => {
  const home = platform.home
  const xdg = platform.xdgConfig ?? path.join(home, ".config")
  const user = (host: Host, file: string, format: McpConfig.Format): Location => ({
    host,
    scope: "user",
    path: file,
    format
  })
  const codeUser = path.join(appConfig(path, platform, "Code"), "User")
  const out: Array<Location> = [
    user("claude-desktop", path.join(appConfig(path, platform, "Claude"), "claude_desktop_config.json"), "mcpServers"),
    user("claude-code", path.join(home, ".claude.json"), "claude-code-user"),
    user("cursor", path.join(home, ".cursor", "mcp.json"), "mcpServers"),
    user("vscode", path.join(codeUser, "settings.json"), "vscode"),
    user("vscode", path.join(codeUser, "mcp.json"), "vscode"),
    user("windsurf", path.join(home, ".codeium", "windsurf", "mcp_config.json"), "mcpServers"),
    user("codex", path.join(platform.codexHome ?? path.join(home, ".codex"), "config.toml"), "codex"),
    user("gemini", path.join(home, ".gemini", "settings.json"), "gemini"),
    user("opencode", path.join(xdg, "opencode", "opencode.json"), "opencode"),
    user(
      "goose",
      platform.os === "win32"
        ? path.join(
          platform.appData ?? path.join(home, "AppData", "Roaming"),
          "Block",
          "goose",
          "config",
          "config.yaml"
        )
        : path.join(xdg, "goose", "config.yaml"),
      "goose"
    )
  ]
  if (project === undefined) return out
  const own = (host: Host, file: string, format: McpConfig.Format): Location => ({
    host,
    scope: "project",
    path: path.join(project, file),
    format
  })
  return [
    ...out,
    own("vscode", path.join(".vscode", "mcp.json"), "vscode"),
    own("cursor", path.join(".cursor", "mcp.json"), "mcpServers"),
    own("gemini", path.join(".gemini", "settings.json"), "gemini"),
    own("codex", path.join(".codex", "config.toml"), "codex"),
    own("opencode", "opencode.json", "opencode"),
    own("claude-code", ".mcp.json", "mcpServers")
  ]
}

const readFailed = (file: string, description: string, cause?: unknown) =>
  new McpConfig.McpConfigError({ reason: new McpConfig.ReadFailed({ file, description, cause }) })

const variables = (options: Options | undefined) => {
  const env = options?.env ?? process.env
  return options?.project === undefined ? env : { workspaceFolder: options.project, ...env }
}

/** A Gemini CLI settings file, user's or project's. */
const GEMINI_SETTINGS = /(?:^|[\\/])\.gemini[\\/]settings\.json$/

/**
 * Reads and decodes one configuration file (JSON with comments, TOML or YAML, by extension).
 *
 * **Details**
 *
 * The format is told from the document's keys unless given, except for a Gemini CLI settings file
 * (`.gemini/settings.json`), which reads as the `gemini` format: its `mcpServers` look like Claude's,
 * but its `url` is an SSE endpoint, `httpUrl` a Streamable HTTP one, and `$NAME` a variable. In an
 * opencode file, `{file:path}` in the `mcp` section is replaced by that file's contents, trimmed, as
 * opencode does (a path relative to the configuration file, absolute, or from the home directory with
 * `~/`, `platform.home` when given).
 *
 * Fails with `McpConfigError`: `ReadFailed` (the file, or a file it references with `{file:path}`,
 * cannot be read, or it is not valid JSON, TOML or YAML), or any error of `McpConfig.decode`, naming
 * this file.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const read = (
  file: string,
  options?: Options & { readonly format?: McpConfig.Format | undefined }
): Effect.Effect<McpConfig.McpConfig, McpConfig.McpConfigError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* (yield* loadFileSystem).FileSystem
    const text = yield* Effect.mapError(fs.readFileString(file), (cause) =>
      readFailed(file, `cannot be read (${cause.message})`, cause))
    const document = yield* Effect.mapError(parse(file, text), (description) =>
      readFailed(file, description))
    const format = options?.format ?? (GEMINI_SETTINGS.test(file) ? "gemini" : McpConfig.detectFormat(document))
    const home = (options?.platform ?? currentPlatform()).home
    return yield* McpConfig.decode(
      format === "opencode" ? yield* withFiles(document, file, home, fs.readFileString) : document,
      { file, format, env: variables(options), project: options?.project }
    )
  })

/** opencode's reference to a file, replaced by the file's contents, trimmed. */
const FILE_REFERENCE = /\{file:([^}]+)\}/g

/**
 * An opencode document with the `{file:path}` references in its `mcp` section replaced by the files'
 * contents (trimmed, as opencode does), a path being absolute, from the home directory (`~/`), or
 * relative to the configuration file. Other sections are left alone: their files are not the servers'.
 */
const withFiles = Effect.fnUntraced(function*(
  document: unknown,
  file: string,
  home: string,
  readFile: (path: string) => Effect.Effect<string, PlatformError>
): Effect.fn.Return<unknown, McpConfig.McpConfigError> {
  const doc = document as Record<string, unknown>
  const references = new Set<string>()
  forEachString(doc.mcp, (text) => {
    for (const match of text.matchAll(FILE_REFERENCE)) references.add(match[1]!)
  })
  if (references.size === 0) return document
  const contents = new Map<string, string>()
  for (const reference of references) {
    const target = reference.startsWith("~/")
      ? NodePath.join(home, reference.slice(2))
      : NodePath.resolve(NodePath.dirname(file), reference)
    const text = yield* Effect.mapError(
      readFile(target),
      (cause) => readFailed(file, `{file:${reference}} cannot be read (${cause.message})`, cause)
    )
    contents.set(reference, text.trim())
  }
  return {
    ...doc,
    mcp: mapStrings(doc.mcp, (text) => text.replace(FILE_REFERENCE, (_, ref: string) => contents.get(ref)!))
  }
})

/** Calls `f` with every string in a JSON value. */
const forEachString = (value: unknown, f: (text: string) => void): void => {
  if (typeof value === "string") f(value)
  else if (Array.isArray(value)) value.forEach((item) => forEachString(item, f))
  else if (typeof value === "object" && value !== null) Object.values(value).forEach((item) => forEachString(item, f))
}

/** A JSON value with every string mapped by `f`. */
const mapStrings = (value: unknown, f: (text: string) => string): unknown => {
  if (typeof value === "string") return f(value)
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, f))
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, f)]))
  }
  return value
}

/**
 * Finds every configuration file that exists among {@link locations}, reads each, and merges them in
 * that order: the project's own files win.
 *
 * **Details**
 *
 * A file that does not exist is skipped; one that cannot be read or decoded fails the whole discovery
 * with an `McpConfigError` naming it (choose `hosts` to leave a host out).
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const discover = (
  options?: Options
): Effect.Effect<McpConfig.McpConfig, McpConfig.McpConfigError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const fs = yield* (yield* loadFileSystem).FileSystem
    const path = yield* (yield* loadPath).Path
    const wanted = locations(path, options?.platform ?? currentPlatform(), options?.project)
      .filter((location) => options?.hosts === undefined || options.hosts.includes(location.host))
    const configs = yield* Effect.forEach(wanted, (location) =>
      Effect.flatMap(
        Effect.orElseSucceed(fs.exists(location.path), () => false),
        (exists) => exists ? read(location.path, { ...options, format: location.format }) : Effect.succeed(undefined)
      ))
    return McpConfig.merge(configs.filter((config) => config !== undefined))
  })
