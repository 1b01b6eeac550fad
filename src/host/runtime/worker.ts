/**
 * The worker thread that runs one runtime: it loads the module, listens to its bus once for the
 * runtime's whole life, diffs each change against the recorder's snapshot, and posts the
 * entries to the host in batches. It knows no seq, no client and no transport.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { Action, Cause, Json } from '../../shared/protocol'
import type { BusRuntime } from '../loader/contract'
import { errorText, LoadError, loadRuntime } from '../loader/load'
import { isPlainObject } from '../loader/store-adapter'
import { encode } from '../recorder/encode'
import { CHANGE_PATCHES, CHANGE_VALUE } from '../recorder/segment'
import { Snapshot } from '../recorder/snapshot'
import { Outbox } from './outbox'
import type { Command, Fault, WorkerData, WorkerMessage } from './messages'

if (parentPort === null) throw new Error('the runtime worker must run in a worker thread')
const port = parentPort
const post = (m: WorkerMessage): void => port.postMessage(m)
const { path } = workerData as WorkerData
const abort = new AbortController()
/** Made once the runtime is loaded, as it may declare itself immutable. */
let snapshot = new Snapshot()
const outbox = new Outbox((batch) => {
  lastCause = ''
  post(batch)
})

const fault = (kind: Fault['kind'], e: unknown): void => {
  outbox.flush()
  post({ t: 'fault', kind, message: errorText(e), ...(e instanceof Error && e.stack !== undefined ? { stack: e.stack } : {}) })
}
// The runtime's own timers and promises fail here; the host records it and the runtime goes on.
process.on('uncaughtException', (e) => fault('uncaughtException', e))
process.on('unhandledRejection', (e) => fault('unhandledRejection', e))

let runtime: BusRuntime
let declared: Set<string> | undefined

/** The runtime's slices: the declared ones, else the state's keys, else one slice `state`. */
function readSlices(): Record<string, unknown> {
  const state = runtime.getState()
  if (declared !== undefined) {
    const out: Record<string, unknown> = {}
    const src = (typeof state === 'object' && state !== null ? state : {}) as Record<string, unknown>
    for (const slice of declared) if (Object.hasOwn(src, slice)) out[slice] = src[slice]
    return out
  }
  return isPlainObject(state) ? state : { state }
}

function sliceExists(slice: string): boolean {
  return Object.hasOwn(readSlices(), slice)
}

function causeOf(action: unknown): Cause {
  if (typeof action !== 'object' || action === null) return { type: '(no action)' }
  const a = action as Action
  const cause: Cause = { type: typeof a.type === 'string' ? a.type : String(a.type) }
  const id = a.meta?.__ellie?.actionId
  if (typeof id === 'string') cause.id = id
  if (a.payload !== undefined) cause.payload = encode(a.payload)
  return cause
}

/**
 * The cause's JSON, made once per action: a step that changes three slices records three entries
 * with the same cause. Forgotten when a batch is sent, so an action object the runtime reuses and
 * changes later is encoded anew.
 */
let lastAction: unknown
let lastCause = ''

function causeJson(action: unknown): string {
  if (action !== lastAction || lastCause === '') {
    lastAction = action
    lastCause = JSON.stringify(causeOf(action))
  }
  return lastCause
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null
}

function onStateChanged(e: unknown): void {
  if (!isRecord(e) || typeof e.slice !== 'string') {
    fault('bad-event', new TypeError('a "state-changed" event must be { slice: string, after, causingAction }'))
    return
  }
  const slice = e.slice
  if (declared !== undefined && !declared.has(slice)) return
  const change = e.after === undefined && !sliceExists(slice) ? snapshot.remove(slice) : snapshot.update(slice, e.after)
  if (change === undefined) return
  const head = `"slice":${JSON.stringify(slice)},`
  const tail = `,"cause":${causeJson(e.causingAction)},"timestamp":${Date.now()}}`
  if ('removed' in change) {
    outbox.pushBody('state.update', slice, `${head}"removed":true${tail}`)
    return
  }
  const patches = 'patches' in change
  const key = patches ? '"patches":' : '"value":'
  const json = JSON.stringify(patches ? change.patches : change.value)
  const from = head.length + key.length
  outbox.pushBody('state.update', slice, head + key + json + tail, {
    kind: patches ? CHANGE_PATCHES : CHANGE_VALUE,
    from,
    to: from + json.length
  })
}

