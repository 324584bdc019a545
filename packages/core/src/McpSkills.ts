/**
 * The client side of the skills extension (`io.modelcontextprotocol/skills`, SEP-2640): lists the
 * skills a server publishes, loads one by reading and verifying its `SKILL.md`, and reads its
 * supporting files, each verified against the skill's entry.
 *
 * A server declares the extension in `capabilities.extensions`. It answers `skills/list` (every skill's
 * entry: the URI of its `SKILL.md`, its frontmatter, and a manifest of its files with their SHA-256
 * digests and sizes) and `skills/get` (one entry, by URI). The files themselves are ordinary resources,
 * read with `resources/read`.
 *
 * **Verification.** {@link load} reads the skill's `SKILL.md` and refuses it, with an
 * {@link McpSkillError}, when its byte length or its digest differs from the entry's, or when its YAML
 * frontmatter differs from the entry's `frontmatter` in any field. A refused skill gives no content,
 * and since supporting files are read from a {@link LoadedSkill} only ({@link readFile}), none of its
 * files can be read. Each supporting file is verified the same way, and a file the entry does not list
 * is refused without being read.
 *
 * **Lazy retrieval.** Nothing here reads a file before it is asked to: {@link list} and {@link get}
 * fetch entries, never content.
 *
 * Left to the host, as the extension describes them: asking the user to approve a skill (and binding
 * the approval to the entry's files), telling the model which server a skill comes from, caching,
 * telling same-named skills apart, ignoring `allowed-tools`, and `resources/directory/read`.
 *
 * **Example** (Loading a skill and one of its files)
 *
 * ```ts
 * import { Effect } from "effect"
 * import { McpClient, McpSkills } from "@effect-mcp/core"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* McpClient.McpClient
 *   const [skill] = yield* McpSkills.list(client)
 *   if (skill === undefined) return
 *   const loaded = yield* McpSkills.load(client, skill)
 *   const forms = yield* McpSkills.readFile(client, loaded, McpSkills.resolveUri(skill, "references/FORMS.md"))
 *   return { instructions: loaded.body, forms: forms.text }
 * })
 * ```
 *
 * @stability experimental
 * @since 0.2.0
 */
import * as Digest from "effect/crypto/Digest"
import * as Effect from "effect/Effect"
import * as Base64 from "effect/encoding/Base64"
import type * as Yaml from "effect/encoding/Yaml"
import * as Predicate from "effect/Predicate"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import type * as McpClient from "./McpClient.ts"
import { McpCapabilityError, McpProtocolError, PaginationLimit } from "./McpError.ts"
import type { McpError } from "./McpError.ts"
import * as McpSchema from "./McpSchema.ts"

// -----------------------------------------------------------------------------
// Identifiers
// -----------------------------------------------------------------------------

/**
 * The extension's identifier, the key of `capabilities.extensions`.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export const ExtensionId = "io.modelcontextprotocol/skills"

/**
 * Tells whether the server declared the skills extension.
 *
 * @stability experimental
 * @category guards
 * @since 0.2.0
 */
export const isSupported = (session: McpClient.ServerSession): boolean =>
  Predicate.isObject(session.capabilities.extensions?.[ExtensionId])

// -----------------------------------------------------------------------------
// Models
// -----------------------------------------------------------------------------

/**
 * A file of a skill: its resource URI, the SHA-256 digest of its raw bytes (`sha256:` and 64 lowercase
 * hex digits) and their length.
 *
 * @stability experimental
 * @category schemas
 * @since 0.2.0
 */
export const SkillResource = McpSchema.open({
  uri: Schema.String,
  digest: Schema.String,
  size: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
})

/**
 * The decoded type of {@link SkillResource}.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export type SkillResource = typeof SkillResource.Type

/**
 * The frontmatter of a skill's `SKILL.md` as JSON: `name` and `description`, and every other field
 * the author wrote.
 *
 * @stability experimental
 * @category schemas
 * @since 0.2.0
 */
export const SkillFrontmatter = McpSchema.open({
  name: Schema.String,
  description: Schema.String
})

