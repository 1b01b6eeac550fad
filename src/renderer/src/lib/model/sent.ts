/**
 * What was sent from the dispatcher: newest first, bounded, kept in the browser's storage per
 * runtime path (each runtime has actions of its own), so it survives a reload of the window.
 */

/** One action sent, as its text was when sent. */
export interface Sent {
  text: string
  type: string
  /** When it was last sent (ms since the epoch). */
  at: number
}

/** Actions kept per runtime. */
export const SENT_LIMIT = 50

/** An action longer than this is sent but not kept (64 KB: storage is small and shared). */
export const SENT_TEXT_LIMIT = 64 * 1024

/** The part of `Storage` the list needs (so that the model runs without a DOM). */
export interface KeyValue {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

/** The storage key of a runtime's list; a session or no runtime share one of their own. */
export function sentKey(runtimePath: string | null | undefined): string {
  return `patchscope.sent:${runtimePath ?? '(no runtime)'}`
}

/**
 * The list with `text` sent at `at`: first, and once (sending the same action again, even laid
 * out differently, moves it up instead of repeating it), at most `limit` long.
 */
export function addSent(list: readonly Sent[], text: string, type: string, at: number, limit = SENT_LIMIT): Sent[] {
  if (text.length > SENT_TEXT_LIMIT) return [...list]
  const same = canonical(text)
  return [{ text, type, at }, ...list.filter((s) => canonical(s.text) !== same)].slice(0, limit)
}

/** What an action carries besides its type, on one line (its payload, or the rest of it), for the list. */
export function besidesType(text: string): string {
  try {
    const { type: _type, ...more } = JSON.parse(text) as Record<string, unknown>
    if (Object.keys(more).length === 0) return ''
    return JSON.stringify(Object.keys(more).length === 1 && 'payload' in more ? more.payload : more)
  } catch {
    return text
  }
}

/** The list without the entry at `index`. */
export function removeSent(list: readonly Sent[], index: number): Sent[] {
  return list.filter((_, i) => i !== index)
}

/** The same action whatever its layout: its JSON without spaces, or the text itself if it is not JSON. */
function canonical(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text))
  } catch {
    return text
  }
}

/** A runtime's list as stored; a damaged or foreign value reads as empty (it is only a convenience). */
export function readSent(storage: KeyValue | undefined, key: string): Sent[] {
  let raw: unknown
  try {
    raw = JSON.parse(storage?.getItem(key) ?? '[]')
  } catch {
    return []
  }
  if (!Array.isArray(raw)) return []
  return raw.filter(isSent).slice(0, SENT_LIMIT)
}

function isSent(value: unknown): value is Sent {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.text === 'string' && typeof v.type === 'string' && typeof v.at === 'number'
}

/** Stores a runtime's list; false when the storage refused it (full, or disabled). */
export function writeSent(storage: KeyValue | undefined, key: string, list: readonly Sent[]): boolean {
  if (storage === undefined) return false
  try {
    storage.setItem(key, JSON.stringify(list))
    return true
  } catch {
    // A full or disabled storage: the list lives on in memory for this window.
    return false
  }
}
