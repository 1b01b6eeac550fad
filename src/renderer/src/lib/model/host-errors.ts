/** What the window says when the host refuses a request or cannot be reached. */
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
