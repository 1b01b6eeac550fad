/**
 * The redaction policy as the window shows and edits it (`GET /redaction`, `PUT /redaction`): key
 * patterns and paths, which of them are defaults, whether entries are redacted at capture, and
 * what the recording is redacted with while that differs from the user's choice.
 */
import type { RedactionPolicy, RedactionSettings } from '../../../shared/redaction'
import { errorOf, unreachable } from './model/host-errors'

/** What the model needs of the connection (a fake in tests). */
export interface RedactionHost {
  request(path: string, init?: RequestInit): Promise<Response>
}

/** The lists of a policy. */
export type PolicyList = keyof RedactionPolicy

export class RedactionModel {
  settings = $state<RedactionSettings | undefined>()
  /** Why the settings could not be read or changed (the host's words: which pattern, and why). */
  error = $state<string | undefined>()
  busy = $state(false)

  constructor(private readonly host: RedactionHost) {}

  /**
   * Said while the recording is redacted with something else than the user chose: capture turned
   * off, or patterns removed, still apply to the running runtime until it is reloaded.
   */
  readonly pending: string | undefined = $derived.by(() => {
    const s = this.settings
    if (s === undefined || s.applied === null) return undefined
    const applied = s.applied
    const gone = [...applied.keys.filter((k) => !s.policy.keys.includes(k)), ...applied.paths.filter((p) => !s.policy.paths.includes(p))]
    if (!s.capture) return 'The running runtime is still redacted at capture: reload it to record its values in full.'
    if (gone.length > 0) return `${gone.join(', ')} still apply at capture until the runtime is reloaded.`
    return undefined
  })

  /** True for a pattern of the default policy. */
  isDefault(list: PolicyList, pattern: string): boolean {
    return this.settings?.defaults[list].includes(pattern) ?? false
  }

  /** True when the policy is the default one. */
  readonly atDefaults: boolean = $derived.by(() => {
    const s = this.settings
    if (s === undefined) return true
    const same = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x) => b.includes(x))
    return same(s.policy.keys, s.defaults.keys) && same(s.policy.paths, s.defaults.paths)
  })

  async refresh(): Promise<void> {
    await this.#send(() => this.host.request('/redaction'))
  }

  /** Adds a pattern to a list; false (with `error` saying why) when the host refuses it. */
  add(list: PolicyList, pattern: string): Promise<boolean> {
    const policy = this.settings?.policy
    const text = pattern.trim()
    if (policy === undefined || text === '') return Promise.resolve(false)
    if (policy[list].includes(text)) return Promise.resolve(true)
    return this.#put({ policy: { ...policy, [list]: [...policy[list], text] } })
  }

  remove(list: PolicyList, pattern: string): Promise<boolean> {
    const policy = this.settings?.policy
    if (policy === undefined) return Promise.resolve(false)
    return this.#put({ policy: { ...policy, [list]: policy[list].filter((p) => p !== pattern) } })
  }

  /** Puts the default policy back. */
  restoreDefaults(): Promise<boolean> {
    const defaults = this.settings?.defaults
    return defaults === undefined ? Promise.resolve(false) : this.#put({ policy: defaults })
  }

  setCapture(capture: boolean): Promise<boolean> {
    return this.#put({ capture })
  }

  #put(change: { policy?: RedactionPolicy; capture?: boolean }): Promise<boolean> {
    return this.#send(() =>
      this.host.request('/redaction', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(change) })
    )
  }

  async #send(request: () => Promise<Response>): Promise<boolean> {
    this.busy = true
    try {
      const res = await request()
      if (!res.ok) {
        this.error = await errorOf(res)
        return false
      }
      this.settings = (await res.json()) as RedactionSettings
      this.error = undefined
      return true
    } catch (e) {
      this.error = unreachable(e)
      return false
    } finally {
      this.busy = false
    }
  }
}
