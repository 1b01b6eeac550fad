import { Hono } from 'hono'
import { describe, expect, test } from 'vitest'
import { History } from '../../src/host/recorder/history'
import { exportSession } from '../../src/host/recorder/session-file'
import { createDocumentRoutes } from '../../src/host/server/document-routes'
import { onError } from '../../src/host/server/errors'
import { documentFile, documentLabel, Documents, LIVE, readDocument, type DocumentView } from '../../src/renderer/src/lib/documents.svelte'
import { HistoryStore } from '../../src/renderer/src/lib/model/store'
import { Log } from './model/log'

/** The host's real `POST /documents`, answering in-process; every other path is 404. */
function host(): { request: (path: string, init?: RequestInit) => Promise<Response>; posted: string[] } {
  const app = new Hono().onError(onError).route('/', createDocumentRoutes())
  const posted: string[] = []
  return {
    posted,
    request: async (path, init) => {
      posted.push(path)
      return app.request(path, init)
    }
  }
}

class View implements DocumentView {
  fills = 0
  constructor(readonly store: HistoryStore) {}
  filled(): void {
    this.fills++
  }
}

/** A session file of a history whose entries are seqs 21.. (a host that had recorded before). */
async function sessionFile(): Promise<{ text: string; lastSeq: number }> {
  const h = new History({ base: {}, baseSeq: 20, baseTime: 1_000 })
  h.appendEvent({ type: 'state.initial', slices: { a: 0, chat: [] }, timestamp: 1_000, reset: true })
  h.appendEvent({ type: 'execution.status', status: 'started', executionId: 'run-1', turnId: 'turn-1', timestamp: 1_001 })
  h.appendEvent({ type: 'state.update', slice: 'a', value: 1, cause: { type: 'inc' }, timestamp: 1_002 })
  h.appendEvent({
    type: 'state.update',
    slice: 'chat',
    patches: [{ op: 'add', path: '/-', value: 'hi' }],
    cause: { type: 'say' },
    timestamp: 1_003
  })
  const text = await new Response(exportSession(h, { path: '/x/agent.mjs', name: 'agent.mjs', status: 'loaded' }, 5_000)).text()
  return { text, lastSeq: h.lastSeq }
}

function setUp(): { docs: Documents<View>; live: View; posted: string[] } {
  const { request, posted } = host()
  const live = new View(new Log({ a: 9 }).update('a', { value: 10 }).store())
  return { docs: new Documents({ request, live, makeView: (store) => new View(store) }), live, posted }
}

