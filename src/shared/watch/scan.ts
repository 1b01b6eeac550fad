/**
 * Where the parts of a watch's text end: a JSON string, a JSON value. The parser hands the text
 * found to `JSON.parse`, which says whether it is one.
 */

/** A space between the parts of a watch. */
export function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r'
}

/** The end of the JSON string starting at `start` (just past its closing quote), or -1. */
export function scanString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === '"') return i + 1
  }
  return -1
}

/**
 * Where the JSON value starting at `start` ends: a string, a bracketed value (strings inside it
 * skipped), or a run up to the next space. `JSON.parse` then says whether it is a value.
 */
export function scanValue(text: string, start: number): number {
  const c = text[start]
  if (c === '"') {
    const end = scanString(text, start)
    return end < 0 ? text.length : end
  }
  if (c === '{' || c === '[') {
    let depth = 0
    for (let i = start; i < text.length; i++) {
      const d = text[i]
      if (d === '"') {
        const end = scanString(text, i)
        if (end < 0) return text.length
        i = end - 1
      } else if (d === '{' || d === '[') depth++
      else if (d === '}' || d === ']') {
        if (--depth === 0) return i + 1
      }
    }
    return text.length
  }
  let i = start
  while (i < text.length && !isSpace(text[i])) i++
  return i
}
