/**
 * The parser of a watch's text (the syntax is in `index.ts`). Hand-written and without `eval`:
 * JSON values go through `JSON.parse`, regular expressions through `new RegExp`, and every error
 * names what is wrong and its column.
 */
import type { Json } from '../protocol'
import { isSpace, scanString, scanValue } from './scan'
import { type Condition, type PathToken, type ValueTest, type Watch, WatchSyntaxError } from './types'

/** Characters that end an unquoted key, so that `/count>3` needs no spaces. */
const OPERATOR_CHARS = '=!<>'
const OPERATORS: readonly string[] = ['==', '!=', '>', '>=', '<', '<=']
const CONDITIONS = 'changed, == V, != V, > N, >= N, < N, <= N, matches /re/, becomes …, leaves …, appears, removed or changes type'
/** Flags a watch's regular expression may carry; `g` and `y` would make `test` remember where it stopped. */
const FLAGS = 'dimsuv'
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y

/**
 * Parses a watch.
 * @throws {WatchSyntaxError} naming what is wrong and the column
 * @example parseWatch('/cart/items/*\/price > 100').path // [{kind:'key',key:'cart'}, {kind:'key',key:'items'}, {kind:'any'}, {kind:'key',key:'price'}]
 */
export function parseWatch(text: string): Watch {
  const p = new Parser(text)
  const path = p.path()
  const condition = p.condition()
  return { source: text, path, condition }
}

class Parser {
  pos = 0
  constructor(readonly text: string) {}

  path(): PathToken[] {
    this.space()
    if (this.pos === this.text.length) this.fail('expected a path like /cart/items/*/price')
    if (this.peek() !== '/') this.fail(`expected "/" to start the path (like /cart/items/*/price), found ${this.found()}`)
    const tokens: PathToken[] = []
    let append = -1
    while (this.peek() === '/') {
      this.pos++
      if (append >= 0) this.fail('"-" (an append) must be the last token of the path', append)
      const start = this.pos
      const token = this.peek() === '"' ? this.quotedKey() : this.rawToken()
      if (token.kind === 'append') {
        if (tokens.length === 0) this.fail('"-" (an append) needs an array before it; write /"-" for a slice named "-"', start)
        append = start
      }
      tokens.push(token)
    }
    return tokens
  }

  /** A key in double quotes, a JSON string: taken as it is, so `"*"`, `"-"` and `"a b"` are plain keys. */
  private quotedKey(): PathToken {
    const start = this.pos
    const end = scanString(this.text, start)
    if (end < 0) this.fail('the quoted key is never closed', start)
    const key = this.json(start, end, (why) => `bad quoted key (${why})`) as string
    this.pos = end
    const c = this.peek()
    if (c !== undefined && c !== '/' && !isSpace(c) && !OPERATOR_CHARS.includes(c)) {
      this.fail(`expected "/" or a space after the quoted key, found ${this.found()}`)
    }
    return { kind: 'key', key }
  }

  private rawToken(): PathToken {
    const start = this.pos
    let c = this.peek()
    while (c !== undefined && c !== '/' && c !== '"' && !isSpace(c) && !OPERATOR_CHARS.includes(c)) c = this.text[++this.pos]
    if (c === '"') this.fail('a quote can only open a key: write the whole key in quotes, like /"a b"')
    const raw = this.text.slice(start, this.pos)
    if (raw === '*') return { kind: 'any' }
    if (raw === '-') return { kind: 'append' }
    const star = raw.indexOf('*')
    if (star >= 0) this.fail(`"*" stands for a whole key; write a key containing "*" in quotes, like /"a*"`, start + star)
    const tilde = raw.search(/~(?![01])/)
    if (tilde >= 0) this.fail('"~" must be followed by 0 (for "~") or 1 (for "/")', start + tilde)
    return { kind: 'key', key: raw.replace(/~1/g, '/').replace(/~0/g, '~') }
  }

  condition(): Condition {
    this.space()
    if (this.pos === this.text.length) return { kind: 'changed' }
    const start = this.pos
    const word = this.word()
    let condition: Condition
    switch (word) {
      case 'changed':
      case 'appears':
      case 'removed':
        condition = { kind: word }
        break
      case 'is':
        this.keyword('removed', 'is', ' (for equality write == V)')
        condition = { kind: 'removed' }
        break
      case 'changes':
        this.keyword('type', 'changes')
        condition = { kind: 'changes-type' }
        break
      case 'becomes':
      case 'leaves':
        condition = { kind: word, test: this.testOrValue(word) }
        break
      case '==':
      case '!=':
      case '>':
      case '>=':
      case '<':
      case '<=':
      case 'equals':
      case 'matches':
        condition = { kind: 'is', test: this.test(word) }
        break
      default:
        if (word === '') this.fail(`expected a condition, found ${this.found()} (for equality write == V)`)
        this.fail(OPERATOR_CHARS.includes(word[0] as string) ? unknownOperator(word) : unknownWord(word), start)
    }
    this.space()
    if (this.pos < this.text.length) this.fail(`unexpected ${this.found()} after the condition`)
    return condition
  }

  /** What follows `becomes` or `leaves`: a test, or a bare JSON value meaning `== value`. */
  private testOrValue(after: string): ValueTest {
    this.space()
    if (this.pos === this.text.length) this.fail(`expected a JSON value or a test (== V, > N, matches /re/) after "${after}"`)
    const start = this.pos
    const word = this.word()
    if (OPERATORS.includes(word) || word === 'equals' || word === 'matches') return this.test(word)
    if (OPERATOR_CHARS.includes(this.text[start] as string)) this.fail(unknownOperator(word), start)
    this.pos = start
    return { kind: 'equals', value: this.value(after) }
  }

