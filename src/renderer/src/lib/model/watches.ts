/**
 * The window's reading of watches: a watch typed in the Watches view checked as it is typed (the
 * same parser the host uses, so that what the window accepts the host accepts), the bodies of the
 * watch routes and of the stream's `watches` event narrowed, the sentence of the pause bar, and
 * where hits are marked (timeline rows, scrubber ticks).
 */
import type { Json, PauseReason, RuntimePause } from '../../../../shared/protocol'
import { formatWatch, parseWatch, WatchSyntaxError } from '../../../../shared/watch'
import { NO_BREAKS, type Breaks, type WatchesInfo, type WatchHitInfo, type WatchHitsPage, type WatchInfo } from '../../../../shared/watches'

/** A typed watch: its canonical text, or what is wrong and the column (1-based) of the fault. */
export type WatchCheck = { ok: true; text: string } | { ok: false; reason: string; column: number; message: string }

/**
 * Reads a watch as the host will.
 * @example checkWatch('/count>3') // { ok: true, text: '/count > 3' }
 */
export function checkWatch(text: string): WatchCheck {
  try {
    return { ok: true, text: formatWatch(parseWatch(text)) }
  } catch (e) {
    if (e instanceof WatchSyntaxError) return { ok: false, reason: e.reason, column: e.column, message: e.message }
    // The parser throws nothing else; should it, the text is still not a watch to send.
    return { ok: false, reason: String(e), column: 1, message: String(e) }
  }
}

/** Hits fetched per watch to mark the timeline: the newest, one page (the host lists at most 1,000 a page). */
export const MARKED_HITS = 1_000

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0

function readWatch(v: unknown): WatchInfo | undefined {
  if (!isObject(v)) return undefined
  const { id, text, pause, hits, scan, createdAt } = v
  if (typeof id !== 'string' || typeof text !== 'string' || typeof pause !== 'boolean' || !isCount(hits) || !isObject(scan))
    return undefined
  const { state, done, total } = scan
  if ((state !== 'scanning' && state !== 'done' && state !== 'cancelled') || !isCount(done) || !isCount(total)) return undefined
  return { id, text, pause, hits, scan: { state, done, total }, createdAt: typeof createdAt === 'number' ? createdAt : 0 }
}

/** The breaks as the host gives them; anything else is none. */
export function readBreaks(v: unknown): Breaks {
  if (!isObject(v)) return { ...NO_BREAKS, actionTypes: [] }
  const { actionTypes, failedExecution, runtimeError } = v
  return {
    actionTypes: Array.isArray(actionTypes) ? actionTypes.filter((t): t is string => typeof t === 'string') : [],
    failedExecution: failedExecution === true,
    runtimeError: runtimeError === true
  }
}

/** `GET /watches` or the stream's `watches` event; undefined when it is neither (a watch that cannot be read is left out). */
export function readWatchesInfo(data: unknown): WatchesInfo | undefined {
  if (!isObject(data) || !Array.isArray(data.watches)) return undefined
  const watches = data.watches.map(readWatch).filter((w): w is WatchInfo => w !== undefined)
  return { watches, breaks: readBreaks(data.breaks) }
}

/** `GET /watches/:id/hits`. @throws {Error} when the body is not a page of hits */
export function readHitsPage(data: unknown): WatchHitsPage {
  if (!isObject(data) || !Array.isArray(data.hits) || !isCount(data.total))
    throw new Error('the host answered something that is not a page of hits')
  const hits: WatchHitInfo[] = []
  for (const h of data.hits) {
    if (!isObject(h) || !isCount(h.seq) || typeof h.path !== 'string') continue
    hits.push({
      seq: h.seq,
      path: h.path,
      ...('before' in h ? { before: h.before as Json } : {}),
      ...('after' in h ? { after: h.after as Json } : {})
    })
  }
  return {
    hits,
    total: data.total,
    unlisted: isCount(data.unlisted) ? data.unlisted : 0,
    ...(isCount(data.next) ? { next: data.next } : {})
  }
}

/** What paused the runtime, as the bar says it after "Paused at #N". */
export function reasonText(by: PauseReason): string {
  switch (by.kind) {
    case 'watch': {
      // The concrete path is worth saying only where the watch has a wildcard or an append.
      const plain = by.text === by.path || by.text.startsWith(`${by.path} `)
      return plain ? `by watch ${by.text}` : `by watch ${by.text} at ${by.path}`
    }
    case 'action':
      return `by an action of type ${by.type}`
    case 'failed-execution':
      return `by a failed execution (${by.executionId})`
    case 'runtime-error':
      return `by a runtime error: ${by.message}`
    case 'step':
      return 'after a step'
    case 'request':
      return 'on request'
  }
}

/**
 * The pause bar's sentence.
 * @example pauseText({ seq: 12, by: { kind: 'step' } }) // 'Paused at #12 after a step'
 */
export function pauseText(pause: RuntimePause): string {
  return `Paused at #${pause.seq} ${reasonText(pause.by)}`
}

/** The scan's progress as the list says it; empty once done. */
export function scanText(w: WatchInfo): string {
  const { state, done, total } = w.scan
  if (state === 'done') return ''
  const pct = total === 0 ? 100 : Math.floor((done / total) * 100)
  return state === 'scanning'
    ? `scanning ${pct}%`
    : `scan cancelled at ${pct}% (${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')})`
}

/** The count as the list says it: "1 hit", "1,204 hits". */
export function hitsText(n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'hit' : 'hits'}`
}

/**
 * Seq → the ids of the watches that hit that entry, from each watch's hit seqs (in the order of
 * `order`, the watches as the host lists them).
 */
export function markIndex(order: readonly string[], seqsOf: ReadonlyMap<string, readonly number[]>): Map<number, string[]> {
  const marks = new Map<number, string[]>()
  for (const id of order) {
    for (const seq of seqsOf.get(id) ?? []) {
      const ids = marks.get(seq)
      if (ids === undefined) marks.set(seq, [id])
      else if (ids[ids.length - 1] !== id) ids.push(id)
    }
  }
  return marks
}

/** A mark's tooltip: the watches that hit the entry. */
export function markTitle(texts: readonly string[]): string {
  return texts.length === 1 ? `Hit by the watch ${texts[0]}` : `Hit by the watches ${texts.join(', ')}`
}

/**
 * Where the scrubber shows ticks: each marked entry's row as a fraction of the track (0 the first
 * row, 1 the last), rounded to a thousandth and deduplicated, so that a million hits are at most
 * a thousand ticks. Entries the filter hides, or the store no longer holds, have none.
 */
export function tickFractions(seqs: Iterable<number>, rowOf: (seq: number) => number | undefined, rows: number): number[] {
  if (rows === 0) return []
  const at = new Set<number>()
  for (const seq of seqs) {
    const row = rowOf(seq)
    if (row === undefined) continue
    at.add(rows === 1 ? 0 : Math.round((row / (rows - 1)) * 1000) / 1000)
  }
  return [...at].sort((a, b) => a - b)
}
