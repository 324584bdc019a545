import * as McpClient from "@effect-mcp/core/McpClient"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import { spawn } from "node:child_process"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"
import * as McpHttpTransport from "../src/McpHttpTransport.ts"

const everything = fileURLToPath(import.meta.resolve("@modelcontextprotocol/server-everything/dist/index.js"))

const freePort = Effect.promise(() =>
  new Promise<number>((resolve) => {
    const probe = createServer()
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
)

/** server-everything as a real process in the given mode, on a free port, until the scope closes. */
const serve = (mode: "streamableHttp" | "sse") =>
  Effect.gen(function*() {
    const port = yield* freePort
    yield* Effect.acquireRelease(
      Effect.promise(() =>
        new Promise<ReturnType<typeof spawn>>((resolve, reject) => {
          const child = spawn(process.execPath, [everything, mode], {
            env: { ...process.env, PORT: String(port) },
            stdio: ["ignore", "ignore", "pipe"]
          })
          child.stderr!.on("data", (chunk: Buffer) => {
            if (String(chunk).includes("listening") || String(chunk).includes("running")) resolve(child)
          })
          child.once("exit", (code) => reject(new Error(`server-everything exited with ${code}`)))
        })
      ),
      (child) =>
        Effect.promise(() =>
          new Promise<void>((resolve) => {
            child.once("exit", () => resolve())
            child.kill("SIGKILL")
          })
        )
    )
    return port
  })

/** Undici's client, recording the method and path of every request it sends. */
const recordingHttp = (sent: Array<string>) =>
  Layer.effect(HttpClient.HttpClient)(
    Effect.map(HttpClient.HttpClient, (client) =>
      HttpClient.tapRequest(client, (request) =>
        Effect.sync(() => {
          sent.push(`${request.method} ${new URL(request.url).pathname}`)
        })))
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))

describe("@modelcontextprotocol/server-everything over HTTP", () => {
  for (const mode of ["streamableHttp", "sse"] as const) {
    it.live(`lists and calls over ${mode}, the transport inferred from the URL`, () =>
      Effect.gen(function*() {
        const port = yield* serve(mode)
        const url = mode === "sse" ? `http://127.0.0.1:${port}/sse` : `http://127.0.0.1:${port}/mcp`
        const sent: Array<string> = []
        // no fallback: a wrong inference must fail, not be repaired by the Streamable HTTP transport
        const context = yield* Layer.build(
          McpHttpTransport.layerUrl(url, { sseFallback: false }).pipe(Layer.provide(recordingHttp(sent)))
        )
        const client = yield* McpClient.make({ timeout: "20 seconds" }).pipe(Effect.provide(context))
        const tools = yield* client.listTools()
        assert.isTrue(tools.some((tool) => tool.name === "echo"))
        const echo = yield* client.callTool("echo", { message: "over http" })
        assert.deepStrictEqual(echo.content, [{ type: "text", text: "Echo: over http" }])
        assert.isTrue((yield* client.listResources()).length > 0)
        assert.isTrue((yield* client.listPrompts()).length > 0)
        if (mode === "sse") {
          // HTTP+SSE from the first request: the stream is opened, and messages go to the endpoint
          assert.strictEqual(sent[0], "GET /sse")
          assert.isTrue(sent.slice(1).every((r) => r === "POST /message"), sent.join(", "))
        } else {
          assert.isTrue(sent.every((r) => r.endsWith(" /mcp")), sent.join(", "))
          assert.strictEqual(sent[0], "POST /mcp")
        }
      }).pipe(Effect.scoped), { timeout: 60_000 })
  }
})
