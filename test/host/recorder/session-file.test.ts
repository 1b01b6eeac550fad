import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { encode, MAX_DEPTH } from '../../../src/host/recorder/encode'
import { History } from '../../../src/host/recorder/history'
import { exportSession, importSession, LineSplitter, readSession, SessionError } from '../../../src/host/recorder/session-file'
import type { HistoryEvent, RuntimeInfo } from '../../../src/shared/protocol'
import { SessionDigest } from '../../../src/shared/session-end'
import { valueAt } from '../../../src/shared/state'

const RUNTIME: RuntimeInfo = { path: '/work/app/runtime.mjs', name: 'runtime.mjs', status: 'loaded' }
const HEADER = JSON.stringify({ format: 'patchscope-session', version: 1, runtime: { path: '/x.mjs', name: 'x.mjs' }, createdAt: 'now' })

async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? new TextEncoder().encode(part) : part
}

/** The lines a LineSplitter gives for these chunks, decoded. */
function splitLines(...parts: (string | Uint8Array)[]): string[] {
  const out: string[] = []
  const splitter = new LineSplitter((buf, start, end) => out.push(buf.toString('utf8', start, end)))
  for (const part of parts) splitter.push(typeof part === 'string' ? new TextEncoder().encode(part) : part)
  splitter.end()
  return out
}

async function read(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text()
}

/** Imports text, expecting a SessionError; gives its line and message. */
async function importError(text: string): Promise<SessionError> {
  try {
    await importSession(chunks(text), { baseSeq: 7 })
  } catch (e) {
    expect(e).toBeInstanceOf(SessionError)
    return e as SessionError
  }
  throw new Error('the import did not fail')
}

describe('LineSplitter', () => {
  test('splits on newlines, drops a CR before them, and keeps a last line without one', () => {
    expect(splitLines('a\r\nb', '\nc\n\nd')).toEqual(['a', 'b', 'c', '', 'd'])
  })

  test('joins a line split over several chunks, a character split between two of them included', () => {
    const bytes = new TextEncoder().encode('{"v":"é"}\r\nnext')
    expect(splitLines(bytes.subarray(0, 3), bytes.subarray(3, 7), bytes.subarray(7, 10), bytes.subarray(10))).toEqual(['{"v":"é"}', 'next'])
    expect(splitLines('ab', 'cd', '', 'e\n')).toEqual(['abcde'])
  })

  test('keeps what it holds of a line when the source fills the same buffer again', () => {
    const out: string[] = []
    const splitter = new LineSplitter((buf, start, end) => out.push(buf.toString('utf8', start, end)))
    const reused = Buffer.alloc(4)
    for (const part of ['abcd', 'efgh', '\nij\n']) {
      reused.fill(0)
      reused.write(part)
      splitter.push(reused.subarray(0, Buffer.byteLength(part)))
    }
    splitter.end()
    expect(out).toEqual(['abcdefgh', 'ij'])
  })
})

describe('exportSession', () => {
  test('writes a header, the base as a state.initial (stamped with when the history began), then every retained entry as it is stored', async () => {
    const h = new History({ base: { a: 1 }, baseSeq: 3, baseTime: Date.UTC(2024, 5, 1) })
    h.appendEvent({ type: 'state.update', slice: 'a', value: 2, cause: { type: 'set' }, timestamp: 1 })
    h.appendEvent({ type: 'custom-event', data: { n: 1 }, timestamp: 2 })
    const text = await read(exportSession(h, RUNTIME, Date.UTC(2025, 0, 1)))
    expect(text.endsWith('\n')).toBe(true)
    const [header, ...events] = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown)
    const closing = events.pop()
    const before = text.slice(0, text.lastIndexOf('{"end"'))
    expect(closing).toEqual({ end: { events: 3, sha256: createHash('sha256').update(before).digest('hex') } })
    expect(header).toEqual({
      format: 'patchscope-session',
      version: 2,
      runtime: { path: RUNTIME.path, name: RUNTIME.name },
      createdAt: '2025-01-01T00:00:00.000Z'
    })
    expect(events).toEqual([
      { type: 'state.initial', seq: 3, slices: { a: 1 }, timestamp: Date.UTC(2024, 5, 1) },
      { type: 'state.update', seq: 4, slice: 'a', value: 2, cause: { type: 'set' }, timestamp: 1 },
      { type: 'custom-event', seq: 5, data: { n: 1 }, timestamp: 2 }
    ])
  })

  test('starts with the first retained entry when it is a state.initial itself', async () => {
    const h = new History({ base: {}, baseSeq: 3 })
    h.appendEvent({ type: 'state.initial', slices: { a: 1 }, timestamp: 1, reset: true })
    const [, first, ...rest] = (await read(exportSession(h, RUNTIME))).trimEnd().split('\n')
    expect(JSON.parse(first as string)).toEqual({ type: 'state.initial', seq: 4, slices: { a: 1 }, timestamp: 1, reset: true })
    expect(rest.map((l) => JSON.parse(l) as unknown)).toEqual([{ end: { events: 1, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } }])
  })
})

