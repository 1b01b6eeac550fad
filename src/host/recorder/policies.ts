/**
 * The differ's compare policies: which objects a slice's diff may take as unchanged while their
 * reference is (see `snapshot.ts`). Each policy owns the set of objects it has sealed, so a slice
 * compared in full never takes an object for unchanged because a trusted slice saw it.
 */

/** How the differ treats the objects of one slice. */
export interface ComparePolicy {
  readonly name: 'trust' | 'full'
  /** Objects taken as unchanged while their reference is (sealed by this policy). */
  readonly sealed: WeakSet<object>
  /**
   * Whether an object or array may be sealed once its children are: the cheap check, made before
   * its children are walked.
   */
  mayFreeze(obj: object): boolean
  /** Whether an object (not an array) whose children are all sealed is sealed itself. */
  sealsObject(obj: object, keys: readonly string[]): boolean
  /** Dates, maps and other values encoded whole are kept as themselves: never changed in place. */
  readonly keepsWholeValues: boolean
}

/**
 * Trusts references: every object is sealed as it is seen, so a change costs what changed. Exact
 * for a runtime that replaces what it changes (as Redux asks); the recorder verifies it afterwards
 * unless the runtime declared `immutable: true`.
 */
export function trustPolicy(): ComparePolicy {
  return { name: 'trust', sealed: new WeakSet(), mayFreeze: () => true, sealsObject: () => true, keepsWholeValues: true }
}

/**
 * Compares in full: only what can never change is sealed, that is deeply frozen objects of data
 * properties (Immer and Redux Toolkit freeze their state, so for them this costs little more than
 * trust); everything else is walked on every change. A getter on the index of a frozen array is not
 * looked for, as that would cost a key per index.
 */
export function fullPolicy(): ComparePolicy {
  return {
    name: 'full',
    sealed: new WeakSet(),
    mayFreeze: (obj) => Object.isFrozen(obj),
    sealsObject: hasOnlyDataProps,
    keepsWholeValues: false
  }
}

function hasOnlyDataProps(obj: object, keys: readonly string[]): boolean {
  for (const key of keys) {
    const d = Object.getOwnPropertyDescriptor(obj, key)
    if (d === undefined || !('value' in d)) return false
  }
  return true
}
