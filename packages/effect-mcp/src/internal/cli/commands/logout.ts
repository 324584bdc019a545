/**
 * `effect-mcp logout`: forgets the tokens `login` kept for a server.
 *
 * @internal
 */
import * as Command from "effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Login from "./login.ts"

export const command = Command.make(
  "logout",
  {},
  Effect.fnUntraced(function*() {
    const server = yield* Login.oauthServer
    const Auth = yield* Effect.promise(() => import("../auth.ts"))
    yield* Auth.logout(server.url)
  })
).pipe(Command.withDescription("Forget the OAuth tokens kept for a server: the next command logs in again."))