/**
 * The decoded type of {@link SkillFrontmatter}.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export type SkillFrontmatter = typeof SkillFrontmatter.Type

/**
 * A skill's entry: the URI of its `SKILL.md`, its frontmatter, and its files. `resources` lists every
 * file of the skill, `SKILL.md` included, or is `"dynamic"` when the server generates the content and
 * can publish no digests.
 *
 * @stability experimental
 * @category schemas
 * @since 0.2.0
 */
export const Skill = McpSchema.open({
  uri: Schema.String,
  frontmatter: SkillFrontmatter,
  resources: Schema.Union([Schema.Array(SkillResource), Schema.Literal("dynamic")])
})

/**
 * The decoded type of {@link Skill}.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export type Skill = typeof Skill.Type

/**
 * The result of `skills/list`: a page of entries, and the cursor of the next page.
 *
 * @stability experimental
 * @category schemas
 * @since 0.2.0
 */
export const ListSkillsResult = McpSchema.open({
  skills: Schema.Array(Skill),
  nextCursor: Schema.optionalKey(Schema.NullOr(Schema.String)),
  _meta: Schema.optionalKey(McpSchema.JsonObject)
})

/**
 * The decoded type of {@link ListSkillsResult}.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export type ListSkillsResult = typeof ListSkillsResult.Type

/**
 * The result of `skills/get`: one entry.
 *
 * @stability experimental
 * @category schemas
 * @since 0.2.0
 */
export const GetSkillResult = McpSchema.open({
  skill: Skill,
  _meta: Schema.optionalKey(McpSchema.JsonObject)
})

/**
 * The decoded type of {@link GetSkillResult}.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export type GetSkillResult = typeof GetSkillResult.Type

/**
 * One page of `skills/list`.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export interface SkillsPage {
  /** The page's valid entries (invalid ones are left out, with a warning in the log). */
  readonly skills: ReadonlyArray<Skill>
  /** The cursor of the next page, if there is one. */
  readonly nextCursor: string | undefined
}

/**
 * A skill whose `SKILL.md` was read and verified: the entry every later read of its files is checked
 * against, and the content.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export interface LoadedSkill {
  /** The entry the skill was loaded from. */
  readonly skill: Skill
  /** The whole `SKILL.md`, frontmatter included. */
  readonly text: string
  /** The frontmatter, parsed (field by field equal to the entry's). */
  readonly frontmatter: Readonly<Record<string, unknown>>
  /** The Markdown after the frontmatter: the skill's instructions. */
  readonly body: string
  /**
   * `false` for a skill whose `resources` is `"dynamic"` (loaded with `allowDynamic`): its size and
   * digest could not be checked, only its frontmatter.
   */
  readonly verified: boolean
  /** The contents as the server sent them. */
  readonly contents: McpSchema.ResourceContents
}

/**
 * A file of a loaded skill, read and verified.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export interface SkillFile {
  readonly uri: string
  readonly mimeType: string | undefined
  /** The raw bytes (the UTF-8 bytes of text contents, the decoded bytes of a blob). */
  readonly bytes: Uint8Array
  /** The text, when the server sent text contents. */
  readonly text: string | undefined
  /** `false` when the skill's `resources` is `"dynamic"`: nothing could be checked. */
  readonly verified: boolean
  /** The contents as the server sent them. */
  readonly contents: McpSchema.ResourceContents
}

/**
 * Options of {@link load}.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export interface LoadOptions extends McpClient.RequestOptions {
  /**
   * Loads a skill whose `resources` is `"dynamic"`, whose content cannot be verified (its frontmatter
   * still is). Default: `false`, such a skill is refused with `Unverifiable` before anything is read.
   */
  readonly allowDynamic?: boolean | undefined
}

// -----------------------------------------------------------------------------
// Errors
// -----------------------------------------------------------------------------

const show = (value: unknown): string => value === undefined ? "absent" : JSON.stringify(value) ?? String(value)

/**
 * A file's SHA-256 digest differs from its entry's `digest`.
 *
 * @stability experimental
 * @category errors
 * @since 0.2.0
 */
export class DigestMismatch extends Schema.TaggedError<DigestMismatch>("@effect-mcp/core/McpSkills/DigestMismatch")(
  "DigestMismatch",
  {
    uri: Schema.String,
    expected: Schema.String,
    actual: Schema.String
  }
) {
  override get message(): string {
    return `${this.uri} has digest ${this.actual}, but its entry says ${this.expected}`
  }
}

