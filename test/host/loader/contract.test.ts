import { EventEmitter } from 'node:events'
import { describe, expect, test } from 'vitest'
import { describe as describeValue, isBusRuntime, isStore, whyNotHandle } from '../../../src/host/loader/contract'
import { errorText, pickExport } from '../../../src/host/loader/load'

const bus = (): EventEmitter => new EventEmitter()
const noop = (): undefined => undefined

describe('the runtime contract', () => {
  test('takes a bus runtime and a store as handles', () => {
    expect(isBusRuntime({ getState: noop, dispatch: noop, bus: bus() })).toBe(true)
    expect(isStore({ getState: noop, dispatch: noop, subscribe: noop })).toBe(true)
    expect(whyNotHandle({ getState: noop, dispatch: noop, bus: bus(), slices: ['a'] })).toBeUndefined()
    expect(whyNotHandle({ getState: noop, dispatch: noop, bus: bus(), immutable: true })).toBeUndefined()
    expect(whyNotHandle({ getState: noop, dispatch: noop, subscribe: noop })).toBeUndefined()
  })

  test.each<[string, unknown, RegExp]>([
    ['null', null, /it is null/],
    ['a number', 3, /it is a number/],
    ['an empty object', {}, /no getState\(\), no dispatch\(action\), no bus \(an EventEmitter\) or subscribe\(listener\)/],
    ['a bus that is not an EventEmitter', { getState: noop, dispatch: noop, bus: {} }, /bus\.on\(\) \(the bus is not an EventEmitter\)/],
    ['slices that are not strings', { getState: noop, dispatch: noop, bus: bus(), slices: [1] }, /`slices` must be an array of strings/],
    ['slices that are not an array', { getState: noop, dispatch: noop, bus: bus(), slices: 'a' }, /`slices` must be an array/],
    [
      'immutable that is not a boolean',
      { getState: noop, dispatch: noop, bus: bus(), immutable: 'yes' },
      /`immutable` must be true or false/
    ],
    [
      'a store whose immutable is not a boolean',
      { getState: noop, dispatch: noop, subscribe: noop, immutable: 1 },
      /`immutable` must be true or false/
    ]
  ])('says what is missing from %s', (_name, value, why) => {
    expect(whyNotHandle(value)).toMatch(why)
  })

  test('describes values for error messages', () => {
    expect(describeValue(undefined)).toBe('undefined')
    expect(describeValue(function make() {})).toBe('a function (make)')
    expect(describeValue([])).toBe('an array')
    expect(describeValue({})).toBe('an empty object')
    expect(describeValue(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i])))).toMatch(
      /^an object with keys k0, .*k7, …$/
    )
  })
})

describe('pickExport', () => {
  const factory = (): undefined => undefined

  test('takes the default export, else createRuntime', () => {
    expect(pickExport({ default: factory, createRuntime: noop })).toBe(factory)
    expect(pickExport({ createRuntime: factory })).toBe(factory)
    expect(pickExport({ other: factory })).toBeUndefined()
    expect(pickExport(null)).toBeUndefined()
  })

  test('looks into the exports object of a CommonJS module', () => {
    expect(pickExport({ default: { createRuntime: factory } })).toBe(factory)
    expect(pickExport({ default: { default: factory } })).toBe(factory)
  })

  test('keeps a handle given as the default export whole', () => {
    const handle = { getState: noop, dispatch: noop, bus: bus(), createRuntime: noop }
    expect(pickExport({ default: handle })).toBe(handle)
  })
})

describe('errorText', () => {
  test('names the error and its message, or what was thrown', () => {
    expect(errorText(new TypeError('bad'))).toBe('TypeError: bad')
    expect(errorText('plain')).toBe('plain')
    expect(errorText(42)).toBe('a non-Error value (a number)')
  })
})
