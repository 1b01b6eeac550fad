import { mkdtemp, open, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { Journal } from '../../../src/host/journal/journal'
import { listSessions, pruneSessions, sessionPath, LOCK_SUFFIX } from '../../../src/host/journal/sessions'
import { History } from '../../../src/host/recorder/history'
import { importSession } from '../../../src/host/recorder/session-file'
import type { RuntimeInfo } from '../../../src/shared/protocol'
import { parseClosingLine } from '../../../src/shared/session-end'

const INFO: RuntimeInfo = { path: '/apps/todos.mjs', name: 'todos.mjs', status: 'loaded' }

let dir: string
const journals: Journal[] = []

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchscope-journal-'))
})

afterEach(async () => {
  for (const j of journals.splice(0)) await j.close()
  await rm(dir, { recursive: true, force: true })
})

async function openJournal(history: History, options: Partial<Parameters<typeof Journal.open>[0]> = {}): Promise<Journal> {
  const journal = await Journal.open({ dir, history, runtime: () => INFO, flushMs: 60_000, ...options })
  journals.push(journal)
  return journal
}

function record(history: History, from: number, to: number): void {
  for (let n = from; n < to; n++) {
    history.appendEvent({
      type: 'state.update',
      slice: 'todos',
      patches: [{ op: 'add', path: '/-', value: { n, text: `todo ${n}` } }],
      cause: { type: 'todos/add', payload: n },
      timestamp: n
    })
  }
  history.notify()
}

async function fileOf(journal: Journal): Promise<string> {
  return readFile(sessionPath(dir, journal.status.id as string), 'utf8')
}

async function imported(text: string): Promise<Awaited<ReturnType<typeof importSession>>> {
  return importSession(Readable.from([Buffer.from(text)]), { baseSeq: 0 })
}

describe('the journal', () => {
  test('is a session file: the base, every entry as recorded, and a closing line once closed', async () => {
    const history = new History({ base: { todos: [] } })
    const journal = await openJournal(history)
    record(history, 0, 50)
    await journal.flush()
    const open = await fileOf(journal)
    const lines = open.trimEnd().split('\n')
    expect(JSON.parse(lines[0] as string)).toMatchObject({ format: 'patchscope-session', runtime: { name: 'todos.mjs' } })
    expect(JSON.parse(lines[1] as string)).toMatchObject({ type: 'state.initial', slices: { todos: [] } })
    expect(lines).toHaveLength(52)
    expect(lines.slice(2)).toEqual(
      Array.from({ length: 50 }, (_, i) =>
        history
          .view()
          .segment(i + 1)
          .data(i + 1)
      )
    )
    expect(parseClosingLine(lines.at(-1) as string)).toBeUndefined()

    const id = journal.status.id as string
    await journal.close()
    expect(journal.status.state).toBe('closed')
    const closed = await readFile(sessionPath(dir, id), 'utf8')
    expect(parseClosingLine(closed.trimEnd().split('\n').at(-1) as string)).toMatchObject({ events: 51 })
    const session = await imported(closed)
    expect(session.integrity).toEqual({ complete: true })
    expect(session.history.stateAt(session.history.lastSeq)).toEqual(history.stateAt(history.lastSeq))
    expect(await readdir(dir)).toEqual([id])
  })

  test('writes nothing while recording (only its timer writes), and a journal never closed imports as cut short', async () => {
    const history = new History({ base: { todos: [] } })
    const journal = await openJournal(history)
    const before = await fileOf(journal)
    record(history, 0, 10)
    expect(await fileOf(journal)).toBe(before)
    await journal.flush()
    record(history, 10, 20)
    const session = await imported(await fileOf(journal))
    expect(session.integrity.complete).toBe(false)
    expect(session.integrity).toMatchObject({ statement: expect.stringMatching(/^cut short after 11 events/) })
    expect(session.events).toBe(11)
  })

  test('keeps the file of a history replaced by an import, complete, with what was recorded before, and starts a new one', async () => {
    const history = new History({ base: { todos: [] } })
    const journal = await openJournal(history)
    const first = journal.status.id as string
    record(history, 0, 5)
    const other = new History({ base: { todos: ['imported'] }, baseSeq: history.lastSeq })
    history.adopt(other)
    history.notify()
    await journal.flush()
    const second = journal.status.id as string
    expect(second).not.toBe(first)
    const old = await imported(await readFile(sessionPath(dir, first), 'utf8'))
    expect(old.integrity).toEqual({ complete: true })
    expect(old.events).toBe(6)
    const now = await fileOf(journal)
    expect(JSON.parse(now.split('\n')[1] as string)).toMatchObject({ type: 'state.initial', slices: { todos: ['imported'] } })
  })

  test("follows the history's bounds: once the file holds twice what is retained, it starts again from the base", async () => {
    const history = new History({ base: { todos: [] }, limits: { maxEntries: 600 } })
    const journal = await openJournal(history, { rotateSlackBytes: 0 })
    const first = journal.status.id as string
    for (let i = 0; i < 6; i++) {
      record(history, i * 1000, (i + 1) * 1000)
      await journal.flush()
    }
    await journal.flush()
    expect(journal.status.id).not.toBe(first)
    const names = (await readdir(dir)).filter((n) => !n.endsWith(LOCK_SUFFIX))
    expect(names).toEqual([journal.status.id])
    const session = await imported(await fileOf(journal))
    expect(session.history.stateAt(session.history.lastSeq)).toEqual(history.stateAt(history.lastSeq))
  })

  test('says when the disk is full, goes on recording in memory, and writes again once it can', async () => {
    const history = new History({ base: { todos: [] } })
    let full = false
    const journal = await openJournal(history, {
      openFile: async (path) => {
        const real = await open(path, 'wx')
        const devFull = await open('/dev/full', 'w')
        return new Proxy(real, {
          get: (target, key) => {
            if (key === 'write' && full) return devFull.write.bind(devFull)
            const v = Reflect.get(target, key) as unknown
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
          }
        })
      }
    })
    const seen: string[] = []
    journal.subscribe((s) => seen.push(s.state))
    full = true
    record(history, 0, 10)
    await journal.flush()
    expect(journal.status).toMatchObject({ state: 'failing', error: expect.stringMatching(/disk .* is full/) })
    expect(history.lastSeq).toBe(10)
    record(history, 10, 20)
    full = false
    await journal.flush()
    expect(journal.status.state).toBe('writing')
    expect(seen).toEqual(['failing', 'writing'])
    const session = await imported(await fileOf(journal))
    expect(session.events).toBe(21)
  })

  test('gives up past maxPendingBytes rather than hold the memory, and says so', async () => {
    const history = new History({ base: { todos: [] } })
    const journal = await openJournal(history, { maxPendingBytes: 1000 })
    record(history, 0, 100)
    await journal.flush()
    expect(journal.status).toMatchObject({ state: 'stopped', error: expect.stringMatching(/journal stopped/) })
    record(history, 100, 110)
    expect(history.lastSeq).toBe(110)
  })
})

