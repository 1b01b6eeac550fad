/**
 * XState v5 actors, and machines (any actor logic), which are started as an actor with the
 * module's own `createActor`. The root actor's `value`, `context` and `status` are slices (and
 * `output` or `error` once it has one); every other actor in its system (spawned or invoked) is
 * an entry of the slice `children`, keyed by its id, with its own status, value, context, output
 * and error. The event an actor processed is the cause of what it changed. Each actor is an
 * execution (the root by its machine's id): `started`, then `completed`, `failed` (with its error)
 * or `cancelled` when it stops. Dispatch sends the action as the event.
 */
import { EventEmitter } from 'node:events'
import type { Action } from '../../../shared/protocol'
import type { BusRuntime } from '../contract'
import { libraryWhere } from './resolve'
import { emitDispatched, isObjectLike, SliceReporter, type AdapterContext } from './shared'

interface Snapshot {
  status: string
  value?: unknown
  context?: unknown
  output?: unknown
  error?: unknown
}

interface ActorRef {
  id: string
  logic?: { id?: unknown }
  system: { inspect(observer: (e: InspectionEvent) => void): { unsubscribe(): void } }
  getSnapshot(): Snapshot
  send(event: unknown): void
  start(): unknown
  stop(): unknown
  subscribe(observer: { error?: (e: unknown) => void; complete?: () => void }): { unsubscribe(): void }
}

interface InspectionEvent {
  type: string
  actorRef: ActorRef
  snapshot?: Snapshot
  event?: unknown
}

export function isXStateActor(v: unknown): v is ActorRef {
  return (
    isObjectLike(v) &&
    typeof v.send === 'function' &&
    typeof v.getSnapshot === 'function' &&
    typeof v.subscribe === 'function' &&
    typeof v.start === 'function' &&
    isObjectLike(v.system) &&
    typeof v.system.inspect === 'function'
  )
}

/** A machine, or other actor logic: what `createActor` starts. */
export function isXStateLogic(v: unknown): boolean {
  return isObjectLike(v) && typeof v.transition === 'function' && typeof v.getInitialSnapshot === 'function'
}

export function almostXState(v: unknown): string | undefined {
  if (!isObjectLike(v) || typeof v.send !== 'function' || typeof v.getSnapshot !== 'function') return undefined
  const missing = ['subscribe', 'start'].filter((k) => typeof v[k] !== 'function')
  if (!(isObjectLike(v.system) && typeof v.system.inspect === 'function')) missing.push('system.inspect (XState 5.x)')
  return missing.length === 0 ? undefined : `it looks like an XState actor (send and getSnapshot) but has no ${missing.join(', no ')}`
}

/** Starts a machine (or other actor logic) as an actor with the module's own XState. */
export async function actorOf(logic: unknown, ctx: AdapterContext): Promise<ActorRef> {
  const xstate = await libraryWhere(ctx, 'xstate', (lib) => typeof lib.createActor === 'function')
  if (xstate === undefined) throw new Error(`it is an XState machine, but "xstate" cannot be resolved from ${ctx.modulePath} to start it`)
  return (xstate.createActor as (logic: unknown) => ActorRef)(logic)
}

