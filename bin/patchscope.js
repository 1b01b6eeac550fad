#!/usr/bin/env node
// `patchscope [module]`: starts the built desktop app (`npm run build` first) with Electron from
// node_modules. Paths are relative to where you type it.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
if (!existsSync(new URL('../out/main/index.js', import.meta.url))) {
  process.stderr.write('patchscope: the app is not built: run `npm run build` in ' + root + '\n')
  process.exit(1)
}
// The electron package's main export is the path of its binary (downloaded on its first run).
const electron = createRequire(import.meta.url)('electron')
const child = spawn(electron, [root, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, INIT_CWD: process.env.INIT_CWD ?? process.cwd() }
})
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)))
