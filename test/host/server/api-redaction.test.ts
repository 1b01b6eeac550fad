import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { REDACTION_CAUSE } from '../../../src/host/host'
import type { HistoryEvent, SessionHeader, Slices } from '../../../src/shared/protocol'
import { DEFAULT_POLICY, type RedactionSettings } from '../../../src/shared/redaction'
import { parseClosingLine } from '../../../src/shared/session-end'
import { fixture, startTestHost, type TestHost } from '../../helpers/host'
import { Mirror } from '../../helpers/mirror'

const hosts: TestHost[] = []
const dirs: string[] = []

afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()))
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
})

async function start(options: Parameters<typeof startTestHost>[0] = {}): Promise<TestHost> {
  const h = await startTestHost({ runtime: fixture('bus-runtime.mjs'), ...options })
  hosts.push(h)
  expect(h.loadError).toBeUndefined()
  return h
}

/** Secrets no file or answer may hold once redacted: each is unique, so finding it anywhere is a leak. */
const SECRETS = ['hunter2-0xA', 'sk-live-0xB', 'Bearer 0xC', 'tok-0xD', 'ssn-0xE']

/** Puts secrets in the state (keys the defaults name, at several depths), and in actions and custom events. */
async function recordSecrets(h: TestHost): Promise<void> {
  const actions = [
    {
      type: 'set',
      payload: { slice: 'auth', value: { user: 'ann', password: SECRETS[0], keys: [{ name: 'openai', apiKey: SECRETS[1] }] } }
    },
    { type: 'push', payload: { item: { headers: { Authorization: SECRETS[2] }, plain: 'visible' } } },
    { type: 'custom', payload: { tool: 'login', accessToken: SECRETS[3] } },
    { type: 'set', payload: { slice: 'c', value: { profile: { ssn: SECRETS[4] } } } },
    { type: 'increment' }
  ]
  for (const action of actions) expect((await action_(h, action)).status).toBe(200)
}

function action_(h: TestHost, action: unknown): ReturnType<TestHost['dispatch']> {
  return h.dispatch(action)
}

async function put(h: TestHost, body: unknown): Promise<Response> {
  return h.fetch('/redaction', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

/** A session file's header, its events, and the state after the last one. */
function read(text: string): { header: SessionHeader; events: HistoryEvent[]; state: Slices } {
  const [first, ...rest] = text.trimEnd().split('\n')
  expect(parseClosingLine(rest.pop() ?? '')).toBeDefined()
  const events = rest.map((line) => JSON.parse(line) as HistoryEvent)
  const mirror = new Mirror()
  for (const e of events) mirror.apply(e)
  return { header: JSON.parse(first as string) as SessionHeader, events, state: mirror.state }
}

function leaks(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s))
}

describe('GET /redaction and PUT /redaction', () => {
  test('answer the default policy, marked as such, not applied at capture', async () => {
    const h = await start()
    const settings = await h.getJson<RedactionSettings>('/redaction')
    expect(settings).toEqual({ policy: DEFAULT_POLICY, capture: false, defaults: DEFAULT_POLICY, applied: null })
  })

  test('need the token', async () => {
    const h = await start()
    expect((await fetch(h.url('/redaction'))).status).toBe(401)
    expect((await fetch(h.url('/redaction'), { method: 'PUT', body: '{}' })).status).toBe(401)
  })

  test('change the policy, and refuse one that cannot be used with a 400 naming the pattern, changing nothing', async () => {
    const h = await start()
    const ok = await put(h, { policy: { keys: ['*password*', 'ssn'], paths: ['/auth/keys'] } })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ policy: { keys: ['*password*', 'ssn'], paths: ['/auth/keys'] }, capture: false })

    for (const [body, message] of [
      [{ policy: { keys: ['*'], paths: [] } }, 'key pattern "*": it could match an array index'],
      [{ policy: { keys: [], paths: ['/users/0/password'] } }, 'path "/users/0/password": "0" could be an array index'],
      [{ policy: { keys: [], paths: ['auth'] } }, 'path "auth": expected "/" to start the path'],
      [{ policy: { keys: 'password' } }, '"keys" must be a list of strings'],
      [{ capture: 'yes' }, '"capture" must be true or false'],
      [{}, 'send {"policy"'],
      [[], 'send {"policy"']
    ] as const) {
      const res = await put(h, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(message)
    }
    expect((await h.getJson<RedactionSettings>('/redaction')).policy).toEqual({ keys: ['*password*', 'ssn'], paths: ['/auth/keys'] })
    const notJson = await h.fetch('/redaction', { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'x' })
    expect(notJson.status).toBe(415)
  })
})

