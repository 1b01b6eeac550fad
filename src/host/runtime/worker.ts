/**
 * The worker thread that runs one runtime: it loads the module, hands every event of its bus to
 * the recorder for the runtime's whole life, runs the host's commands, and posts the recorder's
 * entries to the host in batches. It knows no seq, no client and no transport.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { Action, Json } from '../../shared/protocol'
import type { BusRuntime } from '../loader/contract'
import { errorText, LoadError, loadRuntime } from '../loader/load'
import { DISPATCH_OUTCOME, DISPATCHED, isPlainObject, type DispatchOutcome } from '../loader/store-adapter'
import { encode } from '../recorder/encode'
import { BadEvent, causeOf, createRecorder, type EntrySink, type Recorder } from '../recorder/recorder'
import { Attribution } from './attribution'
import { installEffects } from './effects'
import { MemoryReporter } from './memory'
import { Outbox } from './outbox'
import { PauseGate } from './pause-gate'
import type { Command, Fault, WorkerData, WorkerMessage } from './messages'

if (parentPort === null) throw new Error('the runtime worker must run in a worker thread')
const port = parentPort
const post = (m: WorkerMessage): void => port.postMessage(m)
const { path, compare, control, pauses, replay, resume } = workerData as WorkerData
const abort = new AbortController()
const attribution = new Attribution()
const outbox = new Outbox(post, (flags) => attribution.ownerOf(flags))
const memory = new MemoryReporter((sample) => post({ t: 'memory', memory: sample }))
const gate = new PauseGate({
  control: new Int32Array(control),
  flush: () => outbox.flush(),
  paused: (by) => post({ t: 'paused', by }),
  readEncoded: (names) => {
    const slices = readSlices()
    const out: Record<string, Json> = {}
    for (const slice of names ?? Object.keys(slices)) {
      if (Object.hasOwn(slices, slice))
        Object.defineProperty(out, slice, { value: encode(slices[slice]), enumerable: true, writable: true, configurable: true })
    }
    return out
  }
})
/** The recorder writes to the outbox, and the gate decides after each entry whether the thread pauses. */
/** Entries the recorder has written, to tell whether verifying at a dispatch's end found something. */
let written = 0
const sink: EntrySink = {
  entry(type, slice, body, span, flags) {
    written++
    outbox.entry(type, slice, body, span, flags)
    gate.recorded(type, slice, body, span)
  },
  verified: () => outbox.verified(),
  get sent() {
    return outbox.sent
  }
}

const fault = (kind: Fault['kind'], e: unknown): void => {
  outbox.flush()
  post({ t: 'fault', kind, message: errorText(e), ...(e instanceof Error && e.stack !== undefined ? { stack: e.stack } : {}) })
  // The host records the note before it reads that the thread paused, so the pause is at the note.
  gate.fault(errorText(e))
}
// The runtime's own timers and promises fail here; the host records it and the runtime goes on.
process.on('uncaughtException', (e) => fault('uncaughtException', e))
process.on('unhandledRejection', (e) => fault('unhandledRejection', e))

let runtime: BusRuntime
let recorder: Recorder
/** The handle's `slices`: only these are recorded. */
let declared: ReadonlySet<string> | undefined

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

/**
 * A listener on the runtime's bus must never throw into the runtime's `emit`. `causeOf` names the
 * action the event says caused it, for the dispatch its entries belong to.
 */
function guard(listener: (e: unknown) => void, causeOf: (e: unknown) => unknown = () => undefined): (e: unknown) => void {
  return (e) => {
    const outer = attribution.enter(causeOf(e))
    try {
      gate.within(() => listener(e))
    } catch (err) {
      fault(err instanceof BadEvent ? 'bad-event' : 'listener', err)
    } finally {
      attribution.leave(outer)
    }
  }
}

/**
 * The action of the host's dispatch running now: the store adapter's outcome of that very action
 * is not noted a second time (the dispatch case notes it).
 */
let hostAction: unknown

/** The store's dispatches since the recording (re)started: a resume starts it afresh where it goes live. */
let recordedDispatches = new WeakSet<object>()

/**
 * A store's dispatch that its changes cannot speak for (see `DispatchOutcome`), as a dispatch note;
 * but the host's own action, which the dispatch case notes.
 */
function dispatchOutcome(e: DispatchOutcome): void {
  if (e.action === hostAction) return
  // The end of a dispatch the recording never saw (a resume's replay, before it went live) is not this recording's.
  if (e.outcome === 'changed' && !recordedDispatches.has(e.action)) return
  const error = e.outcome === 'threw' || e.outcome === 'rejected' ? { error: errorText(e.error) } : {}
  // A note is no dispatch's own entry, though it may be written while one runs (the 'changed' end of the one before).
  attribution.apart(() => recorder.note({ note: 'dispatch', outcome: e.outcome, cause: causeOf(e.action), ...error }))
}

const causingAction = (e: unknown): unknown =>
  typeof e === 'object' && e !== null ? (e as { causingAction?: unknown }).causingAction : undefined

