/**
 * How values look in the window: tagged values as what they were (`10n`, a date, `Map(2)`,
 * `undefined`, `NaN`, `ƒ name`, `[circular → /a]`), and short previews of anything.
 */
import type { Json, JsonObject } from '../../../../shared/protocol'
import { tagOf } from '../../../../shared/tags'

/** The one-line form of a tagged value, or undefined for plain data (and for `$object`, which is plain data wrapped). */
export function describeTagged(value: Json): string | undefined {
  const tag = tagOf(value)
  if (tag === undefined || tag === '$object') return undefined
  const v = (value as JsonObject)[tag] as Json
  switch (tag) {
    case '$bigint':
      return `${String(v)}n`
    case '$date':
      return v === null ? 'Invalid Date' : String(v)
    case '$map':
      return `Map(${Array.isArray(v) ? v.length : 0})`
    case '$set':
      return `Set(${Array.isArray(v) ? v.length : 0})`
    case '$undefined':
      return 'undefined'
    case '$number':
      return String(v)
    case '$function':
      return `ƒ ${typeof v === 'string' && v !== '' ? v : '(anonymous)'}`
    case '$ref':
      return `[circular → ${v === '' ? '(the slice)' : String(v)}]`
    case '$error': {
      const e = (v ?? {}) as JsonObject
      return `${String(e.name ?? 'Error')}: ${String(e.message ?? '')}`
    }
    case '$regexp':
      return String(v)
    case '$symbol':
      return `Symbol(${String(v)})`
    case '$truncated':
      return `… (${String(v)})`
    case '$redacted':
      return 'redacted'
    case '$bytes': {
      const b = (v ?? {}) as JsonObject
      return `${String(b.type ?? 'bytes')}(${String(b.length ?? '?')})`
    }
  }
}

/** The data inside a `$object` wrapper, or the value itself. */
export function unwrap(value: Json): Json {
  return tagOf(value) === '$object' ? ((value as JsonObject).$object as Json) : value
}

/** A one-line preview of any value, cut to about `max` characters. */
export function preview(value: Json | undefined, max = 80): string {
  if (value === undefined) return '—'
  const tagged = describeTagged(value)
  if (tagged !== undefined) return cut(tagged, max)
  const v = unwrap(value)
  if (typeof v === 'string') return cut(JSON.stringify(v), max)
  if (v === null || typeof v !== 'object') return String(v)
  if (Array.isArray(v)) return cut(`[${v.map((x) => preview(x, 20)).join(', ')}]`, max)
  const keys = Object.keys(v)
  return cut(`{${keys.map((k) => `${k}: ${preview(v[k], 20)}`).join(', ')}}`, max)
}

function cut(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`
}

/** A time of day with milliseconds, in the user's locale. */
export function clock(timestamp: number): string {
  const d = new Date(timestamp)
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0')
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

/** A duration as `850 ms`, `2.4 s` or `3 min 5 s`. */
export function duration(ms: number): string {
  // Each form takes over where the one before would round up to its limit (999.6 ms is not "1000 ms").
  if (ms < 999.5) return `${Math.round(ms)} ms`
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)} min ${s % 60} s`
}
