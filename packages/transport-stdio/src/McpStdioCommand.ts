/**
 * Builds the command line and the environment of an MCP server run as a child process over stdio.
 *
 * {@link infer} turns a script path (`server.py`, `server.ts`, `server.js`) or a command line
 * (`"npx -y @modelcontextprotocol/server-everything"`) into a {@link Command}, choosing the interpreter
 * the way the FastMCP client infers its stdio transports. {@link buildEnv} decides which variables of
 * the parent environment the child sees: by default only a safe allowlist ({@link DEFAULT_INHERITED_ENV}),
 * so API keys and tokens of the parent do not leak into third-party servers.
 *
 * Everything here is pure: nothing is spawned, no file is read and the platform is a parameter (defaulting
 * to `process.platform`). It does not resolve executables on `PATH`, check that scripts exist, or
 * implement a shell: there are no pipes, redirections, globs, comments or variable expansion.
 *
 * @stability experimental
 * @since 0.1.0
 */

/**
 * An executable and its arguments, ready for a child process spawner.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Command {
  readonly command: string
  readonly args: ReadonlyArray<string>
}

/**
 * Options of {@link infer}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface InferOptions {
  /**
   * Arguments appended after everything inferred from the source.
   */
  readonly args?: ReadonlyArray<string> | undefined
  /**
   * The Node.js executable for `.js`, `.mjs`, `.cjs` and (unless `typescript` is `"tsx"`) `.ts`, `.mts`,
   * `.cts` scripts. Defaults to the Node.js that runs this program (`process.execPath`), not whichever
   * `node` comes first on the PATH: a `.ts` server then runs with the type stripping this one has.
   */
  readonly node?: string | undefined
  /**
   * How to run TypeScript scripts: `"node"` (default) uses Node's type stripping
   * (`node --experimental-strip-types`, Node ≥ 22.6); `"tsx"` uses `tsx`.
   */
  readonly typescript?: "node" | "tsx" | undefined
  /**
   * The Python interpreter for `.py` scripts, or `"uv"` to run them with `uv run`. Defaults to
   * `"python3"` (`"python"` on Windows, where installers do not provide `python3`).
   */
  readonly python?: string | undefined
  /**
   * Runs `.py` scripts with `uv run --project <uvProject>` (implies `uv`).
   */
  readonly uvProject?: string | undefined
  /**
   * Runs `.py` scripts with `uv run --with <package>` for each package (implies `uv` when non-empty).
   */
  readonly withPackages?: ReadonlyArray<string> | undefined
  /**
   * The platform the command will run on. Defaults to `process.platform`.
   */
  readonly platform?: NodeJS.Platform | undefined
}

/**
 * Options of {@link buildEnv}.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface EnvOptions {
  /**
   * Variables set explicitly for the child. They win over inherited values.
   */
  readonly env?: Readonly<Record<string, string>> | undefined
  /**
   * Which parent variables the child inherits: `"safe"` (default) the {@link DEFAULT_INHERITED_ENV}
   * allowlist, `"all"` every variable, or an array of names added to the allowlist. A name ending in
   * `*` matches every variable with that prefix.
   */
  readonly inherit?: "safe" | "all" | ReadonlyArray<string> | undefined
  /**
   * The platform the child will run on; on `"win32"` names match case-insensitively. Defaults to
   * `process.platform`.
   */
  readonly platform?: NodeJS.Platform | undefined
}

