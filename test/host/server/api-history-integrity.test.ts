import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'

const hosts: TestHost[] = []
/** A session file a host exported, and its lines (the closing line last). */
let file: string
let lines: string[]

beforeAll(async () => {
  const host = await startTestHost({ runtime: fixture('bus-runtime.mjs') })
  hosts.push(host)
  for (let i = 0; i < 12; i++) expect((await host.dispatch({ type: 'increment' })).status).toBe(200)
  expect((await host.dispatch({ type: 'custom', payload: { tool: 'search' } })).status).toBe(200)
  file = await (await host.fetch('/history')).text()
  lines = file.trimEnd().split('\n')
})

afterAll(async () => {
  await Promise.all(hosts.map((host) => host.close()))
})

async function startEmpty(): Promise<TestHost> {
  const host = await startTestHost()
  hosts.push(host)
  return host
}

interface Answer {
  status: number
  body: { events?: number; complete?: boolean; statement?: string; error?: { message: string } }
}

async function importText(host: TestHost, body: string): Promise<Answer> {
  const res = await host.fetch('/history', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body })
  return { status: res.status, body: (await res.json()) as Answer['body'] }
}

describe('GET /history', () => {
  test('ends the file with a closing line: the number of events and the SHA-256 of the lines before it', async () => {
    const last = JSON.parse(lines[lines.length - 1] as string) as { end: { events: number; sha256: string } }
    expect(Object.keys(last)).toEqual(['end'])
    expect(last.end.events).toBe(lines.length - 2)
    const before = file.slice(0, file.length - (lines[lines.length - 1] as string).length - 1)
    const { createHash } = await import('node:crypto')
    expect(last.end.sha256).toBe(createHash('sha256').update(before).digest('hex'))
    expect(file.endsWith('}\n')).toBe(true)
  })
})

describe('POST /history says what a file holds', () => {
  test('a file with its closing line is complete', async () => {
    const { status, body } = await importText(await startEmpty(), file)
    expect(status).toBe(200)
    expect(body).toMatchObject({ events: lines.length - 2, complete: true })
    expect(body.statement).toBeUndefined()
  })

  test('a file without one (cut at a line end, a journal after a crash, or exported before files had one) is cut short', async () => {
    const cut = `${lines.slice(0, 6).join('\n')}\n`
    const host = await startEmpty()
    const { status, body } = await importText(host, cut)
    expect(status).toBe(200)
    expect(body).toMatchObject({ events: 5, complete: false })
    expect(body.statement).toMatch(/^cut short after 5 events: the file has no closing line/)
    expect(await host.getJson('/runtime')).toMatchObject({ status: 'session' })
  })

  test('a file cut in the middle of a line keeps the lines before it, and says which line was cut', async () => {
    const cut = `${lines.slice(0, 6).join('\n')}\n${(lines[6] as string).slice(0, 20)}`
    const { status, body } = await importText(await startEmpty(), cut)
    expect(status).toBe(200)
    expect(body).toMatchObject({ events: 5, complete: false })
    expect(body.statement).toBe('cut short after 5 events: its last line (line 7) was cut in the middle and is left out')
  })

  test('a file whose closing line counts other events is not complete, and says so', async () => {
    const without = [...lines.slice(0, 4), ...lines.slice(5)].join('\n')
    // Line 5 was an update of the counter: without it the next patch still applies (a replace).
    const { status, body } = await importText(await startEmpty(), without)
    expect(status).toBe(200)
    expect(body.complete).toBe(false)
    expect(body.statement).toMatch(
      new RegExp(
        `^changed after it was written: its closing line counts ${lines.length - 2} events, and the lines before it hold ${lines.length - 3}`
      )
    )
  })

  test('a file changed after it was written does not match its digest, and says so', async () => {
    const changed = lines.map((line, i) => (i === 3 ? line.replace(/"timestamp":\d/, '"timestamp":9') : line))
    expect(changed[3]).not.toBe(lines[3])
    const { status, body } = await importText(await startEmpty(), changed.join('\n'))
    expect(status).toBe(200)
    expect(body.complete).toBe(false)
    expect(body.statement).toMatch(
      /^changed after it was written: the lines before its closing line do not match the SHA-256 digest it carries/
    )
  })

  test('a malformed closing line is refused with 400 naming the line', async () => {
    const bad = [...lines.slice(0, -1), '{"end":{"events":"many"}}'].join('\n')
    const { status, body } = await importText(await startEmpty(), bad)
    expect(status).toBe(400)
    expect(body.error?.message).toMatch(new RegExp(`line ${lines.length}: the closing line's "events" must be a whole number`))
  })
})

describe('POST /history with values nested deeper than recorded values can be', () => {
  const HEADER = '{"format":"patchscope-session","version":1}'
  const INITIAL = '{"type":"state.initial","seq":0,"slices":{"a":{}},"timestamp":1}'

  test('refuses a 30 KB file nesting a value 5,000 levels, naming the line and the limit; GET /state and GET /events go on', async () => {
    const host = await startEmpty()
    const deep = `${'{"d":'.repeat(5000)}1${'}'.repeat(5000)}`
    const update = `{"type":"state.update","seq":1,"slice":"a","patches":[{"op":"add","path":"/x","value":${deep}}],"cause":{"type":"x"},"timestamp":1}`
    const text = `${HEADER}\n${INITIAL}\n${update}\n`
    expect(text.length).toBeGreaterThan(30_000)
    expect(text.length).toBeLessThan(40_000)
    const { status, body } = await importText(host, text)
    expect(status).toBe(400)
    expect(body.error?.message).toMatch(/line 3: a value nests deeper than 512 levels, the limit of recorded values/)
    const state = await host.fetch('/state')
    expect(state.status).toBe(200)
    expect(await state.json()).toEqual({})
    const sse = await host.events('?since=0')
    await sse.waitFor((e) => e.type === 'state.initial')
  })

  test('refuses patches that deepen a state level by level past the limit, at the line that would', async () => {
    const host = await startEmpty()
    const rows = [HEADER, INITIAL]
    for (let level = 0; level < 600; level++)
      rows.push(
        JSON.stringify({
          type: 'state.update',
          seq: level + 1,
          slice: 'a',
          patches: [{ op: 'add', path: `${'/d'.repeat(level)}/d`, value: {} }],
          cause: { type: 'deeper' },
          timestamp: level
        })
      )
    const { status, body } = await importText(host, rows.join('\n'))
    expect(status).toBe(400)
    // The slice's value is level 1; the object added by the 512th patch is level 513, the $truncated level of a recorded value.
    expect(body.error?.message).toMatch(
      /^the session file cannot be imported: line 515: patch operation 0 \(add at a path 513 levels deep\) nests deeper than 512 levels/
    )
    expect((await host.fetch('/state')).status).toBe(200)
  })
})
