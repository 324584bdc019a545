import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Cli from "./fixtures/cli.ts"

const demo = ["--", process.execPath, Cli.demoServer]
const bar = (done: number) => `[${"█".repeat(done * 10)}${"░".repeat(30 - done * 10)}] ${done}/3 day ${done} of 3`

describe.skipIf(process.platform === "win32")("effect-mcp on a terminal", () => {
  it.live("progress: a bar redrawn in place for each report", () =>
    Effect.gen(function*() {
      const { code, output } = yield* Cli.runPty(["call", "forecast", "city=Oslo", "days=3", ...demo])
      assert.strictEqual(code, 0)
      // each report returns to the start of the line and clears it before drawing the bar again
      for (const done of [1, 2, 3]) assert.include(output, `\r\x1b[2K${bar(done)}`)
      assert.isBelow(output.indexOf(bar(1)), output.indexOf(bar(2)))
      // the bar's line is ended before the result
      assert.include(output, `${bar(3)}\r\n{"city":"Oslo"`)
      assert.notInclude(output, "progress: ")
    }))

  it.live("form elicitation is answered at the terminal: required fields insisted on, defaults offered", () =>
    Effect.gen(function*() {
      const { code, output } = yield* Cli.runPty(["call", "signup", ...demo], [
        // an empty answer to a required field is refused, and asked again
        ["E-mail", "\r"],
        ["an answer is required", "ada@example.com\r"],
        ["Home city", "\r"],
        ["Weekly digest", "\r"]
      ])
      assert.strictEqual(code, 0)
      assert.include(output, "Sign up for the weekly forecast?")
      // the defaults were offered and taken: Oslo, and the weekly digest on
      assert.include(output, "signed up: {\"city\":\"Oslo\",\"weekly\":true,\"email\":\"ada@example.com\"}")
    }))
})
