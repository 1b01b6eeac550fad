/**
 * The redaction policy: key patterns matched against every object key at any depth, and paths
 * from the state's root. `compilePolicy` checks a policy the user wrote and turns it into the
 * matchers the redactor uses, and into the literal words a line must contain to need redacting.
 */
import { parseWatch, WatchSyntaxError } from '../watch'

/**
 * What is redacted, as the user writes it (and `GET /redaction` answers it).
 * @example { keys: ['*password*', '*token'], paths: ['/auth/session', '/users/*\/ssn'] }
 */
export interface RedactionPolicy {
  /**
   * Key patterns, matched against every object key at any depth (slice names too) and every string
   * key of a Map, ignoring the case of ASCII letters, never against a tag's own key (`$date`);
   * `*` stands for any run of characters, and a pattern matches the whole key (`*token` matches
   * `accessToken` and `refresh_token`, not `tokens` nor `maxTokens`).
   */
  keys: string[]
  /**
   * Paths from the state's root, as JSON Pointers whose first token is the slice; `*` is any one
   * key or element (`/users/*\/ssn`), a key with spaces or `*` goes in double quotes (`/"my slice"/a`).
   */
  paths: string[]
}

/**
 * The policy a host starts with: keys that look like they hold secrets. An agent's `tokens`,
 * `maxTokens` and `tokenCount` are counts, not secrets, so `*token` ends the key.
 */
export const DEFAULT_POLICY: Readonly<RedactionPolicy> = Object.freeze({
  keys: [
    '*password*',
    '*passwd*',
    '*passphrase*',
    '*secret*',
    '*token',
    '*apikey*',
    '*api_key*',
    '*api-key*',
    '*authorization*',
    '*cookie*',
    '*credential*',
    '*private*key*',
    '*jwt*'
  ],
  paths: []
})

/** A policy's pattern that cannot be used: names it and says why. */
export class RedactionPolicyError extends Error {
  override name = 'RedactionPolicyError'
  constructor(
    /** `keys` or `paths`. */
    readonly field: 'keys' | 'paths',
    /** The pattern at fault, as written. */
    readonly pattern: string,
    reason: string
  ) {
    super(`${field === 'keys' ? 'key pattern' : 'path'} ${JSON.stringify(pattern)}: ${reason}`)
  }
}

/** Patterns a policy may hold, of each kind. */
export const MAX_PATTERNS = 200
/** Characters a pattern may hold. */
export const MAX_PATTERN_LENGTH = 200
/** `*` a key pattern may hold (each one more makes a long key slower to match). */
const MAX_STARS = 8

/** A policy checked and ready to match. */
export interface CompiledPolicy {
  readonly policy: RedactionPolicy
  /** True for a key any key pattern matches. */
  keyMatches(key: string): boolean
  /** Each path as tokens, `null` for `*`. */
  readonly paths: readonly (readonly (string | null)[])[]
  /**
   * True when a line (an entry's JSON) may need redacting: it holds one of the policy's literal
   * words, ignoring ASCII case. A line that does not cannot hold a key or a path the policy
   * names, nor a marker already there. Always true when a pattern has no literal word (`/*`).
   */
  mayTouch(text: string): boolean
  /** True when the policy names nothing: redacting changes nothing. */
  readonly empty: boolean
}

/** An array index, or `-` (the end of an array), as a patch's path may hold: never a key a pattern names. */
export function isIndexToken(token: string): boolean {
  return token === '-' || /^[0-9]+$/.test(token)
}

/**
 * Checks a policy and compiles it.
 * @throws {RedactionPolicyError} naming the first pattern that cannot be used and why
 * @example compilePolicy(DEFAULT_POLICY).keyMatches('clientSecret') // true
 */
export function compilePolicy(policy: RedactionPolicy): CompiledPolicy {
  const keys = unique(policy.keys)
  const paths = unique(policy.paths)
  if (keys.length > MAX_PATTERNS)
    throw new RedactionPolicyError('keys', keys[MAX_PATTERNS] as string, `more than ${MAX_PATTERNS} key patterns`)
  if (paths.length > MAX_PATTERNS) throw new RedactionPolicyError('paths', paths[MAX_PATTERNS] as string, `more than ${MAX_PATTERNS} paths`)
  const sources: string[] = []
  /** What the filter looks for, as regular expressions: undefined for a pattern without a word (every line may hold it). */
  const words: (string | undefined)[] = []
  for (const pattern of keys) {
    sources.push(globSource(pattern))
    words.push(keyWord(pattern))
  }
  const compiledPaths = paths.map(parsePath)
  for (const tokens of compiledPaths) {
    const word = longestWord(tokens.filter((t): t is string => t !== null))
    words.push(word === undefined ? undefined : escapeRegExp(word))
  }
  // Without the `u` flag, `i` folds no non-ASCII character into an ASCII one (the Kelvin sign is not
  // `k`), so a key matches only if its ASCII words are in the line's bytes, in some case.
  const keyRegexp = sources.length === 0 ? undefined : new RegExp(`^(?:${sources.join('|')})$`, 'i')
  const filter = words.includes(undefined)
    ? undefined
    : new RegExp(
        // A Map's entries are read too when keys are redacted: a change inside them does not name the entry's key (events.ts).
        [...new Set(words as string[]), ...[MARKER_WORD, ...(keys.length > 0 ? [MAP_WORD] : [])].map(escapeRegExp)].join('|') + '|\\\\u',
        'i'
      )
  return {
    policy: { keys, paths },
    keyMatches: keyRegexp === undefined ? () => false : (key) => keyRegexp.test(key),
    paths: compiledPaths,
    mayTouch: filter === undefined ? () => true : (text) => filter.test(text),
    empty: keys.length === 0 && paths.length === 0
  }
}

