/**
 * A watch written back as text, in the one canonical spelling `parseWatch` reads back to the same
 * watch: for showing a watch the way the window lists it, and for keeping it in a file.
 */
import { escapeToken } from '../pointer'
import type { Condition, PathToken, ValueTest, Watch } from './types'

/** A key the parser would not read back unquoted (see `parse.ts`). */
const NEEDS_QUOTES = /[ \t\n\r"=!<>*]/

/**
 * The canonical text of a watch: keys escaped (`~0`, `~1`) or quoted where they must be, one space
 * between the parts, and no condition for `changed`.
 * @example formatWatch(parseWatch('/cart/items/*\/price>100')) // '/cart/items/*\/price > 100'
 */
export function formatWatch(watch: Pick<Watch, 'path' | 'condition'>): string {
  const path = watch.path.map(formatToken).join('')
  const condition = formatCondition(watch.condition)
  return condition === '' ? path : `${path} ${condition}`
}

function formatToken(token: PathToken): string {
  if (token.kind === 'any') return '/*'
  if (token.kind === 'append') return '/-'
  const { key } = token
  return key === '-' || NEEDS_QUOTES.test(key) ? '/' + JSON.stringify(key) : '/' + escapeToken(key)
}

function formatCondition(condition: Condition): string {
  switch (condition.kind) {
    case 'changed':
      return ''
    case 'appears':
    case 'removed':
      return condition.kind
    case 'changes-type':
      return 'changes type'
    case 'is':
      return formatTest(condition.test)
    case 'becomes':
    case 'leaves':
      // `becomes V` is the short form of `becomes == V`.
      return `${condition.kind} ${condition.test.kind === 'equals' ? JSON.stringify(condition.test.value) : formatTest(condition.test)}`
  }
}

function formatTest(test: ValueTest): string {
  switch (test.kind) {
    case 'equals':
      return `== ${JSON.stringify(test.value)}`
    case 'not-equals':
      return `!= ${JSON.stringify(test.value)}`
    case 'compare':
      return `${test.op} ${String(test.bound)}`
    case 'matches':
      return `matches ${String(test.regexp)}`
  }
}