describe('importSession', () => {
  test('stores a line with bytes that are not UTF-8 as the text it was read as, so the history stays UTF-8', async () => {
    const h = new History({ base: { a: '' } })
    h.appendEvent({ type: 'state.update', slice: 'a', value: 'xy', cause: { type: 'set' }, timestamp: 1 })
    const bytes = Buffer.from(await read(exportSession(h, RUNTIME)))
    // Corrupt the value's "x" into a byte that cannot start a UTF-8 character.
    const at = bytes.lastIndexOf(Buffer.from('"xy"')) + 1
    bytes[at] = 0xff
    const { history } = await importSession(chunks(bytes), { baseSeq: 0 })
    expect(history.stateAt(history.lastSeq)).toEqual({ a: '\ufffdy' })
    const exported = Buffer.from(await new Response(exportSession(history, RUNTIME)).arrayBuffer())
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(exported)).not.toThrow()
  })

  test('writes anew a line with a CR inside it, which would end a line of the event stream', async () => {
    const initial = JSON.stringify({ type: 'state.initial', seq: 0, slices: {}, timestamp: 0 })
    const text = `${HEADER}\n${initial}\n{"type":"custom-event","seq":1,\r"data":1,"timestamp":1}\n`
    const { history } = await importSession(chunks(text), { baseSeq: 0 })
    const frame = history.segment(2).frame(2).toString('utf8')
    expect(frame).not.toContain('\r')
    expect(history.event(2)).toEqual({ type: 'custom-event', seq: 2, data: 1, timestamp: 1 })
  })

  test('reads a file with a byte order mark and CRLF line ends, as an editor on Windows saves it', async () => {
    const h = new History({ base: { a: 'é' } })
    h.appendEvent({ type: 'state.update', slice: 'a', value: 'ü 😀', cause: { type: 'set' }, timestamp: 1 })
    h.appendEvent({ type: 'custom-event', data: { n: 1 }, timestamp: 2 })
    const text = await read(exportSession(h, RUNTIME))
    const { history, events } = await importSession(chunks('\ufeff' + text.replaceAll('\n', '\r\n')), { baseSeq: 0 })
    expect(events).toBe(3)
    expect(history.stateAt(history.lastSeq)).toEqual({ a: 'ü 😀' })
    expect(history.event(3)).toEqual({ type: 'custom-event', seq: 3, data: { n: 1 }, timestamp: 2 })
  })

  test('renumbers the events after the base seq, the first state.initial becoming a reset entry', async () => {
    const text = [
      HEADER,
      JSON.stringify({ type: 'state.initial', seq: 100, slices: { a: [1] }, timestamp: 1, gap: true }),
      '',
      JSON.stringify({
        type: 'state.update',
        seq: 101,
        slice: 'a',
        patches: [{ op: 'add', path: '/-', value: 2 }],
        cause: { type: 'x' },
        timestamp: 2
      }),
      JSON.stringify({ type: 'execution.status', seq: 102, status: 'done', executionId: 'e', timestamp: 3 })
    ].join('\n')
    const { header, history, events } = await importSession(chunks(text), { baseSeq: 7 })
    expect(header.runtime).toEqual({ path: '/x.mjs', name: 'x.mjs' })
    expect(events).toBe(3)
    expect(history.baseSeq).toBe(7)
    expect(history.lastSeq).toBe(10)
    expect(history.event(8)).toEqual({ type: 'state.initial', seq: 8, slices: { a: [1] }, timestamp: 1, reset: true })
    expect(history.event(9)).toMatchObject({ seq: 9, slice: 'a' })
    expect(history.stateAt(10)).toEqual({ a: [1, 2] })
  })

  test.each<[string, string, number, RegExp]>([
    ['an empty file', '', 1, /empty/],
    ['a file that is not JSON', 'hello', 1, /not valid JSON/],
    ['a JSON file that is not a session', '{"format":"other"}', 1, /not a Patchscope session file/],
    ['another version', '{"format":"patchscope-session","version":3}', 1, /version 3 is not supported/],
    ['a header and no events', HEADER, 2, /no events/],
    [
      'a first event that is not a state.initial',
      `${HEADER}\n{"type":"custom-event","data":1,"timestamp":1}`,
      2,
      /must be a state.initial/
    ],
    [
      'a patch that does not apply',
      `${HEADER}\n{"type":"state.initial","slices":{"a":{}},"timestamp":1}\n\n{"type":"state.update","slice":"a","patches":[{"op":"replace","path":"/missing","value":1}],"cause":{"type":"x"},"timestamp":2}`,
      4,
      /does not apply.*\/missing/
    ],
    [
      'patches for a slice that does not exist',
      `${HEADER}\n{"type":"state.initial","slices":{},"timestamp":1}\n{"type":"state.update","slice":"a","patches":[],"cause":{"type":"x"},"timestamp":2}`,
      3,
      /slice "a" does not exist/
    ],
    [
      'a line cut short before another',
      `${HEADER}\n{"type":"state.initial","slices":{},"timestamp":1}\n{"type":"custom-ev\n{}`,
      3,
      /truncated/
    ],
    ['a header cut short', `{"format":"patchscope-sess`, 1, /not valid JSON/],
    ['a header and a cut line', `${HEADER}\n{"type":"state.init`, 2, /the file holds a header, and its first event was cut in the middle/],
    [
      'an unknown event type',
      `${HEADER}\n{"type":"state.initial","slices":{},"timestamp":1}\n{"type":"other","timestamp":1}`,
      3,
      /unknown event type "other"/
    ],
    ['an event that is not an object', `${HEADER}\n[1]`, 2, /must be a JSON object/],
    ['a state.initial without slices', `${HEADER}\n{"type":"state.initial","timestamp":1}`, 2, /"slices"/],
    ['an event without a timestamp', `${HEADER}\n{"type":"state.initial","slices":{}}`, 2, /"timestamp"/],
    [
      'an update with both patches and a value',
      `${HEADER}\n{"type":"state.initial","slices":{"a":1},"timestamp":1}\n{"type":"state.update","slice":"a","value":1,"patches":[],"cause":{"type":"x"},"timestamp":2}`,
      3,
      /exactly one of/
    ],
    [
      'a patch operation without a path',
      `${HEADER}\n{"type":"state.initial","slices":{"a":{}},"timestamp":1}\n{"type":"state.update","slice":"a","patches":[{"op":"add","value":1}],"cause":{"type":"x"},"timestamp":2}`,
      3,
      /operation 0 has no "path"/
    ],
    [
      'a status with a numeric executionId',
      `${HEADER}\n{"type":"state.initial","slices":{},"timestamp":1}\n{"type":"execution.status","status":"x","executionId":1,"timestamp":1}`,
      3,
      /"executionId"/
    ]
  ])('refuses %s, naming the line', async (_name, text, line, message) => {
    const e = await importError(text)
    expect(e.line).toBe(line)
    expect(e.message).toMatch(new RegExp(`^line ${line}: `))
    expect(e.message).toMatch(message)
  })

  test('reads a session it exported back to the same events and states', async () => {
    const h = new History({ base: { list: [] } })
    const events: Parameters<History['appendEvent']>[0][] = [
      {
        type: 'state.update',
        slice: 'list',
        patches: [{ op: 'add', path: '/0', value: { 'a/b': null } }],
        cause: { type: 'add' },
        timestamp: 1
      },
      { type: 'execution.status', status: 'failed', executionId: 'e1', turnId: 't1', error: 'boom', timestamp: 2 },
      { type: 'state.initial', slices: { other: 1 }, timestamp: 3, reset: true },
      { type: 'state.update', slice: '', value: { $bigint: '1' }, cause: { type: 'x', id: 'i', payload: [1] }, timestamp: 4 },
      { type: 'custom-event', data: null, timestamp: 5 }
    ]
    for (const e of events) h.appendEvent(e)
    const text = await read(exportSession(h, RUNTIME))
    const { history } = await importSession(chunks(text), { baseSeq: 50 })
    const original: HistoryEvent[] = []
    for (let seq = 1; seq <= h.lastSeq; seq++) original.push(h.event(seq))
    const imported: HistoryEvent[] = []
    for (let seq = 52; seq <= history.lastSeq; seq++) imported.push(history.event(seq))
    expect(imported.map(({ seq: _seq, ...e }) => e)).toEqual(original.map(({ seq: _seq, ...e }) => e))
    for (let i = 0; i <= h.lastSeq; i++) expect(history.stateAt(51 + i)).toEqual(h.stateAt(i))
  })
})

