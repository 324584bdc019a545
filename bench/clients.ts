/**
 * The clients compared, each driven in its own idiom over stdio or Streamable HTTP: effect-mcp, the official
 * SDK's v1 (`@modelcontextprotocol/sdk`) and v2 (`@modelcontextprotocol/client`) clients, Effect's own
 * `effect/ai/McpClient`, and over stdio two raw NDJSON clients (the protocol by hand): one on Node's own streams
 * (the floor of any client) and one on Effect and its Node platform (the floor of any Effect client).
 */
import type * as McpClient from "@effect-mcp/core/McpClient"
import type { McpTransport } from "@effect-mcp/core/McpTransport"
import type * as Deferred from "effect/Deferred"
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { type Driver, promiseCalls, type Session } from "./harness.ts"

export type Target =
  | { readonly kind: "stdio"; readonly command: string; readonly args: ReadonlyArray<string> }
  | { readonly kind: "http"; readonly url: string }

/** The project's row; the peers are the rows it is compared with. */
export const PROJECT = "effect-mcp"
export const BASELINE = "SDK v1"
export const PEERS = ["SDK v1", "SDK v2", "Effect McpClient"] as const
export const RAW = "raw NDJSON"
export const EFFECT_FLOOR = "raw NDJSON on Effect"
export const STDIO_CLIENTS = [RAW, EFFECT_FLOOR, ...PEERS, PROJECT, "effect-mcp (legacy)"] as const
export const HTTP_CLIENTS = [...PEERS, PROJECT, "effect-mcp (legacy)"] as const

const CLIENT_INFO = { name: "bench", version: "1.0.0" }

// -- effect-mcp ---------------------------------------------------------------------------------------

/**
 * A session whose calls are Effects, run by `run`: the whole loop of calls is one program. Its calls have the
 * shape of {@link promiseCalls}: `concurrency` fibers, each making calls one after another until `count` are
 * made, rather than `Effect.forEach` over the calls, which forks a fiber per call and keeps them in a `Set`.
 * Such a long-lived `Set` with many additions and removals is a cost of its own in V8: once its hash table
 * is in the old generation, every table it grows into is allocated there, and the tables it leaves behind
 * keep the calls they held alive until a full collection (about 1 MB of calls promoted per scavenge at
 * 64-way, and a young generation twice as large); the promise clients have no such set.
 */
const effectSession = async (
  run: <A>(effect: Effect.Effect<A, unknown>) => Promise<A>,
  call: (name: string, args: Record<string, unknown>) => Effect.Effect<unknown, unknown>,
  close: () => Promise<void>
): Promise<Session> => {
  const Effect = await import("effect/Effect")
  return {
    call: (name, args) => run(call(name, args)),
    calls: (count, concurrency) => {
      let next = 0
      const worker = Effect.whileLoop({
        while: () => next < count,
        body: () => call("add", { a: next++, b: 1 }),
        step: () => {}
      })
      return run(Effect.all(Array.from({ length: concurrency }, () => worker), { concurrency, discard: true }))
    },
    close
  }
}

/**
 * effect-mcp over `transport`, on one platform runtime for the whole process, as an application has.
 * `protocolVersion: "legacy"` skips the `server/discover` probe of the default `"auto"`.
 */
const effectMcpSession = async <R>(
  platform: ManagedRuntime.ManagedRuntime<R, never>,
  transport: Layer.Layer<McpTransport, never, R>,
  protocolVersion: McpClient.ProtocolVersionOption
): Promise<Session> => {
  const [McpClient, Exit, Scope] = await Promise.all([
    import("@effect-mcp/core/McpClient"),
    import("effect/Exit"),
    import("effect/Scope")
  ])
  const scope = await platform.runPromise(Scope.make())
  const client = await platform.runPromise(
    McpClient.connect(transport, { timeout: "60 seconds", protocolVersion }).pipe(Scope.provide(scope))
  )
  return effectSession(
    (effect) => platform.runPromise(effect),
    (name, args) => client.callToolRaw(name, args),
    () => platform.runPromise(Scope.close(scope, Exit.void))
  )
}

const effectMcp = async (target: Target, protocolVersion: McpClient.ProtocolVersionOption): Promise<Driver> => {
  const ManagedRuntime = await import("effect/ManagedRuntime")
  const name = protocolVersion === "auto" ? PROJECT : `${PROJECT} (${protocolVersion})`
  if (target.kind === "stdio") {
    // the stdio transport needs no platform service: a runtime with nothing in it, as an application without one has
    const McpStdioTransport = await import("@effect-mcp/transport-stdio/McpStdioTransport")
    const Layer = await import("effect/Layer")
    const platform = ManagedRuntime.make(Layer.empty)
    const transport = McpStdioTransport.layer({ ...target, keepAlive: false, stderr: "ignore" })
    return { name, connect: () => effectMcpSession(platform, transport, protocolVersion) }
  }
  const [McpHttpTransport, NodeHttpClient] = await Promise.all([
    import("@effect-mcp/transport-http/McpHttpTransport"),
    import("@effect/platform-node/NodeHttpClient")
  ])
  const platform = ManagedRuntime.make(NodeHttpClient.layerUndici)
  const transport = McpHttpTransport.layer({ url: target.url })
  return { name, connect: () => effectMcpSession(platform, transport, protocolVersion) }
}

