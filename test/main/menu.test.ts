import type { MenuItemConstructorOptions } from 'electron'
import { describe, expect, test } from 'vitest'
import { ACCELERATORS, menuTemplate, type MenuAction, type MenuState } from '../../src/main/menu'

const base: MenuState = { platform: 'linux', home: '/home/ada', recentRuntimes: [], recentSessions: [], canReload: true }

function build(state: Partial<MenuState> = {}): { template: MenuItemConstructorOptions[]; actions: MenuAction[] } {
  const actions: MenuAction[] = []
  return { template: menuTemplate({ ...base, ...state }, (a) => actions.push(a)), actions }
}

/** Every item, depth first. */
function all(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? all(item.submenu) : [])])
}

function item(template: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions {
  const found = all(template).find((i) => i.id === id)
  if (found === undefined) throw new Error(`no menu item ${id}`)
  return found
}

function submenu(template: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions[] {
  const { submenu } = item(template, id)
  if (!Array.isArray(submenu)) throw new Error(`${id} has no submenu`)
  return submenu
}

/** Clicks an item as Electron would; the arguments are not used by the app's items. */
function click(menuItem: MenuItemConstructorOptions): void {
  if (menuItem.click === undefined) throw new Error(`${menuItem.id ?? menuItem.label} cannot be clicked`)
  menuItem.click(undefined as never, undefined, undefined as never)
}

describe('File', () => {
  test('holds, in order, Open Runtime, Open Recent, Reload Runtime, Import Session, Export Session and Quit', () => {
    const labels = submenu(build().template, 'file')
      .filter((i) => i.type !== 'separator')
      .map((i) => i.label)
    expect(labels).toEqual(['Open Runtime…', 'Open Recent', 'Reload Runtime', 'Import Session…', 'Export Session…', 'Quit'])
  })

  test.each<[string, MenuAction['type'], string]>([
    ['open-runtime', 'open-runtime', ACCELERATORS.openRuntime],
    ['reload-runtime', 'reload-runtime', ACCELERATORS.reloadRuntime],
    ['import-session', 'import-session', ACCELERATORS.importSession],
    ['export-session', 'export-session', ACCELERATORS.exportSession]
  ])('%s runs its action and has its shortcut', (id, type, accelerator) => {
    const { template, actions } = build()
    const menuItem = item(template, id)
    expect(menuItem.accelerator).toBe(accelerator)
    click(menuItem)
    expect(actions).toEqual([{ type }])
  })

  test('Reload Runtime is disabled when there is nothing to reload', () => {
    expect(item(build({ canReload: false }).template, 'reload-runtime').enabled).toBe(false)
    expect(item(build({ canReload: true }).template, 'reload-runtime').enabled).toBe(true)
  })

  test('Quit quits, with Ctrl+Q, on Windows and Linux', () => {
    for (const platform of ['linux', 'win32'] as const) {
      const quit = item(build({ platform }).template, 'quit')
      expect(quit).toMatchObject({ role: 'quit', label: 'Quit', accelerator: ACCELERATORS.quit })
    }
  })

  test('on macOS, Quit is in the app menu and File ends with Close Window', () => {
    const { template } = build({ platform: 'darwin' })
    expect(template[0]).toEqual({ role: 'appMenu' })
    expect(all(template).some((i) => i.id === 'quit')).toBe(false)
    expect(submenu(template, 'file').at(-1)).toEqual({ role: 'close' })
  })
})

describe('Open Recent', () => {
  test('says there is nothing yet, and cannot be cleared, without recent files', () => {
    const recent = submenu(build().template, 'open-recent')
    expect(recent[0]).toMatchObject({ label: 'No Recent Files', enabled: false })
    expect(item(build().template, 'clear-recent').enabled).toBe(false)
  })

  test('lists runtimes, then sessions, each under a heading, labelled by name and folder', () => {
    const { template } = build({ recentRuntimes: ['/home/ada/a.mjs', '/opt/b.ts'], recentSessions: ['/home/ada/s.ndjson'] })
    const labels = submenu(template, 'open-recent').map((i) => i.label ?? i.type)
    expect(labels).toEqual(['Runtimes', 'a.mjs — ~', 'b.ts — /opt', 'separator', 'Sessions', 's.ndjson — ~', 'separator', 'Clear Recent'])
  })

  test('opens the recent file clicked, as what it is', () => {
    const { template, actions } = build({ recentRuntimes: ['/home/ada/a.mjs'], recentSessions: ['/home/ada/s.ndjson'] })
    click(item(template, 'recent-runtime:/home/ada/a.mjs'))
    click(item(template, 'recent-session:/home/ada/s.ndjson'))
    expect(actions).toEqual([
      { type: 'open-recent', kind: 'runtime', path: '/home/ada/a.mjs' },
      { type: 'open-recent', kind: 'session', path: '/home/ada/s.ndjson' }
    ])
  })

  test('shows the full path as the tooltip', () => {
    expect(item(build({ recentRuntimes: ['/home/ada/a.mjs'] }).template, 'recent-runtime:/home/ada/a.mjs').toolTip).toBe('/home/ada/a.mjs')
  })

  test('Clear Recent clears', () => {
    const { template, actions } = build({ recentSessions: ['/s.ndjson'] })
    const clear = item(template, 'clear-recent')
    expect(clear.enabled).toBe(true)
    click(clear)
    expect(actions).toEqual([{ type: 'clear-recent' }])
  })
})

describe('View', () => {
  test('zooms in, out and back, and opens the developer tools, through their roles', () => {
    const roles = submenu(build().template, 'view').map((i) => i.role)
    expect(roles).toEqual(expect.arrayContaining(['resetZoom', 'zoomIn', 'zoomOut', 'toggleDevTools', 'togglefullscreen']))
  })

  test('zooms in with the = key too, from a hidden item', () => {
    expect(item(build().template, 'zoom-in-equals')).toMatchObject({ role: 'zoomIn', accelerator: 'CmdOrCtrl+=', visible: false })
  })

  test('Reload Window reloads the page, with a shortcut that is not Reload Runtime’s', () => {
    const { template, actions } = build()
    const reload = item(template, 'reload-window')
    expect(reload.accelerator).not.toBe(ACCELERATORS.reloadRuntime)
    click(reload)
    expect(actions).toEqual([{ type: 'reload-window' }])
  })
})

describe('the menu bar', () => {
  test('has File, Edit and View, with mnemonics on Windows and Linux', () => {
    expect(build({ platform: 'win32' }).template.map((i) => i.label)).toEqual(['&File', '&Edit', '&View'])
  })

  test('has the app menu and the Window menu on macOS, and no mnemonics', () => {
    const { template } = build({ platform: 'darwin' })
    expect(template.map((i) => i.role ?? i.label)).toEqual(['appMenu', 'File', 'editMenu', 'View', 'windowMenu'])
    expect(template.find((i) => i.role === 'editMenu')?.label).toBe('Edit')
  })

  test('gives no two items the same shortcut', () => {
    for (const platform of ['darwin', 'linux', 'win32'] as const) {
      const keys = all(build({ platform }).template).flatMap((i) => (typeof i.accelerator === 'string' ? [i.accelerator] : []))
      expect(new Set(keys).size).toBe(keys.length)
    }
  })
})
