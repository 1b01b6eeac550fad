/** Reading what an attached host recorded, and waiting for it (on the history's and the runtime's notifications, never a timer). */
import type { Host } from '../../../src/host/host'
import { noteOf, type AttachNote } from '../../../src/shared/notes'
import type { HistoryEvent, RuntimeInfo } from '../../../src/shared/protocol'

/** Every retained entry, in order. */
export function entries(host: Host): HistoryEvent[] {
  const out: HistoryEvent[] = []
  for (let seq = host.history.baseSeq + 1; seq <= host.history.lastSeq; seq++) out.push(host.history.event(seq))
  return out
}

/** The attach notes recorded, in order. */
export function attachNotes(host: Host): AttachNote[] {
  return entries(host)
    .map((e) => noteOf(e))
    .filter((n): n is AttachNote => n?.note === 'attach')
}

/** Resolves once `check` holds, checked after each entry recorded and each change of the runtime's info. */
export function until(host: Host, check: (info: RuntimeInfo) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const test = (): void => {
      if (!check(host.runtimeInfo)) return
      offHistory()
      offRuntime()
      resolve()
    }
    const offHistory = host.history.subscribe(test)
    const offRuntime = host.onRuntimeChange(test)
    test()
  })
}

/** The state right after the newest entry. */
export function head(host: Host): Record<string, unknown> {
  return host.history.stateAt(host.history.lastSeq)
}