async function run(cmd: Command): Promise<void> {
  const reply = (m: { ok: true; json?: string; settled?: boolean; entries?: number } | { ok: false; error: string }): void => {
    outbox.flush()
    // Before the answer: a dispatch past the memory limit is stopped, not answered as if all were well.
    memory.check()
    post({ t: 'reply', id: cmd.id, ...m })
  }
  try {
    switch (cmd.t) {
      case 'dispatch': {
        // The input first, before anything it causes: replay dispatches these, in order. Notes are
        // written outside the dispatch's attribution, so they never count among its own entries.
        recorder.note({ note: 'input', action: cmd.action as unknown as Json }) // JSON: it came over HTTP
        let entries: number
        let failed: { outcome: 'threw' | 'rejected'; error: string } | undefined
        hostAction = cmd.action
        try {
          let result: unknown
          try {
            result = attribution.call(cmd.n, cmd.action, () => runtime.dispatch(cmd.action))
          } catch (e) {
            failed = { outcome: 'threw', error: errorText(e) }
            throw e
          }
          if (typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function') {
            outbox.flush()
            try {
              await result
            } catch (e) {
              failed = { outcome: 'rejected', error: errorText(e) }
              throw e
            }
          }
        } finally {
          if (hostAction === cmd.action) hostAction = undefined
          // Settled (or failed part way): the runtime is idle, and its state is verified before the answer.
          const before = written
          recorder.settled()
          const foundInPlace = written > before
          entries = attribution.end(cmd.n)
          // What the dispatch's own entries cannot say: it recorded nothing, or it failed. A change
          // verification found as it settled (made in place) is a change: never "no change".
          if (failed !== undefined || (entries === 0 && !foundInPlace)) {
            recorder.note({
              note: 'dispatch',
              outcome: failed?.outcome ?? 'no change',
              cause: causeOf(cmd.action),
              ...(failed ? { error: failed.error } : {})
            })
          }
        }
        reply({ ok: true, settled: true, entries })
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
      case 'compare':
        recorder.setMode(cmd.mode)
        reply({ ok: true, json: JSON.stringify(recorder.mode) })
        return
      case 'ping':
        reply({ ok: true })
        return
      case 'pauses':
        gate.set(cmd.spec)
        reply({ ok: true })
        return
      case 'pause':
        reply({ ok: true })
        gate.requested()
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
  // Before the module loads: from its first statement, what it could not know in advance is recorded (or, replaying, fed back).
  const effects = installEffects({
    script: replay,
    live: resume === true,
    outbox,
    issue: (issue) => post({ t: 'replay-issue', issue })
  })
  try {
    runtime = await loadRuntime(path, abort.signal)
    declared = runtime.slices !== undefined ? new Set(runtime.slices) : undefined
    const mode = compare ?? (runtime.immutable === true ? 'trust' : runtime.immutable === false ? 'full' : 'verify')
    recorder = createRecorder({
      sink,
      readSlices,
      ...(declared ? { declared } : {}),
      compare: mode,
      ...effects.recorderClocks,
      onError: (e) => fault('listener', e)
    })
    runtime.bus.on(
      'state-changed',
      guard((e) => recorder.stateChanged(e), causingAction)
    )
    runtime.bus.on(
      'execution-lifecycle',
      guard((e) => recorder.lifecycle(e))
    )
    runtime.bus.on(
      'custom-event',
      guard((e) => recorder.custom(e))
    )
    runtime.bus.on(
      DISPATCH_OUTCOME,
      guard((e) => dispatchOutcome(e as DispatchOutcome))
    )
    runtime.bus.on(
      DISPATCHED,
      guard(
        (action) => {
          if (typeof action === 'object' && action !== null) recordedDispatches.add(action)
          recorder.dispatched(action)
        },
        (action) => action
      )
    )
    const slices = recorder.reset()
    // A resume is ready only once its script has run (below): the host reads nothing of it before.
    if (resume !== true) {
      if (pauses !== undefined) gate.set(pauses, slices)
      post({ t: 'ready', slices, compare: recorder.mode, memory: memory.reset() })
    }
    effects.outside(() => memory.start())
    // A replay dispatches the recorded inputs itself (negative ids: no command of the host's), then says it is done.
    void effects
      .drive?.(
        (action, input) => void run({ t: 'dispatch', id: -input, action: action as unknown as Action, n: -input }),
        (done, total) => post({ t: 'replay-progress', done, total })
      )
      .then(() => {
        outbox.flush()
        if (effects.goLive === undefined) return post({ t: 'replay-done' })
        // A resume goes live here: what it recorded while replaying was sent before (the host drops
        // it), and the state reached is the new recording's start.
        const resumed = effects.goLive()
        recordedDispatches = new WeakSet()
        const live = recorder.reset()
        if (pauses !== undefined) gate.set(pauses, live)
        post({ t: 'ready', slices: live, compare: recorder.mode, memory: memory.reset(), resumed })
      })
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