/**
 * The parent environment variables a stdio MCP server inherits by default.
 *
 * **Details**
 *
 * The list holds what a process needs to run and to behave like the user's shell: executable lookup
 * and identity (`PATH`, `HOME`, `USER`, …), terminal and locale (`TERM`, `LANG`, every `LC_*`, `TZ`),
 * temporary directories, and the Windows (`SYSTEMROOT`, `APPDATA`, `PATHEXT`, …) and macOS
 * (`__CF_USER_TEXT_ENCODING`) essentials without which interpreters and package managers fail in odd
 * ways. An entry ending in `*` is a prefix. On Windows names match case-insensitively (`Path`,
 * `SystemRoot`).
 *
 * Network configuration is included too. Proxy variables (`HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`,
 * `ALL_PROXY`, upper and lower case) and CA bundles (`NODE_EXTRA_CA_CERTS`, `SSL_CERT_FILE`,
 * `SSL_CERT_DIR`) describe how this machine reaches the network. They point at a proxy or at files of
 * public certificates, not at credentials for a service, and without them a server behind a corporate
 * proxy or TLS-inspecting gateway cannot make a single request (`npx` and `uvx` cannot even download it).
 *
 * Everything else stays out, above all secrets (`OPENAI_API_KEY`, `GITHUB_TOKEN`, `AWS_*`, …): pass
 * what a server needs through `env`, or name it in `inherit`. `NODE_OPTIONS`, `PYTHONPATH` and similar
 * variables that change what code an interpreter loads are left out as well.
 *
 * **Gotchas**
 *
 * A proxy URL may embed a user name and password (`http://user:secret@proxy:3128`); it reaches the child
 * like any other proxy setting. Override it with an explicit `env` value if that is not wanted.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export const DEFAULT_INHERITED_ENV: ReadonlyArray<string> = [
  // POSIX process essentials, terminal and locale
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "TERM",
  "LANG",
  "LANGUAGE",
  "LC_ALL",
  "LC_*",
  "TZ",
  "TMPDIR",
  "TMP",
  "TEMP",
  // Windows essentials
  "SYSTEMROOT",
  "SYSTEMDRIVE",
  "WINDIR",
  "COMSPEC",
  "PATHEXT",
  "APPDATA",
  "LOCALAPPDATA",
  "PROGRAMDATA",
  "PROGRAMFILES",
  "PROGRAMFILES(X86)",
  "USERPROFILE",
  "HOMEDRIVE",
  "HOMEPATH",
  "USERNAME",
  "PROCESSOR_ARCHITECTURE",
  "NUMBER_OF_PROCESSORS",
  "OS",
  // macOS essentials
  "__CF_USER_TEXT_ENCODING",
  // Network: CA bundles (paths to public certificates) and proxies (see the doc comment above)
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "ALL_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "all_proxy"
]

/**
 * Infers the command that runs an MCP server from a script path or a command line.
 *
 * **Details**
 *
 * A string is first split into words with shell-like quoting: `'single'` quotes keep everything
 * literally, `"double"` quotes allow `\"`, `\\`, `\$` and `` \` `` escapes, a backslash outside quotes
 * escapes the next character, and `""` is an empty argument. An array is taken as already split. The
 * first word then decides the command:
 *
 * - `.js`, `.mjs`, `.cjs`: `node <file> …` (`options.node` replaces `node`);
 * - `.ts`, `.mts`, `.cts`: `node --experimental-strip-types <file> …` (Node ≥ 22.6), or `tsx <file> …`
 *   with `typescript: "tsx"`;
 * - `.py`: `python3 <file> …` (`options.python` replaces `python3`), or `uv run [--python <python>]
 *   [--project <uvProject>] [--with <package>]… <file> …` when `python` is `"uv"`, `uvProject` is set
 *   or `withPackages` is non-empty;
 * - anything else (`npx`, `uvx`, `docker`, a binary): the first word is the command.
 *
 * The remaining words, then `options.args`, follow. Extensions match case-insensitively.
 *
 * On Windows (`platform: "win32"`), bare `npm`, `npx` and `tsx` become `npm.cmd`, `npx.cmd` and
 * `tsx.cmd`: they are batch shims there, and a process spawner (unlike a shell) does not look for `.cmd`
 * files on `PATH`. `uvx` and `uv` ship as `.exe` files and stay as they are. See {@link requiresShell}
 * for how such commands must be spawned. Backslashes also follow the Windows rules there (they are
 * literal unless they precede a `"`), so `C:\srv\server.py` keeps its path separators.
 *
 * **Gotchas**
 *
 * - A path with spaces must be quoted (`"'/my servers/server.py'"`) or passed as an array.
 * - An unterminated quote runs to the end of the string rather than failing; an empty source gives an
 *   empty command, which the spawner rejects.
 * - Node's type stripping rejects `enum`, `namespace` and parameter properties; use `typescript: "tsx"`
 *   for such servers.
 * - With `uvProject`, uv uses that project's environment but the script path stays relative to the
 *   working directory.
 *
 * **Example** (Scripts and command lines)
 *
 * ```ts
 * import { McpStdioCommand } from "@effect-mcp/transport-stdio"
 *
 * McpStdioCommand.infer("server.py", { platform: "linux" })
 * // => { command: "python3", args: ["server.py"] }
 *
 * McpStdioCommand.infer("server.py", { python: "uv", withPackages: ["httpx"] })
 * // => { command: "uv", args: ["run", "--with", "httpx", "server.py"] }
 *
 * McpStdioCommand.infer("npx -y @modelcontextprotocol/server-everything", { platform: "win32" })
 * // => { command: "npx.cmd", args: ["-y", "@modelcontextprotocol/server-everything"] }
 * ```
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const infer = (source: string | ReadonlyArray<string>, options?: InferOptions): Command => {
  const platform = options?.platform ?? process.platform
  const words = typeof source === "string" ? split(source, platform) : source
  const [first = "", ...rest] = words
  const inferred = fromWords(first, rest, options ?? {}, platform)
  return {
    command: windowsShim(inferred.command, platform),
    args: options?.args === undefined ? inferred.args : [...inferred.args, ...options.args]
  }
}

/**
 * The first word of a source (the script or the program it runs), as {@link infer} splits it, and
 * whether it names a script by its extension (`.js`, `.ts`, `.py` …). Empty for a blank source.
 *
 * @stability experimental
 * @category constructors
 * @since 0.3.0
 */
