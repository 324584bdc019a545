/**
 * The router's merged operations: a listing asks every server at once and joins the answers in
 * configuration order, renamed; a page listing walks the servers one page at a time behind a cursor of
 * its own. A server that is down or fails is skipped with a warning, a server without the capability
 * silently; the operation fails only when no server answered.
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type * as McpClient from "../McpClient.ts"
import { type McpError, McpProtocolError, NoRoute } from "../McpError.ts"
import type { Member } from "./routerMember.ts"

/** What one server answered. */
export interface Answer<A> {
  readonly server: string
  readonly value: A
}

/** A server without the capability is left out silently; one that is down (warned of already) at debug level. */
const skip = (member: Member, error: McpError) =>
  error._tag === "McpCapabilityError"
    ? Effect.void
    : error._tag === "McpTransportError" && error.reason._tag === "ServerUnavailable"
    ? Effect.logDebug(`MCP server "${member.name}" is left out: ${error.message}`)
    : Effect.logWarning(`MCP server "${member.name}" is left out: ${error.message}`)

/**
 * Runs `ask` on every server concurrently (a lazy one connects). Fails with the first error only when
 * every server failed.
 */
export const across = <A>(
  members: ReadonlyArray<Member>,
  ask: (client: McpClient.McpClient["Service"], member: Member) => Effect.Effect<A, McpError>
): Effect.Effect<ReadonlyArray<Answer<A>>, McpError> =>
  Effect.forEach(
    members,
    (member) => Effect.result(Effect.flatMap(member.client, (client) => ask(client, member))),
    { concurrency: "unbounded" }
  ).pipe(
    Effect.flatMap((results) => {
      const answers: Array<Answer<A>> = []
      let first: McpError | undefined
      const skipped: Array<Effect.Effect<void>> = []
      results.forEach((result, i) => {
        const member = members[i]!
        if (result._tag === "Success") answers.push({ server: member.name, value: result.success })
        else {
          first ??= result.failure
          skipped.push(skip(member, result.failure))
        }
      })
      if (answers.length === 0 && first !== undefined) return Effect.fail(first)
      return Effect.as(Effect.all(skipped, { discard: true }), answers)
    })
  )

interface Page {
  readonly nextCursor?: string | null | undefined
}

const encodeCursor = (index: number, inner: string | null | undefined) => JSON.stringify([index, inner ?? null])

const Cursor = Schema.fromJsonString(Schema.Tuple([Schema.Int, Schema.NullOr(Schema.String)]))
const decodeCursorResult = Schema.decodeUnknownResult(Cursor)

const decodeCursor = (method: string, cursor: string | undefined) => {
  if (cursor === undefined) return Effect.succeed([0, undefined] as const)
  const decoded = decodeCursorResult(cursor)
  return Result.isSuccess(decoded)
    ? Effect.succeed([decoded.success[0], decoded.success[1] ?? undefined] as const)
    : Effect.fail(
      new McpProtocolError({
        method,
        reason: new NoRoute({ name: cursor, description: "it is not a cursor this router handed out" })
      })
    )
}

/**
 * One page of a listing across servers: the next page of the server the cursor is at, renamed, with a
 * cursor to the next page (of that server, or the first of the next one that answers).
 */
export const page = <P extends Page>(
  method: string,
  members: ReadonlyArray<Member>,
  fetch: (client: McpClient.McpClient["Service"], cursor: string | undefined) => Effect.Effect<P, McpError>,
  rename: (member: Member, page: P) => P,
  empty: P
) =>
(cursor: string | undefined): Effect.Effect<P, McpError> =>
  Effect.gen(function*() {
    const [start, inner] = yield* decodeCursor(method, cursor)
    let from: string | undefined = inner
    for (let index = start; index < members.length; index++) {
      const member = members[index]!
      const result = yield* Effect.result(Effect.flatMap(member.client, (client) => fetch(client, from)))
      from = undefined
      if (result._tag === "Failure") {
        yield* skip(member, result.failure)
        continue
      }
      const next = result.success.nextCursor
      const nextCursor = typeof next === "string"
        ? encodeCursor(index, next)
        : index + 1 < members.length
        ? encodeCursor(index + 1, undefined)
        : undefined
      const { nextCursor: _, ...rest } = rename(member, result.success)
      return (nextCursor === undefined ? rest : { ...rest, nextCursor }) as P
    }
    return empty
  })
