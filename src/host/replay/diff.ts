/**
 * The places two JSON values differ, as JSON Pointers to the deepest place that differs (a key or
 * an element on one side only, a value of another kind, or another primitive).
 */
import type { Json } from '../../shared/protocol'
import { escapeToken } from '../../shared/pointer'
import type { ReplayValueDiff } from '../../shared/replay'

/** Appends to `out` every place `recorded` and `replayed` differ under `path`, at most `limit` in all; returns how many it did not list. */
export function diffValues(
  recorded: Json | undefined,
  replayed: Json | undefined,
  path: string,
  out: ReplayValueDiff[],
  limit = Infinity
): number {
  let unlisted = 0
  const push = (d: ReplayValueDiff): void => {
    if (out.length < limit) out.push(d)
    else unlisted++
  }
  const walk = (a: Json | undefined, b: Json | undefined, at: string): void => {
    if (a === b) return
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++)
        walk(i < a.length ? a[i] : undefined, i < b.length ? b[i] : undefined, `${at}/${i}`)
      return
    }
    if (isObject(a) && isObject(b)) {
      for (const key of Object.keys(a)) walk(a[key], Object.hasOwn(b, key) ? b[key] : undefined, `${at}/${escapeToken(key)}`)
      for (const key of Object.keys(b)) if (!Object.hasOwn(a, key)) walk(undefined, b[key], `${at}/${escapeToken(key)}`)
      return
    }
    if (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b)) return
    push({ path: at, ...(a !== undefined ? { recorded: a } : {}), ...(b !== undefined ? { replayed: b } : {}) })
  }
  walk(recorded, replayed, path)
  return unlisted
}

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
