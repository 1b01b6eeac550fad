import { describe, expect, test } from 'vitest'
import { actionFor, BINDINGS, takesKeys, timelineActionFor } from '../../src/renderer/src/lib/keys'

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
    expect(actionFor(key('r'), false)).toEqual({ action: 'replay' })
    expect(actionFor(key('r'), true)).toBeUndefined()
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

describe('the timeline’s keys: actions as units', () => {
  const list = { tagName: 'DIV' }
  const body = { tagName: 'BODY' }
  const free = [list, body]

  test('Enter expands or folds the selected action from the list or the page, never from a button or a field', () => {
    expect(timelineActionFor(key('Enter'), list, free)).toBe('toggle-unit')
    expect(timelineActionFor(key('Enter'), body, free)).toBe('toggle-unit')
    expect(timelineActionFor(key('Enter'), null, free)).toBe('toggle-unit')
    expect(timelineActionFor(key('Enter'), { tagName: 'BUTTON' }, free)).toBeUndefined()
    expect(timelineActionFor(key('Enter'), { tagName: 'INPUT', type: 'search' }, free)).toBeUndefined()
    expect(timelineActionFor(key('Enter', { ctrlKey: true }), list, free)).toBeUndefined()
  })

  test('`g` switches grouped and flat rows anywhere but in a field; the window’s own keys do not take it', () => {
    expect(timelineActionFor(key('g'), { tagName: 'BUTTON' }, free)).toBe('grouping')
    expect(timelineActionFor(key('g'), { tagName: 'INPUT', type: 'text' }, free)).toBeUndefined()
    expect(timelineActionFor(key('g', { metaKey: true }), body, free)).toBeUndefined()
    expect(actionFor(key('g'), false)).toBeUndefined()
    expect(actionFor(key('Enter'), false)).toBeUndefined()
  })

  test('the help lists both', () => {
    expect(BINDINGS.find((b) => b.keys === 'Enter')?.does).toMatch(/expand .*action.* fold/)
    expect(BINDINGS.find((b) => b.keys === 'g')?.does).toMatch(/group .*by action.*flat/)
  })
})