/** A history with a few entries, exported. */
async function exported(): Promise<string> {
  const h = new History({ base: { a: 0, list: [] } })
  for (let i = 1; i <= 4; i++) h.appendEvent({ type: 'state.update', slice: 'a', value: i, cause: { type: 'inc' }, timestamp: i })
  h.appendEvent({ type: 'custom-event', data: { note: 'é 😀' }, timestamp: 5 })
  return read(exportSession(h, RUNTIME, 0))
}

describe('the closing line', () => {
  test('makes an exported file complete, also when an editor saved it with a byte order mark and CRLF', async () => {
    const text = await exported()
    expect((await importSession(chunks(text), { baseSeq: 0 })).integrity).toEqual({ complete: true })
    const windows = '\ufeff' + text.replaceAll('\n', '\r\n')
    expect((await importSession(chunks(windows), { baseSeq: 0 })).integrity).toEqual({ complete: true })
  })

  test('a file without one imports all it holds, as cut short, never as complete', async () => {
    const lines = (await exported()).trimEnd().split('\n')
    const cut = lines.slice(0, -1).join('\n')
    const imported = await importSession(chunks(cut), { baseSeq: 0 })
    expect(imported.events).toBe(6)
    expect(imported.history.stateAt(imported.history.lastSeq)).toEqual({ a: 4, list: [] })
    expect(imported.integrity).toEqual({
      complete: false,
      statement:
        'cut short after 6 events: the file has no closing line, so its end may be missing (a file cut off, the journal of a session that ended unexpectedly, or a file written before Patchscope ended files with one)'
    })
    expect(readSession([Buffer.from(`${lines.slice(0, 3).join('\n')}\n`)], { baseSeq: 0 }).integrity).toMatchObject({
      complete: false,
      statement: expect.stringMatching(/^cut short after 2 events: /)
    })
  })

  test('a file cut inside its last line keeps every line before it, and names the cut line', async () => {
    const text = await exported()
    const at = text.indexOf('"custom-event"')
    const imported = await importSession(chunks(text.slice(0, at)), { baseSeq: 0 })
    expect(imported.events).toBe(5)
    expect(imported.integrity).toEqual({
      complete: false,
      statement: 'cut short after 5 events: its last line (line 7) was cut in the middle and is left out'
    })
  })

  test('a count or a digest that does not match says the file was changed after it was written', async () => {
    const lines = (await exported()).trimEnd().split('\n')
    const end = JSON.parse(lines[lines.length - 1] as string) as { end: { events: number; sha256: string } }
    const recount = [...lines.slice(0, -1), JSON.stringify({ end: { ...end.end, events: 7 } })].join('\n')
    expect((await importSession(chunks(recount), { baseSeq: 0 })).integrity).toEqual({
      complete: false,
      statement:
        'changed after it was written: its closing line counts 7 events, and the lines before it hold 6 (the closing line is line 8); every event in it was checked, and it is shown as the file holds it'
    })
    const edited = lines.map((l, i) => (i === 2 ? l.replace('"value":1', '"value":11') : l)).join('\n')
    const imported = await importSession(chunks(edited), { baseSeq: 0 })
    expect(imported.integrity).toMatchObject({ complete: false, statement: expect.stringMatching(/do not match the SHA-256 digest/) })
    expect(imported.history.stateAt(imported.history.baseSeq + 2)).toEqual({ a: 11, list: [] })
  })

  test.each<[string, (lines: string[]) => string, number, RegExp]>([
    [
      'a line after it',
      (l) => [...l, '{"type":"custom-event","data":1,"timestamp":9}'].join('\n'),
      9,
      /a line after the closing line \(line 8\)/
    ],
    ['another closing line after it', (l) => [...l, l[l.length - 1] as string].join('\n'), 9, /a line after the closing line \(line 8\)/],
    [
      'a closing line with no events before it',
      (l) => [l[0] as string, l[l.length - 1] as string].join('\n'),
      2,
      /no events before its closing line/
    ],
    [
      'a closing line with a bad digest',
      (l) => [...l.slice(0, -1), '{"end":{"events":6,"sha256":"ABC"}}'].join('\n'),
      8,
      /"sha256" must be 64 lowercase hex digits/
    ],
    ['a closing line that is not an object', (l) => [...l.slice(0, -1), '{"end":6}'].join('\n'), 8, /a closing line must be/]
  ])('refuses %s, naming the line', async (_name, change, line, message) => {
    const lines = (await exported()).trimEnd().split('\n')
    const e = await importError(change(lines))
    expect(e.line).toBe(line)
    expect(e.message).toMatch(message)
  })

  test('keeps blank lines after it, as an editor leaves them', async () => {
    const text = `${await exported()}\n  \n`
    expect((await importSession(chunks(text), { baseSeq: 0 })).integrity).toEqual({ complete: true })
  })

  test('feeds a digest given to the export, which goes on with the lines written after it (a journal)', async () => {
    const h = new History({ base: { a: 0 } })
    h.appendEvent({ type: 'state.update', slice: 'a', value: 1, cause: { type: 'inc' }, timestamp: 1 })
    const digest = new SessionDigest()
    const head = await read(exportSession(h, RUNTIME, 0, { digest, close: false }))
    expect(head).not.toContain('"end"')
    const more = '{"type":"custom-event","seq":2,"data":1,"timestamp":2}'
    digest.addEvent(more)
    const file = `${head}${more}\n${digest.closingLine()}\n`
    const imported = await importSession(chunks(file), { baseSeq: 0 })
    expect(imported.events).toBe(3)
    expect(imported.integrity).toEqual({ complete: true })
  })
})