export function adaptXState(actor: ActorRef): BusRuntime {
  const bus = new EventEmitter()
  const rootId = typeof actor.logic?.id === 'string' ? actor.logic.id : actor.id
  const statuses = new Map<ActorRef, string>()
  let root = actor.getSnapshot()
  let children: Record<string, unknown> = {}

  const stateNow = (): Record<string, unknown> => {
    const out: Record<string, unknown> = { value: root.value, context: root.context, status: root.status }
    if (root.output !== undefined) out.output = root.output
    if (root.error !== undefined) out.error = root.error
    if (Object.keys(children).length > 0) out.children = children
    return out
  }
  const lifecycle = (ref: ActorRef, snapshot: Snapshot): void => {
    const status = EXECUTION_STATUS[snapshot.status]
    if (status === undefined || statuses.get(ref) === status) return
    statuses.set(ref, status)
    const error = snapshot.status === 'error' ? { message: messageOf(snapshot.error) } : undefined
    bus.emit('execution-lifecycle', { status, executionId: ref === actor ? rootId : ref.id, ...(error ? { error } : {}) })
  }
  const reporter = new SliceReporter(bus, stateNow())

  /** The event the root actor processes now: the cause of an error it ends in, which XState reports to observers only. */
  let current: unknown
  const subscription = actor.system.inspect((e) => {
    if (e.type === '@xstate.event' && e.actorRef === actor) current = e.event
    if (e.type === '@xstate.actor' && e.actorRef !== actor) {
      statuses.set(e.actorRef, 'started')
      bus.emit('execution-lifecycle', { status: 'started', executionId: e.actorRef.id })
      return
    }
    if (e.type !== '@xstate.snapshot' || e.snapshot === undefined) return
    if (e.actorRef === actor) root = e.snapshot
    else children = { ...children, [e.actorRef.id]: summary(e.snapshot) }
    reporter.report(stateNow(), eventAsCause(e.event))
    lifecycle(e.actorRef, e.snapshot)
  })
  // An error the actor ends in is recorded as its state and status; observed, XState does not rethrow it.
  const ended = (): void => {
    root = actor.getSnapshot()
    reporter.report(stateNow(), eventAsCause(current))
    lifecycle(actor, root)
  }
  // Stopped (by the module or on unload), the actor completes its observers, and reports no snapshot.
  const observed = actor.subscribe({ error: ended, complete: ended })
  if (!statuses.has(actor)) {
    statuses.set(actor, 'started')
    bus.emit('execution-lifecycle', { status: 'started', executionId: rootId })
  }
  actor.start()
  root = actor.getSnapshot()
  children = childrenOf(root)

  return {
    getState: stateNow,
    dispatch(action) {
      const status = actor.getSnapshot().status
      if (status !== 'active') throw new Error(`The XState actor ${rootId} is ${status}: it takes no more events`)
      actor.send(action)
      emitDispatched(bus, action)
      return undefined
    },
    bus,
    dispose() {
      actor.stop()
      subscription.unsubscribe()
      observed.unsubscribe()
    }
  }
}

const EXECUTION_STATUS: Record<string, string> = { active: 'started', done: 'completed', error: 'failed', stopped: 'cancelled' }

/** What the history shows of an actor: its status, and its value, context, output and error where it has them. */
function summary(s: Snapshot): Record<string, unknown> {
  const out: Record<string, unknown> = { status: s.status }
  if (s.value !== undefined) out.value = s.value
  if (s.context !== undefined) out.context = s.context
  if (s.output !== undefined) out.output = s.output
  if (s.error !== undefined) out.error = s.error
  return out
}

/** The children a started actor already has (an actor exported running). */
function childrenOf(s: Snapshot): Record<string, unknown> {
  const refs = (s as { children?: unknown }).children
  const out: Record<string, unknown> = {}
  if (!isObjectLike(refs)) return out
  for (const [id, ref] of Object.entries(refs)) {
    if (isObjectLike(ref) && typeof ref.getSnapshot === 'function') out[id] = summary((ref.getSnapshot as () => Snapshot)())
  }
  return out
}

/**
 * An event as a cause: itself when it is shaped like an action, else its type with its other
 * properties as the payload (`{ type: 'ADD', text }` → `{ type: 'ADD', payload: { text } }`).
 */
export function eventAsCause(event: unknown): Action {
  if (!isObjectLike(event) || typeof event.type !== 'string') return { type: '(no event)' }
  const { type, payload, meta, error, ...rest } = event as Record<string, unknown> & { type: string }
  if (Object.keys(rest).length === 0) return event as unknown as Action
  return {
    type,
    payload: payload === undefined ? rest : { ...rest, payload },
    ...(isObjectLike(meta) ? { meta: meta as Action['meta'] } : {}),
    ...(error !== undefined ? { error } : {})
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error))
}
