/**
 * The roots the client exposes to servers (`roots/list`): the directories a server may work in.
 *
 * Without a layer the client advertises no `roots` capability and answers `roots/list` with "method not
 * found". {@link layer} serves a fixed list; {@link layerSubscriptionRef} serves the current value of a
 * `SubscriptionRef` and tells servers with `notifications/roots/list_changed` whenever it changes.
 *
 * A root is a `file://` URI. Paths are converted ({@link fileUri}): POSIX paths, Windows drive paths
 * and UNC paths alike, with every character that is not allowed in a URI path percent-encoded.
 *
 * **Example** (Roots that follow the application's state)
 *
 * ```ts
 * import { Effect, Layer, SubscriptionRef } from "effect"
 * import { McpClient, McpRoots } from "@effect-mcp/core"
 *
 * const program = Effect.gen(function*() {
 *   const roots = yield* SubscriptionRef.make<ReadonlyArray<McpRoots.RootInput>>(["/srv/project"])
 *   const ClientLive = McpClient.layer().pipe(Layer.provide(McpRoots.layerSubscriptionRef(roots)))
 *   // … later: the server is told, and its next roots/list sees the new list
 *   yield* SubscriptionRef.set(roots, ["/srv/project", "/srv/shared"])
 * })
 * ```
 *
 * @stability experimental
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import type { Root } from "./McpSchema.ts"

/**
 * A root as the application gives it: a path, a URI, or a full {@link Root} with a name.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export type RootInput = string | Root

/**
 * The roots service.
 *
 * @stability experimental
 * @category models
 * @since 0.1.0
 */
export interface Service {
  /** The current roots. */
  readonly list: Effect.Effect<ReadonlyArray<Root>>
  /** Emits once per change of the list, if the list can change. */
  readonly changes: Stream.Stream<void> | undefined
}

/**
 * The roots service. Its default is none: no `roots` capability.
 *
 * @stability experimental
 * @category services
 * @since 0.1.0
 */
export const McpRoots: Context.Reference<Service | undefined> = Context.Reference<Service | undefined>(
  "@effect-mcp/core/McpRoots",
  { defaultValue: () => undefined }
)

const WINDOWS_DRIVE = /^[A-Za-z]:([\\/]|$)/
const LONG_PATH = /^\\\\\?\\/
const LONG_UNC = /^\\\\\?\\UNC\\/i
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]+:\/\//
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

const encodeSegment = (segment: string): string =>
  encodeURIComponent(segment.replace(LONE_SURROGATE, "\uFFFD")).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )

/** Resolves `.` and `..` segments and drops empty ones; `..` never climbs above the root. */
const normalize = (segments: ReadonlyArray<string>): Array<string> => {
  const out: Array<string> = []
  for (const segment of segments) {
    if (segment === "." || segment === "") continue
    if (segment === "..") {
      if (out.length > 0) out.pop()
      continue
    }
    out.push(segment)
  }
  return out
}

const currentDirectory = (): string | undefined => {
  const process = (globalThis as { readonly process?: { readonly cwd?: () => string } }).process
  return typeof process?.cwd === "function" ? process.cwd() : undefined
}

/**
 * Turns a file system path into a `file://` URI.
 *
 * **Details**
 *
 * - POSIX paths keep their slashes: `/srv/my project` → `file:///srv/my%20project`.
 * - Windows drive paths: `C:\Users\me` → `file:///C:/Users/me`; a drive root keeps its slash
 *   (`C:\` → `file:///C:/`).
 * - UNC paths: `\\server\share\dir` → `file://server/share/dir`; long-path prefixes (`\\?\C:\…`,
 *   `\\?\UNC\server\…`) are understood. On POSIX, `//host/x` is a path, not a host.
 * - Relative paths are resolved against the current directory (when the platform has one);
 *   `.` and `..` segments are resolved.
 * - Every character a URI path does not allow is percent-encoded (UTF-8); lone surrogates become
 *   U+FFFD instead of failing.
 * - A value that already is a URI (it has a scheme, `file://…`) is returned as is. The specification
 *   wants roots to be `file://` URIs.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const fileUri = (
  path: string,
  options?: { readonly platform?: string | undefined; readonly cwd?: string | undefined }
): string => {
  if (SCHEME.test(path)) return path
  const platform = options?.platform ?? (globalThis as { readonly process?: { readonly platform?: string } })
    .process?.platform
  const windows = platform === "win32"
  let input = path
  if (LONG_UNC.test(input)) input = `\\\\${input.slice(8)}`
  else if (LONG_PATH.test(input)) input = input.slice(4)
  const unc = input.startsWith("\\\\") || (windows && /^[\\/]{2}[^\\/]/.test(input))
  if (unc) {
    const [host, ...rest] = input.slice(2).split(/[\\/]/)
    return `file://${host!.toLowerCase()}/${normalize(rest).map(encodeSegment).join("/")}`
  }
  if (WINDOWS_DRIVE.test(input)) {
    const [drive, ...rest] = input.split(/[\\/]/)
    const trailing = rest.length > 1 && rest[rest.length - 1] === "" ? "/" : ""
    const segments = normalize(rest).map(encodeSegment)
    return `file:///${drive!.toUpperCase()}/${segments.join("/")}${segments.length > 0 ? trailing : ""}`
  }
  const separators = windows ? /[\\/]/ : /\//
  let absolute = input
  if (!input.startsWith("/") && !(windows && input.startsWith("\\"))) {
    const cwd = options?.cwd ?? currentDirectory()
    if (cwd !== undefined) {
      if (WINDOWS_DRIVE.test(cwd) || cwd.startsWith("\\\\")) return fileUri(`${cwd}\\${input}`, options)
      absolute = `${cwd}/${input}`
    }
  }
  const parts = absolute.split(separators)
  const trailing = parts.length > 1 && parts[parts.length - 1] === "" ? "/" : ""
  const segments = normalize(parts.slice(1)).map(encodeSegment)
  return `file:///${segments.join("/")}${segments.length > 0 ? trailing : ""}`
}

/**
 * Normalizes a {@link RootInput} into a wire {@link Root}.
 *
 * @stability experimental
 * @category constructors
 * @since 0.1.0
 */
export const toRoot = (input: RootInput): Root =>
  typeof input === "string" ? { uri: fileUri(input) } : { ...input, uri: fileUri(input.uri) }

/**
 * Serves a fixed list of roots (`listChanged: false`).
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layer = (roots: ReadonlyArray<RootInput>): Layer.Layer<never> => {
  const list = roots.map(toRoot)
  return Layer.succeed(McpRoots, { list: Effect.succeed(list), changes: undefined })
}

/**
 * Serves the current value of a `SubscriptionRef` and sends `notifications/roots/list_changed` each
 * time it changes (`listChanged: true`).
 *
 * @stability experimental
 * @category layers
 * @since 0.1.0
 */
export const layerSubscriptionRef = (
  roots: SubscriptionRef.SubscriptionRef<ReadonlyArray<RootInput>>
): Layer.Layer<never> =>
  Layer.succeed(McpRoots, {
    list: Effect.map(SubscriptionRef.get(roots), (inputs) => inputs.map(toRoot)),
    // `changes` starts with the current value: skip it, only changes are news
    changes: SubscriptionRef.changes(roots).pipe(Stream.drop(1), Stream.map(() => undefined))
  })
