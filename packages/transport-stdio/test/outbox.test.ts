import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Outbox from "../src/internal/outbox.ts"

/** A target that keeps every write, and whether (and after how many writes) it was ended. */
const recording = () => {
  const writes: Array<string> = []
  let endedAfter: number | undefined
  const target: Outbox.Target = {
    write: (text) => {
      assert.isUndefined(endedAfter, "a write after the end")
      writes.push(text)
    },
    end: () => {
      assert.isUndefined(endedAfter, "ended twice")
      endedAfter = writes.length
    }
  }
  return { target, writes, endedAfter: () => endedAfter }
}

describe("Outbox", () => {
  it.effect("the lines offered in one turn are written in one write, in order", () =>
    Effect.gen(function*() {
      const { target, writes } = recording()
      const outbox = Outbox.make(target)
      for (let i = 0; i < 64; i++) assert.isTrue(outbox.offer(`${i}\n`))
      assert.deepStrictEqual(writes, [], "nothing is written before the turn's offers are in")
      yield* Effect.yieldNow
      assert.isTrue(outbox.offer("last\n"))
      yield* Effect.yieldNow
      assert.deepStrictEqual(writes, [Array.from({ length: 64 }, (_, i) => `${i}\n`).join(""), "last\n"])
    }))

  it.effect("ending writes what was offered first, then closes the pipe once; a later offer is refused", () =>
    Effect.gen(function*() {
      const { endedAfter, target, writes } = recording()
      const outbox = Outbox.make(target)
      outbox.offer("a\n")
      outbox.offer("b\n")
      outbox.end()
      outbox.end()
      assert.isFalse(outbox.offer("c\n"))
      yield* Effect.yieldNow
      assert.deepStrictEqual(writes, ["a\nb\n"])
      assert.strictEqual(endedAfter(), 1)
    }))

  it.effect("ending an empty outbox closes the pipe without a write", () =>
    Effect.gen(function*() {
      const { endedAfter, target, writes } = recording()
      Outbox.make(target).end()
      yield* Effect.yieldNow
      assert.deepStrictEqual(writes, [])
      assert.strictEqual(endedAfter(), 0)
    }))
})
