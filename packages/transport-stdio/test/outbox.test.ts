import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import * as Outbox from "../src/internal/outbox.ts"

const decoder = new TextDecoder()

/** Runs the writer's side: every batch the outbox hands over, as text. */
const batches = (outbox: Outbox.Outbox) =>
  outbox.bytes.pipe(Stream.map((bytes) => decoder.decode(bytes)), Stream.runCollect)

describe("Outbox", () => {
  it.effect("the lines offered in one turn are written in one batch, in order", () =>
    Effect.gen(function*() {
      const outbox = Outbox.make()
      const writer = yield* Effect.forkChild(batches(outbox), { startImmediately: true })
      for (let i = 0; i < 64; i++) assert.isTrue(outbox.offer(`${i}\n`))
      yield* Effect.yieldNow
      assert.isTrue(outbox.offer("last\n"))
      yield* Effect.yieldNow
      outbox.end()
      const written = yield* Fiber.join(writer)
      assert.deepStrictEqual(written, [Array.from({ length: 64 }, (_, i) => `${i}\n`).join(""), "last\n"])
    }))

  it.effect("ending writes what was offered first, then ends; a later offer is refused", () =>
    Effect.gen(function*() {
      const outbox = Outbox.make()
      outbox.offer("a\n")
      outbox.offer("b\n")
      outbox.end()
      assert.isFalse(outbox.offer("c\n"))
      assert.deepStrictEqual(yield* batches(outbox), ["a\nb\n"])
    }))

  it.effect("an interrupted writer leaves the lines for the next one", () =>
    Effect.gen(function*() {
      const outbox = Outbox.make()
      const first = yield* Effect.forkChild(batches(outbox), { startImmediately: true })
      yield* Fiber.interrupt(first)
      outbox.offer("kept\n")
      outbox.end()
      assert.deepStrictEqual(yield* batches(outbox), ["kept\n"])
    }))
})
