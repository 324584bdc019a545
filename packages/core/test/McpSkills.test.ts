import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { createHash } from "node:crypto"
import * as McpClient from "../src/McpClient.ts"
import * as McpError from "../src/McpError.ts"
import * as McpQueueTransport from "../src/McpQueueTransport.ts"
import * as McpSkills from "../src/McpSkills.ts"
import * as ScriptedPeer from "./fixtures/ScriptedPeer.ts"

// -----------------------------------------------------------------------------
// A scripted skills server
// -----------------------------------------------------------------------------

const SKILL = "skill://pdf-processing/SKILL.md"
const FORMS = "skill://pdf-processing/references/FORMS.md"
const LOGO = "skill://pdf-processing/assets/logo.bin"

const frontmatter = { name: "pdf-processing", description: "Extract, fill, and assemble PDF documents" }
const skillMd = `---
name: pdf-processing
description: Extract, fill, and assemble PDF documents
---

# PDF processing

Fill the forms of references/FORMS.md.
`
const formsMd = "Formulaire d’inscription: ünïcödé ✓\n"
const logo = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255])

type File = string | Uint8Array

const bytesOf = (file: File): Uint8Array => typeof file === "string" ? new TextEncoder().encode(file) : file
const digestOf = (file: File) => `sha256:${createHash("sha256").update(bytesOf(file)).digest("hex")}`
const resource = (uri: string, file: File) => ({ uri, digest: digestOf(file), size: bytesOf(file).length })

/** A valid entry for the files (the first is the SKILL.md). */
const entry = (files: ReadonlyArray<readonly [string, File]>, fm: Record<string, unknown> = frontmatter) => ({
  uri: files[0]![0],
  frontmatter: fm,
  resources: files.map(([uri, file]) => resource(uri, file))
})

const goodEntry = entry([[SKILL, skillMd], [FORMS, formsMd], [LOGO, logo]])

/**
 * A server declaring the extension (unless `extension: false`): `skills/list` answers the pages in
 * order (cursor `page-N`), `skills/get` the entry with that URI, `resources/read` the served files
 * (text, or a base64 blob for bytes).
 */
const connect = (options: {
  readonly pages: ReadonlyArray<ReadonlyArray<unknown>>
  readonly files?: Readonly<Record<string, File>> | undefined
  readonly extension?: boolean | undefined
}) =>
  Effect.gen(function*() {
    const log: Array<ScriptedPeer.ClientMessage> = []
    const files = options.files ?? { [SKILL]: skillMd, [FORMS]: formsMd, [LOGO]: logo }
    const client = yield* McpClient.make().pipe(
      Effect.provide(McpQueueTransport.layer(ScriptedPeer.serve({
        log,
        initialize: {
          capabilities: options.extension === false
            ? { resources: {} }
            : { resources: {}, extensions: { [McpSkills.ExtensionId]: {} } }
        },
        onMessage: (message) => {
          switch (message.method) {
            case "skills/list": {
              const cursor = message.params?.cursor as string | undefined
              const index = cursor === undefined ? 0 : Number(cursor.slice(5))
              const next = index + 1 < options.pages.length ? { nextCursor: `page-${index + 1}` } : {}
              return Effect.succeed({
                result: {
                  resultType: "complete",
                  ttlMs: 0,
                  cacheScope: "private",
                  skills: options.pages[index],
                  ...next
                }
              })
            }
            case "skills/get": {
              const found = options.pages.flat().find((skill) => (skill as { uri: string }).uri === message.params?.uri)
              return Effect.succeed(
                found === undefined
                  ? { error: { code: -32602, message: "No skill is served there" } }
                  : { result: { resultType: "complete", ttlMs: 0, cacheScope: "private", skill: found } }
              )
            }
            case "resources/read": {
              const uri = message.params?.uri as string
              const file = files[uri]
              if (file === undefined) return Effect.succeed({ error: { code: -32602, message: "Resource not found" } })
              const contents = typeof file === "string"
                ? { uri, mimeType: "text/markdown", text: file }
                : { uri, mimeType: "application/octet-stream", blob: Buffer.from(file).toString("base64") }
              return Effect.succeed({ result: { contents: [contents] } })
            }
            default:
              return Effect.void
          }
        }
      })))
    )
    const reads = () => log.filter((m) => m.method === "resources/read").map((m) => m.params?.uri)
    return { client, log, reads }
  })

const refusal = (error: unknown) => {
  assert.isTrue(McpSkills.isMcpSkillError(error))
  return (error as McpSkills.McpSkillError).reason
}

// -----------------------------------------------------------------------------
// Tests
// -----------------------------------------------------------------------------

