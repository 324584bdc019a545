/**
 * The `effect-mcp` program: the root command with every command under it, and how a run ends. The
 * command line after `--` (a server to run) is split off before parsing and provided as
 * `Shared.ServerCommand`. The program succeeds with the process's exit code: 0, 1 when an operation
 * failed (a tool error, a server that cannot be reached, a failed login), 2 for a command line that is
 * wrong. Every failure is one line on stderr, from the error's message: never a stack trace.
 *
 * To add a command: write `commands/<name>.ts` exporting `command` (a `Command.make`, reading the
 * shared flags with `yield* Shared.root` and its client with `yield* Source.connect`), and list it
 * in {@link commands}.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as CliError from "effect/cli/CliError"
import * as CliOutput from "effect/cli/CliOutput"
import * as Command from "effect/cli/Command"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Runtime from "effect/Runtime"
import * as Call from "./commands/call.ts"
import * as Codegen from "./commands/codegen.ts"
import * as Complete from "./commands/complete.ts"
import * as Get from "./commands/get.ts"
import * as Info from "./commands/info.ts"
import * as List from "./commands/list.ts"
import * as Login from "./commands/login.ts"
import * as Logout from "./commands/logout.ts"
import * as Ping from "./commands/ping.ts"
import * as Prompts from "./commands/prompts.ts"
import * as Read from "./commands/read.ts"
import * as Resources from "./commands/resources.ts"
import * as Templates from "./commands/templates.ts"
import * as Tools from "./commands/tools.ts"
import * as Shared from "./shared.ts"

/** Every command, in the order `--help` lists them. */
export const commands = [
  Info.command,
  Tools.command,
  Call.command,
  Resources.command,
  Templates.command,
  Read.command,
  Prompts.command,
  Get.command,
  Complete.command,
  Ping.command,
  List.command,
  Codegen.command,
  Login.command,
  Logout.command
] as const

/** The `effect-mcp` command. */
export const command = Shared.root.pipe(Command.withSubcommands(commands))

/** A message on one line: a multi-line message's lines joined. */
export const oneLine = (message: string): string =>
  message.split("\n").map((line) => line.trim()).filter((line) => line.length > 0).join(" ")

/** A wrong command line: its first error, and where to find help, on one line of stderr. */
const Presenter = CliOutput.layerPresenter({
  present: (event) =>
    event._tag === "InvalidInvocation"
      ? Console.error(
        `effect-mcp: ${oneLine(event.errors[0]?.message ?? "invalid command line")} ` +
          `(see: ${event.commandPath.join(" ")} --help)`
      )
      : CliOutput.defaultPresenter.present(event)
})

const messageOf = (error: unknown): string =>
  oneLine(
    error instanceof Error || (typeof error === "object" && error !== null && "message" in error)
      ? String((error as { readonly message: unknown }).message)
      : String(error)
  ) || "failed"

/** How a failed run ends: its exit code, after its line on stderr (a wrong command line was printed). */
const report = (cause: Cause.Cause<unknown>): Effect.Effect<number, unknown> => {
  if (Cause.hasInterruptsOnly(cause)) return Effect.failCause(cause)
  const error = Cause.squash(cause)
  if (CliError.isCliError(error)) {
    return Effect.succeed(error._tag === "ShowHelp" && error.errors.length === 0 ? 0 : 2)
  }
  if (error instanceof Shared.UsageError) {
    return Effect.as(Console.error(`effect-mcp: ${messageOf(error)} (see --help)`), 2)
  }
  const prefix = Cause.hasFails(cause) ? "" : "unexpected error: "
  return Effect.as(Console.error(`effect-mcp: ${prefix}${messageOf(error)}`), 1)
}

/** Runs the command line `argv` (without `node` and the script); succeeds with the exit code. */
export const run = (argv: ReadonlyArray<string>) => {
  const at = argv.indexOf("--")
  return Command.runWith(command, { version: Shared.version })(at < 0 ? argv : argv.slice(0, at)).pipe(
    Effect.provideService(Shared.ServerCommand, at < 0 ? [] : argv.slice(at + 1)),
    Effect.provide(Presenter),
    Effect.as(0),
    Effect.catchCause(report)
  )
}

/** Ends the process with the code `run` succeeded with (130 when interrupted). */
export const teardown: Runtime.Teardown = (exit, onExit) =>
  Exit.isSuccess(exit) && typeof exit.value === "number" ? onExit(exit.value) : Runtime.defaultTeardown(exit, onExit)
