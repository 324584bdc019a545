import { NodeServices } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, FileSystem, Layer, Logger, Option, Path, Redacted } from "effect"
import { KeyValueStore } from "effect/persistence"
import { ChildProcess } from "effect/process"
import { execPath } from "node:process"
import * as McpTokenStore from "../src/McpTokenStore.ts"

const server = "https://mcp.example.com/mcp"
const key: McpTokenStore.Key = { server, identity: "default" }
const other: McpTokenStore.Key = { server: "https://other.example.com/mcp", identity: "default" }

const entry = (access: string) =>
  new McpTokenStore.Entry({
    tokens: new McpTokenStore.Tokens({
      accessToken: Redacted.make(access),
      tokenType: "Bearer",
      refreshToken: Redacted.make(`refresh-${access}`),
      expiresAt: 1_900_000_000_000,
      scope: "read write"
    }),
    client: new McpTokenStore.ClientRegistration({
      clientId: "client-1",
      clientSecret: Redacted.make("shh"),
      issuer: "https://auth.example.com"
    })
  })

const accessOf = (found: Option.Option<McpTokenStore.Entry>) =>
  Option.getOrUndefined(Option.map(found, (e) => Redacted.value(e.tokens!.accessToken)))

/** The behaviour every store shares. */
const contract = (name: string, layer: Layer.Layer<McpTokenStore.McpTokenStore, unknown>) =>
  describe(name, () => {
    it.effect("stores, replaces and removes one entry per server and identity", () =>
      Effect.gen(function*() {
        const store = yield* McpTokenStore.McpTokenStore
        assert.isTrue(Option.isNone(yield* store.get(key)))
        yield* store.set(key, entry("a"))
        yield* store.set({ server, identity: "client-2" }, entry("b"))
        yield* store.set(other, entry("c"))
        yield* store.set(key, entry("a2"))
        const found = yield* store.get(key)
        assert.strictEqual(accessOf(found), "a2")
        const tokens = Option.getOrThrow(found).tokens!
        assert.strictEqual(Redacted.value(tokens.refreshToken!), "refresh-a2")
        assert.strictEqual(tokens.expiresAt, 1_900_000_000_000)
        assert.strictEqual(tokens.scope, "read write")
        assert.strictEqual(Option.getOrThrow(found).client!.clientId, "client-1")
        assert.strictEqual(accessOf(yield* store.get({ server, identity: "client-2" })), "b")
        yield* store.remove(key)
        assert.isTrue(Option.isNone(yield* store.get(key)))
        assert.strictEqual(accessOf(yield* store.get(other)), "c")
      }).pipe(Effect.provide(layer)))

    it.effect("clear(server) logs out of one server, clear() of all", () =>
      Effect.gen(function*() {
        const store = yield* McpTokenStore.McpTokenStore
        yield* store.set(key, entry("a"))
        yield* store.set({ server, identity: "client-2" }, entry("b"))
        yield* store.set(other, entry("c"))
        yield* store.clear(server)
        assert.isTrue(Option.isNone(yield* store.get(key)))
        assert.isTrue(Option.isNone(yield* store.get({ server, identity: "client-2" })))
        assert.strictEqual(accessOf(yield* store.get(other)), "c")
        yield* store.clear()
        assert.isTrue(Option.isNone(yield* store.get(other)))
      }).pipe(Effect.provide(layer)))

    it.effect("withLock runs one holder of a key at a time", () =>
      Effect.gen(function*() {
        const store = yield* McpTokenStore.McpTokenStore
        let inside = 0
        let most = 0
        yield* Effect.forEach(
          Array.from({ length: 20 }, (_, i) => i),
          () =>
            store.withLock(
              key,
              Effect.gen(function*() {
                inside++
                most = Math.max(most, inside)
                yield* Effect.yieldNow
                yield* Effect.yieldNow
                inside--
              })
            ),
          { concurrency: "unbounded" }
        )
        assert.strictEqual(most, 1)
      }).pipe(Effect.provide(layer)))
  })

const TempDir = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  return yield* fs.makeTempDirectoryScoped({ prefix: "effect-mcp-tokens-" })
})

const fileLayer = Layer.unwrap(
  Effect.map(TempDir, (directory) => McpTokenStore.layerFile({ directory: `${directory}/store` }))
).pipe(Layer.provide(NodeServices.layer))

contract("layerMemory", McpTokenStore.layerMemory)
contract("layerFile", fileLayer)
contract("layerKeyValueStore", McpTokenStore.layerKeyValueStore.pipe(Layer.provide(KeyValueStore.layerMemory)))

