/**
 * Which of the host's dispatches the entries recorded in the runtime's thread belong to, so that
 * `POST /actions` answers an action's own entries and never one that merely came last. An entry
 * belongs to a dispatch when the event it records names that dispatch's action as its cause (the
 * very object the runtime was handed, as a bus runtime and the store adapter pass it on), or when
 * it is recorded while that dispatch's call runs and names no other dispatch's action (a status,
 * a custom event, a change caused by an action the runtime dispatched itself). An update found by
 * verification belongs to no dispatch: its cause says it was found, not dispatched.
 *
 * Limits: a runtime that copies the action and reports the copy later, after an `await`, is
 * recorded as it says, but the entry is not counted as the dispatch's.
 */
import { ENTRY_DETECTED } from '../recorder/entry'

/** No dispatch: the entry is the runtime's own (a timer), or found by verification. */
export const NO_DISPATCH = 0

export class Attribution {
  /** The action object each dispatch handed the runtime. */
  readonly #byAction = new WeakMap<object, number>()
  /** The dispatches not yet answered, with how many entries each has so far. */
  readonly #counts = new Map<number, number>()
  /** The dispatch whose call runs now (synchronously). */
  #calling = NO_DISPATCH
  /** The dispatch the entries written now belong to. */
  #owner = NO_DISPATCH

  /**
   * Runs dispatch `n`'s call of the runtime with `action`; entries recorded from then on with
   * `action` as their cause are counted as `n`'s until `end(n)`.
   */
  call<T>(n: number, action: unknown, dispatch: () => T): T {
    if (typeof action === 'object' && action !== null) this.#byAction.set(action, n)
    this.#counts.set(n, 0)
    const outer = this.#calling
    this.#calling = n
    try {
      return dispatch()
    } finally {
      this.#calling = outer
    }
  }

  /** Dispatch `n` is answered: how many entries it recorded. Later ones are no longer counted. */
  end(n: number): number {
    const count = this.#counts.get(n) ?? 0
    this.#counts.delete(n)
    return count
  }

  /**
   * A bus event is being recorded, caused by `cause` (or by nothing said); returns the owner to
   * give back to `leave` once it is.
   */
  enter(cause: unknown): number {
    const outer = this.#owner
    const n = typeof cause === 'object' && cause !== null ? this.#byAction.get(cause) : undefined
    // An action answered already is no longer counted, and never mistaken for the one running now.
    this.#owner = n === undefined ? this.#calling : this.#counts.has(n) ? n : NO_DISPATCH
    return outer
  }

  leave(outer: number): void {
    this.#owner = outer
  }

  /** Runs `write` with what it writes belonging to no dispatch (Patchscope's own notes are no action's entries). */
  apart(write: () => void): void {
    const outer = this.#owner
    this.#owner = NO_DISPATCH
    try {
      write()
    } finally {
      this.#owner = outer
    }
  }

  /** The dispatch an entry written now belongs to (counted as such), or `NO_DISPATCH`. */
  ownerOf(flags: number): number {
    const n = this.#owner
    if (n === NO_DISPATCH || (flags & ENTRY_DETECTED) !== 0) return NO_DISPATCH
    const count = this.#counts.get(n)
    if (count === undefined) return NO_DISPATCH
    this.#counts.set(n, count + 1)
    return n
  }
}
