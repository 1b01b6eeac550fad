/**
 * Starting the app on a module that cannot load (a fresh app, see `index.test.ts` for the rest):
 * the window opens all the same, says what failed, and offers the way out.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import { app, seen, setUserData, windowLoaded } from './fake-electron'

vi.mock('electron', () => import('./fake-electron'))

const broken = resolve(import.meta.dirname, 'fixtures', 'broken.mjs')
const argv = process.argv
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchscope-launch-'))
  setUserData(dir)
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  process.argv = [argv[0] ?? 'electron', broken]
  await import('../../src/main/index')
  await windowLoaded
  await vi.waitFor(() => expect(seen.boxes).toHaveLength(1), { timeout: 15_000, interval: 10 })
})

afterAll(async () => {
  app.quit()
  await vi.waitFor(() => expect(seen.quits).toBe(2), { timeout: 15_000, interval: 10 })
  process.argv = argv
  vi.restoreAllMocks()
  await rm(dir, { recursive: true, force: true })
})

test('opens the window all the same, and says which module failed and why', () => {
  expect(seen.windows).toHaveLength(1)
  expect(seen.boxes[0]).toMatchObject({ type: 'error', message: 'Cannot load broken.mjs' })
  expect(seen.boxes[0]?.detail).toContain('broken on purpose')
  expect(seen.errorBoxes).toEqual([])
})

test('names the failure in the title, and lets the user reload once the module is fixed', () => {
  expect(seen.windows[0]?.title).toBe('broken.mjs (failed) — Patchscope')
  const file = seen.menus.at(-1)?.find((m) => m.id === 'file')?.submenu
  expect(Array.isArray(file) && file.find((i) => i.id === 'reload-runtime')?.enabled).toBe(true)
})

test('does not put a module that never loaded on the recent list', () => {
  const recent = seen.menus.at(-1)?.find((m) => m.id === 'file')?.submenu
  const labels = Array.isArray(recent) ? JSON.stringify(recent) : ''
  expect(labels).not.toContain('recent-runtime:')
})