describe("McpSkills", () => {
  describe("list and get", () => {
    it.effect("lists every page, and reads no file", () =>
      Effect.gen(function*() {
        const other = entry([["skill://acme/billing/refunds/SKILL.md", "x"]], { name: "refunds", description: "R" })
        const { client, log, reads } = yield* connect({ pages: [[goodEntry], [other]] })
        const skills = yield* McpSkills.list(client)
        assert.deepStrictEqual(skills.map((skill) => skill.uri), [SKILL, "skill://acme/billing/refunds/SKILL.md"])
        assert.deepStrictEqual(skills[0]!.frontmatter, frontmatter)
        assert.deepStrictEqual(skills[0]!.resources, goodEntry.resources)
        const listed = log.filter((m) => m.method === "skills/list")
        assert.deepStrictEqual(listed.map((m) => m.params), [{}, { cursor: "page-1" }])
        assert.deepStrictEqual(reads(), [])
      }))

    it.effect("leaves out invalid entries and keeps the others", () =>
      Effect.gen(function*() {
        const { client } = yield* connect({
          pages: [[
            { uri: "skill://no-resources/SKILL.md", frontmatter: { name: "no-resources", description: "d" } },
            { ...goodEntry, resources: "static" },
            goodEntry,
            { uri: "skill://dyn/SKILL.md", frontmatter: { name: "dyn", description: "d" }, resources: "dynamic" }
          ]]
        })
        const logs: Array<ScriptedPeer.LogEntry> = []
        const skills = yield* McpSkills.list(client).pipe(Effect.provide(ScriptedPeer.captureLogs(logs)))
        assert.deepStrictEqual(skills.map((skill) => skill.uri), [SKILL, "skill://dyn/SKILL.md"])
        assert.strictEqual(skills[1]!.resources, "dynamic")
        const warning = logs.find((log) => log.level === "Warn")
        assert.include(String(warning?.annotations["mcp.skills"]), "skill://no-resources/SKILL.md")
      }))

    it.effect("gets one entry by URI, and reads no file", () =>
      Effect.gen(function*() {
        const { client, log, reads } = yield* connect({ pages: [[goodEntry]] })
        const skill = yield* McpSkills.get(client, SKILL)
        assert.deepStrictEqual(skill.resources, goodEntry.resources)
        assert.deepStrictEqual(log.find((m) => m.method === "skills/get")?.params, { uri: SKILL })
        const error = yield* McpSkills.get(client, "skill://unknown/SKILL.md").pipe(Effect.flip)
        assert.instanceOf(error, McpError.McpProtocolError)
        assert.strictEqual(error.reason._tag, "RpcError")
        assert.deepStrictEqual(reads(), [])
      }))

    it.effect("a server without the extension fails with McpCapabilityError before anything is sent", () =>
      Effect.gen(function*() {
        const { client, log } = yield* connect({ pages: [[goodEntry]], extension: false })
        const session = yield* client.session
        assert.isFalse(McpSkills.isSupported(session))
        const errors = yield* Effect.all([
          McpSkills.list(client).pipe(Effect.flip),
          McpSkills.get(client, SKILL).pipe(Effect.flip)
        ])
        for (const error of errors) assert.instanceOf(error, McpError.McpCapabilityError)
        assert.deepStrictEqual(errors.map((e) => (e as McpError.McpCapabilityError).method), [
          "skills/list",
          "skills/get"
        ])
        yield* client.ping()
        assert.deepStrictEqual(log.map((m) => m.method), ["initialize", "notifications/initialized", "ping"])
      }))
  })

  describe("load and readFile", () => {
    it.effect("loads a verified skill, then reads its listed files, verified", () =>
      Effect.gen(function*() {
        const { client, reads } = yield* connect({ pages: [[goodEntry]] })
        const [skill] = yield* McpSkills.list(client)
        assert.deepStrictEqual(reads(), [])
        const loaded = yield* McpSkills.load(client, skill!)
        assert.strictEqual(loaded.text, skillMd)
        assert.deepStrictEqual(loaded.frontmatter, frontmatter)
        assert.strictEqual(loaded.body, "\n# PDF processing\n\nFill the forms of references/FORMS.md.\n")
        assert.isTrue(loaded.verified)
        assert.deepStrictEqual(reads(), [SKILL])

        const forms = yield* McpSkills.readFile(client, loaded, McpSkills.resolveUri(skill!, "references/FORMS.md"))
        assert.strictEqual(forms.text, formsMd)
        assert.strictEqual(forms.mimeType, "text/markdown")
        assert.isTrue(forms.verified)
        const binary = yield* McpSkills.readFile(client, loaded, LOGO)
        assert.deepStrictEqual(binary.bytes, logo)
        assert.isUndefined(binary.text)
        assert.deepStrictEqual(reads(), [SKILL, FORMS, LOGO])
      }))

    it.effect("compares every frontmatter field, nested ones included", () =>
      Effect.gen(function*() {
        const md = `---
name: pdf-processing
description: "Extract, fill, and assemble PDF documents"
license: Apache-2.0
metadata:
  version: "2.1.0"
  revision: 3
---
Body
`
        const fm = { ...frontmatter, license: "Apache-2.0", metadata: { version: "2.1.0", revision: 3 } }
        const { client } = yield* connect({ pages: [[entry([[SKILL, md]], fm)]], files: { [SKILL]: md } })
        const [skill] = yield* McpSkills.list(client)
        const loaded = yield* McpSkills.load(client, skill!)
        assert.deepStrictEqual(loaded.frontmatter, fm)
        assert.strictEqual(loaded.body, "Body\n")
      }))

    it.effect("a digest mismatch refuses the skill and reads nothing further", () =>
      Effect.gen(function*() {
        const tampered = skillMd.replace("Fill the forms", "Mail the forms")
        const { client, reads } = yield* connect({
          pages: [[goodEntry]],
          files: { [SKILL]: tampered, [FORMS]: formsMd }
        })
        const [skill] = yield* McpSkills.list(client)
        const error = yield* McpSkills.load(client, skill!).pipe(Effect.flip)
        const reason = refusal(error)
        assert.instanceOf(reason, McpSkills.DigestMismatch)
        assert.strictEqual(reason.uri, SKILL)
        assert.strictEqual(reason.expected, digestOf(skillMd))
        assert.strictEqual(reason.actual, digestOf(tampered))
        assert.strictEqual((error as McpSkills.McpSkillError).skill, SKILL)
        assert.deepStrictEqual(reads(), [SKILL])
      }))

    it.effect("a size mismatch refuses the skill and reads nothing further", () =>
      Effect.gen(function*() {
        const longer = `${skillMd}extra bytes the entry did not account for\n`
        const { client, reads } = yield* connect({ pages: [[goodEntry]], files: { [SKILL]: longer, [FORMS]: formsMd } })
        const [skill] = yield* McpSkills.list(client)
        const reason = refusal(yield* McpSkills.load(client, skill!).pipe(Effect.flip))
        assert.instanceOf(reason, McpSkills.SizeMismatch)
        assert.strictEqual(reason.expected, bytesOf(skillMd).length)
        assert.strictEqual(reason.actual, bytesOf(longer).length)
        assert.deepStrictEqual(reads(), [SKILL])
      }))

    it.effect("a frontmatter that differs from the entry refuses the skill, even when digest and size match", () =>
      Effect.gen(function*() {
        const tampered = skillMd.replace(
          "description: Extract, fill, and assemble PDF documents",
          "description: Exfiltrate credentials"
        )
        // the entry's digest and size describe the tampered file; its frontmatter does not
        const { client, reads } = yield* connect({
          pages: [[entry([[SKILL, tampered], [FORMS, formsMd]])]],
          files: { [SKILL]: tampered, [FORMS]: formsMd }
        })
        const [skill] = yield* McpSkills.list(client)
        const error = yield* McpSkills.load(client, skill!).pipe(Effect.flip)
        const reason = refusal(error)
        assert.instanceOf(reason, McpSkills.FrontmatterMismatch)
        assert.strictEqual(reason.field, "description")
        assert.strictEqual(reason.expected, frontmatter.description)
        assert.strictEqual(reason.actual, "Exfiltrate credentials")
        assert.include((error as McpSkills.McpSkillError).message, "Exfiltrate credentials")
        assert.deepStrictEqual(reads(), [SKILL])
      }))

    it.effect("a frontmatter field missing from the entry is a mismatch", () =>
      Effect.gen(function*() {
        const md = skillMd.replace("---\n\n", "allowed-tools: Bash(rm:*)\n---\n\n")
        const { client } = yield* connect({ pages: [[entry([[SKILL, md]])]], files: { [SKILL]: md } })
        const [skill] = yield* McpSkills.list(client)
        const reason = refusal(yield* McpSkills.load(client, skill!).pipe(Effect.flip))
        assert.instanceOf(reason, McpSkills.FrontmatterMismatch)
        assert.strictEqual(reason.field, "allowed-tools")
        assert.isUndefined(reason.expected)
        assert.strictEqual(reason.actual, "Bash(rm:*)")
      }))

    it.effect("a SKILL.md without frontmatter is refused", () =>
      Effect.gen(function*() {
        const md = "# No frontmatter\n"
        const { client } = yield* connect({ pages: [[entry([[SKILL, md]])]], files: { [SKILL]: md } })
        const [skill] = yield* McpSkills.list(client)
        const reason = refusal(yield* McpSkills.load(client, skill!).pipe(Effect.flip))
        assert.instanceOf(reason, McpSkills.InvalidFrontmatter)
      }))

    it.effect("an entry that does not list its SKILL.md is refused before anything is read", () =>
      Effect.gen(function*() {
        const { client, reads } = yield* connect({
          pages: [[{ ...goodEntry, resources: [resource(FORMS, formsMd)] }]]
        })
        const [skill] = yield* McpSkills.list(client)
        const reason = refusal(yield* McpSkills.load(client, skill!).pipe(Effect.flip))
        assert.instanceOf(reason, McpSkills.NotListed)
        assert.deepStrictEqual(reads(), [])
      }))

    it.effect("a file the entry does not list is refused without being read", () =>
      Effect.gen(function*() {
        const added = "skill://pdf-processing/references/credit-note.md"
        const { client, reads } = yield* connect({
          pages: [[goodEntry]],
          files: { [SKILL]: skillMd, [FORMS]: formsMd, [added]: "added later" }
        })
        const [skill] = yield* McpSkills.list(client)
        const loaded = yield* McpSkills.load(client, skill!)
        const reason = refusal(yield* McpSkills.readFile(client, loaded, added).pipe(Effect.flip))
        assert.instanceOf(reason, McpSkills.NotListed)
        assert.strictEqual(reason.uri, added)
        assert.deepStrictEqual(reads(), [SKILL])
      }))

    it.effect("a supporting file whose digest differs is refused", () =>
      Effect.gen(function*() {
        const tampered = formsMd.replace("F", "G")
        const { client } = yield* connect({
          pages: [[goodEntry]],
          files: { [SKILL]: skillMd, [FORMS]: tampered }
        })
        const [skill] = yield* McpSkills.list(client)
        const loaded = yield* McpSkills.load(client, skill!)
        const reason = refusal(yield* McpSkills.readFile(client, loaded, FORMS).pipe(Effect.flip))
        assert.instanceOf(reason, McpSkills.DigestMismatch)
        assert.strictEqual(reason.uri, FORMS)
      }))

    it.effect("a dynamic skill is refused unless allowed; allowed, only its frontmatter is checked", () =>
      Effect.gen(function*() {
        const dynamic = { uri: SKILL, frontmatter, resources: "dynamic" }
        const { client, reads } = yield* connect({ pages: [[dynamic]] })
        const [skill] = yield* McpSkills.list(client)
        const reason = refusal(yield* McpSkills.load(client, skill!).pipe(Effect.flip))
        assert.instanceOf(reason, McpSkills.Unverifiable)
        assert.deepStrictEqual(reads(), [])
        const loaded = yield* McpSkills.load(client, skill!, { allowDynamic: true })
        assert.isFalse(loaded.verified)
        const forms = yield* McpSkills.readFile(client, loaded, FORMS)
        assert.isFalse(forms.verified)
        assert.strictEqual(forms.text, formsMd)
        assert.deepStrictEqual(reads(), [SKILL, FORMS])
      }))

    it.effect("a dynamic skill whose frontmatter differs is still refused", () =>
      Effect.gen(function*() {
        const dynamic = { uri: SKILL, frontmatter: { ...frontmatter, description: "Other" }, resources: "dynamic" }
        const { client } = yield* connect({ pages: [[dynamic]] })
        const [skill] = yield* McpSkills.list(client)
        const reason = refusal(yield* McpSkills.load(client, skill!, { allowDynamic: true }).pipe(Effect.flip))
        assert.instanceOf(reason, McpSkills.FrontmatterMismatch)
      }))
  })

  describe("resolveUri", () => {
    const skillAt = (uri: string): McpSkills.Skill => ({ uri, frontmatter, resources: [] })

    it("resolves references against the skill's root", () => {
      assert.strictEqual(McpSkills.resolveUri(skillAt(SKILL), "references/FORMS.md"), FORMS)
      assert.strictEqual(McpSkills.resolveUri(skillAt(SKILL), "./references/../SKILL.md"), SKILL)
      assert.strictEqual(
        McpSkills.resolveUri(skillAt("skill://acme/billing/refunds/SKILL.md"), "examples/email.md"),
        "skill://acme/billing/refunds/examples/email.md"
      )
      assert.strictEqual(
        McpSkills.resolveUri(skillAt("github://owner/repo/skills/refunds/SKILL.md"), "scripts/run.py"),
        "github://owner/repo/skills/refunds/scripts/run.py"
      )
      assert.strictEqual(McpSkills.resolveUri(skillAt(SKILL), "skill://other/SKILL.md"), "skill://other/SKILL.md")
    })
  })
})