/**
 * A file's length in bytes differs from its entry's `size`.
 *
 * @stability experimental
 * @category errors
 * @since 0.2.0
 */
export class SizeMismatch extends Schema.TaggedError<SizeMismatch>("@effect-mcp/core/McpSkills/SizeMismatch")(
  "SizeMismatch",
  {
    uri: Schema.String,
    expected: Schema.Int,
    actual: Schema.Int
  }
) {
  override get message(): string {
    return `${this.uri} is ${this.actual} bytes long, but its entry says ${this.expected}`
  }
}

/**
 * A field of the `SKILL.md` frontmatter differs from the entry's `frontmatter` (or is on one side
 * only). `expected` is the entry's value, `actual` the file's; `undefined` means absent.
 *
 * @stability experimental
 * @category errors
 * @since 0.2.0
 */
export class FrontmatterMismatch extends Schema.TaggedError<FrontmatterMismatch>(
  "@effect-mcp/core/McpSkills/FrontmatterMismatch"
)("FrontmatterMismatch", {
  uri: Schema.String,
  field: Schema.String,
  expected: Schema.Unknown,
  actual: Schema.Unknown
}) {
  override get message(): string {
    return `The frontmatter of ${this.uri} has ${this.field} ${show(this.actual)}, but the entry says ${
      show(this.expected)
    }`
  }
}

/**
 * The `SKILL.md` has no YAML frontmatter, or its frontmatter is not a YAML mapping this module can
 * read.
 *
 * @stability experimental
 * @category errors
 * @since 0.2.0
 */
export class InvalidFrontmatter extends Schema.TaggedError<InvalidFrontmatter>(
  "@effect-mcp/core/McpSkills/InvalidFrontmatter"
)("InvalidFrontmatter", {
  uri: Schema.String,
  description: Schema.String
}) {
  override get message(): string {
    return `The frontmatter of ${this.uri} cannot be read: ${this.description}`
  }
}

/**
 * The server's answer to `resources/read` has no contents for the file, a blob that is not base64,
 * or (for `SKILL.md`) bytes that are not UTF-8 text.
 *
 * @stability experimental
 * @category errors
 * @since 0.2.0
 */
export class MalformedContent extends Schema.TaggedError<MalformedContent>(
  "@effect-mcp/core/McpSkills/MalformedContent"
)("MalformedContent", {
  uri: Schema.String,
  description: Schema.String
}) {
  override get message(): string {
    return `${this.uri}: ${this.description}`
  }
}

/**
 * The file is not in the entry's `resources` (for `SKILL.md`: the entry does not list it, which makes
 * the entry invalid). Nothing was read.
 *
 * @stability experimental
 * @category errors
 * @since 0.2.0
 */
export class NotListed extends Schema.TaggedError<NotListed>("@effect-mcp/core/McpSkills/NotListed")(
  "NotListed",
  {
    uri: Schema.String
  }
) {
  override get message(): string {
    return `${this.uri} is not listed in the skill's resources`
  }
}

/**
 * The skill's `resources` is `"dynamic"`, so its content cannot be verified, and `allowDynamic` was
 * not set. Nothing was read.
 *
 * @stability experimental
 * @category errors
 * @since 0.2.0
 */
export class Unverifiable extends Schema.TaggedError<Unverifiable>("@effect-mcp/core/McpSkills/Unverifiable")(
  "Unverifiable",
  {
    uri: Schema.String
  }
) {
  override get message(): string {
    return `${this.uri} belongs to a dynamic skill, whose content cannot be verified`
  }
}

/**
 * Why a skill or one of its files was refused.
 *
 * @stability experimental
 * @category models
 * @since 0.2.0
 */
export type McpSkillErrorReason =
  | DigestMismatch
  | SizeMismatch
  | FrontmatterMismatch
  | InvalidFrontmatter
  | MalformedContent
  | NotListed
  | Unverifiable

/**
 * The schema of {@link McpSkillErrorReason}.
 *
 * @stability experimental
 * @category schemas
 * @since 0.2.0
 */
