/**
 * The router's names (FastMCP's convention): behind several servers a tool or prompt `name` of server
 * `s` is `s_name`, a resource `scheme://rest` is `scheme://s/rest` (a URI without `://` is `s:uri`).
 * Behind one server nothing is prefixed. Each prefixed name is resolved back to its server and its own
 * name; a name two servers could claim is resolved by what they listed, and is otherwise refused.
 */
import * as Result from "effect/Result"

/** A name resolved to its server. */
export interface Target {
  readonly server: string
  readonly name: string
}

/** Why a name has no server: the text of a `NoRoute`. */
export type Refusal = string

/** Which server listed which names (tools or prompts), to tell apart names two prefixes could claim. */
export type Known = (server: string, name: string) => boolean

/** A name claimed by more than one server in a merged listing. */
export interface Collision {
  readonly name: string
  readonly servers: ReadonlyArray<string>
}

const SCHEMED = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/]*)\/?([\s\S]*)$/
const PLAIN = /^([^:]+):([\s\S]*)$/

/** The names of a router over `servers` (in configuration order). */
export const make = (servers: ReadonlyArray<string>) => {
  const single = servers.length === 1 ? servers[0] : undefined
  const known = new Set(servers)
  const list = servers.join(", ")

  const name = (server: string, own: string): string => single === undefined ? `${server}_${own}` : own

  const uri = (server: string, own: string): string => {
    if (single !== undefined) return own
    const at = own.indexOf("://")
    return at === -1 ? `${server}:${own}` : `${own.slice(0, at)}://${server}/${own.slice(at + 3)}`
  }

  const resolveName = (prefixed: string, listed: Known): Result.Result<Target, Refusal> => {
    if (single !== undefined) return Result.succeed({ server: single, name: prefixed })
    const candidates = servers.filter((server) => prefixed.startsWith(`${server}_`))
    const target = (server: string) => ({ server, name: prefixed.slice(server.length + 1) })
    if (candidates.length === 0) {
      return Result.fail(`it starts with no server's name and "_" (servers: ${list})`)
    }
    if (candidates.length === 1) return Result.succeed(target(candidates[0]!))
    const listing = candidates.filter((server) => listed(server, prefixed.slice(server.length + 1)))
    if (listing.length > 1) return Result.fail(`servers ${listing.join(" and ")} both offer it`)
    // none listed it yet: the longest prefix is the most specific
    const chosen = listing[0] ?? candidates.reduce((a, b) => (b.length > a.length ? b : a))
    return Result.succeed(target(chosen))
  }

  const resolveUri = (prefixed: string): Result.Result<Target, Refusal> => {
    if (single !== undefined) return Result.succeed({ server: single, name: prefixed })
    const schemed = SCHEMED.exec(prefixed)
    if (schemed !== null && known.has(schemed[2]!)) {
      return Result.succeed({ server: schemed[2]!, name: `${schemed[1]}://${schemed[3]}` })
    }
    const plain = PLAIN.exec(prefixed)
    if (plain !== null && known.has(plain[1]!)) return Result.succeed({ server: plain[1]!, name: plain[2]! })
    return Result.fail(`the URI names no server as scheme://server/… (servers: ${list})`)
  }

  return { single: single !== undefined, name, uri, resolveName, resolveUri }
}

/** The names of a router. */
export type Names = ReturnType<typeof make>

/** The names of a merged listing that more than one server claims. */
export const collisions = (entries: ReadonlyArray<{ readonly name: string; readonly server: string }>) => {
  const owners = new Map<string, Array<string>>()
  for (const entry of entries) {
    const servers = owners.get(entry.name)
    if (servers === undefined) owners.set(entry.name, [entry.server])
    else servers.push(entry.server)
  }
  const out: Array<Collision> = []
  for (const [name, servers] of owners) if (servers.length > 1) out.push({ name, servers })
  return out
}
