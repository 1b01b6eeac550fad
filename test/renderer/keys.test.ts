import { describe, expect, test } from 'vitest'
import { actionFor, BINDINGS, takesKeys } from '../../src/renderer/src/lib/keys'

const key = (k: string, more: { ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean } = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...more
})

describe('the dispatcher’s keys', () => {
  test('`a` opens the dispatcher, outside a field only', () => {
    expect(actionFor(key('a'), false)).toEqual({ action: 'dispatch' })
    expect(actionFor(key('a'), true)).toBeUndefined()
    expect(actionFor(key('a', { ctrlKey: true }), false)).toBeUndefined()
    expect(actionFor(key('A'), false)).toBeUndefined()
  })

  test('Esc is the window’s even in a field (it closes the dispatcher, clears the search)', () => {
    expect(actionFor(key('Escape'), true)).toEqual({ action: 'clear' })
  })

  test('the help lists the shortcut, and the editor’s own keys', () => {
    const keys = BINDINGS.map((b) => b.keys)
    expect(keys).toContain('a')
    expect(keys).toContain('Ctrl/⌘ + Enter')
    expect(BINDINGS.find((b) => b.keys === 'a')?.does).toMatch(/dispatch/)
    // One key, one action.
    expect(new Set(keys).size).toBe(keys.length)
  })
})

describe('takesKeys: where typed keys belong to a field', () => {
  test('text boxes, text areas, selects and editable elements (the dispatcher’s editor) take keys', () => {
    expect(takesKeys({ tagName: 'INPUT', type: 'text' })).toBe(true)
    expect(takesKeys({ tagName: 'INPUT', type: 'search' })).toBe(true)
    expect(takesKeys({ tagName: 'TEXTAREA' })).toBe(true)
    expect(takesKeys({ tagName: 'DIV', isContentEditable: true })).toBe(true)
  })

  test('a range, a button, a plain element or nothing do not', () => {
    expect(takesKeys({ tagName: 'INPUT', type: 'range' })).toBe(false)
    expect(takesKeys({ tagName: 'BUTTON' })).toBe(false)
    expect(takesKeys({ tagName: 'DIV', isContentEditable: false })).toBe(false)
    expect(takesKeys(null)).toBe(false)
    expect(takesKeys({})).toBe(false)
  })
})
