/**
 * The window may talk to its host and nothing else: which senders the main process answers, where
 * the page may go, what it may load, which permissions it gets, and what never reaches a log.
 */
import { CSP } from '../host/server/app'

/** The origin of `url`, or null when it has none (a malformed URL, `about:blank`, `data:`). */
function originOf(url: string): string | null {
  try {
    const origin = new URL(url).origin
    return origin === 'null' ? null : origin
  } catch {
    return null
  }
}

/** Whether `url` is on the host's own origin (`http://127.0.0.1:PORT`). */
export function isOwnOrigin(url: string, origin: string): boolean {
  return originOf(url) === origin
}

/**
 * Whether the page may navigate to `url`: only within the host's origin (a reload, its own
 * routes). Anything else, a link to a site included, is refused rather than opened in the app.
 */
export function mayNavigate(url: string, origin: string): boolean {
  return isOwnOrigin(url, origin)
}

/** Schemes the browser uses for itself (developer tools, inline images and blobs the page makes). */
const OWN_SCHEMES = new Set(['devtools:', 'data:', 'blob:'])

/** Whether the window's session may fetch `url`: the host's origin and the browser's own schemes, nothing on the network. */
export function mayRequest(url: string, origin: string): boolean {
  if (isOwnOrigin(url, origin)) return true
  try {
    return OWN_SCHEMES.has(new URL(url).protocol)
  } catch {
    return false
  }
}

/** Permissions the page may have: writing to the clipboard (copy a value, a patch). All others are refused. */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write'])

/** Whether the page at `requestingUrl` gets `permission`. */
export function mayUsePermission(permission: string, requestingUrl: string, origin: string): boolean {
  return GRANTED_PERMISSIONS.has(permission) && isOwnOrigin(requestingUrl, origin)
}

/** What the main process knows of an IPC message's sender. */
export interface Sender {
  /** The id of the sending `WebContents`. */
  webContentsId: number
  /** The sending frame, or null when it is gone (navigated away, closed). */
  frame: { origin: string; url: string; parent: unknown } | null
}

/**
 * Whether an IPC message comes from the app's window, from its top frame, while it shows the
 * host's page. Anything else (another window, a frame inside the page, a page the window was led
 * to) gets nothing.
 */
export function isTrustedSender(sender: Sender, expected: { webContentsId: number; origin: string }): boolean {
  const { frame } = sender
  return (
    sender.webContentsId === expected.webContentsId &&
    frame !== null &&
    frame.parent === null &&
    frame.origin === expected.origin &&
    isOwnOrigin(frame.url, expected.origin)
  )
}

/**
 * The response headers with the window's Content Security Policy added to a page of the host's
 * origin that came without one (an error page), so no page in the window runs without it. A
 * policy the host sent is kept as it is.
 */
export function withContentSecurityPolicy(
  url: string,
  headers: Record<string, string[]>,
  origin: string
): { changed: boolean; headers: Record<string, string[]> } {
  const has = Object.keys(headers).some((name) => name.toLowerCase() === 'content-security-policy')
  if (has || !isOwnOrigin(url, origin)) return { changed: false, headers }
  return { changed: true, headers: { ...headers, 'Content-Security-Policy': [CSP] } }
}

/**
 * A URL as it may be logged: its origin and path, without the query and fragment, where a token
 * travels (`/events?token=…`).
 */
export function loggableUrl(url: string): string {
  try {
    const u = new URL(url)
    return u.origin === 'null' ? `${u.protocol}…` : `${u.origin}${u.pathname}`
  } catch {
    return '(a malformed URL)'
  }
}

/**
 * A log that cannot leak secrets: each one is replaced by `[redacted]` in whatever is written,
 * the runtime's own output included.
 */
export function redactingLog(write: (text: string) => void, secrets: readonly string[]): (text: string) => void {
  const kept = secrets.filter((s) => s.length > 0)
  return function log(text) {
    let out = text
    for (const secret of kept) out = out.replaceAll(secret, '[redacted]')
    write(out)
  }
}