export const McpSkillErrorReason: Schema.Union<
  [
    typeof DigestMismatch,
    typeof SizeMismatch,
    typeof FrontmatterMismatch,
    typeof InvalidFrontmatter,
    typeof MalformedContent,
    typeof NotListed,
    typeof Unverifiable
  ]
> = Schema.Union([
  DigestMismatch,
  SizeMismatch,
  FrontmatterMismatch,
  InvalidFrontmatter,
  MalformedContent,
  NotListed,
  Unverifiable
])

/**
 * A skill, or a file of it, was refused: its content is not what its entry describes (corrupted,
 * tampered with, or stale), or cannot be checked. The content is not returned. To recover from a stale
 * entry, fetch it again ({@link get}) and load the skill again.
 *
 * @stability experimental
 * @category errors
 * @since 0.2.0
 */
export class McpSkillError extends Schema.TaggedError<McpSkillError>("@effect-mcp/core/McpSkills/McpSkillError")(
  "McpSkillError",
  {
    /** The URI of the skill's `SKILL.md`. */
    skill: Schema.String,
    reason: McpSkillErrorReason
  }
) {
  override readonly cause = this.reason

  override get message(): string {
    return `Refused the skill ${this.skill}: ${this.reason.message}`
  }
}

/**
 * Tells whether a value is an {@link McpSkillError}.
 *
 * @stability experimental
 * @category guards
 * @since 0.2.0
 */
export const isMcpSkillError = (u: unknown): u is McpSkillError =>
  Predicate.hasProperty(u, "_tag") && u._tag === "McpSkillError"

// -----------------------------------------------------------------------------
// Listing
// -----------------------------------------------------------------------------

const LIST = "skills/list"
const GET = "skills/get"
const DEFAULT_MAX_PAGES = 1000

/** Fails before anything is sent when the server did not declare the extension. */
const requireExtension = (client: McpClient.McpClient["Service"], method: string) =>
  Effect.flatMap(client.session, (session) =>
    isSupported(session) ? Effect.void : Effect.fail(
      new McpCapabilityError({
        method,
        capability: `extensions["${ExtensionId}"]`,
        protocolVersion: session.protocolVersion
      })
    ))

// entries are decoded one by one: an invalid entry is left out, not the whole page
const Page = McpSchema.open({
  skills: Schema.Array(Schema.Json),
  nextCursor: Schema.optionalKey(Schema.NullOr(Schema.String))
})
const decodeSkill = Schema.decodeUnknownResult(Skill)
const formatIssue = SchemaIssue.makeFormatterDefault()

/**
 * Fetches one page of `skills/list`. Entries that are not valid (no `resources`, a wrong type) are
 * left out, with a warning in the log: the extension forbids loading them.
 *
 * @stability experimental
 * @category constructors
 * @since 0.2.0
 */
export const listPage: (
  client: McpClient.McpClient["Service"],
  cursor?: string | undefined,
  options?: McpClient.RequestOptions
) => Effect.Effect<SkillsPage, McpError> = Effect.fnUntraced(function*(
  client: McpClient.McpClient["Service"],
  cursor?: string | undefined,
  options?: McpClient.RequestOptions
) {
  yield* requireExtension(client, LIST)
  const page = yield* client.request(LIST, cursor === undefined ? {} : { cursor }, Page, options)
  const skills: Array<Skill> = []
  const invalid: Array<string> = []
  for (const raw of page.skills) {
    const decoded = decodeSkill(raw)
    if (Result.isSuccess(decoded)) skills.push(decoded.success)
    else invalid.push(`${describeEntry(raw)}: ${formatIssue(decoded.failure.issue)}`)
  }
  if (invalid.length > 0) {
    yield* Effect.logWarning("MCP: left out invalid skill entries").pipe(
      Effect.annotateLogs({ "mcp.method": LIST, "mcp.skills": invalid.join("; ") })
    )
  }
  return { skills, nextCursor: page.nextCursor ?? undefined }
})

const describeEntry = (raw: Schema.Json): string =>
  Predicate.isObject(raw) && typeof raw.uri === "string" ? raw.uri : "an entry"

