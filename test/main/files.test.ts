import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  defaultExportName,
  exportSessionDialog,
  fileKind,
  importSessionDialog,
  notOpenableReason,
  openRuntimeDialog,
  RUNTIME_FILTERS,
  SESSION_FILTERS
} from '../../src/main/files'

describe('fileKind', () => {
  test.each(['a.js', 'a.mjs', 'a.cjs', 'a.ts', 'a.mts', 'a.cts', '/x/Agent.MJS'])('%s is a runtime module', (path) => {
    expect(fileKind(path)).toBe('runtime')
  })

  test.each(['s.ndjson', 's.jsonl', '/x/S.NDJSON'])('%s is a session file', (path) => {
    expect(fileKind(path)).toBe('session')
  })

  test.each(['notes.txt', 'state.json', 'agent', 'archive.mjs.zip'])('%s is neither', (path) => {
    expect(fileKind(path)).toBeNull()
  })

  test('the reason a file is refused names it and the kinds that can be opened', () => {
    const reason = notOpenableReason('/x/notes.txt')
    expect(reason).toContain('notes.txt')
    expect(reason).toContain('.mjs')
    expect(reason).toContain('.ndjson')
  })
})

describe('dialogs', () => {
  test('Open Runtime offers the module extensions first, then all files, and picks one file', () => {
    const options = openRuntimeDialog(undefined)
    expect(options.properties).toEqual(['openFile'])
    expect(options.filters).toBe(RUNTIME_FILTERS)
    expect(RUNTIME_FILTERS[0]?.extensions).toEqual(expect.arrayContaining(['js', 'mjs', 'ts']))
    expect(RUNTIME_FILTERS[0]?.extensions.every((e) => !e.startsWith('.'))).toBe(true)
    expect(RUNTIME_FILTERS.at(-1)).toEqual({ name: 'All files', extensions: ['*'] })
    expect(options).not.toHaveProperty('defaultPath')
  })

  test('Open Runtime starts in the folder given', () => {
    expect(openRuntimeDialog('/home/ada/work').defaultPath).toBe('/home/ada/work')
  })

  test('Import Session offers session files', () => {
    const options = importSessionDialog('/docs')
    expect(options.filters).toBe(SESSION_FILTERS)
    expect(SESSION_FILTERS[0]?.extensions).toEqual(['ndjson', 'jsonl'])
    expect(options.defaultPath).toBe('/docs')
  })

  test('Export Session proposes a file named after the runtime and the time, and asks before overwriting', () => {
    const info = { path: '/x/agent.mjs', name: 'agent.mjs', status: 'loaded' as const }
    const options = exportSessionDialog(info, new Date(2026, 10, 25, 19, 23), '/docs')
    expect(options.defaultPath).toBe(join('/docs', 'agent-2026-11-25-1923.ndjson'))
    expect(options.properties).toContain('showOverwriteConfirmation')
    expect(options.filters).toBe(SESSION_FILTERS)
  })
})

describe('defaultExportName', () => {
  const at = new Date(2026, 0, 5, 7, 4)

  test('is the runtime without its extension, then the local date and time, zero-padded', () => {
    expect(defaultExportName({ name: 'agent.mjs' }, at)).toBe('agent-2026-01-05-0704.ndjson')
  })

  test('is "session" when no runtime is loaded', () => {
    expect(defaultExportName({ name: null }, at)).toBe('session-2026-01-05-0704.ndjson')
  })

  test('replaces characters some file systems refuse, and keeps letters of any script', () => {
    expect(defaultExportName({ name: 'my agent: v2?.ts' }, at)).toBe('my-agent-v2-2026-01-05-0704.ndjson')
    expect(defaultExportName({ name: 'état.mjs' }, at)).toBe('état-2026-01-05-0704.ndjson')
    expect(defaultExportName({ name: '../../etc/passwd' }, at)).not.toContain('/')
  })

  test('falls back on "session" when nothing of the name is left', () => {
    expect(defaultExportName({ name: '???.mjs' }, at)).toBe('session-2026-01-05-0704.ndjson')
  })

  test('keeps long names to a reasonable length', () => {
    expect(defaultExportName({ name: `${'a'.repeat(300)}.mjs` }, at).length).toBeLessThan(110)
  })
})
