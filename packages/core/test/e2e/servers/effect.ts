/**
 * The "Effect" server of the end-to-end suite: Effect's own `McpServer`. Every transport runs these same
 * registrations: in process over `McpInMemoryTransport` ({@link layerStdio}), over stdio as a process
 * (`node main.ts effect stdio`, its era in `EFFECT_ERA`), and in process over HTTP with
 * `McpServer.layerHttp`.
 *
 * Tools: `add`, `pid` (the serving process's id), `slow` (never answers), `count` (progress for each step,
 * then a log at info and one at error), `interview` (three `input_required` rounds: elicitation, then
 * sampling and roots together), `insist` (asks for input forever), `touch` (announces that the tools
 * changed and that `memo://readme` was updated). Resource: `memo://readme`.
 *
 * What the handlers do is reported as {@link Event}s, which the suite waits for instead of sleeping: in
 * process through a callback, from a process as `@event <json>` lines on stderr.
 */
import { McpProtocol, McpSchema, McpServer, Tool, Toolkit } from "effect/ai"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/** The server's `serverInfo`. */
export const serverInfo = { name: "effect-mcp-effect-fixture", version: "4.0.0" } as const

/** The server's instructions. */
export const instructions = "Add with care"

/**
 * Which revisions the server speaks: only 2026-07-28, 2026-07-28 and 2025-11-25 (a server of both eras),
 * or only the stateful ones.
 */
export type Era = "stateless" | "both" | "stateful"

type Protocols = readonly [McpProtocol.ProtocolAdapter, ...Array<McpProtocol.ProtocolAdapter>]

/** The protocol adapters of an era. */
export const protocols = (era: Era): Protocols =>
  era === "stateless"
    ? [McpProtocol.v2026_07_28]
    : era === "both"
    ? [McpProtocol.v2026_07_28, McpProtocol.v2025_11_25]
    : [McpProtocol.v2025_11_25, McpProtocol.v2025_06_18, McpProtocol.v2025_03_26, McpProtocol.v2024_11_05]

/** What a handler did, as the server saw it. */
export type Event =
  /** `slow` started, with its tag. */
  | { readonly _tag: "Started"; readonly tag: string }
  /** `slow` was interrupted. */
  | { readonly _tag: "Interrupted"; readonly tag: string }
  /** `interview` was called: the request state and the answers it got back. */
  | {
    readonly _tag: "Round"
    readonly requestState?: string | undefined
    readonly inputResponses?: Readonly<Record<string, unknown>> | undefined
  }

/** Where the handlers report their {@link Event}s. */
export type Emit = (event: Event) => Effect.Effect<void>

/** The prefix of an event line on a server process's stderr. */
export const eventPrefix = "@event "

/** Parses a stderr line of a server process: its event, if it is an event line. */
export const parseEvent = (line: string): Event | undefined =>
  line.startsWith(eventPrefix) ? JSON.parse(line.slice(eventPrefix.length)) as Event : undefined

const Add = Tool.make("add", {
  description: "Add two numbers",
  parameters: Schema.Struct({ a: Schema.Number, b: Schema.Number }),
  success: Schema.Struct({ sum: Schema.Number })
})
const Pid = Tool.make("pid", {
  description: "The server's process id",
  parameters: Tool.EmptyParams,
  success: Schema.Number
})
const Slow = Tool.make("slow", {
  description: "Never answers",
  parameters: Schema.Struct({ tag: Schema.String }),
  success: Schema.String
})
const Count = Tool.make("count", {
  description: "Count to n, reporting progress, then log at info and at error",
  parameters: Schema.Struct({ n: Schema.Number }),
  success: Schema.Struct({ counted: Schema.Number })
})

const Tools = Toolkit.make(Add, Pid, Slow, Count)

