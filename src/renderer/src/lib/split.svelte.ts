/**
 * The split between the timeline and the inspector: the timeline's width, moved by dragging the
 * divider or with its arrow keys, and kept for the next time the window opens.
 */

/** Where the width is kept (this browser profile, or the desktop app's). */
const KEY = 'patchscope.split'
/** Neither side gets narrower than this. */
export const MIN_SIDE = 360

export class Split {
  /** The timeline's width in px; undefined until moved (then the layout's default applies). */
  width = $state<number | undefined>(read())

  /** Sets the width, within bounds for a window `total` px wide, and keeps it. */
  set(px: number, total: number): void {
    this.width = Math.round(Math.max(MIN_SIDE, Math.min(total - MIN_SIDE, px)))
    try {
      localStorage.setItem(KEY, String(this.width))
    } catch {
      // Storage refused (a private window): the split holds for this session only.
    }
  }

  /** Back to the layout's default. */
  reset(): void {
    this.width = undefined
    try {
      localStorage.removeItem(KEY)
    } catch {
      // As above: nothing was kept.
    }
  }
}

function read(): number | undefined {
  try {
    const n = Number(localStorage.getItem(KEY))
    return Number.isFinite(n) && n >= MIN_SIDE ? n : undefined
  } catch {
    return undefined
  }
}
