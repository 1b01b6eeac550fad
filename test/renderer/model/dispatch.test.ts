import { describe, expect, test } from 'vitest'
import {
  actionOf,
  actionText,
  choices,
  isDispatchable,
  lineColumn,
  parseAction,
  recordedChoices
} from '../../../src/renderer/src/lib/model/dispatch'
import { Log } from './log'

describe('parseAction: the editor’s text read as an action, JSON only', () => {
  test('an object with a string type is an action, as written (payload, meta, error and all)', () => {
    expect(parseAction('{"type": "todos/add", "payload": {"text": "milk"}, "meta": {"by": "me"}, "error": false}')).toEqual({
      ok: true,
      action: { type: 'todos/add', payload: { text: 'milk' }, meta: { by: 'me' }, error: false }
    })
  })

  test('is never evaluated: JavaScript is not JSON', () => {
    const side = globalThis as { hit?: boolean }
    for (const text of ['({type: "x"})', '{"type": "x", "payload": (globalThis.hit = true)}', '{type: `x`}']) {
      expect(parseAction(text).ok).toBe(false)
    }
    expect(side.hit).toBeUndefined()
  })

  test('a syntax error says where, by line and column, with or without a position in V8’s message', () => {
    // V8 gives a position here…
    const trailing = parseAction('{"type": "x",}')
    expect(trailing).toMatchObject({ ok: false, at: 13, line: 1, column: 14 })
    expect(trailing.ok ? '' : trailing.message).toBe('Not JSON: Expected double-quoted property name (line 1, column 14)')
    // …and none here ("Unexpected token '}', "…" is not valid JSON"): the grammar finds it, and the text is not quoted back.
    const missing = parseAction('{\n  "type": "x",\n  "payload": }')
    expect(missing).toMatchObject({ ok: false, at: 30, line: 3, column: 14 })
    expect(missing.ok ? '' : missing.message).toBe("Not JSON: Unexpected token '}' (line 3, column 14)")
    // Cut short: at the end.
    expect(parseAction('{"type": "x"')).toMatchObject({ ok: false, line: 1, column: 13 })
  })

  test('a word before any brace is a type being typed, not JSON yet', () => {
    expect(parseAction('counter/inc')).toMatchObject({ ok: false, at: 0, message: expect.stringMatching(/^Not JSON yet: choose a type/) })
    expect(parseAction('  \n  counter')).toMatchObject({ ok: false, at: 5, line: 2, column: 3 })
    // Words JSON knows are JSON, just not actions.
    expect(parseAction('null')).toMatchObject({ ok: false, message: 'An action is a JSON object: {"type": "…", "payload": …}' })
  })

  test('JSON that is not an action says what an action is', () => {
    for (const text of ['[1]', '"todos/add"', '42', 'true'])
      expect(parseAction(text)).toEqual({ ok: false, message: 'An action is a JSON object: {"type": "…", "payload": …}' })
    for (const text of ['{}', '{"type": 3}', '{"type": ""}', '{"payload": 1}'])
      expect(parseAction(text)).toEqual({ ok: false, message: 'An action needs a "type": a non-empty string' })
    expect(parseAction('   ')).toMatchObject({ ok: false, message: expect.stringMatching(/^Type an action/) })
  })
})

describe('lineColumn', () => {
  test('counts from 1, lines after each newline', () => {
    expect(lineColumn('abc', 0)).toEqual({ line: 1, column: 1 })
    expect(lineColumn('ab\ncd', 3)).toEqual({ line: 2, column: 1 })
    expect(lineColumn('ab\ncd', 5)).toEqual({ line: 2, column: 3 })
  })
})

describe('actionOf: a recorded cause as an action to dispatch again', () => {
  test('keeps type, payload, meta and error, and leaves the id out (a new dispatch is a new action)', () => {
    expect(actionOf({ type: 'a', id: 'act-1', payload: { n: 1 }, meta: { by: 'me' }, error: true })).toEqual({
      type: 'a',
      payload: { n: 1 },
      meta: { by: 'me' },
      error: true
    })
    expect(actionOf({ type: 'b' })).toEqual({ type: 'b' })
    expect(actionOf({ type: 'c', payload: null })).toEqual({ type: 'c', payload: null })
  })

  test('is written as indented JSON', () => {
    expect(actionText({ type: 'a', payload: [1] })).toBe('{\n  "type": "a",\n  "payload": [\n    1\n  ]\n}')
  })
})

describe('isDispatchable', () => {
  test('causes nobody dispatched are not offered', () => {
    expect(isDispatchable('(found by verification)')).toBe(false)
    expect(isDispatchable('(outside a dispatch)')).toBe(false)
    expect(isDispatchable('(no action)')).toBe(false)
    expect(isDispatchable('thunk fetchTodos')).toBe(false)
    expect(isDispatchable('todos/add')).toBe(true)
  })
})

describe('recordedChoices: the types of the history, each with its last action', () => {
  test('newest first, each type once, its template the last action of that type', () => {
    const store = new Log({ todos: [], count: 0 })
      .update('todos', { value: ['a'] }, { type: 'todos/add', payload: { text: 'a' } })
      .update('count', { value: 1 }, { type: 'count/inc' })
      .update('todos', { value: ['a', 'b'] }, { type: 'todos/add', id: 'x-2', payload: { text: 'b' }, meta: { from: 'ui' } })
      .status('started', 'exec-1')
      .store()
    expect(recordedChoices(store)).toEqual([
      { type: 'todos/add', text: actionText({ type: 'todos/add', payload: { text: 'b' }, meta: { from: 'ui' } }), seen: '#3' },
      { type: 'count/inc', text: actionText({ type: 'count/inc' }), seen: '#2' }
    ])
  })

  test('leaves out causes nobody dispatched, and an update of several slices is one action', () => {
    const store = new Log({ a: 0, b: 0 })
      .update('a', { value: 1 }, { type: 'both/set', payload: 1 })
      .update('b', { value: 1 }, { type: 'both/set', payload: 1 })
      .found('a', { value: 2 }, 2)
      .update('b', { value: 2 }, { type: '(outside a dispatch)' })
      .store()
    expect(recordedChoices(store).map((c) => [c.type, c.seen])).toEqual([['both/set', '#2']])
  })

  test('stops at the limit of types, and on an empty history offers nothing', () => {
    const log = new Log({ n: 0 })
    for (let i = 0; i < 30; i++) log.update('n', { value: i + 1 }, { type: `t${i}` })
    expect(recordedChoices(log.store(), 5).map((c) => c.type)).toEqual(['t29', 't28', 't27', 't26', 't25'])
    expect(recordedChoices(new Log({}).store())).toEqual([])
  })
})

describe('choices: what completion offers', () => {
  test('the history’s types first, then types only sent from here (an action that changed nothing records no entry)', () => {
    const recorded = [{ type: 'a', text: '{"type": "a", "payload": 1}', seen: '#4' }]
    const sent = [
      { text: '{"type": "a", "payload": 2}' },
      { text: '{"type": "noop"}' },
      { text: '{"type": "noop", "payload": 1}' },
      { text: 'not json' }
    ]
    expect(choices(recorded, sent)).toEqual([
      { type: 'a', text: '{"type": "a", "payload": 1}', seen: '#4' },
      { type: 'noop', text: '{"type": "noop"}', seen: 'sent' }
    ])
  })
})
