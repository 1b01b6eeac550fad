import { json } from '@codemirror/lang-json'
import { EditorState } from '@codemirror/state'
import { describe, expect, test } from 'vitest'
import { typeSlot } from '../../../src/renderer/src/lib/model/type-slot'

/** The slot at the `|` of a document written with one. */
function slotAt(marked: string): string | undefined {
  const pos = marked.indexOf('|')
  const doc = marked.slice(0, pos) + marked.slice(pos + 1)
  const slot = typeSlot(EditorState.create({ doc, extensions: [json()] }), pos)
  return slot === undefined ? undefined : `${doc.slice(0, slot.from)}[${doc.slice(slot.from, slot.to)}]${doc.slice(slot.to)}`
}

describe('typeSlot: where completion of an action type applies', () => {
  test('a bare word alone in the editor is a type being typed, whole', () => {
    expect(slotAt('coun|')).toBe('[coun]')
    expect(slotAt('  cou|nter/inc  ')).toBe('  [counter/inc]  ')
    expect(slotAt('|')).toBe('[]')
  })

  test('inside the top-level "type" string, closed or not yet', () => {
    expect(slotAt('{"type": "coun|"}')).toBe('{"type": "[coun]"}')
    expect(slotAt('{"type": "co|un"}')).toBe('{"type": "[coun]"}')
    expect(slotAt('{"type": "|"}')).toBe('{"type": "[]"}')
    expect(slotAt('{"type": "coun|')).toBe('{"type": "[coun]')
    expect(slotAt('{"type": "coun|}')).toBe('{"type": "[coun]}')
    expect(slotAt('{\n  "type": "counter/in|",\n  "payload": 1\n}')).toBe('{\n  "type": "[counter/in]",\n  "payload": 1\n}')
    expect(slotAt('{"payload": 1, "type": "x|"}')).toBe('{"payload": 1, "type": "[x]"}')
  })

  test('nowhere else: another key, a payload’s own "type", outside the string', () => {
    expect(slotAt('{"kind": "coun|"}')).toBeUndefined()
    expect(slotAt('{"type": "a", "payload": {"type": "b|"}}')).toBeUndefined()
    expect(slotAt('{"type": "a", "payload": "b|"}')).toBeUndefined()
    expect(slotAt('{"type"|: "a"}')).toBeUndefined()
    expect(slotAt('{"type": "a"|}')).toBeUndefined()
    expect(slotAt('{"type": 1|}')).toBeUndefined()
    expect(slotAt('[{"type": "a|"}]')).toBeUndefined()
  })
})