describe("layerFile", () => {
  const withStore = <A, E>(
    directory: string,
    f: (store: McpTokenStore.Service) => Effect.Effect<A, E>
  ) =>
    Effect.gen(function*() {
      return yield* f(yield* McpTokenStore.McpTokenStore)
    }).pipe(Effect.provide(McpTokenStore.layerFile({ directory })))

  it.effect("a 0700 directory of 0600 files, whose entries survive a restart", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const path = yield* Path.Path
      const directory = path.join(yield* TempDir, "nested", "tokens")
      yield* withStore(directory, (store) => store.set(key, entry("a")))
      assert.strictEqual((yield* fs.stat(directory)).mode & 0o777, 0o700)
      const files = yield* fs.readDirectory(directory)
      assert.strictEqual(files.length, 1)
      assert.match(files[0]!, /^[0-9a-f]{32}-[0-9a-f]{32}\.json$/)
      assert.strictEqual((yield* fs.stat(path.join(directory, files[0]!))).mode & 0o777, 0o600)
      // A new store over the same directory: another process, or the same one after a restart.
      const found = yield* withStore(directory, (store) => store.get(key))
      assert.strictEqual(accessOf(found), "a")
      assert.strictEqual(Option.getOrThrow(found).tokens!.expiresAt, 1_900_000_000_000)
      assert.strictEqual(Option.getOrThrow(found).tokens!.scope, "read write")
    }).pipe(Effect.provide(NodeServices.layer)))

  it.effect("tightens the mode of an existing directory", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const directory = yield* TempDir
      yield* fs.chmod(directory, 0o755)
      yield* withStore(directory, (store) => store.set(key, entry("a")))
      assert.strictEqual((yield* fs.stat(directory)).mode & 0o777, 0o700)
    }).pipe(Effect.provide(NodeServices.layer)))

  /** A store's directory holding the entry of `key`, and the path of its file. */
  const stored = Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const directory = yield* TempDir
    yield* withStore(directory, (store) => store.set(key, entry("a")))
    const [file] = yield* fs.readDirectory(directory)
    return { directory, file: path.join(directory, file!) }
  })

  it.effect("a corrupt file is ignored with a warning, then replaced", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const { directory, file } = yield* stored
      yield* fs.writeFileString(file, "{\"version\":1,\"server\":")
      const warnings: Array<string> = []
      const found = yield* withStore(directory, (store) => store.get(key)).pipe(
        Effect.provide(Logger.layer([Logger.make(({ message }) => void warnings.push(String(message)))]))
      )
      assert.isTrue(Option.isNone(found))
      assert.strictEqual(warnings.length, 1)
      assert.include(warnings[0], "unreadable")
      yield* withStore(directory, (store) => store.set(key, entry("b")))
      assert.strictEqual(accessOf(yield* withStore(directory, (store) => store.get(key))), "b")
    }).pipe(Effect.provide(NodeServices.layer)))

  it.effect("writes are atomic: concurrent readers never see a partial file", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const directory = yield* TempDir
      const big = "x".repeat(256 * 1024)
      const seen = yield* withStore(directory, (store) =>
        Effect.gen(function*() {
          yield* store.set(key, entry(`0${big}`))
          const writes = Array.from({ length: 30 }, (_, i) => i)
          const writer = Effect.forEach(writes, (i) => store.set(key, entry(`${i}${big}`)))
          const reader = Effect.forEach([...writes, ...writes], () => store.get(key))
          const [, reads] = yield* Effect.all([writer, reader], { concurrency: 2 })
          return reads
        }))
      assert.isTrue(seen.every(Option.isSome))
      // Nothing but the entry is left behind: no temporary file.
      assert.strictEqual((yield* fs.readDirectory(directory)).length, 1)
    }).pipe(Effect.provide(NodeServices.layer)))

  it.live("a stale lock of a dead process is taken over", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const { directory, file } = yield* stored
      const lock = file.replace(/\.json$/, ".lock")
      yield* fs.writeFileString(lock, "{}")
      const old = new Date(Date.now() - 60_000)
      yield* fs.utimes(lock, old, old)
      const result = yield* withStore(directory, (store) => store.withLock(key, Effect.succeed("locked")))
      assert.strictEqual(result, "locked")
      assert.isFalse(yield* fs.exists(lock))
    }).pipe(Effect.provide(NodeServices.layer)))

  it.live("the lock holds across two processes", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const path = yield* Path.Path
      const directory = yield* TempDir
      const log = path.join(directory, "log.txt")
      const script = path.join(import.meta.dirname, "fixtures", "lock-holder.ts")
      const holder = (name: string) =>
        ChildProcess.make(execPath, [script, path.join(directory, "store"), log, name, "400"]).pipe(
          Effect.flatMap((handle) => handle.exitCode)
        )
      const codes = yield* Effect.all([holder("a"), holder("b")], { concurrency: 2 })
      assert.deepStrictEqual(codes.map(Number), [0, 0])
      const lines = (yield* fs.readFileString(log)).trim().split("\n")
      assert.strictEqual(lines.length, 4)
      // Whoever came first finished before the other started.
      const first = lines[0]!.split(" ")[1]
      const second = first === "a" ? "b" : "a"
      assert.deepStrictEqual(lines, [`start ${first}`, `end ${first}`, `start ${second}`, `end ${second}`])
    }).pipe(Effect.provide(NodeServices.layer)))
})
