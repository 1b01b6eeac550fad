/**
 * The built headless host (`node out/main/cli.js <workload> --json`) in a process of its own, as a
 * user runs it with `npm run serve`: the workload's shape reaches its worker through the environment.
 * It journals, as by default, but into a temporary folder (`--session-dir`, removed when it stops),
 * never the user's data folder; a shape without a journal gets `--no-save`.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { Endpoint } from '../lib/http'
import { shapeOptions, type Shape } from '../lib/shapes'
import { ROOT } from './build'

const WORKLOAD = fileURLToPath(new URL('../workloads/agent.mjs', import.meta.url))

export interface BuiltHost extends Endpoint {
  pid: number
  /** Ends the host (SIGINT, then SIGKILL after 10 s) and removes its journal's folder. */
  stop(): Promise<void>
}

/** Starts the built host on the workload and waits for its `--json` line (at most `timeoutMs`). */
export function startBuiltHost(shape: Shape, args: readonly string[] = [], timeoutMs = 60_000): Promise<BuiltHost> {
  const { journal, ...workload } = shapeOptions(shape)
  const dir = journal === false ? undefined : mkdtempSync(join(tmpdir(), 'patchscope-bench-sessions-'))
  const removeDir = (): void => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
  }
  const saving = dir === undefined ? ['--no-save'] : ['--session-dir', dir]
  const proc = spawn(process.execPath, [`${ROOT}out/main/cli.js`, WORKLOAD, '--json', ...saving, ...args], {
    cwd: ROOT,
    env: { ...process.env, PATCHSCOPE_BENCH_WORKLOAD: JSON.stringify({ ...workload, startStep: 0 }) },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  proc.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 10_000) stderr += d.toString()
  })
  const stop = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve()
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000)
      proc.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
      proc.kill('SIGINT')
    }).finally(removeDir)
  return new Promise<BuiltHost>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      removeDir()
      reject(new Error(`the built host did not print its URL within ${timeoutMs} ms: ${stderr}`))
    }, timeoutMs)
    proc.once('exit', (code) => {
      clearTimeout(timer)
      removeDir()
      reject(new Error(`the built host exited with ${code} while starting: ${stderr}`))
    })
    createInterface({ input: proc.stdout }).once('line', (line) => {
      clearTimeout(timer)
      proc.removeAllListeners('exit')
      const { url, token } = JSON.parse(line) as { url: string; token: string }
      resolve({ origin: url, token, pid: proc.pid ?? -1, stop })
    })
  })
}
