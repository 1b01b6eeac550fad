import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { createSettingsStore, DEFAULT_SETTINGS, parseSettings, serializeSettings, type Settings } from '../../src/main/settings'

const sound: Settings = {
  window: { x: 10, y: 20, width: 1280, height: 800, maximized: false, zoomFactor: 1.1 },
  recentRuntimes: ['/home/ada/agent.mjs'],
  recentSessions: ['/home/ada/agent-2026-11-25-1923.ndjson'],
  watches: { '/home/ada/agent.mjs': [{ text: '/chat/messages/- matches /error/', pause: true }] }
}

describe('parseSettings', () => {
  test('reads back what serializeSettings wrote', () => {
    expect(parseSettings(serializeSettings(sound))).toEqual({ settings: sound, problems: [] })
  })

  test('gives defaults for a file that is not JSON, and says so', () => {
    const { settings, problems } = parseSettings('{"version": 1, "window": ')
    expect(settings).toEqual(DEFAULT_SETTINGS)
    expect(problems[0]).toMatch(/not valid JSON/)
  })

  test.each([
    ['an array', '[]'],
    ['a string', '"settings"'],
    ['null', 'null']
  ])('gives defaults for a file that holds %s', (_, text) => {
    const { settings, problems } = parseSettings(text)
    expect(settings).toEqual(DEFAULT_SETTINGS)
    expect(problems).toEqual(['it is not a JSON object'])
  })

  test('gives defaults for another version of the file', () => {
    const { settings, problems } = parseSettings(JSON.stringify({ ...sound, version: 2 }))
    expect(settings).toEqual(DEFAULT_SETTINGS)
    expect(problems[0]).toMatch(/version is 2/)
  })

  test('keeps the recent files when only the window is wrong', () => {
    const text = JSON.stringify({ version: 1, window: { width: 'wide', height: 800 }, recentRuntimes: sound.recentRuntimes })
    const { settings, problems } = parseSettings(text)
    expect(settings.window).toBeNull()
    expect(settings.recentRuntimes).toEqual(sound.recentRuntimes)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/"window"/)
  })

  test.each([
    ['too small', { width: 10, height: 10, maximized: false, zoomFactor: 1 }],
    ['too large', { width: 1e9, height: 800, maximized: false, zoomFactor: 1 }],
    ['placed at infinity', { x: 1e12, y: 0, width: 1280, height: 800, maximized: false, zoomFactor: 1 }],
    ['placed on one axis only', { x: 10, width: 1280, height: 800, maximized: false, zoomFactor: 1 }],
    ['maximized "yes"', { width: 1280, height: 800, maximized: 'yes', zoomFactor: 1 }],
    ['zoomed 50 times', { width: 1280, height: 800, maximized: false, zoomFactor: 50 }],
    ['not an object', 'big']
  ])('forgets a window %s', (_, window) => {
    const { settings, problems } = parseSettings(JSON.stringify({ version: 1, window }))
    expect(settings.window).toBeNull()
    expect(problems).toHaveLength(1)
  })

  test('fills in what an older window entry lacks, and rounds its numbers', () => {
    const { settings, problems } = parseSettings(JSON.stringify({ version: 1, window: { x: 1.4, y: 2.6, width: 1000.5, height: 700 } }))
    expect(settings.window).toEqual({ x: 1, y: 3, width: 1001, height: 700, maximized: false, zoomFactor: 1 })
    expect(problems).toEqual([])
  })

  test('drops bad entries of a recent list and keeps the rest', () => {
    const { settings, problems } = parseSettings(JSON.stringify({ version: 1, recentSessions: ['/a.ndjson', 42] }))
    expect(settings.recentSessions).toEqual(['/a.ndjson'])
    expect(problems[0]).toMatch(/"recentSessions"/)
  })

  test('forgets fields it does not know', () => {
    const { settings } = parseSettings(JSON.stringify({ version: 1, token: 'secret-token-value', extra: 1 }))
    expect(Object.keys(settings).sort()).toEqual(['recentRuntimes', 'recentSessions', 'watches', 'window'])
  })
})

