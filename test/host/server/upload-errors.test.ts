import { HTTPException } from 'hono/http-exception'
import { describe, expect, test } from 'vitest'
import { ForeignFileError } from '../../../src/host/import'
import { ForeignSessionError } from '../../../src/host/import/read'
import { SessionError } from '../../../src/host/recorder/session-file'
import { uploadError } from '../../../src/host/server/upload-errors'
import { ReadStalledError, ReadTooLargeError } from '../../../src/shared/read-whole'

const failed = 'the session file cannot be imported'

function http(e: unknown): HTTPException {
  expect(e).toBeInstanceOf(HTTPException)
  return e as HTTPException
}

describe('uploadError', () => {
  test('an upload that stalled is a 408 that closes the connection, keeping what stalled', () => {
    const cause = new ReadStalledError(10_000, 2048)
    const err = http(uploadError(cause, { failed }))
    expect(err.status).toBe(408)
    expect(err.message).toBe(cause.message)
    expect(err.cause).toBe(cause)
    expect(err.res?.headers.get('connection')).toBe('close')
  })

  test('a file too large is a 413 that closes the connection, in the route’s words when it has its own', () => {
    const cause = new ReadTooLargeError(1024 * 1024)
    const own = http(uploadError(cause, { failed }))
    expect([own.status, own.message, own.res?.headers.get('connection')]).toEqual([413, cause.message, 'close'])
    const worded = http(uploadError(cause, { failed, tooLarge: 'the file is larger than 1 MB, the most the window opens' }))
    expect([worded.status, worded.message]).toEqual([413, 'the file is larger than 1 MB, the most the window opens'])
  })

  test('a session file that cannot be read is a 400 saying what failed and the line', () => {
    const err = http(uploadError(new SessionError(3, 'state.update does not apply'), { failed }))
    expect([err.status, err.message]).toEqual([400, 'the session file cannot be imported: line 3: state.update does not apply'])
    expect(err.res).toBeUndefined()
    const long = http(uploadError(new RangeError('line 2 is longer than 64 MB'), { failed: 'the session file cannot be opened' }))
    expect([long.status, long.message]).toEqual([400, 'the session file cannot be opened: line 2 is longer than 64 MB'])
  })

  test('another tool’s file keeps its own message, which names its format and line', () => {
    const err = http(uploadError(new ForeignSessionError(new ForeignFileError('AG-UI event log', 'not valid JSON', 4)), { failed }))
    expect([err.status, err.message]).toEqual([400, 'AG-UI event log: line 4: not valid JSON'])
  })

  test('any other error is handed back as it is, for the one error handler', () => {
    const other = new TypeError('boom')
    expect(uploadError(other, { failed })).toBe(other)
  })
})
