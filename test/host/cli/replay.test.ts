import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'
import { replayCli } from '../../../src/host/cli/replay'
import type { ReplayReport } from '../../../src/shared/replay'
import { startTestHost, fixture } from '../../helpers/host'
import { AGENT, editedCopy, exportTo, recordAgent } from '../replay/record'

let session: string

beforeAll(async () => {
  // Exported by one host, replayed here by none: the file carries everything replay needs.
  session = (await recordAgent()).file
})

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await replayCli(argv, { cwd: '/', out: (s) => void (out += s), err: (s) => void (err += s) })
  return { code, out, err }
}

describe('npm run replay -- SESSION MODULE [--json]', () => {
  test('an exported session replayed against its module: exit 0, IDENTICAL', async () => {
    const { code, out } = await run(session, AGENT)
    expect(out).toMatch(/^IDENTICAL: the replay of .*agent\.mjs \(1 input; \d+ entries recorded, \d+ replayed\)/)
    expect(out).toContain('Final state: the same.')
    expect(code).toBe(0)
  })

  test('against an edited copy: exit 1, the first divergence and the paths named', async () => {
    const edited = await editedCopy(AGENT, 'outputTokens: state.usage.outputTokens + 1', 'outputTokens: state.usage.outputTokens + 2')
    const text = await run(session, edited)
    expect(text.code).toBe(1)
    expect(text.out).toMatch(/^DIVERGED/)
    expect(text.out).toMatch(
      /First divergence, before the first input:\n {2}recorded #\d+ state\.update usage — agent\/token\n {2}replayed #\d+ state\.update usage — agent\/token\n {2}at \/usage\/outputTokens/
    )
    expect(text.out).toMatch(/Paths that differ \(1\), after how many entries:\n {2}\/usage\/outputTokens {2}×\d+/)
    const json = await run(session, edited, '--json')
    expect(json.code).toBe(1)
    const report = JSON.parse(json.out) as ReplayReport
    expect(report.identical).toBe(false)
    expect(report.paths.map((p) => p.path)).toEqual(['/usage/outputTokens'])
  })

  test('an exported resumed branch replays from the file: its note names entries by the file’s seqs', async () => {
    const h = await startTestHost({ runtime: fixture('replay-counter.mjs') })
    try {
      for (const by of [1, 2]) expect((await h.dispatch({ type: 'add', payload: { by } })).status).toBe(200)
      const resumed = await h.fetch('/resume', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"seq": 3}' })
      expect(resumed.status).toBe(200)
      expect((await h.dispatch({ type: 'add', payload: { by: 5 } })).status).toBe(200)
      const branch = await exportTo(h)
      const { code, out } = await run(branch, fixture('replay-counter.mjs'))
      expect(out).toMatch(/^IDENTICAL/)
      expect(out).toMatch(/Compared from the branch's reset at entry \d+ \(resumed from entry 3/)
      expect(code).toBe(0)
    } finally {
      await h.close()
    }
  })

  test('a missing session is said in words; a file cut short replays with a warning that says why entries appear', async () => {
    const missing = await run('/nowhere/session.ndjson', AGENT)
    expect(missing.code).toBe(2)
    expect(missing.err).toBe('patchscope replay: cannot read the session /nowhere/session.ndjson: the file does not exist\n')
    const lines = (await readFile(session, 'utf8')).split('\n').filter((l) => l !== '')
    const cut = session.replace(/\.ndjson$/, '-cut.ndjson')
    await writeFile(cut, lines.slice(0, -2).join('\n') + '\n')
    const { err } = await run(cut, AGENT)
    expect(err).toMatch(/^patchscope replay: warning: .*-cut\.ndjson is cut short after [\d,]+ events: .*reported as appeared\.\n/)
  })

  test('a version 1 session: exit 2, it cannot be replayed, and why', async () => {
    const text = await readFile(session, 'utf8')
    const lines = text.split('\n')
    // As a version 1 file: its header says so, and it has no closing line (its digest would no longer match).
    const header = { ...(JSON.parse(lines[0] as string) as object), version: 1 }
    const v1 = session.replace(/\.ndjson$/, '-v1.ndjson')
    await writeFile(v1, [JSON.stringify(header), ...lines.slice(1).filter((l) => l !== '' && !l.startsWith('{"end"'))].join('\n') + '\n')
    const { code, out, err } = await run(v1, AGENT)
    expect(code).toBe(2)
    expect(out).toBe('')
    expect(err).toMatch(/cannot be replayed: it was recorded before Patchscope kept what replay needs \(session file version 1\)/)
  })

  test('a runtime that never settles: exit 2 once --timeout has passed, saying so', async () => {
    const stalls = fileURLToPath(new URL('../../fixtures/replay-stalls.mjs', import.meta.url))
    const { code, out, err } = await run(session, stalls, '--timeout', '0.5')
    expect(code).toBe(2)
    expect(out).toBe('')
    expect(err).toMatch(/^patchscope replay: the replay did not end within 0\.5 s \(--timeout\): the runtime never settled/)
    const bad = await run(session, AGENT, '--timeout', 'soon')
    expect(bad.code).toBe(2)
    expect(bad.err).toMatch(/--timeout must be a number of seconds above 0, got "soon"/)
  })

  test('a module that cannot be loaded: exit 2, naming it and the cause', async () => {
    const missing = await run(session, '/nowhere/agent.mjs')
    expect(missing.code).toBe(2)
    expect(missing.err).toMatch(/\/nowhere\/agent\.mjs/)
    const broken = await editedCopy(AGENT, 'export default function createRuntime', 'export default function (((')
    const syntax = await run(session, broken)
    expect(syntax.code).toBe(2)
    expect(syntax.err).toMatch(/Cannot load .*agent\.mjs/)
  })

  test('a session that cannot be read, or wrong arguments: exit 2 with the reason and the usage', async () => {
    const garbage = session.replace(/\.ndjson$/, '-garbage.ndjson')
    await writeFile(garbage, 'not json\n')
    const bad = await run(garbage, AGENT)
    expect(bad.code).toBe(2)
    expect(bad.err).toMatch(/is not a session file that can be read: line 1: not valid JSON/)
    const none = await run(session.replace(/\.ndjson$/, '-absent.ndjson'), AGENT)
    expect(none.code).toBe(2)
    expect(none.err).toMatch(/cannot read the session/)
    const one = await run(session)
    expect(one.code).toBe(2)
    expect(one.err).toMatch(/expected a session file and a module, got 1 argument\n\nUsage: npm run replay/)
    expect((await run('--help')).code).toBe(0)
  })
})