// -- Effect's own McpClient (effect/ai) ---------------------------------------------------------------

const effectAiLayer = async (target: Target) => {
  const [Layer, McpClient, McpProtocol] = await Promise.all([
    import("effect/Layer"),
    import("effect/ai/McpClient"),
    import("effect/ai/McpProtocol")
  ])
  const options = { ...CLIENT_INFO, protocol: McpProtocol.v2025_11_25, maxMessageBytes: 64 * 1024 * 1024 }
  if (target.kind === "stdio") {
    const [ChildProcess, NodeServices] = await Promise.all([
      import("effect/process/ChildProcess"),
      import("@effect/platform-node/NodeServices")
    ])
    const command = ChildProcess.make(target.command, [...target.args])
    return McpClient.layerStdio({ ...options, command }).pipe(Layer.provide(NodeServices.layer))
  }
  const NodeHttpClient = await import("@effect/platform-node/NodeHttpClient")
  return McpClient.layerHttp({ ...options, url: target.url }).pipe(Layer.provide(NodeHttpClient.layerUndici))
}

/** Effect's `McpClient` calls discovered tools only: a session lists them once, as its handshake's last step. */
const effectAi = async (target: Target): Promise<Driver> => {
  const [Context, Effect, Exit, Layer, Scope, McpClient] = await Promise.all([
    import("effect/Context"),
    import("effect/Effect"),
    import("effect/Exit"),
    import("effect/Layer"),
    import("effect/Scope"),
    import("effect/ai/McpClient")
  ])
  const layer = await effectAiLayer(target)
  const connect = async () => {
    const scope = Effect.runSync(Scope.make())
    const client = Context.get(await Effect.runPromise(Layer.buildWithScope(layer, scope)), McpClient.McpClient)
    const tools = new Map((await Effect.runPromise(client.listTools())).map((tool) => [tool.name, tool]))
    return effectSession(
      Effect.runPromise,
      (name, args) => client.callTool({ tool: tools.get(name)!, arguments: args }),
      () => Effect.runPromise(Scope.close(scope, Exit.void))
    )
  }
  return { name: "Effect McpClient", connect }
}

// -- the official SDK, v1 and v2 ----------------------------------------------------------------------

/** v1's `callTool` takes a result schema second and its options third. */
const sdkV1 = async (target: Target): Promise<Driver> => {
  const { Client } = await import("@modelcontextprotocol/sdk/client/index.js")
  const transport = target.kind === "stdio" ?
    await import("@modelcontextprotocol/sdk/client/stdio.js").then(({ StdioClientTransport }) => () =>
      new StdioClientTransport({ command: target.command, args: [...target.args], stderr: "ignore" })
    ) :
    await import("@modelcontextprotocol/sdk/client/streamableHttp.js").then(({ StreamableHTTPClientTransport }) => () =>
      new StreamableHTTPClientTransport(new URL(target.url))
    )
  const connect = async (): Promise<Session> => {
    const client = new Client(CLIENT_INFO)
    await client.connect(transport())
    const call: Session["call"] = (name, args) =>
      client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 })
    return { call, calls: promiseCalls(call), close: () => client.close() }
  }
  return { name: "SDK v1", connect }
}

/** v2's `callTool` takes its options second. */
const sdkV2 = async (target: Target): Promise<Driver> => {
  const { Client, StreamableHTTPClientTransport } = await import("@modelcontextprotocol/client")
  const transport = target.kind === "stdio" ?
    await import("@modelcontextprotocol/client/stdio").then(({ StdioClientTransport }) => () =>
      new StdioClientTransport({ command: target.command, args: [...target.args], stderr: "ignore" })
    ) :
    () => new StreamableHTTPClientTransport(new URL(target.url))
  const connect = async (): Promise<Session> => {
    const client = new Client(CLIENT_INFO)
    await client.connect(transport())
    const call: Session["call"] = (name, args) => client.callTool({ name, arguments: args }, { timeout: 60_000 })
    return { call, calls: promiseCalls(call), close: () => client.close() }
  }
  return { name: "SDK v2", connect }
}

// -- raw NDJSON: the floor ----------------------------------------------------------------------------

