import { assert, describe, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import * as IdTable from "../src/internal/idTable.ts"

const Id = Schema.Union([
  Schema.Literals([-1, 0, 1, 2, 3, 2 ** 32, 2 ** 53 - 1, 0.5]),
  Schema.Literals(["0", "1", "-1", "a", "__proto__", "constructor", ""])
])

const Op = Schema.Union([
  Schema.TaggedStruct("set", { id: Id, value: Schema.Int }),
  Schema.TaggedStruct("delete", { id: Id }),
  Schema.TaggedStruct("clear", {})
])

/** How many ids the table holds. */
const sizeOf = <A>(table: IdTable.IdTable<A>) => {
  let size = 0
  table.forEach(() => size++)
  return size
}

describe("IdTable", () => {
  it("behaves as a Map keyed by request id: 1 and \"1\" are different ids", () => {
    const table = IdTable.make<string>()
    table.set(1, "number")
    table.set("1", "string")
    assert.strictEqual(table.get(1), "number")
    assert.strictEqual(table.get("1"), "string")
    assert.strictEqual(sizeOf(table), 2)
    assert.isTrue(table.delete(1))
    assert.isFalse(table.delete(1))
    assert.isFalse(table.has(1))
    assert.isTrue(table.has("1"))
    assert.strictEqual(sizeOf(table), 1)
  })

  it.prop("agrees with a Map over any sequence of operations", [Schema.Array(Op)], ([sequence]) => {
    const table = IdTable.make<{ readonly value: number }>()
    const map = new Map<number | string, { readonly value: number }>()
    for (const step of sequence) {
      if (step._tag === "set") {
        const value = { value: step.value }
        table.set(step.id, value)
        map.set(step.id, value)
      } else if (step._tag === "delete") {
        assert.strictEqual(table.delete(step.id), map.delete(step.id))
      } else {
        table.clear()
        map.clear()
      }
      assert.strictEqual(sizeOf(table), map.size)
    }
    const seen = new Map<number | string, { readonly value: number }>()
    table.forEach((value, id) => seen.set(id, value))
    const sorted = (entries: Map<number | string, unknown>) =>
      [...entries].sort(([a], [b]) => `${typeof a}${String(a)}`.localeCompare(`${typeof b}${String(b)}`))
    assert.deepStrictEqual(sorted(seen), sorted(map))
    for (const [id, value] of map) assert.strictEqual(table.get(id), value)
  }, { arbitrary: { runs: 500 } })

  it("lets forEach delete the id it is given", () => {
    const table = IdTable.make<number>()
    for (let id = 0; id < 10; id++) table.set(id, id)
    table.set("x", 10)
    const visited: Array<number> = []
    table.forEach((value, id) => {
      visited.push(value)
      if (value % 2 === 0) table.delete(id)
    })
    assert.deepStrictEqual(visited.sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert.strictEqual(sizeOf(table), 5)
    assert.isFalse(table.has(4))
    assert.isTrue(table.has(5))
  })
})
