import { describe, expect, test } from 'vitest'
import { Column, Interner } from '../../../src/renderer/src/lib/model/columns'

describe('Column', () => {
  test('keeps every value pushed as it grows past its first capacity', () => {
    const c = new Column(Int32Array)
    for (let i = 0; i < 5000; i++) c.push(i * 3 - 7000)
    expect(c.length).toBe(5000)
    expect([c.get(0), c.get(1023), c.get(1024), c.get(4999)]).toEqual([-7000, 3069 - 7000, 3072 - 7000, 14997 - 7000])
  })

  test('holds timestamps exactly in a Float64Array', () => {
    const c = new Column(Float64Array)
    c.push(1_764_000_000_123.5)
    expect(c.get(0)).toBe(1_764_000_000_123.5)
  })

  test('starts again from nothing on clear', () => {
    const c = new Column(Uint8Array)
    c.push(1)
    c.push(2)
    c.clear()
    expect(c.length).toBe(0)
    c.push(9)
    expect([c.length, c.get(0)]).toEqual([1, 9])
  })
})

describe('Interner', () => {
  test('gives each string one number, in the order first seen', () => {
    const names = new Interner()
    expect([names.id('todos'), names.id('user'), names.id('todos'), names.id('')]).toEqual([0, 1, 0, 2])
    expect(names.all()).toEqual(['todos', 'user', ''])
    expect([names.name(1), names.name(2)]).toEqual(['user', ''])
  })

  test('finds only strings seen before, and names no string for -1', () => {
    const names = new Interner()
    names.id('a')
    expect([names.find('a'), names.find('b')]).toEqual([0, -1])
    expect(names.all()).toEqual(['a'])
    expect(names.name(-1)).toBeUndefined()
  })
})
