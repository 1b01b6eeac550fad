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

/** The children of a container (maps and sets included), or undefined for a leaf. */
export function childrenOf(value: Json): Child[] | undefined {
  const tag = tagOf(value)
  if (tag === '$map') {
    const entries = (value as JsonObject).$map
    return Array.isArray(entries)
      ? entries.map((e, i) => {
          const [k, v] = Array.isArray(e) ? e : [null, null]
          return { label: preview(k as Json, 40), tokens: ['$map', String(i), '1'], value: v as Json }
        })
      : []
  }
  if (tag === '$set') {
    const values = (value as JsonObject).$set
    return Array.isArray(values) ? values.map((v, i) => ({ label: String(i), tokens: ['$set', String(i)], value: v })) : []
  }
  if (describeTagged(value) !== undefined) return undefined
  const v = unwrap(value)
  const wrapped = v !== value ? ['$object'] : []
  if (Array.isArray(v)) return v.map((x, i) => ({ label: String(i), tokens: [...wrapped, String(i)], value: x }))
  if (v !== null && typeof v === 'object') return Object.keys(v).map((k) => ({ label: k, tokens: [...wrapped, k], value: v[k] as Json }))
  return undefined
}

/** The one-line form of a leaf (strings quoted and escaped: runtime data is always shown as text). */
export function leafText(value: Json): { text: string; kind: string } {
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
