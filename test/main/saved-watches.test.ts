import { describe, expect, test } from 'vitest'
import {
  cleanSavedWatches,
  createWatchKeeper,
  MAX_SAVED_RUNTIMES,
  rememberWatches,
  type SavedWatches,
  type WatchesPort
} from '../../src/main/saved-watches'
import { parseSettings, serializeSettings, DEFAULT_SETTINGS } from '../../src/main/settings'
import type { RuntimeInfo, SavedWatch } from '../../src/shared/protocol'

/** The host's registry as the keeper sees it: restore skips texts already there; every change (hits too) is told. */
class FakeRegistry implements WatchesPort {
  list: SavedWatch[] = []
  #listeners = new Set<() => void>()

  saved(): SavedWatch[] {
    return this.list.map((w) => ({ ...w }))
  }

  restore(saved: readonly SavedWatch[]): void {
    for (const w of saved) if (!this.list.some((x) => x.text === w.text)) this.list.push({ ...w })
    this.tell()
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  add(text: string, pause = false): void {
    this.list.push({ text, pause })
    this.tell()
  }

  tell(): void {
    for (const l of this.#listeners) l()
  }
}

function setup(initial: SavedWatches = {}) {
  const registry = new FakeRegistry()
  let all = initial
  let writes = 0
  const keeper = createWatchKeeper({
    watches: registry,
    store: {
      get: () => all,
      set: (change) => {
        all = change(all)
        writes++
      }
    }
  })
  return { registry, keeper, all: () => all, writes: () => writes }
}

const loaded = (path: string): RuntimeInfo => ({ path, name: path.split('/').pop() ?? null, status: 'loaded' })

describe('createWatchKeeper', () => {
  test('adds the watches saved for a runtime when it loads, without writing them back', () => {
    const { registry, keeper, writes } = setup({
      '/a.mjs': [{ text: '/count > 3', pause: true }],
      '/b.mjs': [{ text: '/x', pause: false }]
    })
    keeper.runtimeChanged({ path: null, name: null, status: 'none' })
    expect(registry.list).toEqual([])
    keeper.runtimeChanged(loaded('/a.mjs'))
    expect(registry.list).toEqual([{ text: '/count > 3', pause: true }])
    expect(writes()).toBe(0)
  })

  test('saves the watches for the loaded runtime when they change, and only then (hit counts are not a change)', () => {
    const { registry, keeper, all, writes } = setup()
    keeper.runtimeChanged(loaded('/a.mjs'))
    registry.add('/count > 3', true)
    expect(all()).toEqual({ '/a.mjs': [{ text: '/count > 3', pause: true }] })
    registry.tell()
    registry.tell()
    expect(writes()).toBe(1)
    registry.list = []
    registry.tell()
    // No watch left: the path is forgotten.
    expect(all()).toEqual({})
  })

  test('a reload of the same module restores nothing twice; a failed one and an offline session save nothing', () => {
    const { registry, keeper, all } = setup({ '/a.mjs': [{ text: '/a', pause: false }] })
    keeper.runtimeChanged(loaded('/a.mjs'))
    keeper.runtimeChanged(loaded('/a.mjs'))
    expect(registry.list).toHaveLength(1)
    keeper.runtimeChanged({ path: '/a.mjs', name: 'a.mjs', status: 'failed', error: 'boom' })
    registry.add('/while-failed')
    keeper.runtimeChanged({ path: '/a.mjs', name: 'a.mjs', status: 'session' })
    registry.add('/from-a-session-file')
    expect(all()).toEqual({ '/a.mjs': [{ text: '/a', pause: false }] })
    // Loaded again: its own come back (those already there are not added twice).
    keeper.runtimeChanged(loaded('/a.mjs'))
    expect(registry.list.map((w) => w.text)).toEqual(['/a', '/while-failed', '/from-a-session-file'])
  })

  test('each path keeps its own: a watch added while b runs is saved for b', () => {
    const { registry, keeper, all } = setup()
    keeper.runtimeChanged(loaded('/a.mjs'))
    registry.add('/a1')
    keeper.runtimeChanged(loaded('/b.mjs'))
    registry.list = []
    registry.add('/b1', true)
    expect(all()).toEqual({ '/a.mjs': [{ text: '/a1', pause: false }], '/b.mjs': [{ text: '/b1', pause: true }] })
  })

  test('stops saving once closed', () => {
    const { registry, keeper, writes } = setup()
    keeper.runtimeChanged(loaded('/a.mjs'))
    keeper.close()
    registry.add('/a')
    expect(writes()).toBe(0)
  })
})

describe('the saved watches in the settings file', () => {
  test('keep the most recently saved runtimes, at most MAX_SAVED_RUNTIMES', () => {
    let all: SavedWatches = {}
    for (let i = 0; i < MAX_SAVED_RUNTIMES + 5; i++) all = rememberWatches(all, `/r${i}.mjs`, [{ text: '/a', pause: false }])
    all = rememberWatches(all, '/r6.mjs', [{ text: '/b', pause: true }])
    const paths = Object.keys(all)
    expect(paths).toHaveLength(MAX_SAVED_RUNTIMES)
    expect(paths[0]).toBe('/r5.mjs')
    expect(paths[paths.length - 1]).toBe('/r6.mjs')
  })

  test('read back what was written, and a path named __proto__ is only a key', () => {
    const watches = rememberWatches({}, '__proto__', [{ text: '/a', pause: true }])
    const { settings, problems } = parseSettings(serializeSettings({ ...DEFAULT_SETTINGS, watches }))
    expect(problems).toEqual([])
    expect(Object.hasOwn(settings.watches, '__proto__')).toBe(true)
    expect(settings.watches['__proto__']).toEqual([{ text: '/a', pause: true }])
    expect(Object.getPrototypeOf(settings.watches)).toBe(Object.prototype)
  })

  test('leave out what is not a watch, and say so', () => {
    const { watches, problems } = cleanSavedWatches({ '/a.mjs': [{ text: '/a', pause: true, extra: 1 }, { text: 3 }], '/b.mjs': 'x' })
    expect(watches).toEqual({ '/a.mjs': [{ text: '/a', pause: true }] })
    expect(problems).toEqual(['"watches" of /a.mjs: 1 not a watch', '"watches" of /b.mjs is not a list'])
    expect(cleanSavedWatches([]).problems).toEqual(['"watches" is not an object'])
    expect(cleanSavedWatches(undefined)).toEqual({ watches: {}, problems: [] })
  })
})