/** The key of the marker a redacted value becomes (`tags.ts`); a line holding one is read to list it. */
const MARKER_WORD = '$redacted'
/** The key of a Map's entries (`tags.ts`). */
const MAP_WORD = '$map'

/**
 * What the filter looks for in a line for a key pattern, as a regular expression: its longest word;
 * where the pattern begins or ends with that word, the word at the start or end of a key's text,
 * which in a line is at a quote (a key, a string) or a pointer's slash (a patch's path). So `*token`
 * reads the lines with `accessToken"` or `/accessToken/`, not every line with `outputTokens`.
 */
function keyWord(pattern: string): string | undefined {
  const parts = pattern.split('*')
  const word = longestWord(parts)
  if (word === undefined) return undefined
  const edge = '["/]'
  return `${parts[0] === word ? edge : ''}${escapeRegExp(word)}${parts[parts.length - 1] === word ? edge : ''}`
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)]
}

/** The regular expression of a key pattern (checked), without anchors. */
function globSource(pattern: string): string {
  const fail = (why: string): never => {
    throw new RedactionPolicyError('keys', pattern, why)
  }
  if (pattern.trim() === '') fail('a key pattern cannot be empty')
  if (pattern.length > MAX_PATTERN_LENGTH) fail(`longer than ${MAX_PATTERN_LENGTH} characters`)
  const parts = pattern.split('*')
  if (parts.length - 1 > MAX_STARS) fail(`more than ${MAX_STARS} "*"`)
  const source = parts.map(escapeRegExp).join('[^]*')
  // A pattern that could match an array index would make a patch's path ambiguous (is `/list/3`
  // an element or a key "3"?): keys of digits alone are left to paths.
  const literal = parts.join('')
  if (/^[0-9]*$/.test(literal) || new RegExp(`^(?:${source})$`).test('-'))
    fail('it could match an array index (digits alone, or "-"): give it a letter or another character')
  return source
}

/** A path's tokens (`null` for `*`), checked. */
function parsePath(text: string): (string | null)[] {
  const fail = (why: string): never => {
    throw new RedactionPolicyError('paths', text, why)
  }
  if (text.length > MAX_PATTERN_LENGTH) fail(`longer than ${MAX_PATTERN_LENGTH} characters`)
  let watch
  try {
    watch = parseWatch(text.trim())
  } catch (e) {
    if (!(e instanceof WatchSyntaxError)) throw e
    // The watch language reads what follows a path as a condition, which a redaction path has none of.
    if (/^(unknown condition|unknown operator|unexpected|expected a (number|JSON value|regular))/.test(e.reason))
      fail(`${e.message}: a path is a JSON Pointer alone (like /auth/*/token); quote a key that holds spaces, like /"my key"`)
    return fail(e.message)
  }
  if (watch.condition.kind !== 'changed' || /\s/.test(text.trim().replace(/"(?:[^"\\]|\\.)*"/g, '')))
    fail('a path is a JSON Pointer alone (like /auth/*/token), without a condition')
  return watch.path.map((token) => {
    if (token.kind === 'any') return null
    if (token.kind === 'append' || isIndexToken(token.key))
      fail(
        `"${token.kind === 'append' ? '-' : token.key}" could be an array index, whose element moves as others are added and removed: write * for any element`
      )
    return (token as { key: string }).key
  })
}

/**
 * The longest run of characters that a JSON line holds as they are wherever the text appears, as a
 * key or in a pointer: printable ASCII but `"` and `\` (JSON escapes them) and `/` and `~`
 * (pointers escape them). Undefined when there is none.
 */
function longestWord(parts: readonly string[]): string | undefined {
  let best: string | undefined
  for (const part of parts) {
    for (const run of part.split(/[^\x20-\x7e]|["\\/~]/)) if (run !== '' && (best === undefined || run.length > best.length)) best = run
  }
  return best
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
}

/**
 * Reads a policy from untrusted JSON (a request's body, a settings file).
 * @throws {RedactionPolicyError} for lists of the wrong shape
 */
export function readPolicy(value: unknown): RedactionPolicy {
  const v = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {}
  const list = (field: 'keys' | 'paths'): string[] => {
    const l = v[field] ?? []
    if (!Array.isArray(l) || !l.every((p) => typeof p === 'string'))
      throw new RedactionPolicyError(field, String(JSON.stringify(l)).slice(0, 60), `"${field}" must be a list of strings`)
    return l as string[]
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new RedactionPolicyError(
      'keys',
      String(JSON.stringify(value)).slice(0, 60),
      'a policy is an object { "keys": [...], "paths": [...] }'
    )
  return { keys: list('keys'), paths: list('paths') }
}