describe('the folder of sessions', () => {
  test('lists each journal with its runtime, count and state; ids cannot leave the folder', async () => {
    const history = new History({ base: { todos: [] } })
    const done = await openJournal(history)
    record(history, 0, 3)
    const doneId = done.status.id as string
    await done.close()

    const crashed = await openJournal(new History({ base: {} }), { now: () => Date.now() + 1000 })
    const crashedId = crashed.status.id as string
    // A crash: the lock's process is gone (no process has pid 2^22 + 1 here), the file has no closing line.
    await writeFile(join(dir, `${crashedId}${LOCK_SUFFIX}`), JSON.stringify({ pid: 4194305 }))

    const current = await openJournal(new History({ base: {} }), { now: () => Date.now() + 2000 })
    const list = await listSessions(dir, current.status.id)
    const byId = new Map(list.map((s) => [s.id, s]))
    expect(byId.get(doneId)).toMatchObject({ state: 'complete', events: 4, runtime: { name: 'todos.mjs', path: '/apps/todos.mjs' } })
    expect(byId.get(crashedId)).toMatchObject({ state: 'ended unexpectedly', events: 1 })
    expect(byId.get(current.status.id as string)).toMatchObject({ state: 'recording' })
    // Another running host's journal (this process holds the lock) is not offered as a crash.
    expect((await listSessions(dir, null)).find((s) => s.id === current.status.id)?.state).toBe('recording elsewhere')

    for (const bad of ['../x.patchscope.ndjson', 'a/b.patchscope.ndjson', '.patchscope.ndjson', 'x.ndjson']) {
      expect(() => sessionPath(dir, bad)).toThrow(/not the name of a session/)
    }
  })

  test('prunes by age and total size, oldest first, never the journal being written', async () => {
    const ids: string[] = []
    for (let i = 0; i < 4; i++) {
      const j = await openJournal(new History({ base: { pad: 'x'.repeat(10_000) } }), { now: () => Date.now() + i * 1000 })
      ids.push(j.status.id as string)
      await j.close()
    }
    const old = new Date(Date.now() - 30 * 24 * 3600 * 1000)
    await utimes(join(dir, ids[0] as string), old, old)
    const current = await openJournal(new History({ base: {} }))
    expect(await pruneSessions(dir, { current: current.status.id, maxBytes: 25_000 })).toEqual([ids[0], ids[1]])
    const left = (await listSessions(dir, current.status.id)).map((s) => s.id).sort()
    expect(left).toEqual([ids[2], ids[3], current.status.id].sort())
  })
})
