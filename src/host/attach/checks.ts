/** Narrowing of what a remote stream sends (it is not trusted to be well formed). */
import type { Operation } from '../../shared/protocol'

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** True for a list of RFC 6902 operations, each with what its kind needs. */
export function isOps(v: unknown): v is Operation[] {
  return (
    Array.isArray(v) &&
    v.every((op: unknown) => {
      if (!isObject(op) || typeof op.path !== 'string') return false
      if (op.op === 'remove') return true
      if (op.op === 'add' || op.op === 'replace' || op.op === 'test') return 'value' in op
      return (op.op === 'move' || op.op === 'copy') && typeof op.from === 'string'
    })
  )
}