/**
 * Lists every skill the server publishes, following `nextCursor` across pages. Reads no file.
 *
 * **Details**
 *
 * Fails with `McpCapabilityError`, before anything is sent, when the server did not declare the
 * extension. Invalid entries are left out, as {@link listPage} does. A listing may be empty or partial
 * even when the server serves skills: a skill known by its URI is reached with {@link get}.
 *
 * @stability experimental
 * @category constructors
 * @since 0.2.0
 */
export const list: (
  client: McpClient.McpClient["Service"],
  options?: McpClient.ListOptions
) => Effect.Effect<ReadonlyArray<Skill>, McpError> = Effect.fnUntraced(function*(
  client: McpClient.McpClient["Service"],
  options?: McpClient.ListOptions
) {
  const limit = options?.maxPages ?? DEFAULT_MAX_PAGES
  const all: Array<Skill> = []
  const seen = new Set<string>()
  let cursor: string | undefined
  for (let pages = 1;; pages++) {
    const page = yield* listPage(client, cursor, options)
    for (const skill of page.skills) all.push(skill)
    const next = page.nextCursor
    if (next === undefined) return all
    if (seen.has(next)) {
      return yield* new McpProtocolError({ method: LIST, reason: new PaginationLimit({ pages, repeatedCursor: next }) })
    }
    if (pages >= limit) return yield* new McpProtocolError({ method: LIST, reason: new PaginationLimit({ pages }) })
    seen.add(next)
    cursor = next
  }
})

/**
 * Fetches the current entry of one skill by the URI of its `SKILL.md` (`skills/get`), whether or not
 * the listing has it. Reads no file. An unknown URI is a JSON-RPC error (-32602).
 *
 * @stability experimental
 * @category constructors
 * @since 0.2.0
 */
export const get: (
  client: McpClient.McpClient["Service"],
  uri: string,
  options?: McpClient.RequestOptions
) => Effect.Effect<Skill, McpError> = Effect.fnUntraced(function*(
  client: McpClient.McpClient["Service"],
  uri: string,
  options?: McpClient.RequestOptions
) {
  yield* requireExtension(client, GET)
  const result = yield* client.request(GET, { uri }, GetSkillResult, options)
  return result.skill
})

// -----------------------------------------------------------------------------
// Loading and reading
// -----------------------------------------------------------------------------

const encoder = new TextEncoder()

/** The entry of a file: its `SkillResource`, `"dynamic"`, or `undefined` when not listed. */
const entryOf = (skill: Skill, uri: string): SkillResource | "dynamic" | undefined =>
  skill.resources === "dynamic" ? "dynamic" : skill.resources.find((resource) => resource.uri === uri)

/**
 * `sha256:` and the lowercase hex SHA-256 of the bytes, on the `WebCrypto` reference of
 * `effect/crypto` (`globalThis.crypto` unless replaced). A platform without it is a defect.
 */
const sha256 = (bytes: Uint8Array): Effect.Effect<string> =>
  Digest.Digest.use((digest) => digest.digestHex(Digest.sha256, bytes)).pipe(
    Effect.provide(Digest.layerWebCrypto),
    Effect.map((hex) => `sha256:${hex}`)
  )

/**
 * Reads one file and checks it against its entry: size first, then digest. The contents for the URI
 * are taken from the result, or the only contents when the server labelled them otherwise.
 */
const fetchVerified = Effect.fnUntraced(function*(
  client: McpClient.McpClient["Service"],
  skill: Skill,
  uri: string,
  entry: SkillResource | "dynamic",
  options: McpClient.RequestOptions | undefined
): Effect.fn.Return<SkillFile, McpError | McpSkillError> {
  const refuse = (reason: McpSkillErrorReason) => new McpSkillError({ skill: skill.uri, reason })
  const result = yield* client.readResourceRaw(uri, options)
  const contents = result.contents.find((item) => item.uri === uri) ??
    (result.contents.length === 1 ? result.contents[0] : undefined)
  if (contents === undefined) {
    return yield* refuse(new MalformedContent({ uri, description: "the server returned no contents for it" }))
  }
  let bytes: Uint8Array
  let text: string | undefined
  if (McpSchema.isTextResourceContents(contents)) {
    text = contents.text
    bytes = encoder.encode(text)
  } else {
    const decoded = Base64.decode(contents.blob)
    if (Result.isFailure(decoded)) {
      return yield* refuse(new MalformedContent({ uri, description: "its blob is not valid base64" }))
    }
    bytes = decoded.success
  }
  if (entry !== "dynamic") {
    // a wrong size is a verification failure on its own, whatever the digest
    if (bytes.length !== entry.size) {
      return yield* refuse(new SizeMismatch({ uri, expected: entry.size, actual: bytes.length }))
    }
    const digest = yield* sha256(bytes)
    if (digest !== entry.digest.toLowerCase()) {
      return yield* refuse(new DigestMismatch({ uri, expected: entry.digest, actual: digest }))
    }
  }
  return { uri, mimeType: contents.mimeType, bytes, text, verified: entry !== "dynamic", contents }
})

