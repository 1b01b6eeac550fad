/**
 * *Attach…*: the form that attaches the host to a running app's event stream (`POST /attach`), and
 * what the runtime panel says of the attachment (`attachSentence`). Header values are sent once,
 * to the host, and kept nowhere in the window once sent.
 */
import type { AttachInfo, RuntimeInfo } from '../../../shared/protocol'
import { runCommand } from './model/host-errors'

/** What the form needs of the connection. */
export interface AttachPort {
  request(path: string, init?: RequestInit): Promise<Response>
  runtime: RuntimeInfo
}

export interface HeaderRow {
  name: string
  value: string
}

export class AttachForm {
  url = $state('')
  headers = $state<HeaderRow[]>([])
  busy = $state(false)
  error = $state<string | undefined>()
  /** The clock the countdown of a reconnect is read against, ticking while one is awaited. */
  now = $state(Date.now())
  /** When the runtime's info last changed (its `retryInMs` counts from then). */
  #since = $state(Date.now())

  constructor(private readonly port: AttachPort) {
    $effect(() => {
      void this.port.runtime.attach
      this.#since = this.now = Date.now()
    })
    $effect(() => {
      if (this.port.runtime.attach?.state !== 'reconnecting') return
      const timer = setInterval(() => (this.now = Date.now()), 250)
      return () => clearInterval(timer)
    })
  }

  /** What the runtime panel says of the attachment, or undefined when none is attached. */
  get status(): string | undefined {
    const info = this.port.runtime.attach
    return info === undefined ? undefined : attachSentence(info, this.now - this.#since)
  }

  addHeader(): void {
    this.headers.push({ name: '', value: '' })
  }

  removeHeader(i: number): void {
    this.headers.splice(i, 1)
  }

  /** Why the form cannot be sent as it is, before the host is asked. */
  get problem(): string | undefined {
    if (this.url.trim() === '') return 'give the URL of the event stream'
    for (const [i, h] of this.headers.entries()) {
      if (h.name.trim() === '' && h.value.trim() === '') continue
      if (h.name.trim() === '') return `header ${i + 1} has a value but no name`
    }
    return undefined
  }

  /**
   * Attaches; true when the host took it (the header values are then forgotten here). False with
   * `error` when the form is incomplete or the host refused: a source that did not answer with its
   * event stream is refused with the reason, and what ran before keeps running.
   */
  async attach(): Promise<boolean> {
    const problem = this.problem
    if (problem !== undefined) {
      this.error = problem
      return false
    }
    const headers: Record<string, string> = {}
    for (const h of this.headers) if (h.name.trim() !== '') headers[h.name.trim()] = h.value
    const shown = this.port.runtime
    const res = await runCommand(this, () =>
      this.port.request('/attach', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ url: this.url.trim(), headers })
      })
    )
    if (res === undefined) return false
    this.#answered(shown, (await res.json()) as RuntimeInfo)
    this.headers = this.headers.map((h) => ({ name: h.name, value: '' }))
    return true
  }

  /** Ends the attachment (the history is kept). */
  async detach(): Promise<void> {
    const shown = this.port.runtime
    const res = await runCommand(this, () => this.port.request('/attach', { method: 'DELETE' }))
    if (res !== undefined) this.#answered(shown, (await res.json()) as RuntimeInfo)
  }

  /**
   * Shows the runtime's info a command answered, unless the host pushed newer info meanwhile: the
   * stream can tell that the source's protocol is known before the answer is read, and the answer
   * would then put back an older state (the host pushes each change once, so nothing would correct it).
   */
  #answered(shown: RuntimeInfo, info: RuntimeInfo): void {
    if (this.port.runtime === shown) this.port.runtime = info
  }
}

const PROTOCOL = { seed: "the seed's events route", 'ag-ui': 'AG-UI' } as const

/** The attachment's state in words: what, which protocol, and connecting, live, reconnecting in N s, or failed with why. */
export function attachSentence(info: AttachInfo, elapsedMs: number): string {
  const what = info.protocol === null ? '' : ` (${PROTOCOL[info.protocol]})`
  switch (info.state) {
    case 'connecting':
      return `Connecting${what}…${info.error !== undefined ? ` The last try: ${info.error}.` : ''}`
    case 'live':
      return `Live${what}: recording its events.`
    case 'reconnecting': {
      const s = Math.max(0, Math.ceil(((info.retryInMs ?? 0) - elapsedMs) / 1000))
      return `Reconnecting in ${s} s${what}: ${info.error ?? 'the connection was lost'}.`
    }
    case 'failed':
      return `Failed${what}: ${info.error ?? 'the connection was given up'}. Attach again once the source is fixed.`
  }
}
