import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { Host } from '../../src/host'
import { SessionError } from '../../src/host/recorder/session-file'
import { fileErrorReason, readSessionFile, sessionErrorText, writeSessionFile } from '../../src/main/session-io'

const counter = resolve(import.meta.dirname, 'fixtures', 'counter.mjs')
let dir: string
let host: Host

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchscope-session-io-'))
  host = (await Host.create({ runtime: counter, log: () => undefined })).host
})
afterEach(async () => {
  await host.close()
  await rm(dir, { recursive: true, force: true })
})

describe('writeSessionFile and readSessionFile', () => {
  test('a file written and read back gives the same state, from the same runtime', async () => {
    await host.dispatch({ type: 'inc' }, 5_000)
    const file = join(dir, 'a.ndjson')
    await writeSessionFile(host, file, Date.UTC(2026, 10, 25))
    const header = JSON.parse((await readFile(file, 'utf8')).split('\n')[0] ?? '') as { createdAt: string; runtime: { name: string } }
    expect(header).toMatchObject({ createdAt: '2026-11-25T00:00:00.000Z', runtime: { name: 'counter.mjs' } })
    const state = host.history.stateAt(host.history.lastSeq)
    const read = await readSessionFile(host, file)
    expect(read.events).toBeGreaterThan(1)
    // Written whole by writeSessionFile: its closing line says so.
    expect(read.statement).toBeUndefined()
    expect(host.history.stateAt(host.history.lastSeq)).toEqual(state)
    expect(host.runtime.info.status).toBe('session')
  })

  test('a file is redacted with the host’s policy unless asked not to, its header listing where', async () => {
    await host.dispatch({ type: 'inc', payload: { password: 'pw-main-1' } }, 5_000)
    const redacted = join(dir, 'r.ndjson')
    await writeSessionFile(host, redacted)
    const text = await readFile(redacted, 'utf8')
    expect(text).not.toContain('pw-main-1')
    expect(JSON.parse(text.split('\n')[0] ?? '')).toMatchObject({ redaction: { actions: ['/payload/password'] } })
    const full = join(dir, 'f.ndjson')
    await writeSessionFile(host, full, Date.now(), { redact: false })
    expect(await readFile(full, 'utf8')).toContain('pw-main-1')
  })

  test('a bad file is refused with its line, and the host keeps its runtime', async () => {
    const file = join(dir, 'bad.ndjson')
    await writeFile(file, 'not json\n')
    await expect(readSessionFile(host, file)).rejects.toBeInstanceOf(SessionError)
    expect(host.runtime.info.status).toBe('loaded')
  })
})

describe('error texts', () => {
  test('a bad session file names its line', () => {
    expect(sessionErrorText('import', '/x/s.ndjson', new SessionError(3, 'not valid JSON'))).toBe(
      'Cannot import s.ndjson: line 3: not valid JSON'
    )
  })

  test.each([
    ['ENOENT', 'import', 'the file does not exist'],
    ['ENOENT', 'export', 'its folder does not exist'],
    ['EACCES', 'export', 'permission denied'],
    ['ENOSPC', 'export', 'the disk is full'],
    ['EISDIR', 'import', 'it is a folder']
  ] as const)('%s on %s reads "%s"', (code, verb, reason) => {
    expect(fileErrorReason(Object.assign(new Error('raw'), { code }), verb)).toBe(reason)
  })

  test('another error gives its own message', () => {
    expect(fileErrorReason(new Error('something else'))).toBe('something else')
    expect(fileErrorReason('a string')).toBe('a string')
  })
})
