/**
 * The Streamable HTTP session of the stateful revisions: the `Mcp-Session-Id` the server gives with
 * its answer to the handshake (visible ASCII only), echoed on every later request with the
 * negotiated `MCP-Protocol-Version`; a 404 to a request that carried it means the session expired;
 * closing the connection DELETEs it. The session opens, and the GET stream may start, once a message
 * of the negotiated session went out (`notifications/initialized`). The 2026-07-28 era has none of
 * this: its messages name their revision in their route.
 *
 * @internal
 */
import { McpTransportError, SessionExpired } from "@effect-mcp/core/McpError"
import type { Route } from "@effect-mcp/core/McpTransport"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Client from "./client.ts"

/**
 * The session of one connection.
 */
export interface Session {
  /** The session headers of a message: its id, and the revision (the route's, else the session's). */
  readonly headers: (route: Route | undefined) => Record<string, string>
  /** Before a message goes out: a handshake drops whatever session there was. */
  readonly sending: (route: Route) => void
  /**
   * After a message went out: the handshake's answer gives the id; the first message of the session
   * that the server accepted opens it.
   */
  readonly sent: (route: Route, response: HttpClientResponse.HttpClientResponse) => void
  /** Completes once the session is open. */
  readonly opened: Effect.Effect<void>
  /** Whether there is a session to expire, or DELETE. */
  readonly active: () => boolean
  /** The error of a response that is not a success: `SessionExpired` for a 404 within a session. */
  readonly statusError: (
    response: HttpClientResponse.HttpClientResponse,
    url: string
  ) => Effect.Effect<never, McpTransportError>
}

/** A session id must be visible ASCII (0x21–0x7E). */
const VISIBLE_ASCII = /^[\x21-\x7E]+$/

/**
 * A connection's session, not open yet.
 */
export const make = Effect.fnUntraced(function*() {
  let id: string | undefined
  let protocolVersion: string | undefined
  const opened = yield* Deferred.make<void>()

  const session: Session = {
    headers: (route) => {
      const headers: Record<string, string> = {}
      if (id !== undefined) headers["mcp-session-id"] = id
      const version = route?.protocolVersion ?? protocolVersion
      if (version !== undefined) headers["mcp-protocol-version"] = version
      return headers
    },
    sending: (route) => {
      if (route.opensSession !== true) return
      id = undefined
      protocolVersion = undefined
    },
    sent: (route, response) => {
      if (route.opensSession === true) {
        const given = response.headers["mcp-session-id"]
        if (given !== undefined && VISIBLE_ASCII.test(given)) id = given
      } else if (
        Client.isOk(response) && route.era === "stateful" && route.protocolVersion !== undefined &&
        protocolVersion === undefined
      ) {
        protocolVersion = route.protocolVersion
        Deferred.doneUnsafe(opened, Effect.void)
      }
    },
    opened: Deferred.await(opened),
    active: () => id !== undefined,
    statusError: (response, url) =>
      response.status === 404 && id !== undefined
        ? Effect.andThen(
          Effect.ignore(response.text),
          Effect.fail(new McpTransportError({ reason: new SessionExpired({ sessionId: id }) }))
        )
        : Client.statusError(response, url)
  }
  return session
})
