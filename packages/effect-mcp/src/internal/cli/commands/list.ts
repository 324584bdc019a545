/**
 * `effect-mcp list [--exit-code]`: every server of the configuration (`--config`, or the discovered
 * files) with its health: each is connected on its own, at once, and reported as `ok` (its name,
 * version and revision), `failed` (why) or `disabled`. With `--exit-code`, exits 1 when any enabled
 * server failed.
 *
 * @internal
 */
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Output from "../output.ts"
import * as Shared from "../shared.ts"
import * as Source from "../source.ts"

interface Health {
  readonly server: string
  readonly status: "ok" | "failed" | "disabled"
  readonly detail: string
}

export const command = Command.make(
  "list",
  {
    exitCode: Flag.Boolean("exit-code").pipe(
      Flag.withDescription("Exit with code 1 when any enabled server is unhealthy (for scripts)."),
      Flag.withDefault(false)
    )
  },
  Effect.fnUntraced(function*({ exitCode }) {
    const flags = yield* Shared.root
    const config = yield* Source.loadConfig(Option.getOrUndefined(flags.config))
    const [McpSource, McpClient] = yield* Effect.all([
      Effect.promise(() => import("../../../McpSource.ts")),
      Effect.promise(() => import("@effect-mcp/core/McpClient"))
    ])
    const servers = yield* McpSource.servers(config)
    const options = Source.clientOptions(flags.timeout)
    const check = (name: string): Effect.Effect<Health> => {
      const server = servers[name]
      if (server === undefined) return Effect.succeed({ server: name, status: "disabled", detail: "" })
      return McpClient.connect(server.transport, { ...options, ...server.client }).pipe(
        Effect.flatMap((client) => client.session),
        Effect.map((session): Health => ({
          server: name,
          status: "ok",
          detail: `${session.serverInfo.name} ${session.serverInfo.version}, ${session.protocolVersion}`
        })),
        Effect.catch((error) =>
          Effect.succeed<Health>({
            server: name,
            status: "failed",
            detail: error instanceof Error ? error.message : String(error)
          })
        ),
        Effect.scoped
      )
    }
    const health = yield* Effect.forEach(Object.keys(config.servers), check, { concurrency: "unbounded" })
    yield* Output.printTable(
      Shared.formatOf(flags),
      health,
      ["server", "status", "detail"],
      health.map((entry) => [entry.server, entry.status, entry.detail.split("\n")[0]!])
    )
    const failed = health.filter((entry) => entry.status === "failed")
    if (exitCode && failed.length > 0) {
      return yield* new Shared.CommandFailed({
        description: `${failed.length} of ${health.length} servers unhealthy: ${
          failed.map((entry) => entry.server).join(", ")
        }`
      })
    }
  })
).pipe(Command.withDescription("List the configured servers (--config, or the discovered files) with their health."))
