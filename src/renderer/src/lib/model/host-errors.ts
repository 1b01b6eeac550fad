/** Commands the window sends the host: what it says when the host refuses one or cannot be reached. */
import type { ErrorBody } from '../../../../shared/protocol'

/** The message of a refused request: the host's own (`{ error: { message } }`), else its status. */
export async function errorOf(res: Response): Promise<string> {
  const body = (await res.json().catch(() => undefined)) as ErrorBody | undefined
  return body?.error?.message ?? `the host answered ${res.status}`
}

/** The message of a request that never got an answer. */
export function unreachable(e: unknown): string {
  return `the host could not be reached: ${e instanceof Error ? e.message : String(e)}`
}

/** What shows a command's progress and its error (a window state). */
export interface CommandState {
  busy: boolean
  error: string | undefined
}

/**
 * Sends a command for `state`: `busy` while it runs, `error` cleared, then set to the host's refusal
 * or to why it could not be reached.
 * @returns the answer when the host took the command, else undefined
 */
export async function runCommand(state: CommandState, send: () => Promise<Response>): Promise<Response | undefined> {
  state.busy = true
  state.error = undefined
  try {
    const res = await send()
    if (res.ok) return res
    state.error = await errorOf(res)
    return undefined
  } catch (e) {
    state.error = unreachable(e)
    return undefined
  } finally {
    state.busy = false
  }
}
