/**
 * Valtio proxies. Each key of the proxy that holds no function is a slice, read from Valtio's own
 * `snapshot` (immutable, sharing what did not change), so a change in place is recorded as exactly
 * as a replaced value. Valtio's ops are the cause of a change made outside a dispatch (`set
 * /todos/0/done` with the value set as the payload; `delete /draft`); a dispatch
 * `{ type: NAME, payload }` calls the proxy's method NAME and is the cause of what it changes,
 * after an `await` too. Ops are turned on in the module's copy of Valtio (`unstable_enableOp`).
 */
import { EventEmitter } from 'node:events'
import type { Action } from '../../../shared/protocol'
import type { BusRuntime } from '../contract'
import { librariesFrom } from './resolve'
import { afterSettled, callByName, CauseScope, dataOf, emitDispatched, isObjectLike, SliceReporter, type AdapterContext } from './shared'

type Op = [op: string, path: readonly PropertyKey[], value?: unknown, previous?: unknown]

interface Valtio {
  getVersion(v: unknown): number | undefined
  snapshot(v: object): unknown
  subscribe(v: object, listener: (ops: Op[]) => void, notifyInSync?: boolean): () => void
  unstable_enableOp?: (enabled?: boolean) => void
}

/** The module's copy of Valtio that made `v`, if a copy did. */
export async function valtioOf(v: unknown, ctx: AdapterContext): Promise<Valtio | undefined> {
  if (!isObjectLike(v) || typeof v === 'function' || Array.isArray(v)) return undefined
  for (const lib of await librariesFrom(ctx, 'valtio/vanilla')) {
    if (typeof lib.getVersion === 'function' && typeof lib.snapshot === 'function' && typeof lib.subscribe === 'function') {
      if ((lib.getVersion as (v: unknown) => unknown)(v) !== undefined) return lib as unknown as Valtio
    }
  }
  return undefined
}

export function adaptValtio(state: object, valtio: Valtio): BusRuntime {
  const bus = new EventEmitter()
  const scope = new CauseScope()
  valtio.unstable_enableOp?.(true)
  const read = (): Record<string, unknown> => dataOf({ ...(valtio.snapshot(state) as Record<string, unknown>) })
  const reporter = new SliceReporter(bus, read())
  const unsubscribe = valtio.subscribe(state, (ops) => reporter.report(read(), scope.current ?? opsAsCause(ops)), true)
  return {
    getState: read,
    dispatch(action) {
      return scope.run(action, () => afterSettled(callByName(state, action, 'The Valtio proxy'), () => emitDispatched(bus, action)))
    },
    bus,
    dispose: unsubscribe
  }
}

/** Ops as a cause: `set /a/0` with the value as the payload, several joined by commas. */
export function opsAsCause(ops: readonly Op[]): Action {
  if (ops.length === 0) return { type: '(valtio change)' }
  const type = ops.map(([op, path]) => `${op} ${pointer(path)}`).join(', ')
  const [first] = ops
  return ops.length === 1 && first![0] === 'set' ? { type, payload: first![2] } : { type }
}

function pointer(path: readonly PropertyKey[]): string {
  return path.map((k) => `/${String(k).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')
}