describe('Documents', () => {
  test('shows the live session until a file is opened', () => {
    const { docs, live } = setUp()
    expect(docs.shownId).toBe(LIVE)
    expect(docs.shown).toBe(live)
    expect(docs.showingLive).toBe(true)
    expect(docs.document).toBeUndefined()
  })

  test('opens a file as a document of its own, with the file’s seqs, beside the live session, and shows it', async () => {
    const { docs, live, posted } = setUp()
    const liveLast = live.store.lastSeq
    const { text, lastSeq } = await sessionFile()
    const doc = await docs.open(new Blob([text]), 'agent.ndjson')
    expect(posted).toEqual(['/documents?name=agent.ndjson'])
    expect(doc).toBeDefined()
    expect(docs.shownId).toBe(doc?.id)
    expect(docs.showingLive).toBe(false)
    const store = docs.shown.store
    expect(store).not.toBe(live.store)
    expect(store.baseSeq).toBe(21)
    expect(store.lastSeq).toBe(lastSeq)
    expect(store.stateAt(store.length - 1)).toEqual({ a: 1, chat: ['hi'] })
    expect(store.executions.get('run-1')).toMatchObject({ life: 0, first: 1 })
    expect(docs.shown.fills).toBe(1)
    expect(doc?.head).toMatchObject({ events: 4, firstSeq: 21, renumbered: false, complete: true, runtime: { name: 'agent.mjs' } })
    // The live session is not appended to or renumbered.
    expect(live.store.lastSeq).toBe(liveLast)
    expect(live.store.stateAt(live.store.length - 1)).toEqual({ a: 10 })
    expect(documentLabel(doc as NonNullable<typeof doc>)).toBe('agent.ndjson — imported, 4 entries')
  })

  test('two documents are two stores, even of the same file; switching and closing come back to live', async () => {
    const { docs, live } = setUp()
    const { text } = await sessionFile()
    const one = await docs.open(new Blob([text]), 'a.ndjson')
    const two = await docs.open(new Blob([text]), 'a.ndjson')
    expect(one?.id).not.toBe(two?.id)
    expect(one?.view.store).not.toBe(two?.view.store)
    expect(docs.opened).toHaveLength(2)
    docs.show(one?.id as string)
    expect(docs.shown).toBe(one?.view)
    docs.show(LIVE)
    expect(docs.shown).toBe(live)
    docs.show('no-such-document')
    expect(docs.shown).toBe(live)
    docs.show(two?.id as string)
    docs.close(two?.id as string)
    expect(docs.shown).toBe(live)
    expect(docs.opened.map((d) => d.id)).toEqual([one?.id])
    // Closing one not shown leaves the shown one alone.
    docs.show(one?.id as string)
    docs.close('doc-99')
    expect(docs.shown).toBe(one?.view)
  })

  test('a refused file names its line and opens nothing; what was shown stays shown', async () => {
    const { docs, live } = setUp()
    const bad = '{"format":"patchscope-session","version":1,"runtime":{},"createdAt":""}\n{"type":"state.update","seq":1}\n'
    expect(await docs.open(new Blob([bad]), 'bad.ndjson')).toBeUndefined()
    expect(docs.error).toMatch(/^bad\.ndjson was not opened: the session file cannot be opened: line 2: /)
    expect(docs.opened).toEqual([])
    expect(docs.shown).toBe(live)
    expect(docs.busy).toBe(false)
  })

  test('a host that cannot be reached is said so', async () => {
    const live = new View(new HistoryStore())
    const docs = new Documents({ request: () => Promise.reject(new Error('ECONNREFUSED')), live, makeView: (s) => new View(s) })
    expect(await docs.open(new Blob(['x']), 'f.ndjson')).toBeUndefined()
    expect(docs.error).toBe('f.ndjson was not opened: the host could not be reached: ECONNREFUSED')
  })

  test('a file cut short opens, and its document says what it holds', async () => {
    const { docs } = setUp()
    const { text } = await sessionFile()
    const cut = `${text.trimEnd().split('\n').slice(0, -1).join('\n')}\n`
    const doc = await docs.open(new Blob([cut]), 'cut.ndjson')
    expect(doc?.head).toMatchObject({ complete: false, statement: expect.stringMatching(/^cut short after 4 events/) })
  })

  test('a document exported from the window opens again as the same document, complete', async () => {
    const { docs } = setUp()
    const { text } = await sessionFile()
    const doc = await docs.open(new Blob([text]), 'agent.ndjson')
    const again = await docs.open(documentFile(doc as NonNullable<typeof doc>), 'copy.ndjson')
    expect(again?.head).toMatchObject({ complete: true, firstSeq: 21, events: 4 })
    const a = doc?.view.store as HistoryStore
    const b = again?.view.store as HistoryStore
    expect(Array.from({ length: b.length }, (_, i) => b.raw(i))).toEqual(Array.from({ length: a.length }, (_, i) => a.raw(i)))
  })
})

describe('readDocument', () => {
  test('refuses an answer that holds fewer events than its head says', () => {
    const head = JSON.stringify({ runtime: {}, createdAt: '', events: 2, firstSeq: 0, renumbered: false, complete: true })
    expect(() => readDocument(`${head}\n{"type":"state.initial","seq":0,"slices":{},"timestamp":1}\n`)).toThrow(
      'the host answered 1 of the document’s 2 events'
    )
  })

  test('refuses an answer whose seqs do not follow one another', () => {
    const head = JSON.stringify({ runtime: {}, createdAt: '', events: 2, firstSeq: 0, renumbered: false, complete: true })
    const lines = ['{"type":"state.initial","seq":0,"slices":{},"timestamp":1}', '{"type":"custom-event","seq":5,"data":1,"timestamp":2}']
    expect(() => readDocument(`${head}\n${lines.join('\n')}\n`)).toThrow('expected entry 1, got 5')
  })
})
