import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { escapeToken, parsePointer, PointerError, toPointer, unescapeToken } from '../../src/shared/pointer'

describe('escapeToken', () => {
  test('escapes "~" as "~0" and "/" as "~1", "~" first so that "~1" in a key survives', () => {
    expect(escapeToken('a/b')).toBe('a~1b')
    expect(escapeToken('a~b')).toBe('a~0b')
    expect(escapeToken('~1')).toBe('~01')
    expect(escapeToken('/~')).toBe('~1~0')
  })

  test('leaves other keys, the empty key included, as they are', () => {
    expect(escapeToken('')).toBe('')
    expect(escapeToken('plain key')).toBe('plain key')
  })

  test('is undone by unescapeToken for every string', () => {
    fc.assert(fc.property(fc.string(), (key) => unescapeToken(escapeToken(key)) === key))
  })
})

describe('parsePointer', () => {
  test('gives no tokens for the whole document', () => {
    expect(parsePointer('')).toEqual([])
  })

  test('splits and unescapes tokens, keeping empty ones', () => {
    expect(parsePointer('/a~1b/0')).toEqual(['a/b', '0'])
    expect(parsePointer('/')).toEqual([''])
    expect(parsePointer('//x/')).toEqual(['', 'x', ''])
    expect(parsePointer('/~01')).toEqual(['~1'])
  })

  test('refuses a pointer that does not start with "/"', () => {
    expect(() => parsePointer('a/b')).toThrow(PointerError)
  })

  test('refuses a "~" that is not "~0" or "~1"', () => {
    expect(() => parsePointer('/a~2')).toThrow(/"~"/)
    expect(() => parsePointer('/a~')).toThrow(PointerError)
  })

  test('is the inverse of toPointer for any tokens', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (tokens) => {
        expect(parsePointer(toPointer(tokens))).toEqual(tokens)
      })
    )
  })
})
