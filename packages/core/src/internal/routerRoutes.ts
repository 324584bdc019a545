/**
 * Where a router sends a request: the server a prefixed tool or prompt name, or a resource URI, names
 * (`routerNames.ts`), that server's connected client, and the name it knows the thing by. Remembers
 * what each server listed, to tell apart names two server prefixes could claim. A name with no server,
 * or a tool the server's filter leaves out, fails with `NoRoute`; a server that is down with
 * `ServerUnavailable`.
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import type * as McpClient from "../McpClient.ts"
import { type McpError, McpProtocolError, NoRoute } from "../McpError.ts"
import type { Member } from "./routerMember.ts"
import * as Names from "./routerNames.ts"

/** A request's server, its client, and the server's own name for what it is about. */
export interface Routed {
  readonly member: Member
  readonly client: McpClient.McpClient["Service"]
  readonly name: string
}

/** The `NoRoute` error of a request. */
export const noRoute = (method: string, name: string, description: string) =>
  new McpProtocolError({ method, reason: new NoRoute({ name, description }) })

/** The routes of a router over `members`. */
export const make = (members: ReadonlyArray<Member>) => {
  const names = Names.make(members.map((m) => m.name))
  const byName = new Map(members.map((m) => [m.name, m]))
  const listed = { tools: new Map<string, Set<string>>(), prompts: new Map<string, Set<string>>() }
  const knows = (kind: keyof typeof listed): Names.Known => (server, name) =>
    listed[kind].get(server)?.has(name) ?? false

  /** Remembers the names a server listed. */
  const remember = (kind: keyof typeof listed, server: string, items: ReadonlyArray<{ readonly name: string }>) => {
    const set = listed[kind].get(server) ?? new Set<string>()
    for (const item of items) set.add(item.name)
    listed[kind].set(server, set)
  }

  const target = (
    method: string,
    resolved: Result.Result<Names.Target, Names.Refusal>,
    prefixed: string
  ): Effect.Effect<Routed, McpError> => {
    if (Result.isFailure(resolved)) return Effect.fail(noRoute(method, prefixed, resolved.failure))
    const member = byName.get(resolved.success.server)!
    return Effect.map(member.client, (client) => ({ client, member, name: resolved.success.name }))
  }

  const tool = (method: string, prefixed: string) =>
    Effect.flatMap(
      target(method, names.resolveName(prefixed, knows("tools")), prefixed),
      (routed) =>
        routed.member.allowsTool(routed.name)
          ? Effect.succeed(routed)
          : Effect.fail(
            noRoute(method, prefixed, `server "${routed.member.name}" does not offer it (includeTools/excludeTools)`)
          )
    )
  const prompt = (method: string, prefixed: string) =>
    target(method, names.resolveName(prefixed, knows("prompts")), prefixed)
  const uri = (method: string, prefixed: string) => target(method, names.resolveUri(prefixed), prefixed)

  /** A request of any method, routed by its `uri` or `name` parameter (or to the only server). */
  const request = (method: string, params: object | undefined) => {
    const record = (params ?? {}) as Record<string, unknown>
    if (typeof record.uri === "string") {
      return Effect.map(uri(method, record.uri), (r) => ({ client: r.client, params: { ...record, uri: r.name } }))
    }
    if (typeof record.name === "string") {
      return Effect.map(prompt(method, record.name), (r) => ({ client: r.client, params: { ...record, name: r.name } }))
    }
    return names.single
      ? Effect.map(members[0]!.client, (client) => ({ client, params }))
      : Effect.fail(noRoute(method, method, "a request with no `name` or `uri` cannot be routed among several servers"))
  }

  return { names, remember, tool, prompt, uri, request }
}

/** The routes of a router. */
export type Routes = ReturnType<typeof make>
