import { describe, expect, test } from 'vitest'
import type { RuntimeInfo } from '../../src/shared/protocol'
import type { WindowState } from '../../src/main/settings'
import { DEFAULT_SIZE, restoreBounds, WINDOW_PARTITION, windowOptions, windowState, windowTitle } from '../../src/main/window-state'

const laptop = { x: 0, y: 25, width: 1440, height: 875 }
const external = { x: 1440, y: 0, width: 2560, height: 1440 }
const saved = (over: Partial<WindowState>): WindowState => ({
  x: 100,
  y: 100,
  width: 1200,
  height: 760,
  maximized: false,
  zoomFactor: 1,
  ...over
})

describe('restoreBounds', () => {
  test('opens a first window at the default size, centred (no position)', () => {
    expect(restoreBounds(null, [laptop])).toEqual(DEFAULT_SIZE)
  })

  test('opens where the window was when that is on a screen', () => {
    expect(restoreBounds(saved({ x: 2000, y: 200 }), [laptop, external])).toEqual({ x: 2000, y: 200, width: 1200, height: 760 })
  })

  test('centres a window whose screen is gone (unplugged), keeping its size', () => {
    expect(restoreBounds(saved({ x: 3000, y: 200 }), [laptop])).toEqual({ width: 1200, height: 760 })
  })

  test('centres a window of which too little shows to grab it', () => {
    expect(restoreBounds(saved({ x: 1400, y: 200 }), [laptop])).toEqual({ width: 1200, height: 760 })
  })

  test('pulls a window that hangs off the edge of its screen back in', () => {
    expect(restoreBounds(saved({ x: 1000, y: 500 }), [laptop])).toEqual({ x: 240, y: 140, width: 1200, height: 760 })
  })

  test('shrinks a window larger than its screen to fit it', () => {
    expect(restoreBounds(saved({ x: 0, y: 25, width: 2400, height: 1400 }), [laptop])).toEqual({ x: 0, y: 25, width: 1440, height: 875 })
  })

  test('shrinks a first window on a small screen, but not below the minimum size', () => {
    expect(restoreBounds(null, [{ x: 0, y: 0, width: 1024, height: 300 }])).toEqual({ width: 1024, height: 400 })
  })

  test('centres a window that was never placed', () => {
    expect(restoreBounds({ width: 1000, height: 700, maximized: true, zoomFactor: 1 }, [laptop])).toEqual({ width: 1000, height: 700 })
  })
})

describe('windowOptions', () => {
  const options = windowOptions({
    bounds: { width: 1280, height: 800 },
    preload: '/app/out/preload/index.cjs',
    title: 'Patchscope',
    dark: false
  })

  test('gives the page no Node, a sandbox, and isolation from the preload', () => {
    expect(options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false
    })
  })

  test('uses the built preload, and an in-memory session (nothing of the page is cached on disk)', () => {
    expect(options.webPreferences?.preload).toBe('/app/out/preload/index.cjs')
    expect(options.webPreferences?.partition).toBe(WINDOW_PARTITION)
    expect(WINDOW_PARTITION.startsWith('persist:')).toBe(false)
  })

  test('opens at the bounds given, and is painted in the system theme before the page arrives', () => {
    expect(options).toMatchObject({ width: 1280, height: 800, title: 'Patchscope', backgroundColor: '#ffffff' })
    const dark = windowOptions({ bounds: { x: 5, y: 6, width: 900, height: 700 }, preload: '/p', title: 't', dark: true, zoomFactor: 1.25 })
    expect(dark).toMatchObject({ x: 5, y: 6, backgroundColor: '#1e1e1e' })
    expect(dark.webPreferences?.zoomFactor).toBe(1.25)
  })
})

test('windowState remembers the normal bounds, whether maximized, and the zoom', () => {
  expect(windowState({ x: 1, y: 2, width: 1300, height: 810 }, { maximized: true, zoomFactor: 0.9 })).toEqual({
    x: 1,
    y: 2,
    width: 1300,
    height: 810,
    maximized: true,
    zoomFactor: 0.9
  })
})

describe('windowTitle', () => {
  const info = (over: Partial<RuntimeInfo>): RuntimeInfo => ({ path: '/x/agent.mjs', name: 'agent.mjs', status: 'loaded', ...over })

  test.each<[string, RuntimeInfo, string]>([
    ['no runtime', { path: null, name: null, status: 'none' }, 'Patchscope'],
    ['a runtime', info({ responsive: true }), 'agent.mjs — Patchscope'],
    ['a runtime that does not answer', info({ responsive: false }), 'agent.mjs (not responding) — Patchscope'],
    ['a runtime that failed', info({ status: 'failed', error: 'boom' }), 'agent.mjs (failed) — Patchscope'],
    ['an imported session', info({ status: 'session' }), 'agent.mjs (session) — Patchscope'],
    ['a session of no runtime', { path: null, name: null, status: 'session' }, 'Imported (session) — Patchscope']
  ])('names %s', (_, runtime, title) => {
    expect(windowTitle(runtime)).toBe(title)
  })
})
