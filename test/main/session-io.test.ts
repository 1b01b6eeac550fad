import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { Host } from '../../src/host'
import { SessionError } from '../../src/host/recorder/session-file'
import { fileErrorReason, readSessionFile, sessionErrorText, TooLargeError, writeSessionFile } from '../../src/main/session-io'

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
  test('a file written is read back whole for the window, and reading it changes nothing in the host', async () => {
    await host.dispatch({ type: 'inc' }, 5_000)
    const file = join(dir, 'a.ndjson')
    await writeSessionFile(host, file, Date.UTC(2026, 10, 25))
    const header = JSON.parse((await readFile(file, 'utf8')).split('\n')[0] ?? '') as { createdAt: string; runtime: { name: string } }
    expect(header).toMatchObject({ createdAt: '2026-11-25T00:00:00.000Z', runtime: { name: 'counter.mjs' } })
    const last = host.history.lastSeq
    const read = await readSessionFile(file)
    expect(read).toMatchObject({ path: file, name: 'a.ndjson' })
    expect(Buffer.from(read.bytes).equals(await readFile(file))).toBe(true)
    expect(host.history.lastSeq).toBe(last)
    expect(host.runtime.info.status).toBe('loaded')
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

  test('a file larger than the window opens as a document is refused before it is read, with its size', async () => {
    const file = join(dir, 'big.ndjson')
    await writeFile(file, 'x'.repeat(3 * 1024 * 1024))
    const refused = readSessionFile(file, 2 * 1024 * 1024)
    await expect(refused).rejects.toBeInstanceOf(TooLargeError)
    await expect(refused).rejects.toThrow('it is 3 MB, larger than 2 MB, the most the window opens as a document')
    expect(sessionErrorText('import', file, new TooLargeError('it is 3 MB'))).toBe('Cannot import big.ndjson: it is 3 MB')
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
