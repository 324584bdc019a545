/**
 * A table keyed by JSON-RPC request id, for what comes and goes with every request: the requests
 * waiting for their answers, their deadlines, the server's requests being handled.
 *
 * Why not a `Map`: V8 allocates the hash table a `Map` (or `Set`) grows into in the generation of the
 * table it replaces, and a replaced table keeps the entries it held. Once a long-lived `Map` has a table
 * in the old generation (a client idle for a while in a busy process is enough), every table it grows
 * into is old too, and the tables left behind keep every request the map ever held alive until a full
 * collection: at 64 calls in flight over stdio, about 1.2 MB of requests promoted per young collection,
 * and V8 doubles the young generation (measured with `node --trace-gc-nvp`). The property dictionary of
 * a plain object has no such link, so the requests die young. Numbers and strings are kept apart, so
 * that, as in a `Map`, the id `1` is not the id `"1"`.
 *
 * @internal
 */
import type { RequestId } from "../McpSchema.ts"

/**
 * Values by request id.
 */
export interface IdTable<A> {
  readonly get: (id: RequestId) => A | undefined
  readonly has: (id: RequestId) => boolean
  readonly set: (id: RequestId, value: A) => void
  /** Removes the id's value; false when there was none. */
  readonly delete: (id: RequestId) => boolean
  /** Calls `f` with every id and its value; `f` may delete the id it is given. */
  readonly forEach: (f: (value: A, id: RequestId) => void) => void
  readonly clear: () => void
}

/**
 * Makes an empty table.
 */
export const make = <A>(): IdTable<A> => {
  let numbers: Record<number, A> = Object.create(null)
  let strings: Record<string, A> = Object.create(null)

  const slot = (id: RequestId): Record<string | number, A> => typeof id === "number" ? numbers : strings

  return {
    get: (id) => slot(id)[id],
    has: (id) => slot(id)[id] !== undefined,
    set: (id, value) => {
      slot(id)[id] = value
    },
    delete: (id) => {
      const table = slot(id)
      if (table[id] === undefined) return false
      delete table[id]
      return true
    },
    forEach: (f) => {
      for (const key in numbers) f(numbers[key as unknown as number], Number(key))
      for (const key in strings) f(strings[key], key)
    },
    clear: () => {
      numbers = Object.create(null)
      strings = Object.create(null)
    }
  }
}