const rawConnect = async (command: string, args: ReadonlyArray<string>): Promise<Session> => {
  const child = spawn(command, args, { stdio: ["pipe", "pipe", "ignore"] })
  const pending = new Map<number, (value: unknown) => void>()
  createInterface({ input: child.stdout }).on("line", (line) => {
    const message = JSON.parse(line) as { id?: number; result?: unknown }
    if (message.id !== undefined) pending.get(message.id)?.(message.result)
  })
  let id = 0
  const request = (method: string, params: unknown) =>
    new Promise<unknown>((resolve) => {
      const mine = ++id
      pending.set(mine, (value) => {
        pending.delete(mine)
        resolve(value)
      })
      child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id: mine, method, params }) + "\n")
    })
  await request("initialize", { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: CLIENT_INFO })
  child.stdin.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n")
  const call: Session["call"] = (name, args) => request("tools/call", { name, arguments: args })
  const close = async () => {
    child.stdin.end()
    await new Promise((resolve) => child.once("exit", resolve))
  }
  return { call, calls: promiseCalls(call), close }
}

const raw = async (target: Target): Promise<Driver> => {
  if (target.kind !== "stdio") throw new Error("the raw NDJSON client speaks stdio only")
  return { name: "raw NDJSON", connect: () => rawConnect(target.command, target.args) }
}

// -- raw NDJSON on Effect: the floor of an Effect client ------------------------------------------------

/**
 * The protocol by hand again, on what any Effect client over stdio loads and runs: `effect/process` and the Node
 * platform (`NodeServices`) to spawn, the platform's stdin sink and stdout stream, `Stream.splitLines`, a
 * `Deferred` per request. What effect-mcp costs beyond it is the client; what it costs beyond the raw NDJSON
 * client on Node's own streams is mostly Effect's (its modules, its young generation, its fibers).
 */
const effectFloor = async (target: Target): Promise<Driver> => {
  if (target.kind !== "stdio") throw new Error("the raw NDJSON client on Effect speaks stdio only")
  const [Effect, Deferreds, Exit, ManagedRuntime, Queue, Scope, Stream, ChildProcess, NodeServices] = await Promise.all(
    [
      import("effect/Effect"),
      import("effect/Deferred"),
      import("effect/Exit"),
      import("effect/ManagedRuntime"),
      import("effect/Queue"),
      import("effect/Scope"),
      import("effect/Stream"),
      import("effect/process/ChildProcess"),
      import("@effect/platform-node/NodeServices")
    ]
  )
  const platform = ManagedRuntime.make(NodeServices.layer)
  const encoder = new TextEncoder()
  const connect = async (): Promise<Session> => {
    const scope = await platform.runPromise(Scope.make())
    const session = Effect.gen(function*() {
      const handle = yield* ChildProcess.make(target.command, [...target.args], { stderr: "ignore" })
      const pending = new Map<number, Deferred.Deferred<unknown>>()
      const lines = yield* Queue.unbounded<string>()
      yield* Stream.fromQueue(lines).pipe(
        Stream.map((line) => encoder.encode(line)),
        Stream.run(handle.stdin),
        Effect.forkScoped
      )
      yield* handle.stdout.pipe(
        Stream.decodeText(),
        Stream.splitLines,
        Stream.runForEach((line) =>
          Effect.sync(() => {
            const message = JSON.parse(line) as { id?: number; result?: unknown }
            const deferred = message.id === undefined ? undefined : pending.get(message.id)
            if (deferred !== undefined) {
              pending.delete(message.id!)
              Deferreds.doneUnsafe(deferred, Effect.succeed(message.result))
            }
          })
        ),
        Effect.forkScoped
      )
      let id = 0
      const request = (method: string, params: unknown) =>
        Effect.suspend(() => {
          const mine = ++id
          const deferred = Deferreds.makeUnsafe<unknown>()
          pending.set(mine, deferred)
          Queue.offerUnsafe(lines, JSON.stringify({ jsonrpc: "2.0", id: mine, method, params }) + "\n")
          return Deferreds.await(deferred)
        })
      yield* request("initialize", { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: CLIENT_INFO })
      Queue.offerUnsafe(lines, JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n")
      return (name: string, args: Record<string, unknown>) => request("tools/call", { name, arguments: args })
    })
    const call = await platform.runPromise(session.pipe(Scope.provide(scope)))
    return effectSession(
      (effect) => platform.runPromise(effect),
      call,
      () => platform.runPromise(Scope.close(scope, Exit.void))
    )
  }
  return { name: EFFECT_FLOOR, connect }
}

// -- by name ------------------------------------------------------------------------------------------

/** Each client's libraries are imported only when it is asked for: a measured process loads its client alone. */
const drivers: Record<string, (target: Target) => Promise<Driver>> = {
  "raw NDJSON": raw,
  [EFFECT_FLOOR]: effectFloor,
  "SDK v1": sdkV1,
  "SDK v2": sdkV2,
  "Effect McpClient": effectAi,
  [PROJECT]: (target) => effectMcp(target, "auto"),
  [`${PROJECT} (legacy)`]: (target) => effectMcp(target, "legacy")
}

export const driverFor = (name: string, target: Target): Promise<Driver> => {
  const make = drivers[name]
  if (make === undefined) throw new Error(`no client named ${name}`)
  return make(target)
}