test('serializeSettings writes the known fields only, whatever else the object holds', () => {
  const withExtra = { ...sound, token: 'secret-token-value' }
  const text = serializeSettings(withExtra)
  expect(text).not.toContain('secret-token-value')
  expect(Object.keys(JSON.parse(text) as object).sort()).toEqual(['recentRuntimes', 'recentSessions', 'version', 'watches', 'window'])
})

describe('createSettingsStore', () => {
  let dir: string
  let file: string
  let logged: string[]
  const store = () => createSettingsStore({ file, log: (text) => logged.push(text) })

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patchscope-settings-'))
    file = join(dir, 'nested', 'settings.json')
    logged = []
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  test('starts from defaults without a file, silently, and writes nothing until a change', async () => {
    const s = store()
    expect(await s.load()).toEqual(DEFAULT_SETTINGS)
    expect(logged).toEqual([])
    await expect(readFile(file, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' })
  })

  test('writes a change to the file (creating its folder), and a new store reads it back', async () => {
    const s = store()
    await s.load()
    await s.update((x) => ({ ...x, recentRuntimes: ['/a.mjs'] }))
    expect(await store().load()).toEqual({ ...DEFAULT_SETTINGS, recentRuntimes: ['/a.mjs'] })
  })

  test('replaces a corrupt file at once, logging why, and goes on with defaults', async () => {
    await store().update(() => sound)
    await writeFile(file, '{ this is not json')
    const s = store()
    expect(await s.load()).toEqual(DEFAULT_SETTINGS)
    expect(logged.join('')).toMatch(/settings file .* was replaced.*not valid JSON/)
    expect(parseSettings(await readFile(file, 'utf8'))).toEqual({ settings: DEFAULT_SETTINGS, problems: [] })
  })

  test('keeps what was sound in a wrong-shaped file when replacing it', async () => {
    await store().update(() => sound)
    await writeFile(file, JSON.stringify({ version: 1, window: 'broken', recentRuntimes: sound.recentRuntimes }))
    await store().load()
    expect(parseSettings(await readFile(file, 'utf8')).settings).toEqual({ ...DEFAULT_SETTINGS, recentRuntimes: sound.recentRuntimes })
  })

  test('logs a file it cannot read and goes on with defaults', async () => {
    await store().update(() => sound)
    await rm(file)
    await mkdir(file)
    expect(await store().load()).toEqual(DEFAULT_SETTINGS)
    expect(logged.join('')).toMatch(/could not be read/)
  })

  test('logs a failed write and keeps the change in memory', async () => {
    // A folder where the file's folder should be: nothing can be written there.
    await writeFile(join(dir, 'nested'), 'a file, not a folder')
    const s = store()
    await s.update((x) => ({ ...x, recentRuntimes: ['/a.mjs'] }))
    expect(s.get().recentRuntimes).toEqual(['/a.mjs'])
    expect(logged.join('')).toMatch(/could not be saved/)
  })

  test('leaves no temporary file behind, and the last of many quick changes wins', async () => {
    const s = store()
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.update((x) => ({ ...x, recentRuntimes: [`/f${i}.mjs`] }))))
    await s.flush()
    expect(await readdir(join(dir, 'nested'))).toEqual(['settings.json'])
    expect(parseSettings(await readFile(file, 'utf8')).settings.recentRuntimes).toEqual(['/f19.mjs'])
  })

  test('tells subscribers about each change until they unsubscribe', async () => {
    const s = store()
    const seen: string[][] = []
    const off = s.subscribe((x) => seen.push(x.recentRuntimes))
    await s.update((x) => ({ ...x, recentRuntimes: ['/a.mjs'] }))
    off()
    await s.update((x) => ({ ...x, recentRuntimes: ['/b.mjs'] }))
    expect(seen).toEqual([['/a.mjs']])
  })
})