describe('values nested deeper than recorded values can be', () => {
  /** `{ d: { d: … { leaf } } }`, `levels` objects deep. */
  function chain(levels: number, leaf: unknown): Record<string, unknown> {
    let v: Record<string, unknown> = { leaf }
    for (let i = 1; i < levels; i++) v = { d: v }
    return v
  }

  test('a value recorded at the limit (its $truncated level included) exports and imports', async () => {
    const tree = encode(chain(20_000, 'deep'))
    const h = new History({ base: { tree } })
    // The deepest change a recorder sends: at the last level it keeps.
    const path = '/d'.repeat(MAX_DEPTH - 1)
    h.appendEvent({
      type: 'state.update',
      slice: 'tree',
      patches: [{ op: 'replace', path: `${path}/d`, value: { $truncated: 'x' } }],
      cause: { type: 't' },
      timestamp: 1
    })
    const text = await read(exportSession(h, RUNTIME))
    const { history, integrity } = await importSession(chunks(text), { baseSeq: 0 })
    expect(integrity).toEqual({ complete: true })
    expect(valueAt(history.stateAt(history.lastSeq).tree, `${path}/d`)).toEqual({ $truncated: 'x' })
  })

  test.each<[string, string, RegExp]>([
    [
      'a slice of a state.initial',
      `{"type":"state.initial","slices":{"a":${'['.repeat(514)}${']'.repeat(514)}},"timestamp":1}`,
      /line 2: slice "a" nests deeper than 512 levels/
    ],
    [
      'a state.update value',
      `{"type":"state.initial","slices":{},"timestamp":1}\n{"type":"state.update","slice":"a","value":${'['.repeat(515)}${']'.repeat(515)},"cause":{"type":"x"},"timestamp":1}`,
      /line 3: the value nests deeper than 512 levels/
    ],
    [
      'a patch that copies a deep value deeper',
      `{"type":"state.initial","slices":{"a":{"x":${'['.repeat(500)}${']'.repeat(500)},"y":{"z":{}}}},"timestamp":1}\n{"type":"state.update","slice":"a","patches":[{"op":"copy","from":"/x","path":"/y/z/w"}],"cause":{"type":"x"},"timestamp":1}\n{"type":"state.update","slice":"a","patches":[{"op":"copy","from":"/x","path":"/y/z/w/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/v"}],"cause":{"type":"x"},"timestamp":1}`,
      /line 4: patch operation 0 \(copy at a path 19 levels deep\) nests deeper/
    ],
    [
      'a custom event',
      `{"type":"state.initial","slices":{},"timestamp":1}\n{"type":"custom-event","data":${'{"a":'.repeat(600)}1${'}'.repeat(600)},"timestamp":1}`,
      /line 3: a value nests deeper than 512 levels/
    ]
  ])('refuses %s, naming the line and the limit', async (_name, body, message) => {
    const e = await importError(`${HEADER}\n${body}`)
    expect(e.message).toMatch(message)
  })
})
