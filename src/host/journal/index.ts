/** The journal of a host's session and the folder of earlier ones (see `journal.ts`, `sessions.ts`). */
import { mkdir } from 'node:fs/promises'
import type { Host } from '../host'
import { Journal } from './journal'
import { pruneSessions, type PruneOptions } from './sessions'

export { Journal } from './journal'
export { defaultSessionDir } from './data-dir'
export { DEFAULT_PRUNE, listSessions, pruneSessions } from './sessions'

/**
 * Starts the journal of `host`'s session in `dir` (created if missing), after pruning old sessions
 * there. A folder that cannot be written is said through `log`, and the host goes on without a
 * journal: the session then lives in memory only.
 */
export async function startJournal(
  host: Host,
  dir: string,
  log: (text: string) => void,
  prune: PruneOptions = {}
): Promise<Journal | undefined> {
  try {
    await mkdir(dir, { recursive: true })
    await pruneSessions(dir, prune)
    return await Journal.open({ dir, history: host.history, runtime: () => host.runtime.info })
  } catch (e) {
    log(`patchscope: no journal will be kept (${(e as Error).message}); the session lives in memory only\n`)
    return undefined
  }
}
