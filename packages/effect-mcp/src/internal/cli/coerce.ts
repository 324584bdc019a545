/**
 * `key=value` arguments turned into a JSON object by the tool's input schema: numbers, integers and
 * booleans parsed, arrays and objects read as JSON, strings kept; `--args` a JSON object underneath.
 * A value that does not fit, an argument the tool does not take, or a required one missing is a
 * usage error.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Shared from "./shared.ts"

type JsonSchema = Readonly<Record<string, unknown>>

const usage = (description: string) => new Shared.UsageError({ description })

/** The JSON types a schema allows, its `anyOf` / `oneOf` members' included. */
const typesOf = (schema: JsonSchema | undefined): ReadonlyArray<string> => {
  if (schema === undefined) return []
  const own = Array.isArray(schema["type"])
    ? schema["type"]
    : typeof schema["type"] === "string"
    ? [schema["type"]]
    : []
  const members = [schema["anyOf"], schema["oneOf"]].flatMap((list) => Array.isArray(list) ? list : [])
  return [...own, ...members.flatMap((member: JsonSchema) => typesOf(member))]
}

/** Whether the schema takes `raw` as a string: a string type, and one of its `enum` when it has one. */
const takesString = (schema: JsonSchema, raw: string): boolean => {
  const own = Array.isArray(schema["type"]) ? schema["type"].includes("string") : schema["type"] === "string"
  const members = [schema["anyOf"], schema["oneOf"]].flatMap((list) => Array.isArray(list) ? list : [])
  return (own && (!Array.isArray(schema["enum"]) || schema["enum"].includes(raw))) ||
    members.some((member: JsonSchema) => takesString(member, raw))
}

const decodeJson = Schema.decodeUnknownOption(Schema.fromJsonString(Schema.Unknown))

const parseJson = (text: string): { readonly ok: true; readonly value: unknown } | { readonly ok: false } =>
  Option.match(decodeJson(text), { onNone: () => ({ ok: false }), onSome: (value) => ({ ok: true, value }) })

/** One value by the types its schema allows: a number, boolean, null, array or object before a string. */
export const coerceValue = (
  key: string,
  raw: string,
  schema: JsonSchema | undefined
): Effect.Effect<unknown, Shared.UsageError> => {
  const types = typesOf(schema)
  if (types.length === 0) return Effect.succeed(raw)
  if (types.includes("integer") && /^[+-]?\d+$/.test(raw.trim())) return Effect.succeed(Number.parseInt(raw, 10))
  if (types.includes("number") && raw.trim() !== "" && Number.isFinite(Number(raw))) {
    return Effect.succeed(Number(raw))
  }
  if (types.includes("boolean") && /^(true|false)$/i.test(raw.trim())) {
    return Effect.succeed(raw.trim().toLowerCase() === "true")
  }
  if (types.includes("null") && raw.trim() === "null") return Effect.succeed(null)
  if (types.includes("array") || types.includes("object")) {
    const parsed = parseJson(raw)
    const kind = parsed.ok ? Array.isArray(parsed.value) ? "array" : typeof parsed.value : undefined
    if (parsed.ok && kind !== undefined && types.includes(kind)) return Effect.succeed(parsed.value)
  }
  if (schema !== undefined && takesString(schema, raw)) return Effect.succeed(raw)
  return Effect.fail(usage(`argument ${key}: "${raw}" is not a valid ${[...new Set(types)].join(" | ")}`))
}

/** The arguments of a call: `--args` JSON, then every `key=value` over it, checked against the schema. */
export const coerceArguments = (
  tool: string,
  inputSchema: JsonSchema,
  pairs: ReadonlyArray<string>,
  json: string | undefined
) =>
  Effect.gen(function*() {
    const properties = (inputSchema["properties"] ?? {}) as Readonly<Record<string, JsonSchema>>
    const base = json === undefined ? { ok: true as const, value: {} } : parseJson(json)
    if (!base.ok || typeof base.value !== "object" || base.value === null || Array.isArray(base.value)) {
      return yield* usage("--args must be a JSON object")
    }
    const args: Record<string, unknown> = { ...(base.value as Record<string, unknown>) }
    for (const pair of pairs) {
      const at = pair.indexOf("=")
      if (at <= 0) return yield* usage(`expected key=value, got "${pair}"`)
      const key = pair.slice(0, at)
      if (!Object.hasOwn(properties, key) && inputSchema["additionalProperties"] === false) {
        const known = Object.keys(properties)
        return yield* usage(
          `the tool ${tool} takes no argument "${key}"` +
            (known.length > 0 ? ` (its arguments: ${known.join(", ")})` : "")
        )
      }
      args[key] = yield* coerceValue(key, pair.slice(at + 1), properties[key])
    }
    const required = Array.isArray(inputSchema["required"]) ? inputSchema["required"] as ReadonlyArray<string> : []
    const missing = required.filter((key) => !Object.hasOwn(args, key))
    if (missing.length > 0) {
      return yield* usage(`the tool ${tool} needs ${missing.map((key) => `${key}=…`).join(" ")}`)
    }
    return args
  })
