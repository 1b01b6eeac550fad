/**
 * The body of `POST /actions`, checked before it reaches the runtime: an object with a string
 * `type`, and values nested no deeper than a recorded value may be (`MAX_DEPTH`). A deeper value
 * would be recorded cut short as the action's cause, and one deep enough cannot even be copied
 * into the runtime's thread (the structured clone overflows the stack).
 */
import { HTTPException } from 'hono/http-exception'
import type { Action } from '../../shared/protocol'
import { MAX_DEPTH } from '../recorder/encode'

/**
 * The depth of a JSON value in objects and arrays (a primitive is 0, `{}` is 1, `{"a": []}` is 2),
 * counted without recursion; stops counting once past `limit`.
 * @returns the depth, or `limit + 1` for anything deeper than `limit`
 */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }]
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue
    const depth = next.depth + 1
    if (depth > limit) return limit + 1
    if (depth > deepest) deepest = depth
    for (const child of Object.values(next.value)) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth })
    }
  }
  return deepest
}

/**
 * The parsed body as an action.
 * @throws {HTTPException} 400 naming what is wrong: not an object, no string `type`, or a value
 * of the action (its `payload`, its `meta`) nested deeper than `MAX_DEPTH` levels
 * @example actionOf(JSON.parse('{"type": "counter/increment"}'))
 */
export function actionOf(body: unknown): Action {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HTTPException(400, { message: 'the action must be a JSON object like {"type": "counter/increment"}' })
  }
  if (typeof (body as { type?: unknown }).type !== 'string') {
    throw new HTTPException(400, { message: 'the action needs a string "type"' })
  }
  for (const [key, value] of Object.entries(body)) {
    if (nestingDepth(value, MAX_DEPTH) > MAX_DEPTH) {
      throw new HTTPException(400, {
        message: `the action's "${key}" is nested deeper than ${MAX_DEPTH} levels, the limit of a recorded value: send a flatter ${key}`
      })
    }
  }
  return body as Action
}