export const program = (
  source: string | ReadonlyArray<string>,
  platform: NodeJS.Platform = process.platform
): { readonly word: string; readonly script: boolean } => {
  const words = typeof source === "string" ? split(source, platform) : source
  const word = (words[0] ?? "").trim()
  const ext = extension(word)
  return { word, script: NODE_EXTENSIONS.has(ext) || TYPESCRIPT_EXTENSIONS.has(ext) || ext === "py" }
}

/**
 * Builds the environment of a stdio MCP server from the parent's environment.
 *
 * **Details**
 *
 * With `inherit: "safe"` (the default) only the {@link DEFAULT_INHERITED_ENV} allowlist is copied from
 * `parent`; `"all"` copies everything; an array copies the allowlist plus the names it lists (a
 * trailing `*` matches a prefix). Then `env` is applied, so explicit values win. Variables whose value
 * is `undefined` are dropped.
 *
 * On Windows (`platform: "win32"`) names match case-insensitively, as Windows does: `Path` matches `PATH`
 * and keeps the parent's spelling, and an explicit `PATH` replaces an inherited `Path` instead of
 * sitting next to it.
 *
 * **Example** (Passing a key to one server only)
 *
 * ```ts
 * import { McpStdioCommand } from "@effect-mcp/transport-stdio"
 *
 * McpStdioCommand.buildEnv(
 *   { PATH: "/usr/bin", OPENAI_API_KEY: "sk-…", GITHUB_TOKEN: "ghp_…" },
 *   { env: { GITHUB_TOKEN: "ghp_scoped" }, platform: "linux" }
 * )
 * // => { PATH: "/usr/bin", GITHUB_TOKEN: "ghp_scoped" }
 * ```
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const buildEnv = (
  parent: Readonly<Record<string, string | undefined>>,
  options?: EnvOptions
): Record<string, string> => {
  const caseInsensitive = (options?.platform ?? process.platform) === "win32"
  const inherit = options?.inherit ?? "safe"
  const allowed = inherit === "all"
    ? () => true
    : matcher(inherit === "safe" ? DEFAULT_INHERITED_ENV : [...DEFAULT_INHERITED_ENV, ...inherit], caseInsensitive)
  const result = new Map<string, string>()
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && allowed(name)) {
      result.set(name, value)
    }
  }
  for (const [name, value] of Object.entries(options?.env ?? {})) {
    if (value === undefined) {
      continue
    }
    if (caseInsensitive) {
      const upper = name.toUpperCase()
      for (const existing of result.keys()) {
        // Deleting from a Map while iterating it is well defined.
        if (existing !== name && existing.toUpperCase() === upper) {
          result.delete(existing)
        }
      }
    }
    result.set(name, value)
  }
  // `Object.fromEntries` defines own properties, so a variable named `__proto__` cannot touch the prototype.
  return Object.fromEntries(result)
}

/**
 * Renders a command as a single line for error messages and logs.
 *
 * **Details**
 *
 * Words made only of letters, digits and `_ @ % + = : , . / -` are left bare; anything else (spaces,
 * quotes, backslashes, the empty string) is single-quoted, so {@link infer} splits the line back into the
 * same words on POSIX platforms.
 *
 * **Example** (Quoting)
 *
 * ```ts
 * import { McpStdioCommand } from "@effect-mcp/transport-stdio"
 *
 * McpStdioCommand.describe({ command: "python3", args: ["/my servers/server.py", "--name", "it's"] })
 * // => "python3 '/my servers/server.py' --name 'it'\\''s'"
 * ```
 *
 * @stability experimental
 * @category combinators
 * @since 0.1.0
 */
