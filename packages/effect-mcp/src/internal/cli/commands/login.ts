/**
 * `effect-mcp login` and the server it is for: an OAuth login (the browser, or `--headless`: paste
 * the redirect), the tokens kept in the user's token files for the next commands (`--oauth`, or a
 * configured server with OAuth). `logout.ts` forgets them.
 *
 * @internal
 */
import * as Command from "effect/cli/Command"
import * as Flag from "effect/cli/Flag"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Shared from "../shared.ts"
import * as Source from "../source.ts"

/** The URL and the OAuth options of the server the shared flags name; login needs a URL. */
export const oauthServer = Effect.gen(function*() {
  const target = yield* Source.target
  if (target._tag === "Single" && typeof target.source === "string" && /^https?:\/\//i.test(target.source)) {
    return { url: target.source.trim(), options: {} }
  }
  if (target._tag === "Named") {
    const server = target.config.servers[target.name]
    if (server?._tag === "Http") {
      const OAuth = yield* Effect.promise(() => import("../../oauth.ts"))
      return { url: server.url, options: OAuth.optionsOf(server.auth?._tag === "OAuth" ? server.auth.options : {}) }
    }
  }
  return yield* new Shared.UsageError({
    description: "OAuth is for servers at a URL: --server https://… or the name of a configured URL server"
  })
})

export const command = Command.make(
  "login",
  {
    headless: Flag.String("headless").pipe(
      Flag.withMetavar("redirect-uri"),
      Flag.withDescription(
        "Log in without a browser here: print the authorization URL, then read the address the browser was " +
          "sent to (this redirect URI, e.g. http://127.0.0.1:8765/callback) from stdin."
      ),
      Flag.optional
    )
  },
  Effect.fnUntraced(function*({ headless }) {
    const flags = yield* Shared.root
    const server = yield* oauthServer
    const Auth = yield* Effect.promise(() => import("../auth.ts"))
    yield* Auth.login(server.url, {
      oauth: server.options,
      headless: Option.getOrUndefined(headless),
      client: Source.clientOptions(flags.timeout)
    })
  })
).pipe(
  Command.withDescription(
    "Log in to an OAuth-protected server (in the browser, or --headless) and keep its tokens for the next commands."
  )
)
