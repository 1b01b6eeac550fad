import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, test } from 'vitest'
import { noteOf } from '../../../src/shared/notes'
import { VERIFICATION_CAUSE, type HistoryEvent, type RuntimeInfo, type StateUpdateEvent } from '../../../src/shared/protocol'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'
import { Mirror } from '../../helpers/mirror'

const TODOS_BUG = fileURLToPath(new URL('../../../examples/todos-bug.mjs', import.meta.url))

let h: TestHost | undefined

afterEach(async () => {
  await h?.close()
  h = undefined
})

async function compare(t: TestHost, body: unknown): Promise<{ status: number; body: RuntimeInfo & { error?: { message: string } } }> {
  const res = await t.fetch('/runtime/compare', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  return { status: res.status, body: (await res.json()) as RuntimeInfo & { error?: { message: string } } }
}

/** Every retained entry, from the session file the host exports (between its header and its closing line). */
async function entries(t: TestHost): Promise<HistoryEvent[]> {
  const text = await (await t.fetch('/history')).text()
  return text
    .trim()
    .split('\n')
    .slice(1, -1)
    .map((line) => JSON.parse(line) as HistoryEvent)
}

describe('the reducer bug, through the host', () => {
  test('a toggle made in place is recorded, marked, and listed by GET /runtime before POST /actions answers', async () => {
    h = await startTestHost({ runtime: TODOS_BUG })
    expect(h.loadError).toBeUndefined()
    expect((await h.getJson<RuntimeInfo>('/runtime')).compare).toBe('verify')
    const add = await h.dispatch({ type: 'todos/add', payload: { text: 'ship it' } })
    expect(add.status).toBe(200)
    const toggle = await h.dispatch({ type: 'todos/toggle', payload: { id: 2 } })
    expect(toggle.status).toBe(200)
    const all = await entries(h)
    const found = all.filter((e): e is StateUpdateEvent => e.type === 'state.update' && e.detected !== undefined)
    // After the toggle's input note, the change verification found is the last entry: the toggle did
    // change the state (in place), so no dispatch note may follow saying it changed nothing.
    expect(all.slice(all.findIndex((e) => e.seq === add.body.seq) + 1).map((e) => noteOf(e)?.note ?? e.type)).toEqual([
      'input',
      'state.update'
    ])
    expect(found).toEqual([
      expect.objectContaining({
        seq: toggle.body.seq,
        slice: 'todos',
        patches: [{ op: 'replace', path: '/1/done', value: true }],
        cause: { type: VERIFICATION_CAUSE },
        detected: { inPlace: true, since: add.body.seq }
      })
    ])
    const info = await h.getJson<RuntimeInfo>('/runtime')
    expect(info.inPlace).toEqual([{ slice: 'todos', how: 'verification', seq: toggle.body.seq, since: add.body.seq, paths: ['/1/done'] }])
    // Compared in full from now on: the next toggle is attributed to its action.
    const again = await h.dispatch({ type: 'todos/toggle', payload: { id: 1 } })
    const last = (await entries(h)).at(-1) as StateUpdateEvent
    expect(last).toMatchObject({
      seq: again.body.seq,
      patches: [{ op: 'replace', path: '/0/done', value: false }],
      cause: { type: 'todos/toggle' }
    })
    expect(last.detected).toBeUndefined()
    const mirror = new Mirror()
    for (const e of await entries(h)) mirror.apply(e)
    expect(mirror.state).toEqual(await h.state())
  })

  test('POST /runtime/compare chooses the full compare, and refuses what it does not know', async () => {
    h = await startTestHost({ runtime: TODOS_BUG })
    const full = await compare(h, { mode: 'full' })
    expect(full.status).toBe(200)
    expect(full.body.compare).toBe('full')
    await h.dispatch({ type: 'todos/toggle', payload: { id: 2 } })
    const last = (await entries(h)).at(-1) as StateUpdateEvent
    // Compared in full, a store's slice is compared after every dispatch: the change is the action's.
    expect(last).toMatchObject({ patches: [{ op: 'replace', path: '/1/done', value: true }], cause: { type: 'todos/toggle' } })
    expect(last.detected).toBeUndefined()
    expect((await compare(h, { mode: 'verify' })).body.compare).toBe('verify')
    const bad = await compare(h, { mode: 'trust' })
    expect(bad.status).toBe(400)
    expect(bad.body.error?.message).toMatch(/"full".*"verify"/)
  })

  test('--full-compare (the host option) and immutable: false compare in full from the start', async () => {
    h = await startTestHost({ runtime: TODOS_BUG, compare: 'full' })
    expect((await h.getJson<RuntimeInfo>('/runtime')).compare).toBe('full')
    await h.close()
    h = await startTestHost({ runtime: fixture('bus-runtime.mjs') })
    expect((await h.getJson<RuntimeInfo>('/runtime')).compare).toBe('verify')
  })

  test('POST /runtime/compare with no runtime answers 409', async () => {
    h = await startTestHost()
    expect((await compare(h, { mode: 'full' })).status).toBe(409)
  })
})