describe('GET /history', () => {
  test('is redacted by default: no secret in the file, the header lists where (by path, never by value), and it imports as complete', async () => {
    const h = await start()
    await recordSecrets(h)
    const res = await h.fetch('/history')
    expect(res.status).toBe(200)
    const text = await res.text()
    // ssn is not a key the defaults name.
    expect(leaks(text)).toEqual([SECRETS[4]])
    const { header, state } = read(text)
    expect(header.redaction?.policy).toEqual(DEFAULT_POLICY)
    expect(header.redaction?.paths).toEqual(
      expect.arrayContaining(['/auth/password', '/auth/keys/0/apiKey', '/b/list/0/headers/Authorization'])
    )
    expect(header.redaction?.actions).toEqual(
      expect.arrayContaining(['/payload/value/password', '/payload/value/keys/0/apiKey', '/payload/item/headers/Authorization'])
    )
    // Custom events' data: the runtime's own event, and the input notes, which carry each action as it was sent.
    expect([...(header.redaction?.events ?? [])].sort()).toEqual(
      [
        '/accessToken',
        '/$patchscope/action/payload/value/password',
        '/$patchscope/action/payload/value/keys/0/apiKey',
        '/$patchscope/action/payload/item/headers/Authorization',
        '/$patchscope/action/payload/accessToken'
      ].sort()
    )

    // The state the file ends with is the real one, redacted.
    const real = await h.state()
    expect(state).toEqual({
      ...real,
      auth: { user: 'ann', password: { $redacted: true }, keys: [{ name: 'openai', apiKey: { $redacted: true } }] },
      b: { list: [{ headers: { Authorization: { $redacted: true } }, plain: 'visible' }] }
    })

    const imported = await h.fetch('/history', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: text })
    expect(imported.status).toBe(200)
    expect(await imported.json()).toMatchObject({ complete: true })
    expect(await h.state()).toEqual(state)
  })

  test('with ?redact=false is the file as recorded, secrets and all, and its header says nothing of redaction', async () => {
    const h = await start()
    await recordSecrets(h)
    const text = await (await h.fetch('/history?redact=false')).text()
    expect(leaks(text)).toEqual(SECRETS)
    expect(read(text).header.redaction).toBeUndefined()
    expect((await h.fetch('/history?redact=maybe')).status).toBe(400)
  })

  test('follows the policy as the user changed it: paths too, and an empty policy redacts nothing', async () => {
    const h = await start()
    await recordSecrets(h)
    expect((await put(h, { policy: { keys: ['ssn'], paths: ['/auth/keys/*/name'] } })).status).toBe(200)
    const text = await (await h.fetch('/history')).text()
    expect(leaks(text)).toEqual([SECRETS[0], SECRETS[1], SECRETS[2], SECRETS[3]])
    const { header, state } = read(text)
    expect(header.redaction?.paths).toEqual(['/auth/keys/0/name', '/c/profile/ssn'])
    expect(state.auth).toMatchObject({ keys: [{ name: { $redacted: true }, apiKey: SECRETS[1] }] })

    expect((await put(h, { policy: { keys: [], paths: [] } })).status).toBe(200)
    expect(leaks(await (await h.fetch('/history')).text())).toEqual(SECRETS)
  })
})

