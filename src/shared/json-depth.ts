/**
 * How deeply JSON nests, measured without recursion: a value nested deeper than the recorder's
 * bound (thousands of levels) overflows the stack of every recursive reader after it (a copy, a
 * `JSON.stringify`), so it is refused where it enters, before anything stores it.
 */

const OPEN_BRACE = 0x7b
const OPEN_BRACKET = 0x5b
const CLOSE_BRACE = 0x7d
const CLOSE_BRACKET = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c

/**
 * A bound on the nesting of the JSON text `text` (objects and arrays; `{}` is 1, `1` is 0): a
 * number `d` with `depth ≤ d ≤ cap` when the depth is at most `cap`, else exactly `cap + 1`.
 * Most lines open few objects, and their count is the bound; only a line opening more than `cap`
 * is scanned in full. Text that is not JSON gets some bound, never an error.
 * @example jsonDepthBound('{"a":[1]}', 512) // 2
 */
export function jsonDepthBound(text: string, cap: number): number {
  let opened = 0
  for (let at = text.indexOf('{'); at !== -1 && opened <= cap; at = text.indexOf('{', at + 1)) opened++
  for (let at = text.indexOf('['); at !== -1 && opened <= cap; at = text.indexOf('[', at + 1)) opened++
  if (opened <= cap) return opened
  let depth = 0
  let max = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      // Skip the string: brackets inside it do not nest.
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i)
        if (s === BACKSLASH) i++
        else if (s === QUOTE) break
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max && (max = depth) > cap) return cap + 1
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--
    }
  }
  return max
}

/**
 * Whether a parsed JSON value nests deeper than `limit` levels (`{}` is 1, `1` is 0). Walks with a
 * stack of its own, stopping at the first path past the limit.
 */
export function deeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false
  if (limit < 1) return true
  const stack: [object, number][] = [[value, 1]]
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [node, depth] = top
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child !== 'object' || child === null) continue
      if (depth + 1 > limit) return true
      stack.push([child as object, depth + 1])
    }
  }
  return false
}
