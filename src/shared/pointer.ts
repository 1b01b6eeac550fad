/**
 * RFC 6901 JSON Pointers: escaping one reference token, and splitting a pointer into tokens.
 */

/** Escapes a key for use as one token of a pointer (`~` → `~0`, `/` → `~1`). */
export function escapeToken(key: string): string {
  if (key.indexOf('~') === -1 && key.indexOf('/') === -1) return key
  return key.replace(/~/g, '~0').replace(/\//g, '~1')
}

/** Undoes `escapeToken`. */
export function unescapeToken(token: string): string {
  if (token.indexOf('~') === -1) return token
  return token.replace(/~1/g, '/').replace(/~0/g, '~')
}

/**
 * Splits a pointer into its unescaped tokens; `""` is the whole document and gives `[]`.
 * @throws {PointerError} for a pointer that does not start with `/`, or has a bad `~` escape
 * @example parsePointer('/a~1b/0') // ['a/b', '0']
 */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return []
  if (pointer[0] !== '/') throw new PointerError(`"${pointer}" is not a JSON Pointer: it must start with "/"`)
  const tokens = pointer.slice(1).split('/')
  if (pointer.indexOf('~') === -1) return tokens
  if (/~[^01]|~$/.test(pointer)) throw new PointerError(`"${pointer}" has a "~" that is not "~0" or "~1"`)
  return tokens.map(unescapeToken)
}

/** Joins tokens into a pointer. */
export function toPointer(tokens: readonly string[]): string {
  let out = ''
  for (const t of tokens) out += '/' + escapeToken(t)
  return out
}

/** A malformed pointer. */
export class PointerError extends Error {
  override name = 'PointerError'
}
