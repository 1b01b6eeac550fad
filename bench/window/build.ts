/**
 * The window's figures run the built app (`out/`): it is built here, once, at the start of a run,
 * when it is missing or older than what it is built from. `out/` is shared with everyone's
 * end-to-end tests, so the bench builds it only before it measures anything, never in the middle.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** What the build reads besides src/. */
const INPUTS = ['electron.vite.config.ts', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.node.json', 'tsconfig.web.json']
/** What the window's figures use of the build. */
const OUTPUTS = ['out/main/cli.js', 'out/main/worker.js', 'out/renderer/index.html']

/** The newest modification time of the files under `dir`, ms. */
function newest(dir: string): number {
  let t = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }
  return t
}

/** Why `out/` must be built again, or undefined when it is up to date. */
export function staleness(): string | undefined {
  const missing = OUTPUTS.find((f) => !existsSync(join(ROOT, f)))
  if (missing !== undefined) return `${missing} is missing`
  const built = Math.min(...OUTPUTS.map((f) => statSync(join(ROOT, f)).mtimeMs))
  const sources = Math.max(
    newest(join(ROOT, 'src')),
    ...INPUTS.filter((f) => existsSync(join(ROOT, f))).map((f) => statSync(join(ROOT, f)).mtimeMs)
  )
  return sources > built ? `src/ or the build's configuration changed since ${new Date(built).toISOString()}` : undefined
}

/** Builds `out/` with electron-vite when it is stale; says what it did. */
export function ensureBuilt(log: (line: string) => void): string {
  const why = staleness()
  if (why === undefined) return 'out/ was up to date'
  log(`window: building out/ (${why}): npx electron-vite build`)
  // Its output goes to stderr: stdout carries the table.
  execFileSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 2, 2], timeout: 600_000 })
  return `built at the start of the run (${why})`
}
