import { Snapshot } from '../src/host/recorder/snapshot'
import { History } from '../src/host/recorder/history'
import { applyEvent, newEdit } from '../src/shared/state'
import type { HistoryEvent, Slices } from '../src/shared/protocol'
import { createAgent } from './workloads/agent.mjs'
const start = Number(process.argv[2] ?? 0)
const agent = createAgent({ startStep: start })
const snap = new Snapshot()
const base = snap.reset(agent.getState() as unknown as Record<string, unknown>)
const h = new History({ base: base as Slices })
const bodies: string[] = []
const cause = { type: 'bench/steps', payload: { steps: 1000 } }
let appendNs = 0n
let stringifyNs = 0n
agent.bus.on('state-changed', (e: { slice: string; after: unknown }) => {
  const ch = snap.update(e.slice, e.after)
  const t0 = process.hrtime.bigint()
  const body = JSON.stringify({ slice: e.slice, ...ch, cause, timestamp: Date.now() }).slice(1)
  const t1 = process.hrtime.bigint()
  h.append('state.update', e.slice, body)
  const t2 = process.hrtime.bigint()
  stringifyNs += t1 - t0
  appendNs += t2 - t1
  bodies.push(body)
})
agent.dispatch({ type: 'bench/steps', payload: { steps: 20000 } })
console.log(
  'entries',
  h.size,
  'append incl. checkpoints',
  Number(appendNs) / h.size / 1000,
  'us/entry; stringify',
  Number(stringifyNs) / h.size / 1000
)
// components over the last 30720 entries
const seqs = Array.from({ length: 30720 }, (_, i) => h.lastSeq - 30720 + 1 + i)
let t = process.hrtime.bigint()
const strs = seqs.map((q) => h.segment(q).data(q))
const decode = Number(process.hrtime.bigint() - t) / seqs.length
t = process.hrtime.bigint()
const evs = strs.map((s) => JSON.parse(s) as HistoryEvent)
const parse = Number(process.hrtime.bigint() - t) / seqs.length
t = process.hrtime.bigint()
let state = h.stateAt(seqs[0]! - 1)
for (let i = 0; i < evs.length; i++) {
  if (i % 1024 === 0) {
    state = { ...state }
  }
  state = applyEvent(state, evs[i]!, i % 1024 === 0 ? newEdit() : newEdit())
}
const applyNew = Number(process.hrtime.bigint() - t) / seqs.length
t = process.hrtime.bigint()
let owned = newEdit()
state = h.stateAt(seqs[0]! - 1)
for (let i = 0; i < evs.length; i++) {
  if (i % 1024 === 0) owned = newEdit()
  state = applyEvent(state, evs[i]!, owned)
}
const apply = Number(process.hrtime.bigint() - t) / seqs.length
console.log(
  `per entry: decode ${(decode / 1000).toFixed(2)} us, JSON.parse ${(parse / 1000).toFixed(2)} us, apply ${(apply / 1000).toFixed(2)} us (fresh edit each: ${(applyNew / 1000).toFixed(2)}), avg body ${Math.round(strs.reduce((a, s) => a + s.length, 0) / strs.length)} chars`
)
