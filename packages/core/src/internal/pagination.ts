/**
 * Listings across pages: `nextCursor` is followed until the last page, bounded by a page cap, and a
 * cursor seen twice fails instead of looping.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import { McpProtocolError, PaginationLimit } from "../McpError.ts"
import type { McpError } from "../McpError.ts"

/**
 * The params of a page request.
 */
export const pageParams = (cursor: string | undefined): object => cursor === undefined ? {} : { cursor }

/**
 * Fetches every page and gathers their items. Fails with `PaginationLimit` after `maxPages` pages, or
 * at once when the server gives a cursor it gave before.
 */
export const all = <Page extends { readonly nextCursor?: string | null | undefined }, A, Options>(
  method: string,
  fetch: (cursor: string | undefined, options: Options) => Effect.Effect<Page, McpError>,
  items: (page: Page) => ReadonlyArray<A>,
  options: Options,
  maxPages: number
): Effect.Effect<ReadonlyArray<A>, McpError> =>
  Effect.gen(function*() {
    const gathered: Array<A> = []
    const seen = new Set<string>()
    let cursor: string | undefined
    for (let pages = 1;; pages++) {
      const page = yield* fetch(cursor, options)
      for (const item of items(page)) gathered.push(item)
      const next = page.nextCursor
      if (next === undefined || next === null) return gathered
      if (seen.has(next)) {
        return yield* new McpProtocolError({ method, reason: new PaginationLimit({ pages, repeatedCursor: next }) })
      }
      if (pages >= maxPages) return yield* new McpProtocolError({ method, reason: new PaginationLimit({ pages }) })
      seen.add(next)
      cursor = next
    }
  })
