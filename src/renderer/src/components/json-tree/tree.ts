/**
 * What the JSON tree needs to know about a value: its children, and how it reads on one line.
 * Imports no app state, like the tree itself.
 */
import type { Json, JsonObject } from '../../../../shared/protocol'
import { tagOf } from '../../../../shared/tags'
import { describeTagged, preview, unwrap } from '../../lib/model/format'

export interface Child {
  /** The label shown. */
  label: string
  /** The tokens from the parent to the child, in the encoded value. */
  tokens: string[]
  value: Json
}

/**
 * The children of a container (maps and sets included), or undefined for a leaf. An array's are
 * made on demand (`at`): a 50,000-element array shows its first page without 50,000 objects.
 */
export interface Children {
  count: number
  at(i: number): Child
  /**
   * The index of the child whose tokens start `tokens` (tokens below this node), or -1; for an
   * array, the index just past its end too (an element added there, or removed from there).
   */
  indexOf(tokens: readonly string[]): number
}

function listed(list: Child[]): Children {
  return {
    count: list.length,
    at: (i) => list[i] as Child,
    indexOf: (tokens) => list.findIndex((c) => c.tokens.every((t, k) => t === tokens[k]))
  }
}

export function childrenOf(value: Json): Children | undefined {
  const tag = tagOf(value)
  if (tag === '$map') {
    const entries = (value as JsonObject).$map
    return listed(
      Array.isArray(entries)
        ? entries.map((e, i) => {
            const [k, v] = Array.isArray(e) ? e : [null, null]
            return { label: preview(k as Json, 40), tokens: ['$map', String(i), '1'], value: v as Json }
          })
        : []
    )
  }
  if (tag === '$set') {
    const values = (value as JsonObject).$set
    return listed(Array.isArray(values) ? values.map((v, i) => ({ label: String(i), tokens: ['$set', String(i)], value: v })) : [])
  }
  if (describeTagged(value) !== undefined) return undefined
  const v = unwrap(value)
  const wrapped = v !== value ? ['$object'] : []
  if (Array.isArray(v)) {
    return {
      count: v.length,
      at: (i) => ({ label: String(i), tokens: [...wrapped, String(i)], value: v[i] as Json }),
      indexOf: (tokens) => {
        if (!wrapped.every((t, k) => t === tokens[k])) return -1
        const token = tokens[wrapped.length]
        if (token === undefined || !/^(0|[1-9][0-9]*)$/.test(token)) return -1
        // The place just past the end counts too: where an element is added, or was removed from.
        const i = Number(token)
        return i <= v.length ? i : -1
      }
    }
  }
  if (v !== null && typeof v === 'object')
    return listed(Object.keys(v).map((k) => ({ label: k, tokens: [...wrapped, k], value: v[k] as Json })))
  return undefined
}

/** The indexes of the children that lead to a marked path, in order, once each. */
export function markedChildren(children: Children, path: readonly string[], marked: readonly (readonly string[])[]): number[] {
  const found = new Set<number>()
  for (const m of marked) {
    if (m.length <= path.length || !path.every((t, k) => t === m[k])) continue
    const i = children.indexOf(m.slice(path.length))
    if (i >= 0) found.add(i)
  }
  return [...found].sort((a, b) => a - b)
}

/**
 * The children a node shows: the first `shown` (`page`), then, past them, each child that leads to
 * a marked path with `context` neighbours on either side (`beyond`: runs of consecutive children,
 * each shown after a gap), so that a change deep in a long list is in sight without paging to it.
 */
export function visibleChildren(
  children: Children,
  path: readonly string[],
  marked: readonly (readonly string[])[],
  shown: number,
  context = 2
): { page: Child[]; beyond: Child[][] } {
  const page: Child[] = []
  for (let i = 0; i < Math.min(shown, children.count); i++) page.push(children.at(i))
  const beyond: Child[][] = []
  let end = shown
  for (const i of markedChildren(children, path, marked)) {
    if (i < shown) continue
    const from = Math.max(i - context, end)
    const to = Math.min(i + context, children.count - 1)
    if (from > to) continue
    if (from > end || beyond.length === 0) beyond.push([])
    const run = beyond[beyond.length - 1] as Child[]
    for (let k = from; k <= to; k++) run.push(children.at(k))
    end = to + 1
  }
  return { page, beyond }
}

/** The one-line form of a leaf (strings quoted and escaped: runtime data is always shown as text). */
export function leafText(value: Json): { text: string; kind: string } {
  // A value the redaction policy hid: muted, so it reads as absent data rather than a value.
  if (tagOf(value) === '$redacted') return { text: 'redacted', kind: 'redacted' }
  const tagged = describeTagged(value)
  if (tagged !== undefined) return { text: tagged, kind: 'tagged' }
  if (typeof value === 'string') return { text: JSON.stringify(value), kind: 'string' }
  if (value === null) return { text: 'null', kind: 'null' }
  return { text: String(value), kind: typeof value }
}

/** The summary of a container: `Array(3)`, `{a, b, …}`, `Map(2)`. */
export function containerText(value: Json, count: number): string {
  const tagged = describeTagged(value)
  if (tagged !== undefined) return tagged
  const v = unwrap(value)
  if (Array.isArray(v)) return `Array(${count})`
  return count === 0 ? '{}' : `{${count} ${count === 1 ? 'key' : 'keys'}}`
}

/** How a path relates to the paths marked as changed. */
export function markOf(path: readonly string[], marked: readonly (readonly string[])[]): 'changed' | 'inside' | undefined {
  let inside = false
  for (const m of marked) {
    if (m.length < path.length) {
      if (path.slice(0, m.length).every((t, i) => t === m[i])) return 'changed'
      continue
    }
    if (path.every((t, i) => t === m[i])) {
      if (m.length === path.length) return 'changed'
      inside = true
    }
  }
  return inside ? 'inside' : undefined
}

/** Strings longer than this are shown cut, with a way to open them whole. */
export const LONG_STRING = 120

/**
 * How a string leaf is shown: whole when it is short and on one line; else its start (`head`, cut
 * before a word where one ends near the cut), how many characters are left out, and a tooltip with
 * a longer start than the line has room for.
 */
export function stringView(s: string, max = LONG_STRING): { long: false } | { long: true; head: string; hidden: number; tip: string } {
  const line = s.indexOf('\n')
  if (s.length <= max && line < 0) return { long: false }
  let end = Math.min(max, line < 0 ? s.length : line)
  // Cut at a space near the limit, so the preview does not end in the middle of a word.
  const space = s.lastIndexOf(' ', end)
  if (end < s.length && space > end * 0.75) end = space
  const head = s.slice(0, end)
  const tip = s.length > 500 ? `${s.slice(0, 500)}…` : s
  return { long: true, head, hidden: s.length - head.length, tip }
}

/** The text "copy value" puts on the clipboard: a string as it is, anything else as indented JSON (in its encoded form). */
export function copyText(value: Json): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2)
}

/** True when a value holds more than its one-line preview shows: a non-empty container, or a preview that was cut. */
export function opensFurther(value: Json, previewText: string): boolean {
  if (childrenOf(value)?.count) return true
  if (typeof value === 'string') return previewText !== JSON.stringify(value) || value.includes('\n')
  return previewText.endsWith('…')
}
