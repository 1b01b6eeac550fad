/**
 * The body of `POST /actions`, checked before it reaches the runtime: an object with a string
 * `type`, and values nested no deeper than a recorded value may be (`MAX_DEPTH`). A deeper value
 * would be recorded cut short as the action's cause, and one deep enough cannot even be copied
 * into the runtime's thread (the structured clone overflows the stack).
 */
import { HTTPException } from 'hono/http-exception'
import { deeperThan } from '../../shared/json-depth'
import type { Action } from '../../shared/protocol'
import { MAX_DEPTH } from '../recorder/encode'

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
    if (deeperThan(value, MAX_DEPTH)) {
      throw new HTTPException(400, {
        message: `the action's "${key}" is nested deeper than ${MAX_DEPTH} levels, the limit of a recorded value: send a flatter ${key}`
      })
    }
  }
  return body as Action
}
