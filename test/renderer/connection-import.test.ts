import { afterEach, describe, expect, test, vi } from 'vitest'
import { Connection, importNotice } from '../../src/renderer/src/lib/connection.svelte'
import { HistoryStore } from '../../src/renderer/src/lib/model/store'

const ORIGIN = 'http://127.0.0.1:4000'

/** A host behind a fake `fetch` whose `POST /history` answers `answer`. */
function fakeHost(answer: () => Response): void {
  vi.stubGlobal('fetch', async (input: string): Promise<Response> => {
    const path = input.slice(ORIGIN.length)
    if (path === '/history') return answer()
    if (path === '/runtime') return Response.json({ path: null, name: 'todos.mjs', status: 'session' })
    return new Response('not found', { status: 404 })
  })
}

afterEach(() => vi.unstubAllGlobals())

const connect = (): Connection => new Connection(ORIGIN, 'tok', new HistoryStore(), () => {}, undefined)
const file = new Blob(['{}\n'])

describe('Connection.importSession', () => {
  test('says a complete file is a recording', async () => {
    fakeHost(() => Response.json({ events: 3, lastSeq: 3, complete: true }))
    const c = connect()
    expect(await c.importSession(file)).toBe(true)
    expect(c.notice).toBe('Imported session: this is a recording, not a live runtime.')
  })

  test('says plainly what a file cut short holds, in the host’s words', async () => {
    const statement = 'cut short after 43,895 events: the file has no closing line, so its end may be missing'
    fakeHost(() => Response.json({ events: 43_895, lastSeq: 43_895, complete: false, statement }))
    const c = connect()
    expect(await c.importSession(file)).toBe(true)
    expect(c.notice).toBe(`Imported session, ${statement}. This is a recording, not a live runtime.`)
  })

  test('never calls complete an answer that does not say so', async () => {
    fakeHost(() => Response.json({ events: 3, lastSeq: 3 }))
    const c = connect()
    expect(await c.importSession(file)).toBe(true)
    expect(c.notice).toMatch(/^Imported session, the host did not say whether the file is complete\./)
  })

  test('shows a refused file as the error, with no notice', async () => {
    fakeHost(() => Response.json({ error: { message: 'the session file cannot be imported: line 3: …' } }, { status: 400 }))
    const c = connect()
    expect(await c.importSession(file)).toBe(false)
    expect(c.error).toMatch(/line 3/)
    expect(c.notice).toBeUndefined()
  })

  test('importNotice', () => {
    expect(importNotice({ complete: false, statement: 'cut short after 2 events: x' })).toBe(
      'Imported session, cut short after 2 events: x. This is a recording, not a live runtime.'
    )
  })
})