export const describe = (command: Command): string => [command.command, ...command.args].map(quote).join(" ")

/**
 * Tells whether a command must be spawned through a shell on the given platform.
 *
 * **Details**
 *
 * True for `.cmd` and `.bat` commands on Windows (such as the `npx.cmd` that {@link infer} produces).
 * Since the fix for CVE-2024-27980 (Node 18.20.2, 20.12.2, 21.7.3 and later), `child_process.spawn`
 * refuses to run batch files without `shell: true` and fails with `EINVAL`. With a shell, `cmd.exe`
 * parses the arguments again, so the spawner must quote them for `cmd.exe`.
 *
 * @stability experimental
 * @category guards
 * @since 0.1.0
 */
export const requiresShell = (command: Command, platform?: NodeJS.Platform): boolean =>
  (platform ?? process.platform) === "win32" && /\.(?:cmd|bat)$/i.test(command.command)

// -----------------------------------------------------------------------------
// internal
// -----------------------------------------------------------------------------

const NODE_EXTENSIONS: ReadonlySet<string> = new Set(["js", "mjs", "cjs"])
const TYPESCRIPT_EXTENSIONS: ReadonlySet<string> = new Set(["ts", "mts", "cts"])

/** Bare commands that npm installs as `.cmd` shims on Windows. */
const WINDOWS_CMD_SHIMS: ReadonlySet<string> = new Set(["npm", "npx", "tsx"])

const extension = (file: string): string => /\.([^./\\]+)$/.exec(file)?.[1]?.toLowerCase() ?? ""

const fromWords = (
  first: string,
  rest: ReadonlyArray<string>,
  options: InferOptions,
  platform: NodeJS.Platform
): Command => {
  const ext = extension(first)
  if (NODE_EXTENSIONS.has(ext)) {
    return { command: options.node ?? process.execPath, args: [first, ...rest] }
  }
  if (TYPESCRIPT_EXTENSIONS.has(ext)) {
    return options.typescript === "tsx"
      ? { command: "tsx", args: [first, ...rest] }
      : { command: options.node ?? process.execPath, args: ["--experimental-strip-types", first, ...rest] }
  }
  if (ext === "py") {
    return fromPython(first, rest, options, platform)
  }
  return { command: first, args: rest }
}

const fromPython = (
  file: string,
  rest: ReadonlyArray<string>,
  options: InferOptions,
  platform: NodeJS.Platform
): Command => {
  const python = options.python
  const withPackages = options.withPackages ?? []
  const uv = python === "uv" || options.uvProject !== undefined || withPackages.length > 0
  if (!uv) {
    return { command: python ?? (platform === "win32" ? "python" : "python3"), args: [file, ...rest] }
  }
  const args = ["run"]
  if (python !== undefined && python !== "uv") {
    // An explicit interpreter together with uv options: let uv use that interpreter.
    args.push("--python", python)
  }
  if (options.uvProject !== undefined) {
    args.push("--project", options.uvProject)
  }
  for (const pkg of withPackages) {
    args.push("--with", pkg)
  }
  args.push(file, ...rest)
  return { command: "uv", args }
}