describe('redaction at capture', () => {
  test('keeps secrets out of the history, the stream and GET /state, with every mirror consistent', async () => {
    const h = await start({ redaction: { capture: true } })
    const sse = await h.events('?since=0')
    await recordSecrets(h)
    expect(leaks(await (await h.fetch('/history?redact=false')).text())).toEqual([SECRETS[4]])
    const live = await h.state()
    expect(leaks(JSON.stringify(live))).toEqual([SECRETS[4]])
    expect(live.auth).toEqual({ user: 'ann', password: { $redacted: true }, keys: [{ name: 'openai', apiKey: { $redacted: true } }] })
    expect(await h.state(`?at=${h.host.history.lastSeq}`)).toEqual(live)

    await sse.waitForSeq(h.host.history.lastSeq)
    const mirror = new Mirror()
    for (const e of sse.entries) mirror.apply(e as HistoryEvent)
    expect(mirror.state).toEqual(live)
    expect(leaks(JSON.stringify(sse.events))).toEqual([SECRETS[4]])
  })

  test('turned on mid-session, redacts the state recorded so far by an entry a slice, and entries from then on', async () => {
    const h = await start()
    await recordSecrets(h)
    const before = h.host.history.lastSeq
    const res = await put(h, { capture: true, policy: { keys: [...DEFAULT_POLICY.keys, 'ssn'], paths: [] } })
    expect(await res.json()).toMatchObject({ capture: true, applied: { keys: [...DEFAULT_POLICY.keys, 'ssn'] } })
    const added = [] as HistoryEvent[]
    for (let seq = before + 1; seq <= h.host.history.lastSeq; seq++) added.push(h.host.history.event(seq))
    expect(added.map((e) => e.type === 'state.update' && [e.slice, e.cause.type]).sort()).toEqual([
      ['auth', REDACTION_CAUSE],
      ['b', REDACTION_CAUSE],
      ['c', REDACTION_CAUSE]
    ])
    expect(leaks(JSON.stringify(await h.state()))).toEqual([])
    expect(leaks(JSON.stringify(await h.state(`?at=${h.host.history.lastSeq}`)))).toEqual([])

    expect((await h.dispatch({ type: 'set', payload: { slice: 'auth', value: { token: 'tok-new-0xF' } } })).status).toBe(200)
    const all = await (await h.fetch('/history?redact=false')).text()
    expect(all).not.toContain('tok-new-0xF')
    // The file as a whole stays consistent: its mirror ends where the host is.
    expect(read(all).state).toEqual(await h.state())
  })

  test('turned off, still redacts the running runtime until it is reloaded, so the history stays consistent', async () => {
    const h = await start({ redaction: { capture: true } })
    await recordSecrets(h)
    const off = (await (await put(h, { capture: false })).json()) as RedactionSettings
    expect(off.capture).toBe(false)
    expect(off.applied).toEqual(DEFAULT_POLICY)
    expect((await h.dispatch({ type: 'set', payload: { slice: 'auth', value: { password: 'pw-0x1' } } })).status).toBe(200)
    expect(JSON.stringify(await h.state())).not.toContain('pw-0x1')

    const reload = await h.fetch('/runtime', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reload":true}' })
    expect(reload.status).toBe(200)
    expect((await h.getJson<RedactionSettings>('/redaction')).applied).toBeNull()
    expect((await h.dispatch({ type: 'set', payload: { slice: 'auth', value: { password: 'pw-0x2' } } })).status).toBe(200)
    expect(JSON.stringify(await h.state())).toContain('pw-0x2')
    const text = await (await h.fetch('/history?redact=false')).text()
    expect(read(text).state).toEqual(await h.state())
  })
})

describe('the settings on disk', () => {
  test('are saved at each change and read by the next host; a file that cannot be used is said, and the defaults used', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'patchscope-redaction-'))
    dirs.push(dir)
    const file = join(dir, 'redaction.json')
    const first = await start({ redactionFile: file })
    expect((await put(first, { policy: { keys: ['pin'], paths: ['/auth'] }, capture: true })).status).toBe(200)
    await expect
      .poll(async () => JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as unknown)
      .toEqual({
        policy: { keys: ['pin'], paths: ['/auth'] },
        capture: true
      })
    const second = await start({ redactionFile: file })
    expect(await second.getJson<RedactionSettings>('/redaction')).toMatchObject({
      policy: { keys: ['pin'], paths: ['/auth'] },
      capture: true,
      applied: { keys: ['pin'], paths: ['/auth'] }
    })

    await writeFile(file, '{"policy":{"keys":["*"]}}')
    const third = await start({ redactionFile: file })
    expect((await third.getJson<RedactionSettings>('/redaction')).policy).toEqual(DEFAULT_POLICY)
    expect(third.logs.join('')).toContain(`${file} holds no usable redaction policy (key pattern "*"`)
  })
})