  private test(word: string): ValueTest {
    switch (word) {
      case '==':
      case 'equals':
        return { kind: 'equals', value: this.value(word) }
      case '!=':
        return { kind: 'not-equals', value: this.value(word) }
      case 'matches':
        return { kind: 'matches', regexp: this.regexp() }
      case '>':
      case '>=':
      case '<':
      case '<=':
        return { kind: 'compare', op: word, bound: this.number(word) }
      default:
        return this.fail(unknownOperator(word), this.pos - word.length)
    }
  }

  /** An operator (a run of `=!<>`), a word of letters, or '' when neither starts here. */
  private word(): string {
    const start = this.pos
    const letters = OPERATOR_CHARS.includes(this.peek() ?? '')
      ? (c: string) => OPERATOR_CHARS.includes(c)
      : (c: string) => /[A-Za-z]/.test(c)
    while (this.pos < this.text.length && letters(this.text[this.pos] as string)) this.pos++
    return this.text.slice(start, this.pos)
  }

  private keyword(expected: string, after: string, hint = ''): void {
    this.space()
    const start = this.pos
    if (this.word() !== expected) this.fail(`expected "${expected}" after "${after}"${hint}`, start)
  }

  private value(after: string): Json {
    this.space()
    const start = this.pos
    if (start === this.text.length) this.fail(`expected a JSON value after "${after}"`)
    const end = scanValue(this.text, start)
    const value = this.json(start, end, (why) => {
      const bare = this.text.slice(start, end)
      if (/^[A-Za-z_$][\w$]*$/.test(bare)) return `expected a JSON value after "${after}" (a string needs double quotes: "${bare}")`
      return `expected a JSON value after "${after}" (${why})`
    })
    this.pos = end
    return value
  }

  private number(after: string): number {
    this.space()
    NUMBER.lastIndex = this.pos
    const m = NUMBER.exec(this.text)
    const next = m === null ? undefined : this.text[this.pos + m[0].length]
    if (m === null || (next !== undefined && !isSpace(next))) this.fail(`expected a number after "${after}"`)
    const n = Number(m[0])
    if (!Number.isFinite(n)) this.fail(`${m[0]} is too large a bound`)
    this.pos += m[0].length
    return n
  }

  private regexp(): RegExp {
    this.space()
    const start = this.pos
    if (this.peek() !== '/') this.fail('expected a regular expression like /^a/i after "matches"')
    let i = start + 1
    let inClass = false
    for (;;) {
      const c = this.text[i]
      if (c === undefined) this.fail('the regular expression is never closed with "/"', start)
      if (c === '\\') i++
      else if (c === '[') inClass = true
      else if (c === ']') inClass = false
      else if (c === '/' && !inClass) break
      i++
    }
    const body = this.text.slice(start + 1, i)
    this.pos = i + 1
    while (/[A-Za-z]/.test(this.peek() ?? '')) {
      const flag = this.peek() as string
      if (flag === 'g' || flag === 'y') this.fail(`the flag "${flag}" is not allowed (a watch tests one value at a time)`)
      if (!FLAGS.includes(flag)) this.fail(`unknown flag "${flag}" (a watch's regular expression may use ${[...FLAGS].join(', ')})`)
      this.pos++
    }
    const flags = this.text.slice(i + 1, this.pos)
    try {
      return new RegExp(body, flags)
    } catch (e) {
      // V8 says "Invalid regular expression: /(/: Unterminated group"; the pattern is in the message already.
      const message = e instanceof Error ? e.message : String(e)
      const reason = message.startsWith('Invalid regular expression: ') ? message.slice(message.lastIndexOf(': ') + 2) : message
      return this.fail(`invalid regular expression /${body}/${flags}: ${reason}`, start)
    }
  }

  /** `JSON.parse` of `text[start, end)`; its error, where it gives a position, points at that column. */
  private json(start: number, end: number, describe: (why: string) => string): Json {
    try {
      return JSON.parse(this.text.slice(start, end)) as Json
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      const at = / in JSON at position (\d+)| at position (\d+)/.exec(message)
      const position = at === null ? 0 : Number(at[1] ?? at[2])
      return this.fail(describe(at === null ? message : message.slice(0, at.index)), start + Math.min(position, end - start))
    }
  }

  private space(): void {
    while (isSpace(this.text[this.pos])) this.pos++
  }

  private peek(): string | undefined {
    return this.text[this.pos]
  }

  /** The text at the current position, for a message: a word, a character, or "the end". */
  private found(): string {
    if (this.pos >= this.text.length) return 'the end'
    const m = /\S+/y
    m.lastIndex = this.pos
    const run = (m.exec(this.text) as RegExpExecArray)[0]
    return JSON.stringify(run.length > 20 ? run.slice(0, 20) + '…' : run)
  }

  private fail(reason: string, pos = this.pos): never {
    throw new WatchSyntaxError(reason, pos + 1)
  }
}

function unknownWord(word: string): string {
  return `unknown condition "${word}"; expected ${CONDITIONS}`
}

function unknownOperator(op: string): string {
  return op === '=' ? 'unknown operator "="; write "==" for equality' : `unknown operator "${op}"; expected ==, !=, >, >=, < or <=`
}
