import { spawn, type ChildProcess } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { listSessions } from '../../../src/host/journal/sessions'
import { importSession } from '../../../src/host/recorder/session-file'
import { fixture } from '../../helpers/host'
import { freePort } from '../../helpers/port'
import { SseTestClient } from '../../helpers/sse'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const running = new Set<ChildProcess>()
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchscope-cli-'))
})

afterAll(async () => {
  // Each test ends its CLI; one that failed half-way may have left it running.
  for (const child of running) child.kill('SIGKILL')
  await rm(dir, { recursive: true, force: true })
})

interface Cli {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  /** The first line on stdout, once there is one. */
  firstLine: Promise<string>
  exited: Promise<number | null>
}

/** Runs the headless host from its sources, as `npm run serve` would run the built one. */
function cli(args: string[], env: Record<string, string | undefined> = {}): Cli {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/host/cli/serve.ts', ...args], {
    cwd: ROOT,
    // The journal's default folder is the user's: here, one of the test's own.
    env: { ...process.env, INIT_CWD: undefined, PATCHSCOPE_TOKEN: undefined, HOME: join(dir, 'home'), XDG_DATA_HOME: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  running.add(child)
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      out += chunk
      const at = out.indexOf('\n')
      if (at !== -1) resolve(out.slice(0, at))
    })
    child.once('exit', (code) => reject(new Error(`the CLI exited with ${code} before printing a line; stderr: ${err}`)))
  })
  firstLine.catch(() => undefined)
  child.stderr.on('data', (chunk: string) => (err += chunk))
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => {
      running.delete(child)
      resolve(code)
    })
  })
  return { child, stdout: () => out, stderr: () => err, firstLine, exited }
}

/** Resolves once the CLI has printed `text` on stdout. */
function printed(run: Cli, text: string): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (!run.stdout().includes(text)) return
      run.child.stdout?.off('data', check)
      resolve()
    }
    run.child.stdout?.on('data', check)
    check()
  })
}

