/**
 * MobX observable objects (`observable({...})`, or a class instance made observable with
 * `makeObservable`/`makeAutoObservable`). Each own key that holds no function is a slice (computed
 * values are derived, so not recorded). MobX changes objects in place, so the recorder compares the
 * slices in full when an action ends (`immutable: false`). The cause is the outermost MobX action,
 * named as MobX names it (a method's name for a class; `ObservableObject@N.name` for an object
 * literal), its arguments as the payload, found with the module's own `spy`; a change made outside
 * any action is caused by `set <object>.<key>`. Dispatch `{ type: NAME, payload }` calls the method
 * NAME. MobX reports to `spy` in development builds only: with `NODE_ENV=production` changes are
 * recorded after each dispatch and when the recorder verifies, not as each action ends.
 */
import { EventEmitter } from 'node:events'
import type { Action } from '../../../shared/protocol'
import type { BusRuntime } from '../contract'
import { libraryWhere } from './resolve'
import {
  afterSettled,
  callByName,
  CauseScope,
  dataOf,
  emitDispatched,
  isObjectLike,
  payloadOf,
  SliceReporter,
  type AdapterContext
} from './shared'

interface SpyEvent {
  type: string
  name?: string
  debugObjectName?: string
  arguments?: unknown[]
  spyReportStart?: boolean
  spyReportEnd?: boolean
}

/** True when the value carries MobX's administration (an observable object, array, map or set). */
export function hasMobxAdministration(v: unknown): v is object {
  return isObjectLike(v) && Object.getOwnPropertySymbols(v).some((s) => s.description === 'mobx administration')
}

export function isMobx(v: unknown): v is object {
  return hasMobxAdministration(v) && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Set)
}

export function almostMobx(v: unknown): string | undefined {
  if (!hasMobxAdministration(v) || isMobx(v)) return undefined
  const kind: unknown = v
  return `it is a MobX observable ${Array.isArray(kind) ? 'array' : kind instanceof Map ? 'map' : 'set'}: export an observable object that holds it (observable({ … }), or a class with makeAutoObservable)`
}

export async function adaptMobx(target: object, ctx: AdapterContext): Promise<BusRuntime> {
  const mobx = await libraryWhere(ctx, 'mobx', (lib) => (lib.isObservableObject as (v: unknown) => boolean)(target))
  if (mobx === undefined)
    throw new Error(`it is a MobX observable object, but no copy of "mobx" resolved from ${ctx.modulePath} recognises it`)
  const bus = new EventEmitter()
  const scope = new CauseScope()
  const read = (): Record<string, unknown> => dataOf({ ...(target as Record<string, unknown>) })
  const reporter = new SliceReporter(bus, read())
  /** Reports so far, so a dispatch whose changes the spy reported is not compared again. */
  let reports = 0
  const report = (cause: Action): void => {
    reports++
    reporter.report(read(), cause)
    emitDispatched(bus, cause)
  }

  /** The reports MobX has started and not ended: an action's end is the outermost one's when none is open below it. */
  const open: SpyEvent[] = []
  const stopSpying = (mobx.spy as (listener: (e: SpyEvent) => void) => () => void)((e) => {
    if (e.spyReportEnd === true) {
      const started = open.pop()
      if (started === undefined || open.some((o) => o.type === 'action')) return
      if (started.type === 'action') report(scope.current ?? { type: started.name ?? '(action)', ...argsPayload(started.arguments) })
      else if (CHANGES.has(started.type) && open.length === 0)
        report(scope.current ?? { type: `set ${started.debugObjectName ?? '(object)'}.${started.name ?? ''}` })
      return
    }
    if (e.spyReportStart === true) open.push(e)
  })

  return {
    getState: read,
    dispatch(action) {
      const before = reports
      return scope.run(action, () =>
        afterSettled(callByName(target, action, 'The MobX object'), () => {
          // A method that is no MobX action (or a production build, which does not spy) is compared now.
          if (reports === before) report(action)
        })
      )
    },
    bus,
    immutable: false,
    dispose: stopSpying
  }
}

/** Spy events of a change made to an observable (outside an action, they are each a cause). */
const CHANGES = new Set(['update', 'add', 'delete', 'splice'])

function argsPayload(args: unknown[] | undefined): { payload?: unknown } {
  const payload = payloadOf(args ?? [])
  return payload === undefined ? {} : { payload }
}
