/**
 * The host's redaction: the policy the user sees and edits, whether entries are redacted as they
 * are recorded, and what the recording is redacted with right now. Kept, when given a file, as
 * `redaction.json` (beside the journal's sessions), so a policy outlives the host.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import {
  compilePolicy,
  DEFAULT_POLICY,
  readPolicy,
  RedactionPolicyError,
  type CompiledPolicy,
  type RedactionPolicy,
  type RedactionSettings
} from '../../shared/redaction'

/** What `PUT /redaction` may change. */
export interface RedactionChange {
  policy?: RedactionPolicy
  capture?: boolean
}

export class Redaction {
  #policy: CompiledPolicy
  #capture: boolean
  #applied: CompiledPolicy | undefined
  readonly #listeners = new Set<(grown: boolean) => void>()

  /** @throws {RedactionPolicyError} for a policy that cannot be used */
  constructor({ policy = DEFAULT_POLICY, capture = false }: { policy?: RedactionPolicy; capture?: boolean } = {}) {
    this.#policy = compilePolicy(policy)
    this.#capture = capture
    this.#applied = capture ? this.#policy : undefined
  }

  /** The policy exports use (unless asked for an unredacted file). */
  get policy(): CompiledPolicy {
    return this.#policy
  }

  /** The user's choice: redact entries as they are recorded. */
  get capture(): boolean {
    return this.#capture
  }

  /** What recorded entries are redacted with now (see `RedactionSettings.applied`). */
  get applied(): CompiledPolicy | undefined {
    return this.#applied
  }

  get state(): RedactionSettings {
    return {
      policy: this.#policy.policy,
      capture: this.#capture,
      defaults: { keys: [...DEFAULT_POLICY.keys], paths: [...DEFAULT_POLICY.paths] },
      applied: this.#applied?.policy ?? null
    }
  }

  /**
   * Changes the policy or the capture; with capture on, what is applied grows at once.
   * @throws {RedactionPolicyError} naming the pattern that cannot be used (nothing changes then)
   */
  set(change: RedactionChange): void {
    const policy = change.policy === undefined ? this.#policy : compilePolicy(change.policy)
    this.#policy = policy
    if (change.capture !== undefined) this.#capture = change.capture
    const before = this.#applied
    if (this.#capture) this.#applied = before === undefined ? policy : compilePolicy(union(before.policy, policy.policy))
    const grown = this.#applied !== undefined && (before === undefined || !covers(before.policy, this.#applied.policy))
    for (const listener of this.#listeners) listener(grown)
  }

  /** A runtime was loaded (or reloaded): its recording is redacted with the policy as it is, if capture is on. */
  restart(): void {
    this.#applied = this.#capture ? this.#policy : undefined
  }

  /** Calls `listener` after each change (`grown`: the applied policy names more than before); returns the unsubscribe function. */
  subscribe(listener: (grown: boolean) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}

function union(a: RedactionPolicy, b: RedactionPolicy): RedactionPolicy {
  return { keys: [...new Set([...a.keys, ...b.keys])], paths: [...new Set([...a.paths, ...b.paths])] }
}

function covers(a: RedactionPolicy, b: RedactionPolicy): boolean {
  return b.keys.every((k) => a.keys.includes(k)) && b.paths.every((p) => a.paths.includes(p))
}

/** The file a host keeps its redaction settings in, in its sessions folder. */
export const REDACTION_FILE = 'redaction.json'

/**
 * Reads settings saved by `saveRedaction`; none (no file) gives the defaults.
 * @throws {Error} naming the file, for one that cannot be read or holds a policy that cannot be used
 */
export async function loadRedaction(path: string): Promise<{ policy: RedactionPolicy; capture: boolean } | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new Error(`cannot read ${path}: ${(e as Error).message}`, { cause: e })
  }
  try {
    const v = JSON.parse(text) as { policy?: unknown; capture?: unknown }
    const policy = readPolicy(v.policy)
    compilePolicy(policy)
    return { policy, capture: v.capture === true }
  } catch (e) {
    const why = e instanceof RedactionPolicyError || e instanceof SyntaxError ? e.message : String(e)
    throw new Error(`${path} holds no usable redaction policy (${why}): fix it or delete it to start from the defaults`, { cause: e })
  }
}

/** Saves the settings (the policy and the capture), replacing the file whole. */
export async function saveRedaction(path: string, redaction: Redaction): Promise<void> {
  const { policy, capture } = redaction.state
  await mkdir(dirname(path), { recursive: true })
  // A temporary file renamed over the old one: a crash leaves one or the other, never half.
  const tmp = `${path}.${process.pid}.tmp`
  try {
    await writeFile(tmp, `${JSON.stringify({ policy, capture }, null, 2)}\n`, { mode: 0o600 })
    await rename(tmp, path)
  } catch (e) {
    await rm(tmp, { force: true })
    throw e
  }
}
