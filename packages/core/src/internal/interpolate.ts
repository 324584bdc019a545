/**
 * `${NAME}`, `${NAME:-default}` and `${env:NAME}` in the strings of a configuration entry, replaced
 * from the variables given. Walks any JSON value and keeps the path of each string, so that a missing
 * variable names the field it was in.
 */
import * as Result from "effect/Result"

/** A variable that is not set, and the path of the string that asked for it. */
export interface Missing {
  readonly path: ReadonlyArray<string | number>
  readonly variable: string
  /** The text of the reference, for variables of a kind this module does not know (`${input:id}`). */
  readonly unsupported: string | undefined
}

const REFERENCE = /\$\{([^}]*)\}/g
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Replaces the references of one string, or names the first that cannot be. */
const replaceIn = (
  text: string,
  variables: Readonly<Record<string, string | undefined>>,
  path: ReadonlyArray<string | number>
): Result.Result<string, Missing> => {
  let missing: Missing | undefined
  const out = text.replace(REFERENCE, (whole, body: string) => {
    if (missing !== undefined) return whole
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
  })
  return missing === undefined ? Result.succeed(out) : Result.fail(missing)
}

/**
 * Interpolates every string of a JSON value (object keys are left alone), or names the first
 * variable that is not set.
 */
export const interpolate = (
  value: unknown,
  variables: Readonly<Record<string, string | undefined>>,
  path: ReadonlyArray<string | number> = []
): Result.Result<unknown, Missing> => {
  if (typeof value === "string") return value.includes("${") ? replaceIn(value, variables, path) : Result.succeed(value)
  if (Array.isArray(value)) {
    const out: Array<unknown> = []
    for (let i = 0; i < value.length; i++) {
      const item = interpolate(value[i], variables, [...path, i])
      if (Result.isFailure(item)) return item
      out.push(item.success)
    }
    return Result.succeed(out)
  }
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      const replaced = interpolate(item, variables, [...path, key])
      if (Result.isFailure(replaced)) return replaced
      out[key] = replaced.success
    }
    return Result.succeed(out)
  }
  return Result.succeed(value)
}
