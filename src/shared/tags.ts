/**
 * Values JSON cannot carry travel as one-key objects whose key is a tag (`{"$bigint": "10"}`).
 * The host encodes them (`src/host/recorder/encode.ts`); the window shows them as what they were.
 * One more tag is no value of the runtime's: `{"$redacted": true}` stands for a value the redaction
 * policy hid (`src/shared/redaction`).
 */
import type { Json } from './protocol'

/** Every tag, and what its value holds. */
export const TAGS = [
  '$bigint',
  '$date',
  '$map',
  '$set',
  '$undefined',
  '$number',
  '$function',
  '$ref',
  '$error',
  '$regexp',
  '$symbol',
  '$bytes',
  '$object',
  '$truncated',
  '$redacted'
] as const

/** One tag. */
export type Tag = (typeof TAGS)[number]

const TAG_SET: ReadonlySet<string> = new Set(TAGS)

/** The tag of an encoded value, or undefined for plain data. */
export function tagOf(value: Json): Tag | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
  let only: string | undefined
  for (const key in value) {
    if (only !== undefined) return undefined
    only = key
  }
  return only !== undefined && TAG_SET.has(only) ? (only as Tag) : undefined
}