const toolsLayer = (emit: Emit) =>
  Tools.toLayer(Effect.gen(function*() {
    const server = yield* McpServer.McpServer
    return Tools.of({
      add: ({ a, b }) => Effect.succeed({ sum: a + b }),
      pid: () => Effect.succeed(process.pid),
      slow: ({ tag }) =>
        emit({ _tag: "Started", tag }).pipe(
          Effect.andThen(Effect.never),
          Effect.onInterrupt(() => emit({ _tag: "Interrupted", tag }))
        ),
      count: Effect.fnUntraced(function*({ n }) {
        const context = yield* Effect.serviceOption(McpSchema.McpRequestContext)
        const token = Option.getOrUndefined(context)?.requestMetadata?.progressToken as string | number | undefined
        for (let i = 1; i <= n; i++) {
          if (token !== undefined) {
            yield* server.notifications["notifications/progress"]({ progressToken: token, progress: i, total: n })
              .pipe(Effect.orDie)
          }
        }
        yield* server.notifications["notifications/message"]({ level: "info", data: "counting" }).pipe(Effect.orDie)
        yield* server.notifications["notifications/message"]({ level: "error", data: "counted" }).pipe(Effect.orDie)
        return { counted: n }
      })
    })
  }))

const text = (value: string) => ({ content: [{ type: "text" as const, text: value }] })

const objectSchema = { type: "object" as const, properties: {} }

/**
 * `interview`: round 1 asks the user's name (elicitation); round 2 asks the model for a poem and the
 * client for its roots (two input requests at once), with the name carried in the request state;
 * round 3 answers with all three.
 */
const interview = (emit: Emit) =>
  Effect.gen(function*() {
    const context = yield* McpSchema.McpRequestContext
    const state = context.requestState
    const responses = context.inputResponses as Record<string, Record<string, unknown>> | undefined
    yield* emit({ _tag: "Round", requestState: state, inputResponses: responses })
    if (state === undefined) {
      return new McpSchema.InputRequired({
        inputRequests: {
          who: {
            method: "elicitation/create",
            params: {
              mode: "form",
              message: "Who are you?",
              requestedSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] }
            }
          }
        },
        requestState: "round-1 ✓ {\"opaque\": true}"
      })
    }
    if (state.startsWith("round-1")) {
      const name = (responses?.who?.content as { readonly name?: string } | undefined)?.name ?? "nobody"
      return new McpSchema.InputRequired({
        inputRequests: {
          poem: {
            method: "sampling/createMessage",
            params: {
              messages: [{ role: "user", content: { type: "text", text: `a poem for ${name}` } }],
              maxTokens: 20
            }
          },
          roots: { method: "roots/list" }
        },
        requestState: `round-2:${name}`
      })
    }
    const name = state.slice("round-2:".length)
    const poem = (responses?.poem?.content as { readonly text?: string } | undefined)?.text ?? "no poem"
    const roots = (responses?.roots?.roots as ReadonlyArray<{ readonly uri: string }> | undefined) ?? []
    return text(`${name} | ${poem} | ${roots.map((root) => root.uri).join(",")}`)
  })

const rawTools = (emit: Emit) =>
  Layer.effectDiscard(Effect.gen(function*() {
    const server = yield* McpServer.McpServer
    const add = (name: string, description: string, handle: () => ReturnType<typeof interview>) =>
      server.addTool({
        tool: { name, description, inputSchema: objectSchema } as never,
        annotations: Context.empty(),
        handle
      })
    yield* add("interview", "Asks for input over three rounds", () => interview(emit))
    yield* add("insist", "Asks for input forever", () =>
      Effect.succeed(new McpSchema.InputRequired({ requestState: "again" })))
    yield* add("touch", "Announces that the tools changed and memo://readme was updated", () =>
      Effect.all([
        server.notifications["notifications/tools/list_changed"]({}),
        server.notifications["notifications/resources/updated"]({ uri: "memo://readme" })
      ]).pipe(Effect.orDie, Effect.as(text("touched"))))
  }))

/** The tools and the resource, reporting to `emit`. */
export const registrations = (emit: Emit) =>
  Layer.mergeAll(
    McpServer.toolkit(Tools).pipe(Layer.provide(toolsLayer(emit))),
    rawTools(emit),
    McpServer.resource({
      uri: "memo://readme",
      name: "readme",
      mimeType: "text/plain",
      content: Effect.succeed("hello from the readme")
    })
  )

/** The server as a layer over `Stdio` (for `McpInMemoryTransport`, or a process's own stdio). */
export const layerStdio = (options: { readonly era: Era; readonly emit?: Emit | undefined }) =>
  McpServer.layerStdio({
    ...serverInfo,
    instructions,
    protocols: protocols(options.era),
    registrations: registrations(options.emit ?? (() => Effect.void))
  })