function onLifecycle(e: unknown): void {
  if (!isRecord(e) || typeof e.executionId !== 'string') {
    fault('bad-event', new TypeError('an "execution-lifecycle" event must be { status, executionId: string, turnId?, error? }'))
    return
  }
  const body: Record<string, Json> = { status: String(e.status), executionId: e.executionId }
  if (e.turnId !== undefined && e.turnId !== null) body.turnId = String(e.turnId)
  if (e.error !== undefined && e.error !== null) {
    body.error = isRecord(e.error) && typeof e.error.message === 'string' ? e.error.message : String(e.error)
  }
  body.timestamp = Date.now()
  outbox.push('execution.status', null, body)
}

function onCustom(data: unknown): void {
  outbox.push('custom-event', null, { data: encode(data), timestamp: Date.now() })
}

/** A listener on the runtime's bus must never throw into the runtime's `emit`. */
function guard(listener: (e: unknown) => void): (e: unknown) => void {
  return (e) => {
    try {
      listener(e)
    } catch (err) {
      fault('listener', err)
    }
  }
}

async function run(cmd: Command): Promise<void> {
  const reply = (m: { ok: true; json?: string; settled?: boolean } | { ok: false; error: string }): void => {
    outbox.flush()
    post({ t: 'reply', id: cmd.id, ...m })
  }
  try {
    switch (cmd.t) {
      case 'dispatch': {
        const result = runtime.dispatch(cmd.action)
        if (isRecord(result) && typeof result.then === 'function') {
          outbox.flush()
          await result
        }
        reply({ ok: true, settled: true })
        return
      }
      case 'state': {
        const slices = readSlices()
        const out: Record<string, Json> = {}
        for (const slice of Object.keys(slices)) {
          Object.defineProperty(out, slice, { value: encode(slices[slice]), enumerable: true, writable: true, configurable: true })
        }
        reply({ ok: true, json: JSON.stringify(out) })
        return
      }
      case 'ping':
        reply({ ok: true })
        return
      case 'dispose':
        abort.abort()
        await runtime.dispose?.()
        reply({ ok: true })
        return
    }
  } catch (e) {
    reply({ ok: false, error: errorText(e) })
  }
}

/** Loads the runtime and subscribes to its bus; on failure says why (the host then ends the thread). */
async function main(): Promise<boolean> {
  try {
    runtime = await loadRuntime(path, abort.signal)
    declared = runtime.slices !== undefined ? new Set(runtime.slices) : undefined
    snapshot = new Snapshot({ trustReferences: runtime.immutable === true })
    runtime.bus.on('state-changed', guard(onStateChanged))
    runtime.bus.on('execution-lifecycle', guard(onLifecycle))
    runtime.bus.on('custom-event', guard(onCustom))
    post({ t: 'ready', slices: JSON.stringify(snapshot.reset(readSlices())) })
    return true
  } catch (e) {
    const error = e instanceof LoadError ? e.message : `Cannot load ${path}: reading its state failed: ${errorText(e)}`
    post({ t: 'failed', error })
    return false
  }
}

const loaded = main()
// Listening from the start keeps the thread alive while it loads: a factory whose promise never
// settles, with nothing else pending, would otherwise end the thread (as if the module had exited)
// instead of running into the load time limit. The host sends no command before `ready`.
port.on('message', (cmd: Command) => void loaded.then((ok) => (ok ? run(cmd) : undefined)))
await loaded