const windowsShim = (command: string, platform: NodeJS.Platform): string =>
  platform === "win32" && WINDOWS_CMD_SHIMS.has(command.toLowerCase()) ? `${command}.cmd` : command

const matcher = (patterns: ReadonlyArray<string>, caseInsensitive: boolean): (name: string) => boolean => {
  const normalize = (name: string) => caseInsensitive ? name.toUpperCase() : name
  const exact = new Set<string>()
  const prefixes: Array<string> = []
  for (const pattern of patterns) {
    if (pattern.endsWith("*")) {
      prefixes.push(normalize(pattern.slice(0, -1)))
    } else {
      exact.add(normalize(pattern))
    }
  }
  return (name) => {
    const normalized = normalize(name)
    return exact.has(normalized) || prefixes.some((prefix) => normalized.startsWith(prefix))
  }
}

const isBlank = (char: string): boolean => char === " " || char === "\t" || char === "\n" || char === "\r"

/** Characters that a backslash escapes inside double quotes (POSIX). */
const DOUBLE_QUOTE_ESCAPES: ReadonlySet<string> = new Set(["\"", "\\", "$", "`"])

/**
 * Splits a command line into words with POSIX shell quoting, without expansion. On Windows, backslashes
 * follow the `CommandLineToArgvW` rules instead: literal unless a run of them precedes a `"`.
 */
const split = (line: string, platform: NodeJS.Platform): Array<string> => {
  const windows = platform === "win32"
  const words: Array<string> = []
  let word = ""
  let inWord = false
  let quote: "'" | "\"" | undefined = undefined
  let i = 0
  while (i < line.length) {
    const char = line.charAt(i)
    if (quote === "'") {
      if (char === "'") {
        quote = undefined
      } else {
        word += char
      }
      i += 1
    } else if (char === "\\") {
      const escape = windows ? windowsEscape(line, i) : posixEscape(line, i, quote)
      word += escape.text
      // only a line continuation stands for nothing (and so does not start a word)
      if (escape.text.length > 0) {
        inWord = true
      }
      i = escape.end
    } else if (quote === "\"") {
      if (char === "\"") {
        quote = undefined
      } else {
        word += char
      }
      i += 1
    } else if (char === "'" || char === "\"") {
      quote = char
      inWord = true
      i += 1
    } else if (isBlank(char)) {
      if (inWord) {
        words.push(word)
        word = ""
        inWord = false
      }
      i += 1
    } else {
      word += char
      inWord = true
      i += 1
    }
  }
  if (inWord) {
    words.push(word)
  }
  return words
}

/** What an escape stands for in a word, and where the text after it starts. */
interface Escape {
  readonly text: string
  readonly end: number
}

/**
 * A run of backslashes on Windows (`CommandLineToArgvW`), from `start`: literal unless it precedes a
 * `"`. Then 2n backslashes stand for n, and the quote delimits; 2n + 1 stand for n and a literal `"`.
 */
const windowsEscape = (line: string, start: number): Escape => {
  let end = start
  while (line.charAt(end) === "\\") {
    end += 1
  }
  const count = end - start
  if (line.charAt(end) !== "\"") {
    return { text: "\\".repeat(count), end }
  }
  const backslashes = "\\".repeat(Math.floor(count / 2))
  return count % 2 === 1 ? { text: `${backslashes}"`, end: end + 1 } : { text: backslashes, end }
}

/** A backslash at `start` with POSIX quoting, outside single quotes. */
const posixEscape = (line: string, start: number, quote: "\"" | undefined): Escape => {
  const end = start + 2
  if (start + 1 >= line.length) {
    // A trailing backslash has nothing to escape: keep it.
    return { text: "\\", end }
  }
  const next = line.charAt(start + 1)
  if (next === "\n") {
    // Line continuation: both characters disappear.
    return { text: "", end }
  }
  // Inside double quotes, a backslash escapes only a few characters and is literal before the others.
  return quote === "\"" && !DOUBLE_QUOTE_ESCAPES.has(next) ? { text: `\\${next}`, end } : { text: next, end }
}

const quote = (word: string): string =>
  /^[\p{L}\p{N}_@%+=:,./-]+$/u.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`
