import { afterEach, expect, test } from 'vitest'
import { readDocumentHead } from '../../../src/shared/document'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'

let h: TestHost | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

/** The host's history as a session file, and the same file with its header saying version 1. */
async function files(t: TestHost): Promise<{ v2: string; v1: string }> {
  const v2 = await (await t.fetch('/history?redact=false')).text()
  return { v2, v1: v2.replace(/^(\{[^\n]*)"version":2/, '$1"version":1') }
}

const ndjson = { 'content-type': 'application/x-ndjson' }

test('a document carries its file’s version, so a version 1 file opened and sent back to replay is refused with the reason', async () => {
  h = await startTestHost({ runtime: fixture('replay-counter.mjs') })
  expect((await h.dispatch({ type: 'add' })).status).toBe(200)
  const { v1, v2 } = await files(h)
  expect(v1).not.toBe(v2)
  for (const [text, version] of [
    [v2, 2],
    [v1, 1]
  ] as const) {
    const res = await h.fetch('/documents', { method: 'POST', headers: ndjson, body: text })
    expect(res.status).toBe(200)
    const head = readDocumentHead(JSON.parse((await res.text()).split('\n')[0] as string))
    expect(head.version).toBe(version)
  }
  const refused = await h.fetch('/replay', { method: 'POST', headers: ndjson, body: v1 })
  expect(refused.status).toBe(422)
  expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
    /^This session cannot be replayed: it was recorded before Patchscope kept what replay needs \(session file version 1\)/
  )
})
