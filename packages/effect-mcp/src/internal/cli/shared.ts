/**
 * The root of the `effect-mcp` command line: its name, its description, and the flags every command
 * shares (where the server is, how to print results). A command reads them with `yield* Shared.root`;
 * `Source.connect` turns them into a connected client. The command line after `--` (a server to run)
 * never reaches the parser: `Main.run` splits it off and provides it as {@link ServerCommand}.
 *
 * @internal
 */
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Context from "effect/Context"
import * as Schema from "effect/Schema"

/** The command line after `--`: a local server to run over stdio. Empty when none was given. */
export const ServerCommand = Context.Reference<ReadonlyArray<string>>("effect-mcp/cli/ServerCommand", {
  defaultValue: () => []
})

/** The formats of `--output`. */
export const formats = ["text", "json", "markdown"] as const

/** How results are printed. */
export type Format = (typeof formats)[number]

/** The version `--version` prints, and the one the client introduces itself with. */
export const version = "0.3.0"

/** The flags every command shares. */
export const sharedFlags = {
  server: Flag.String("server").pipe(
    Flag.withAlias("s"),
    Flag.withDescription(
      "The server: an http(s) URL, a script (server.py, server.js, server.ts), a quoted command line, or the " +
        "name of a server in --config or in the discovered configuration files. A command to run can also " +
        "follow `--` at the end of the line."
    ),
    Flag.optional
  ),
  config: Flag.String("config").pipe(
    Flag.withAlias("c"),
    Flag.withDescription(
      "A configuration file (.json, .jsonc, .toml, .yaml) of MCP servers. Default: the files of the hosts " +
        "(Claude, Cursor, VS Code, Codex, Gemini, opencode, Goose) and of this project."
    ),
    Flag.optional
  ),
  output: Flag.Literals("output", formats).pipe(
    Flag.withDescription("How to print results: text, json or markdown."),
    Flag.withDefault("text")
  ),
  json: Flag.Boolean("json").pipe(
    Flag.withDescription("Print results as JSON (same as --output json)."),
    Flag.withDefault(false)
  ),
  timeout: Flag.Int("timeout").pipe(
    Flag.withDescription("Seconds each request (and connecting) may take. Default: 30 to connect, 300 per request."),
    Flag.optional
  ),
  header: Flag.String("header").pipe(
    Flag.withAlias("H"),
    Flag.withDescription(
      "A header for a URL server, as `Name: value` (repeatable): an API key, or `Authorization: Bearer ...`. " +
        "Values are kept secret: never printed or logged."
    ),
    Flag.atLeast(0)
  ),
  oauth: Flag.Boolean("oauth").pipe(
    Flag.withDescription(
      "Authorize with OAuth at a URL server: the tokens of `effect-mcp login`, or a login in the browser."
    ),
    Flag.withDefault(false)
  )
} as const

/** The root command: every command is one of its subcommands, and reads its flags with `yield* root`. */
export const root = Command.make("effect-mcp").pipe(
  Command.withSharedFlags(sharedFlags),
  Command.withDescription(
    "Talk to any MCP server from the terminal: list and call its tools, read its resources, get its prompts, " +
      "check the health of your configured servers, log in with OAuth. The server is --server (a URL, a script, " +
      "a command or a configured name), --config (a file), or a command after `--`: " +
      "`effect-mcp tools -- npx -y @modelcontextprotocol/server-everything`."
  )
)

/** The format the shared flags ask for. */
export const formatOf = (flags: { readonly output: Format; readonly json: boolean }): Format =>
  flags.json ? "json" : flags.output

/** A command line that is wrong: the process exits with code 2. */
export class UsageError extends Schema.TaggedError<UsageError>("effect-mcp/cli/UsageError")("UsageError", {
  description: Schema.String
}) {
  override get message(): string {
    return this.description
  }
}

/** An operation the server refused or a result that means failure: the process exits with code 1. */
export class CommandFailed extends Schema.TaggedError<CommandFailed>("effect-mcp/cli/CommandFailed")(
  "CommandFailed",
  { description: Schema.String }
) {
  override get message(): string {
    return this.description
  }
}
