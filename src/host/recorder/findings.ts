/**
 * What the host learns from the recorder's entries about a runtime's in-place changes: the last
 * entry known exact (each verification mark moves it), the `detected` field of every update the
 * recorder found, and the list of slices now compared in full, for `GET /runtime`.
 */
import type { HistoryEventType, InPlaceFinding, Operation } from '../../shared/protocol'
import { CHANGE_PATCHES, ENTRY_DETECTED, type BatchReader, type ChangeSpan } from './entry'
import type { History } from './history'

/** Paths a finding lists at most. */
export const FINDING_PATHS = 20
/** Findings kept at most (one a slice, so this is only reached by a runtime with that many slices). */
export const MAX_FINDINGS = 200

export class InPlaceFindings {
  #found: InPlaceFinding[] = []
  #verified: number

  /** @param verifiedSeq the last entry known exact: the state the runtime started from */
  constructor(verifiedSeq = 0) {
    this.#verified = verifiedSeq
  }

  /** The findings so far, oldest first. */
  list(): InPlaceFinding[] {
    return this.#found.map((f) => ({ ...f, paths: [...f.paths] }))
  }

  /** Reads a batch into `history`, adding `detected` to each update the recorder found. */
  reader(history: History): BatchReader {
    return {
      entry: (type: HistoryEventType, slice: string | null, body: string, span: ChangeSpan | undefined, flags: number) => {
        if (flags === 0 || slice === null) {
          history.append(type, slice, body, span)
          return
        }
        const detected = (flags & ENTRY_DETECTED) !== 0
        const since = this.#verified
        const seq = history.append(
          type,
          slice,
          detected ? `${body.slice(0, -1)},"detected":{"inPlace":true,"since":${since}}}` : body,
          span
        )
        this.#add({
          slice,
          how: detected ? 'verification' : 'reported',
          seq,
          since: detected ? since : seq - 1,
          paths: pathsOf(body, span)
        })
      },
      verified: () => {
        this.#verified = history.lastSeq
      }
    }
  }

  #add(finding: InPlaceFinding): void {
    if (this.#found.length < MAX_FINDINGS) this.#found.push(finding)
  }
}

/** The paths a recorded change touches (the slice itself for a whole new value). */
function pathsOf(body: string, span: ChangeSpan | undefined): string[] {
  if (span === undefined) return ['']
  if (span.kind !== CHANGE_PATCHES) return ['']
  const ops = JSON.parse(body.slice(span.from, span.to)) as Operation[]
  const paths: string[] = []
  for (const op of ops) {
    if (paths.length >= FINDING_PATHS) break
    if (!paths.includes(op.path)) paths.push(op.path)
  }
  return paths
}