const FRONTMATTER = /^\uFEFF?---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?---[ \t]*(?:\r?\n|$)/

/**
 * The YAML parser, loaded the first time a skill is loaded: a program that imports this module (every
 * program that imports an index) may never load one.
 */
const loadYaml: Effect.Effect<typeof Yaml> = Effect.promise(() => import("effect/encoding/Yaml"))

/** Splits a `SKILL.md` into its frontmatter (a YAML mapping) and its body, or says why it cannot. */
const parseSkillMarkdown = (
  text: string,
  yaml: typeof Yaml
): Result.Result<{ readonly frontmatter: Record<string, unknown>; readonly body: string }, string> => {
  const match = FRONTMATTER.exec(text)
  if (match === null) return Result.fail("it does not begin with a --- fenced YAML block")
  const parsed = Result.try({
    try: () => yaml.parse(match[1] ?? ""),
    catch: (error) => error instanceof Error ? error.message : String(error)
  })
  if (Result.isFailure(parsed)) return Result.fail(parsed.failure)
  const frontmatter = parsed.success
  if (!Predicate.isObject(frontmatter)) return Result.fail("it is not a YAML mapping")
  return Result.succeed({ frontmatter, body: text.slice(match[0].length) })
}

/** Structural equality of JSON-like values (`NaN` equals nothing). */
const jsonEquals = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEquals(x, b[i]))
  if (Predicate.isObject(a) && Predicate.isObject(b)) return firstDifference(a, b) === undefined
  return false
}

const own = (record: Record<string, unknown>, key: string): unknown =>
  Object.hasOwn(record, key) ? record[key] : undefined

/** The first key whose values differ, or that is on one side only. */
const firstDifference = (a: Record<string, unknown>, b: Record<string, unknown>): string | undefined => {
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!Object.hasOwn(a, key) || !Object.hasOwn(b, key) || !jsonEquals(a[key], b[key])) return key
  }
  return undefined
}

const fatalDecoder = new TextDecoder("utf-8", { fatal: true })

/**
 * Loads a skill: reads its `SKILL.md` and verifies it against the entry before returning it.
 *
 * **Details**
 *
 * - The entry's `resources` must list the `SKILL.md`: else `NotListed`, and nothing is read.
 * - The byte length must equal the listed `size` (`SizeMismatch`) and the SHA-256 digest the listed
 *   `digest` (`DigestMismatch`). The bytes are the UTF-8 bytes of text contents, the decoded bytes of
 *   a blob.
 * - The YAML frontmatter must equal the entry's `frontmatter` in every field, compared as JSON values
 *   (`FrontmatterMismatch`: the first field that differs, or that is on one side only).
 * - A skill whose `resources` is `"dynamic"` is refused (`Unverifiable`) unless `allowDynamic` is
 *   set; then only its frontmatter is verified.
 *
 * On any failure the skill is refused with an {@link McpSkillError} and its content is not returned.
 * Supporting files are read afterwards with {@link readFile}, from the {@link LoadedSkill}.
 *
 * **Gotchas**
 *
 * The frontmatter is parsed with `effect/encoding/Yaml` (YAML 1.2 core schema: plain `true`, `1.5`,
 * `null` are a boolean, a number and null). Frontmatter it cannot parse (tags, document streams) is
 * refused with `InvalidFrontmatter`. Loading is not approval: asking the user, and what the host does
 * with `allowed-tools`, are the host's part.
 *
 * @stability experimental
 * @category constructors
 * @since 0.2.0
 */
