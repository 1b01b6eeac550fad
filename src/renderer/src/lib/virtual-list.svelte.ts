/**
 * A list of fixed-height rows of which only those in view are rendered, so a million entries
 * scroll as smoothly as a hundred. Keeps a chosen row in view (the selection, or the newest).
 */

/** Rows rendered above and below the visible ones. */
const OVERSCAN = 8

export class VirtualList {
  element = $state<HTMLElement | undefined>()
  scrollTop = $state(0)
  height = $state(0)

  /**
   * @param rowHeight every row's height in px
   * @param count how many rows there are
   * @param target the row to keep in view, or -1
   */
  constructor(
    readonly rowHeight: number,
    private readonly count: () => number,
    private readonly target: () => number
  ) {
    $effect(() => {
      const el = this.element
      const row = this.target()
      void this.count()
      // The list grows shorter when a banner opens above it: the row must stay in view then too.
      void this.height
      if (el === undefined || row < 0) return
      const top = row * this.rowHeight
      if (top < el.scrollTop) el.scrollTop = top
      else if (top + this.rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + this.rowHeight - el.clientHeight
    })
  }

  /** The rows to render: first and last (inclusive). */
  readonly range = $derived.by(() => {
    const n = this.count()
    const first = Math.max(0, Math.floor(this.scrollTop / this.rowHeight) - OVERSCAN)
    const last = Math.min(n - 1, Math.ceil((this.scrollTop + this.height) / this.rowHeight) + OVERSCAN)
    return { first, last }
  })

  /** The height of all rows together. */
  readonly total = $derived.by(() => this.count() * this.rowHeight)

  onscroll = (): void => {
    if (this.element !== undefined) this.scrollTop = this.element.scrollTop
  }
}