// Each test runs its own process: they run side by side.
describe.concurrent('the headless CLI', () => {
  test('prints exactly one line of JSON with the url and the token once it accepts connections, and nothing the runtime prints', async () => {
    const run = cli([fixture('noisy.mjs'), '--json'])
    const line = await run.firstLine
    const info = JSON.parse(line) as { url: string; token: string }
    expect(Object.keys(info).sort()).toEqual(['token', 'url'])
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const auth = { authorization: `Bearer ${info.token}` }
    const runtime = await fetch(`${info.url}/runtime`, { headers: auth })
    expect(await runtime.json()).toMatchObject({ status: 'loaded', name: 'noisy.mjs' })
    const res = await fetch(`${info.url}/actions`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"type":"speak"}'
    })
    expect(res.status).toBe(200)
    expect(await (await fetch(`${info.url}/state`, { headers: auth })).json()).toEqual({ said: 1 })
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
    expect(run.stdout()).toBe(`${line}\n`)
    expect(run.stderr()).toContain('noisy: printed while the module loads')
    expect(run.stderr()).toContain('noisy: written to stdout directly')
    expect(run.stderr()).toContain('noisy: dispatching speak')
  })

  test('takes --port and --token, and prints a URL to open without --json', async () => {
    const port = await freePort()
    const token = 'a-token-for-this-test'
    const run = cli(['--port', String(port), '--token', token])
    await run.firstLine
    await printed(run, 'Ctrl+C')
    expect(run.stdout()).toContain(`http://127.0.0.1:${port}/?token=${token}`)
    expect(run.stdout()).toMatch(/with no runtime/)
    const res = await fetch(`http://127.0.0.1:${port}/runtime`, { headers: { authorization: `Bearer ${token}` } })
    expect(await res.json()).toMatchObject({ status: 'none' })
    run.child.kill('SIGINT')
    expect(await run.exited).toBe(0)
  })

  test('resolves a relative module path against INIT_CWD, where the user ran npm', async () => {
    const run = cli(['bus-runtime.mjs', '--json'], { INIT_CWD: dirname(fixture('bus-runtime.mjs')) })
    const info = JSON.parse(await run.firstLine) as { url: string; token: string }
    const res = await fetch(`${info.url}/runtime`, { headers: { authorization: `Bearer ${info.token}` } })
    expect(await res.json()).toMatchObject({ status: 'loaded', path: fixture('bus-runtime.mjs') })
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
  })

  test.each<[string, () => Promise<{ args: string[]; env?: Record<string, string> }>, RegExp]>([
    [
      'a syntax error',
      async () => {
        const path = join(dir, 'broken.mjs')
        await writeFile(path, 'export default {\n  a: 1,,\n}\n')
        return { args: [path] }
      },
      /broken\.mjs: SyntaxError.*line 2/
    ],
    [
      'a relative path that is not there',
      async () => ({ args: ['nowhere.mjs'], env: { INIT_CWD: dir } }),
      /nowhere\.mjs: the file does not exist/
    ]
  ])('exits with 2 and says on stderr which file failed and why, for %s', async (_name, make, message) => {
    const { args, env } = await make()
    const run = cli(args, env)
    expect(await run.exited).toBe(2)
    expect(run.stdout()).toBe('')
    expect(run.stderr()).toMatch(message)
    if (env?.INIT_CWD !== undefined) expect(run.stderr()).toContain(join(env.INIT_CWD, 'nowhere.mjs'))
  })

  test('exits with 2 and says why when the --attach source does not answer with a stream (nothing listening)', async () => {
    const port = await freePort()
    const run = cli(['--attach', `http://127.0.0.1:${port}/events`, '--no-save'])
    expect(await run.exited).toBe(2)
    expect(run.stdout()).toBe('')
    expect(run.stderr()).toMatch(new RegExp(`^patchscope: cannot attach to http://127\\.0\\.0\\.1:${port}/events`))
  })

  // Which arguments are wrong is parseCliArgs' business (see args.test.ts); here, what the CLI does then.
  test.each([[['--bogus']], [['--port', 'abc']]])('exits with 1 and the usage for wrong arguments: %j', async (args) => {
    const run = cli(args)
    expect(await run.exited).toBe(1)
    expect(run.stderr()).toMatch(/^patchscope: /)
    expect(run.stderr()).toContain('Usage: npm run serve')
    expect(run.stdout()).toBe('')
  })

  test('prints the usage and exits with 0 for --help', async () => {
    const run = cli(['--help'])
    expect(await run.exited).toBe(0)
    expect(run.stdout()).toContain('Usage: npm run serve')
  })

  test('journals the session into the per-user data folder by default, closed cleanly on SIGTERM', async () => {
    const home = join(dir, 'home-journal')
    const run = cli([fixture('bus-runtime.mjs'), '--json'], { HOME: home })
    const info = JSON.parse(await run.firstLine) as { url: string; token: string }
    const auth = { authorization: `Bearer ${info.token}` }
    let last = 0
    for (let i = 0; i < 5; i++) {
      const answer = await fetch(`${info.url}/actions`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{"type":"increment"}'
      })
      last = ((await answer.json()) as { seq: number }).seq
    }
    const listed = (await (await fetch(`${info.url}/sessions`, { headers: auth })).json()) as { journal: { state: string; dir: string } }
    const folder = join(home, '.local', 'share', 'patchscope', 'sessions')
    expect(listed.journal).toMatchObject({ state: 'writing', dir: folder })
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
    const [session, ...others] = await listSessions(folder)
    expect(others).toEqual([])
    // Every entry from the base (seq 0) to the last dispatch's: each increment is its input note and its update.
    expect(last).toBe(10)
    expect(session).toMatchObject({ state: 'complete', events: last + 1, runtime: { name: 'bus-runtime.mjs' } })
  })

  test('keeps no journal with --no-save', async () => {
    const home = join(dir, 'home-no-save')
    const run = cli([fixture('bus-runtime.mjs'), '--json', '--no-save'], { HOME: home })
    const info = JSON.parse(await run.firstLine) as { url: string; token: string }
    const listed = await (await fetch(`${info.url}/sessions`, { headers: { authorization: `Bearer ${info.token}` } })).json()
    expect(listed).toEqual({ journal: { state: 'off', id: null, dir: null }, sessions: [] })
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
    await expect(readdir(join(home, '.local', 'share', 'patchscope', 'sessions'))).rejects.toThrow(/ENOENT/)
  })

  test('killed with SIGKILL mid-stream, leaves a journal with every entry recorded a second before, marked as ended unexpectedly', async () => {
    const folder = join(dir, 'killed')
    const run = cli([fixture('ticker.mjs'), '--json', '--session-dir', folder])
    const info = JSON.parse(await run.firstLine) as { url: string; token: string }
    const stream = await SseTestClient.connect(`${info.url}/events?since=0`, { headers: { authorization: `Bearer ${info.token}` } })
    // What had arrived, and when: the last seq received, looked at every 10 ms.
    const seen: { seq: number; at: number }[] = []
    const look = setInterval(() => seen.push({ seq: stream.lastSeq ?? -1, at: performance.now() }), 10)
    await new Promise((r) => setTimeout(r, 2500))
    clearInterval(look)
    const killedAt = performance.now()
    run.child.kill('SIGKILL')
    await run.exited
    await stream.close()
    const settled = seen.filter((e) => e.at < killedAt - 1000)
    const mustHave = (settled.at(-1) as { seq: number }).seq
    // The runtime had recorded a stream of changes by then (two a tick, a tick every 4 ms when not starved).
    expect(mustHave).toBeGreaterThan(20)

    const [session, ...others] = await listSessions(folder)
    expect(others).toEqual([])
    expect(session?.state).toBe('ended unexpectedly')
    const imported = await importSession(createReadStream(join(folder, (session as { id: string }).id)), { baseSeq: 0 })
    expect(imported.integrity).toMatchObject({ complete: false, statement: expect.stringMatching(/^cut short after [\d,]+ events/) })
    // The file's events are the history's from its base (seq 0): every one received a second before the kill is there.
    expect(imported.events).toBeGreaterThanOrEqual(mustHave + 1)
  })

  test('takes the token from --token-file or PATCHSCOPE_TOKEN, and refuses a weak one', async () => {
    const file = join(dir, 'token.txt')
    await writeFile(file, 'a-token-read-from-a-file\n')
    const fromFile = cli(['--json', '--no-save', '--token-file', file])
    expect(JSON.parse(await fromFile.firstLine)).toMatchObject({ token: 'a-token-read-from-a-file' })
    fromFile.child.kill('SIGTERM')
    const fromEnv = cli(['--json', '--no-save'], { PATCHSCOPE_TOKEN: 'a-token-from-the-environment' })
    const info = JSON.parse(await fromEnv.firstLine) as { url: string; token: string }
    expect(info.token).toBe('a-token-from-the-environment')
    expect((await fetch(`${info.url}/runtime`, { headers: { authorization: 'Bearer a-token-from-the-environment' } })).status).toBe(200)
    fromEnv.child.kill('SIGTERM')
    const weak = cli(['--json', '--no-save'], { PATCHSCOPE_TOKEN: 'short' })
    expect(await weak.exited).toBe(1)
    expect(weak.stderr()).toMatch(/PATCHSCOPE_TOKEN must be at least 16 characters/)
    expect(await fromFile.exited).toBe(0)
    expect(await fromEnv.exited).toBe(0)
  })

  test('--max-runtime-mb stops a runtime that holds more outside its heap, and the host goes on', async () => {
    const run = cli([fixture('buffers.mjs'), '--json', '--no-save', '--max-runtime-mb', '24'])
    const { url, token } = JSON.parse(await run.firstLine) as { url: string; token: string }
    const auth = { authorization: `Bearer ${token}` }
    const alloc = (mb: number): Promise<Response> =>
      fetch(`${url}/actions`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'alloc', payload: { mb } })
      })
    expect((await alloc(4)).status).toBe(200)
    expect((await alloc(32)).status).toBe(409)
    const info = (await (await fetch(`${url}/runtime`, { headers: auth })).json()) as { status: string; error: string }
    expect(info.status).toBe('failed')
    expect(info.error).toMatch(/past the limit of 24 MB \(--max-runtime-mb\)/)
    expect(run.stderr()).toMatch(/runtime memory-limit: the runtime was stopped/)
    expect(await (await fetch(`${url}/state`, { headers: auth })).json()).toEqual({ held: 36 })
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
  })
})