export const load: (
  client: McpClient.McpClient["Service"],
  skill: Skill,
  options?: LoadOptions
) => Effect.Effect<LoadedSkill, McpError | McpSkillError> = Effect.fnUntraced(function*(
  client: McpClient.McpClient["Service"],
  skill: Skill,
  options?: LoadOptions
) {
  const uri = skill.uri
  const refuse = (reason: McpSkillErrorReason) => new McpSkillError({ skill: uri, reason })
  const entry = entryOf(skill, uri)
  if (entry === undefined) return yield* refuse(new NotListed({ uri }))
  if (entry === "dynamic" && options?.allowDynamic !== true) return yield* refuse(new Unverifiable({ uri }))
  const file = yield* fetchVerified(client, skill, uri, entry, options)
  let text = file.text
  if (text === undefined) {
    const decoded = Result.try(() => fatalDecoder.decode(file.bytes))
    if (Result.isFailure(decoded)) {
      return yield* refuse(new MalformedContent({ uri, description: "its bytes are not UTF-8 text" }))
    }
    text = decoded.success
  }
  const parsed = parseSkillMarkdown(text, yield* loadYaml)
  if (Result.isFailure(parsed)) return yield* refuse(new InvalidFrontmatter({ uri, description: parsed.failure }))
  const { body, frontmatter } = parsed.success
  const field = firstDifference(skill.frontmatter, frontmatter)
  if (field !== undefined) {
    return yield* refuse(
      new FrontmatterMismatch({
        uri,
        field,
        expected: own(skill.frontmatter, field),
        actual: own(frontmatter, field)
      })
    )
  }
  return { skill, text, frontmatter, body, verified: file.verified, contents: file.contents }
})

/**
 * Reads a file of a loaded skill and verifies it against the skill's entry (size and digest).
 *
 * **Details**
 *
 * Only files the entry lists can be read: any other URI is refused with `NotListed` without being
 * read, even when the server would serve it (it may have been added after the entry was fetched:
 * fetch the entry again with {@link get} and load the skill again). A skill whose `resources` is
 * `"dynamic"` (loaded with `allowDynamic`) can read any file, unverified (`verified: false`).
 * Relative references in `SKILL.md` become URIs with {@link resolveUri}.
 *
 * @stability experimental
 * @category constructors
 * @since 0.2.0
 */
export const readFile: (
  client: McpClient.McpClient["Service"],
  loaded: LoadedSkill,
  uri: string,
  options?: McpClient.RequestOptions
) => Effect.Effect<SkillFile, McpError | McpSkillError> = Effect.fnUntraced(function*(
  client: McpClient.McpClient["Service"],
  loaded: LoadedSkill,
  uri: string,
  options?: McpClient.RequestOptions
) {
  const entry = entryOf(loaded.skill, uri)
  if (entry === undefined) {
    return yield* new McpSkillError({ skill: loaded.skill.uri, reason: new NotListed({ uri }) })
  }
  return yield* fetchVerified(client, loaded.skill, uri, entry, options)
})

// a scheme, and the authority when there is one: `skill://pdf-processing`, `urn:`
const PREFIX = /^[A-Za-z][A-Za-z0-9+.-]*:(?:\/\/[^/]*)?/

/**
 * Resolves a reference relative to a skill's root (the directory of its `SKILL.md`) into a URI:
 * `references/FORMS.md` in `skill://pdf-processing/SKILL.md` is
 * `skill://pdf-processing/references/FORMS.md`. `.` and `..` segments are resolved; a reference that
 * has a scheme is returned as is.
 *
 * @stability experimental
 * @category constructors
 * @since 0.2.0
 */
export const resolveUri = (skill: Skill, reference: string): string => {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(reference)) return reference
  const root = skill.uri.slice(0, Math.max(skill.uri.lastIndexOf("/"), 0))
  const prefix = PREFIX.exec(root)?.[0] ?? ""
  const path = root.slice(prefix.length)
  const segments = path.split("/").filter((segment) => segment !== "")
  for (const segment of reference.split("/")) {
    if (segment === "" || segment === ".") continue
    if (segment === "..") segments.pop()
    else segments.push(segment)
  }
  const lead = prefix.endsWith(":") && !path.startsWith("/") ? "" : "/"
  return `${prefix}${lead}${segments.join("/")}`
}
