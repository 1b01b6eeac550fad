/**
 * A host (Patchscope or a baseline) in a child process, driven over IPC. Every wait is bounded.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ChildMessage, Reply, Request, TimeTravel, Usage } from '../hosts/protocol'

type RequestBody = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never

export class Child {
  readonly #proc: ChildProcess
  readonly origin: string
  readonly token: string
  #nextId = 1
  #pending = new Map<number, (reply: Reply) => void>()

  private constructor(proc: ChildProcess, origin: string, token: string) {
    this.#proc = proc
    this.origin = origin
    this.token = token
    proc.on('message', (m: ChildMessage) => {
      if (m.t !== 'reply') return
      this.#pending.get(m.id)?.(m)
      this.#pending.delete(m.id)
    })
  }

  get pid(): number {
    return this.#proc.pid ?? -1
  }

  /**
   * Starts `hosts/<entry>.ts` with `env` added, and waits until its server listens.
   * @param entry a file name under bench/hosts, without `.ts`
   */
  static start(entry: string, env: Record<string, string>, timeoutMs = 60_000): Promise<Child> {
    const file = fileURLToPath(new URL(`../hosts/${entry}.ts`, import.meta.url))
    // PATCHSCOPE_BENCH_CPU_PROF=<dir> profiles the child's threads (node --cpu-prof), to find where a budget goes.
    const profile = process.env.PATCHSCOPE_BENCH_CPU_PROF
    const proc = fork(file, [], {
      execArgv: ['--expose-gc', '--import', 'tsx', ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : [])],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    return new Promise<Child>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL')
        reject(new Error(`${entry} did not start within ${timeoutMs} ms`))
      }, timeoutMs)
      proc.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`${entry} exited while starting (code ${code})`))
      })
      proc.once('message', (m: ChildMessage) => {
        clearTimeout(timer)
        proc.removeAllListeners('exit')
        if (m.t === 'ready') resolve(new Child(proc, m.origin, m.token))
        else {
          proc.kill('SIGKILL')
          reject(new Error(m.t === 'failed' ? `${entry} failed to start: ${m.error}` : `${entry} sent ${m.t} first`))
        }
      })
    })
  }

  /** Sends a request and waits for its reply. */
  request(body: RequestBody, timeoutMs = 120_000): Promise<unknown> {
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        reject(new Error(`the child did not answer ${body.t} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.#pending.set(id, (reply) => {
        clearTimeout(timer)
        if (reply.ok) resolve(reply.value)
        else reject(new Error(`the child failed ${body.t}: ${reply.error}`))
      })
      this.#proc.send({ ...body, id })
    })
  }

  usage(): Promise<Usage> {
    return this.request({ t: 'usage' }) as Promise<Usage>
  }

  /** Collects garbage in the child, then reads its usage. */
  async usageAfterGc(): Promise<Usage> {
    await this.request({ t: 'gc' })
    return this.usage()
  }

  timeTravel(samples: number, seed: number, budgetMs: number): Promise<TimeTravel> {
    return this.request({ t: 'time-travel', samples, seed, budgetMs }, budgetMs + 60_000) as Promise<TimeTravel>
  }

  /** Asks the child to end, and ends it if it does not within a few seconds. */
  async close(): Promise<void> {
    const proc = this.#proc
    if (proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
    try {
      await this.request({ t: 'close' }, 10_000)
    } catch {
      // It did not answer: it is ended below all the same.
    }
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  }
}
