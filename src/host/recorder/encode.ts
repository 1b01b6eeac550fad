/**
 * Turns any value a runtime holds into JSON, encoding what JSON cannot carry as one-key tagged
 * objects (`{"$bigint": "10"}`; the table is in DESIGN.md). Never throws: a getter or `toJSON`
 * that throws is recorded as the error it threw, so one odd value never breaks the stream.
 */
import { types } from 'node:util'
import { escapeToken } from '../../shared/pointer'
import type { Json, JsonObject } from '../../shared/protocol'
import { setOwn } from '../../shared/state'

// Taken once: a bundler may turn each `types.isX` into a getter call on the module object.
const { isDate, isMap, isSet, isRegExp, isNativeError, isAnyArrayBuffer, isBoxedPrimitive } = types

/** How many values of a typed array or buffer are kept (`$bytes.head`). */
export const BYTES_HEAD = 64

/**
 * Objects nested deeper than this (in their slice) are recorded as `{"$truncated": "…"}`: deeper
 * recursion would overflow the stack here, in `JSON.stringify` and in every client, and lose the
 * whole update instead of its deepest part.
 */
export const MAX_DEPTH = 512

/** The encoding of a value nested deeper than `MAX_DEPTH`. */
export function truncated(): Json {
  return { $truncated: `nested deeper than ${MAX_DEPTH} levels` }
}

/** The objects from the slice's root down to the value being encoded, with their pointers. */
export type Ancestors = Map<object, string>

/**
 * Encodes a value found at `pointer` of its slice. `ancestors` are the objects above it, so that
 * a reference back to one of them is written as `{"$ref": pointer}` instead of looping forever.
 * @example encode(new Map([[1n, NaN]])) // { $map: [[{ $bigint: '1' }, { $number: 'NaN' }]] }
 */
export function encode(value: unknown, pointer = '', ancestors: Ancestors = new Map()): Json {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      // -0 becomes 0, as it does on the wire.
      return Number.isFinite(value) ? value + 0 : { $number: String(value) }
    case 'bigint':
      return { $bigint: value.toString() }
    case 'undefined':
      return { $undefined: true }
    case 'symbol':
      return { $symbol: value.description ?? '' }
    case 'function':
      return { $function: value.name }
  }
  if (value === null) return null
  const obj = value as object
  const seen = ancestors.get(obj)
  if (seen !== undefined) return { $ref: seen }
  if (ancestors.size >= MAX_DEPTH) return truncated()
  ancestors.set(obj, pointer)
  try {
    return encodeObject(obj, pointer, ancestors)
  } finally {
    ancestors.delete(obj)
  }
}

/**
 * True for objects that are encoded whole, as one tagged value (or, for a boxed primitive, as
 * that primitive), rather than key by key. Objects with `toJSON` are not among them: their result
 * is (see `viaToJSON`).
 */
export function isAtomic(obj: object): boolean {
  return (
    isDate(obj) ||
    isMap(obj) ||
    isSet(obj) ||
    isRegExp(obj) ||
    isNativeError(obj) ||
    obj instanceof Error ||
    ArrayBuffer.isView(obj) ||
    isAnyArrayBuffer(obj) ||
    isBoxedPrimitive(obj)
  )
}

/**
 * What a non-atomic object with a `toJSON` method stands for: the method's result, or the error
 * reading or calling it threw. Undefined for an object without one, for an array (JSON ignores
 * theirs too), and for a `toJSON` that gives the object itself.
 */
export function viaToJSON(obj: object): { value: unknown } | undefined {
  if (Array.isArray(obj)) return undefined
  let toJSON: unknown
  try {
    toJSON = (obj as { toJSON?: unknown }).toJSON
  } catch (e) {
    return { value: e instanceof Error ? e : new Error(String(e)) }
  }
  if (typeof toJSON !== 'function') return undefined
  let result: unknown
  try {
    result = (toJSON as (key: string) => unknown).call(obj, '')
  } catch (e) {
    result = e instanceof Error ? e : new Error(String(e))
  }
  return result === obj ? undefined : { value: result }
}

/** True for an object whose keys are one key starting with `$`: it is wrapped in `$object`. */
export function needsWrap(keys: readonly string[]): boolean {
  return keys.length === 1 && (keys[0] as string).charCodeAt(0) === 36 /* $ */
}

/** Reads a property; a getter that throws gives the error it threw, which is then encoded. */
export function read(obj: object, key: string | number): unknown {
  try {
    return (obj as Record<string | number, unknown>)[key]
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e))
  }
}

function encodeObject(obj: object, pointer: string, ancestors: Ancestors): Json {
  if (Array.isArray(obj)) {
    const out: Json[] = new Array<Json>(obj.length)
    for (let i = 0; i < obj.length; i++) out[i] = encode(read(obj, i), pointer + '/' + i, ancestors)
    return out
  }
  if (isDate(obj)) {
    const time = Date.prototype.getTime.call(obj)
    return { $date: Number.isNaN(time) ? null : new Date(time).toISOString() }
  }
  if (isMap(obj)) {
    const entries: Json[] = []
    let i = 0
    for (const [k, v] of Map.prototype.entries.call(obj) as IterableIterator<[unknown, unknown]>) {
      const at = `${pointer}/$map/${i++}`
      entries.push([encode(k, at + '/0', ancestors), encode(v, at + '/1', ancestors)])
    }
    return { $map: entries }
  }
  if (isSet(obj)) {
    const values: Json[] = []
    for (const v of Set.prototype.values.call(obj) as IterableIterator<unknown>) {
      values.push(encode(v, `${pointer}/$set/${values.length}`, ancestors))
    }
    return { $set: values }
  }
  if (isNativeError(obj) || obj instanceof Error) {
    const name = read(obj, 'name')
    const message = read(obj, 'message')
    return { $error: { name: typeof name === 'string' ? name : 'Error', message: String(message) } }
  }
  if (isRegExp(obj)) return { $regexp: RegExp.prototype.toString.call(obj) }
  if (ArrayBuffer.isView(obj) || isAnyArrayBuffer(obj)) return { $bytes: bytes(obj) }
  if (isBoxedPrimitive(obj)) return encode((obj as { valueOf(): unknown }).valueOf(), pointer, ancestors)
  const via = viaToJSON(obj)
  if (via !== undefined) return encode(via.value, pointer, ancestors)
  return encodePlain(obj, pointer, ancestors)
}

function encodePlain(obj: object, pointer: string, ancestors: Ancestors): Json {
  const keys = Object.keys(obj)
  const wrap = needsWrap(keys)
  const base = wrap ? pointer + '/$object' : pointer
  const out: JsonObject = {}
  for (const key of keys) setOwn(out, key, encode(read(obj, key), base + '/' + escapeToken(key), ancestors))
  return wrap ? { $object: out } : out
}

function bytes(obj: ArrayBufferView | ArrayBufferLike): JsonObject {
  const type = Object.prototype.toString.call(obj).slice(8, -1)
  if (isAnyArrayBuffer(obj) || obj instanceof DataView) {
    const view =
      obj instanceof DataView ? new Uint8Array(obj.buffer, obj.byteOffset, obj.byteLength) : new Uint8Array(obj as ArrayBufferLike)
    return { type, length: view.length, head: Array.from(view.subarray(0, BYTES_HEAD)) }
  }
  const typed = obj as unknown as { length: number; subarray(a: number, b: number): ArrayLike<number | bigint> }
  const head = Array.from(typed.subarray(0, BYTES_HEAD), (v) => encode(v))
  return { type, length: typed.length, head }
}
