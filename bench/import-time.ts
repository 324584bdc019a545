/**
 * Imports the specifiers given (a JSON array) in this fresh process and prints one JSON line: how long the
 * imports took (from the first `import()` to the last one's end, Node's own start-up excluded) and, with
 * `BENCH_COUNT_MODULES=1` (a hook that slows loading: not timed then), the modules loaded and the size of each
 * one's source. Runs from the packed install (`packed.ts` copies it there as JavaScript).
 */
import { registerHooks } from "node:module"

const specifiers = JSON.parse(process.argv[2]!) as Array<string>
const loaded: Array<{ readonly url: string; readonly bytes: number }> = []

if (process.env.BENCH_COUNT_MODULES === "1") {
  registerHooks({
    load: (url, context, next) => {
      const result = next(url, context)
      loaded.push({ url, bytes: result.source === undefined ? 0 : String(result.source).length })
      return result
    }
  })
}

/** `file:///…/node_modules/@scope/name/dist/x.js` → `@scope/name/dist/x.js`. */
const shortName = (url: string) => url.replace(/^.*\/node_modules\//, "")

const t0 = performance.now()
for (const specifier of specifiers) await import(specifier)
const ms = performance.now() - t0

const modules = loaded.filter(({ url }) => url.startsWith("file:")).map(({ url, bytes }) => ({
  file: shortName(url),
  bytes
}))
process.stdout.write(JSON.stringify({ ms, modules }) + "\n")
