/** The oracle of redaction's property tests, written plainly and apart from the redactor. */
import { parsePointer } from '../../../src/shared/pointer'
import type { Json, Slices } from '../../../src/shared/protocol'
import type { RedactionPolicy } from '../../../src/shared/redaction'
import { TAGS } from '../../../src/shared/tags'

/**
 * The oracle, written plainly and apart from the redactor: a key pattern is a whole-key glob whose
 * `*` is any run, ignoring ASCII case (never matching a tag's own key, `$map`, `$date`…); a path
 * matches a place token by token, `*` any one; an array under the key `$map` is a Map's entries,
 * and the value of an entry `[key, value]` whose key is a string a key pattern matches is redacted.
 */
export function globMatches(pattern: string, key: string): boolean {
  const lower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase())
  const p = lower(pattern)
  const k = lower(key)
  const go = (i: number, j: number): boolean => {
    if (i === p.length) return j === k.length
    if (p[i] === '*') return go(i + 1, j) || (j < k.length && go(i, j + 1))
    return j < k.length && p[i] === k[j] && go(i + 1, j + 1)
  }
  return go(0, 0)
}

export function named(policy: RedactionPolicy, tokens: readonly string[], inObject: boolean): boolean {
  const key = tokens[tokens.length - 1] as string
  if (inObject && !(TAGS as readonly string[]).includes(key) && policy.keys.some((p) => globMatches(p, key))) return true
  return policy.paths.some((path) => {
    const pt = parsePointer(path)
    return pt.length === tokens.length && pt.every((t, i) => t === '*' || t === tokens[i])
  })
}

export const isMarker = (v: Json | undefined): boolean =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && Object.hasOwn(v, '$redacted')

/** What the state should be once redacted. */
export function plainRedact(policy: RedactionPolicy, v: Json, tokens: string[]): Json {
  if (v === null || typeof v !== 'object' || isMarker(v)) return v
  if (Array.isArray(v) && tokens[tokens.length - 1] === '$map')
    return v.map((x, i) => {
      const place = [...tokens, String(i)]
      if (!Array.isArray(x) || x.length !== 2 || typeof x[0] !== 'string') return at(policy, x, place, false)
      if (named(policy, place, false)) return { $redacted: true }
      const key = x[0]
      const value = x[1] as Json
      const keyNamed = policy.keys.some((p) => globMatches(p, key))
      return [
        at(policy, key, [...place, '0'], false),
        keyNamed ? (isMarker(value) ? value : { $redacted: true }) : at(policy, value, [...place, '1'], false)
      ]
    })
  if (Array.isArray(v)) return v.map((x, i) => at(policy, x, [...tokens, String(i)], false))
  const out: Record<string, Json> = {}
  for (const k of Object.keys(v))
    Object.defineProperty(out, k, {
      value: at(policy, v[k] as Json, [...tokens, k], true),
      enumerable: true,
      writable: true,
      configurable: true
    })
  return out
}

export function at(policy: RedactionPolicy, v: Json, tokens: string[], inObject: boolean): Json {
  return named(policy, tokens, inObject) ? (isMarker(v) ? v : { $redacted: true }) : plainRedact(policy, v, tokens)
}

export function redactState(policy: RedactionPolicy, state: Slices): Slices {
  return plainRedact(policy, state as Json, []) as Slices
}
