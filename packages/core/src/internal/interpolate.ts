/**
 * `${NAME}`, `${NAME:-default}` and `${env:NAME}` in the strings of a configuration entry, replaced
 * from the variables given, and the references of the hosts whose files use their own: Gemini CLI's
 * bare `$NAME`, opencode's `{env:NAME}`. Walks any JSON value and keeps the path of each string, so
 * that a missing variable names the field it was in.
 */
import * as Result from "effect/Result"

/** A variable that is not set, and the path of the string that asked for it. */
export interface Missing {
  readonly path: ReadonlyArray<string | number>
  readonly variable: string
  /** The text of the reference, for variables of a kind this module does not know (`${input:id}`). */
  readonly unsupported: string | undefined
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * The references of a host's files beyond `${…}`, read as that host reads them, so that a file means
 * to this client what it means to its host: Gemini CLI replaces a bare `$NAME` that is set and leaves
 * one that is not as it is (a `$` in a password stays); opencode replaces `{env:NAME}`, with nothing
 * when it is not set.
 */
export type Dialect = "gemini" | "opencode"

/** `${…}` (group 1), and the dialect's own reference (group 2: the variable's name). */
const REFERENCES: Readonly<Record<Dialect | "common", RegExp>> = {
  common: /\$\{([^}]*)\}/g,
  gemini: /\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
  opencode: /\$\{([^}]*)\}|\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g
}

/** Whether a string may hold a reference (most hold none, and skip the replacing). */
const mayRefer = (text: string, dialect: Dialect | undefined): boolean =>
  dialect === "gemini" ? text.includes("$") : text.includes("${") || (dialect === "opencode" && text.includes("{env:"))

/** The value of a dialect's reference to `name`. */
const dialectValue = (
  dialect: Dialect | undefined,
  name: string,
  whole: string,
  variables: Readonly<Record<string, string | undefined>>
): string => variables[name] ?? (dialect === "opencode" ? "" : whole)

/** Replaces the references of one string, or names the first that cannot be. */
const replaceIn = (
  text: string,
  variables: Readonly<Record<string, string | undefined>>,
  path: ReadonlyArray<string | number>,
  dialect: Dialect | undefined
): Result.Result<string, Missing> => {
  let missing: Missing | undefined
  const out = text.replace(
    REFERENCES[dialect ?? "common"],
    (whole, body: string | undefined, own: string | undefined) => {
      if (missing !== undefined) return whole
      if (body === undefined) return dialectValue(dialect, own!, whole, variables)
      const fallbackAt = body.indexOf(":-")
      const reference = fallbackAt === -1 ? body : body.slice(0, fallbackAt)
      const name = reference.startsWith("env:") ? reference.slice(4) : reference
      if (!NAME.test(name)) {
        missing = { path, variable: name, unsupported: whole }
        return whole
      }
      const value = variables[name]
      if (value !== undefined) return value
      if (fallbackAt !== -1) return body.slice(fallbackAt + 2)
      missing = { path, variable: name, unsupported: undefined }
      return whole
    }
  )
  return missing === undefined ? Result.succeed(out) : Result.fail(missing)
}

/**
 * Interpolates every string of a JSON value (object keys are left alone), or names the first
 * `${NAME}` that is not set. A `dialect` adds its host's own references.
 */
export const interpolate = (
  value: unknown,
  variables: Readonly<Record<string, string | undefined>>,
  dialect?: Dialect | undefined,
  path: ReadonlyArray<string | number> = []
): Result.Result<unknown, Missing> => {
  if (typeof value === "string") {
    return mayRefer(value, dialect) ? replaceIn(value, variables, path, dialect) : Result.succeed(value)
  }
  if (Array.isArray(value)) {
    const out: Array<unknown> = []
    for (let i = 0; i < value.length; i++) {
      const item = interpolate(value[i], variables, dialect, [...path, i])
      if (Result.isFailure(item)) return item
      out.push(item.success)
    }
    return Result.succeed(out)
  }
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      const replaced = interpolate(item, variables, dialect, [...path, key])
      if (Result.isFailure(replaced)) return replaced
      out[key] = replaced.success
    }
    return Result.succeed(out)
  }
  return Result.succeed(value)
}
