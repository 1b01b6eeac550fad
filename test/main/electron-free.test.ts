import { readdir, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { expect, test } from 'vitest'

const main = resolve(import.meta.dirname, '../../src/main')
/** The only files of the main process that touch Electron; everything else runs under Node in these tests. */
const ELECTRON_GLUE = ['index.ts', 'ipc.ts', 'window.ts']

test('the main process decides in plain modules that import Electron types only', async () => {
  const plain = (await readdir(main)).filter((f) => f.endsWith('.ts') && !ELECTRON_GLUE.includes(f))
  expect(plain.length).toBeGreaterThan(5)
  for (const file of plain) {
    const source = await readFile(join(main, file), 'utf8')
    // `import { type X } from 'electron'` still loads Electron (verbatimModuleSyntax keeps the import): only `import type` is free.
    const valueImports = [...source.matchAll(/^\s*(?:import|export)\s+(type\s)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)]
      .filter(([, type, from]) => from === 'electron' && type === undefined)
      .map(([statement]) => statement.trim())
    const requires = source.match(/require\(\s*['"]electron['"]\s*\)|import\(\s*['"]electron['"]\s*\)/g) ?? []
    expect([...valueImports, ...requires], `${file} imports Electron`).toEqual([])
  }
})

test('the Electron glue files exist, so that the list above is not stale', async () => {
  const files = await readdir(main)
  for (const glue of ELECTRON_GLUE) expect(files).toContain(glue)
})
