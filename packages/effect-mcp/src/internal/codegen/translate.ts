/**
 * One JSON Schema (a tool's input or output) as TypeScript source, through Effect's own translators:
 * `JsonSchema.fromSchemaDraft07` / `fromSchemaDraft2020_12` (the dialect), then
 * `SchemaRepresentation.fromJsonSchemaDocument` (JSON Schema → `Schema`), `toRepresentation` and
 * `toCodeDocument` (→ source of the `Schema` and of its type). Whatever they reject (`if`/`then`,
 * typed `additionalProperties` beside `properties`, open `patternProperties`, non-local `$ref`, object
 * `const`s, …) or anything else that throws gives a {@link Fallback} with the translator's message: the
 * caller writes `Schema.Unknown` and says why.
 *
 * `$defs` (and draft-07 `definitions`) become declarations named `<Root>_<Definition>`, so that the
 * definitions of two tools never collide in one module.
 */
import * as Effect from "effect/Effect"
import * as JsonSchema from "effect/JsonSchema"
import * as SchemaRepresentation from "effect/SchemaRepresentation"
import type { Registry } from "./names.ts"

/** A schema translated: the declarations of its definitions, then its own runtime source. */
export interface Translated {
  readonly _tag: "Translated"
  /** Source of the definitions it references, in an order that loads (recursive ones are suspended). */
  readonly declarations: ReadonlyArray<string>
  /** The `Schema` expression. */
  readonly runtime: string
  /** The root is an object (`Schema.Struct`, `Schema.Record`, …), so its type fits tool arguments. */
  readonly isObject: boolean
  /** The root is an object with no required property, so `{}` is a value of it. */
  readonly allOptional: boolean
}

/** A schema the translators rejected; `reason` is their message on one line. */
export interface Fallback {
  readonly _tag: "Fallback"
  readonly reason: string
}

/** What {@link translate} gives. */
export type Translation = Translated | Fallback

/** How {@link translate} reads JSON Schema. */
export interface TranslateOptions {
  /** Keep JSON Schema's open objects (an index signature of `Schema.Json` beside the properties). */
  readonly openObjects: boolean
  /** `pattern`s (and `patternProperties`) enforced with `Schema.isPattern`, or left out. */
  readonly patterns: "apply" | "ignore"
}

type Json = JsonSchema.JsonSchema

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** The dialect a tool declares: draft-07 (and older) by `$schema`, or by `definitions` without `$defs`. */
const toDocument = (schema: Json): JsonSchema.Document<"draft-2020-12"> => {
  const declared = typeof schema.$schema === "string" ? schema.$schema : undefined
  const older = declared !== undefined
    ? /draft-0[4-7]/.test(declared)
    : schema.definitions !== undefined && schema.$defs === undefined
  return older ? JsonSchema.fromSchemaDraft07(schema) : JsonSchema.fromSchemaDraft2020_12(schema)
}

/** Whether `allOf` appears anywhere: closing objects under it would make the intersection empty. */
const mentionsAllOf = (u: unknown): boolean =>
  Array.isArray(u)
    ? u.some(mentionsAllOf)
    : isRecord(u) && (Object.hasOwn(u, "allOf") || Object.values(u).some(mentionsAllOf))

/**
 * Reads an object that lists properties and says nothing of other keys as closed: decoding strips
 * unknown keys instead of typing them as `Schema.Json`. An object without properties stays open (a
 * closed one would accept only `{}`).
 */
const closeObject = (schema: Json): Json =>
  isRecord(schema.properties) && Object.keys(schema.properties).length > 0 &&
    schema.additionalProperties === undefined &&
    schema.patternProperties === undefined && schema.unevaluatedProperties === undefined
    ? { ...schema, additionalProperties: false }
    : schema

/** The translator's message on one line, with its path. */
const reasonOf = (cause: unknown): string => {
  const message = cause instanceof Error ? cause.message : String(cause)
  return message.split("\n").map((line) => line.trim()).filter((line) => line !== "").join(" ")
}

const isObjectRepresentation = (representation: SchemaRepresentation.Representation): boolean =>
  representation._tag === "Objects"

const allOptional = (representation: SchemaRepresentation.Representation): boolean =>
  representation._tag === "Objects" && representation.propertySignatures.every((property) => property.isOptional)

/** Runs the translators with `prefix` before every definition's name. */
const run = (schema: Json, prefix: string, options: TranslateOptions) => {
  const document = toDocument(schema)
  const close = !options.openObjects && !mentionsAllOf(schema)
  const imported = SchemaRepresentation.fromJsonSchemaDocument(
    document,
    close ? { onEnter: closeObject, patterns: options.patterns } : { patterns: options.patterns }
  )
  const representation = SchemaRepresentation.toRepresentation(imported.ast, {
    referencePolicy: ({ identifier }) => identifier === undefined ? undefined : `${prefix}${identifier}`
  })
  const code = SchemaRepresentation.toCodeDocument(SchemaRepresentation.toMultiDocument(representation))
  return { representation: representation.representation, code }
}

const declarations = (code: SchemaRepresentation.CodeDocument): ReadonlyArray<string> => [
  // recursive definitions first, each suspended, so that they may name the others before these load
  ...Object.entries(code.references.recursives).map(([name, { Type, runtime }]) =>
    `export type ${name} = ${Type}\nexport const ${name}: Schema.Codec<${name}> = Schema.suspend((): Schema.Codec<${name}> => ${runtime})`
  ),
  ...code.references.nonRecursives.map(({ $ref, code }) =>
    `export const ${$ref} = ${code.runtime}\nexport type ${$ref} = typeof ${$ref}.Type`
  )
]

const referenceNames = (code: SchemaRepresentation.CodeDocument): ReadonlyArray<string> => [
  ...Object.keys(code.references.recursives),
  ...code.references.nonRecursives.map(({ $ref }) => $ref)
]

/**
 * Translates `schema`, whose declaration will be named `root`. Definitions are named `<root>_<name>`
 * (`<root>2_<name>`, … when a name is taken in the module) and claimed in `names`. Never fails: what
 * cannot be translated is a {@link Fallback}.
 */
export const translate = (
  schema: Json,
  root: string,
  names: Registry,
  options: TranslateOptions
): Effect.Effect<Translation> =>
  Effect.try({
    try: (): Translation => {
      for (let attempt = 1;; attempt++) {
        const prefix = attempt === 1 ? `${root}_` : `${root}${attempt}_`
        const { code, representation } = run(schema, prefix, options)
        const references = referenceNames(code)
        // a synthetic name (an unnamed recursive schema) could collide with another schema's: refuse it
        if (references.some((name) => !name.startsWith(prefix))) {
          return { _tag: "Fallback", reason: "a recursive schema without a definition name" }
        }
        if (code.artifacts.length > 0) {
          return { _tag: "Fallback", reason: "the translation needs declarations other than schemas" }
        }
        if (references.some(names.has)) continue
        for (const name of references) names.claim(name)
        return {
          _tag: "Translated",
          declarations: declarations(code),
          runtime: code.codes[0]!.runtime,
          isObject: isObjectRepresentation(representation),
          allOptional: allOptional(representation)
        }
      }
    },
    catch: reasonOf
  }).pipe(Effect.catch((reason) => Effect.succeed<Translation>({ _tag: "Fallback", reason })))
