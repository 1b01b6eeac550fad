/**
 * What to attach to: the source's URL and the headers sent with each request (its auth), checked
 * where they are given (the command line, `POST /attach`), and the URL as it may be shown. The
 * headers' values are never shown, stored or logged: only their names are.
 */

/** A URL or a header that cannot be used; the message says which and why. */
export class AttachTargetError extends Error {
  override name = 'AttachTargetError'
}

/** A remote stream to attach to. */
export interface AttachTarget {
  url: URL
  /** Name → value, sent with every request (a reconnect too). */
  headers: Record<string, string>
}

/** Headers Patchscope sets itself, or that fetch forbids: giving them would break the connection. */
const RESERVED = new Set(['accept', 'last-event-id', 'host', 'content-length', 'connection', 'transfer-encoding', 'upgrade'])
/** RFC 9110 token characters. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/**
 * Checks the source's URL: http or https, without credentials in it (give them as a header).
 * @throws {AttachTargetError} naming what is wrong
 */
export function checkAttachUrl(text: string): URL {
  let url
  try {
    url = new URL(text.trim())
  } catch {
    throw new AttachTargetError(`"${text}" is not a URL: give the source's full address, e.g. http://localhost:3000/events`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AttachTargetError(`the URL must be http: or https: (got ${url.protocol})`)
  }
  if (url.username !== '' || url.password !== '') {
    throw new AttachTargetError(`the URL holds a user name or password: give credentials as a header instead (--header 'Authorization: …')`)
  }
  return url
}

/**
 * Reads one header as given on the command line, `Name: value`.
 * @throws {AttachTargetError} naming what is wrong (never quoting the value)
 */
export function parseHeaderLine(line: string): [string, string] {
  const colon = line.indexOf(':')
  if (colon <= 0) throw new AttachTargetError(`a header is written "Name: value" (got one without a name and a colon)`)
  return checkHeader(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
}

/**
 * Checks one header's name and value.
 * @throws {AttachTargetError} naming what is wrong (never quoting the value)
 */
export function checkHeader(name: string, value: string): [string, string] {
  if (!TOKEN.test(name)) throw new AttachTargetError(`"${name}" is not a header name (letters, digits and -, without spaces)`)
  if (RESERVED.has(name.toLowerCase())) throw new AttachTargetError(`the header ${name} is set by Patchscope itself and cannot be given`)
  // CR, LF and NUL would split the request; other control characters are refused by fetch anyway.
  if ([...value].some((ch) => (ch < ' ' && ch !== '\t') || ch === '\x7f'))
    throw new AttachTargetError(`the value of the header ${name} holds a control character`)
  return [name, value]
}

/**
 * Checks headers given as an object (`POST /attach`): each a string, none twice.
 * @throws {AttachTargetError} naming what is wrong
 */
export function checkHeaders(value: unknown): Record<string, string> {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AttachTargetError('"headers" must be an object of header names and string values')
  }
  return headersFrom(
    Object.entries(value).map(([name, v]) => {
      if (typeof v !== 'string') throw new AttachTargetError(`the value of the header ${name} must be a string`)
      return checkHeader(name.trim(), v.trim())
    })
  )
}

/**
 * Headers as an object, refusing a name given twice (in any case).
 * @throws {AttachTargetError}
 */
export function headersFrom(pairs: readonly (readonly [string, string])[]): Record<string, string> {
  const out: Record<string, string> = {}
  const seen = new Set<string>()
  for (const [name, value] of pairs) {
    if (seen.has(name.toLowerCase())) throw new AttachTargetError(`the header ${name} is given twice`)
    seen.add(name.toLowerCase())
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true })
  }
  return out
}

/** The URL as Patchscope shows, stores and logs it: without credentials, and its query only as `?…` (it may hold a token). */
export function shownUrl(url: URL): string {
  return `${url.origin}${url.pathname}${url.search === '' ? '' : '?…'}`
}
