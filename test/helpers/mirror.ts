/**
 * A client's mirror of the host's state, kept twice: with the shared copy-on-write applier
 * (`applyEvent`) and, independently, with fast-json-patch on plain copies. Every event is applied
 * to both and the two must agree, so a bug in either applier cannot hide one in the host.
 */
import jsonpatch, { type Operation as JsonPatchOperation } from 'fast-json-patch'
import type { HistoryEvent, Json, Slices } from '../../src/shared/protocol'
import { applyEvent, deepEqual, newEdit } from '../../src/shared/state'

export class Mirror {
  state: Slices = {}
  /** The same state, applied with fast-json-patch. */
  plain: Slices = {}
  seq: number | undefined
  /** Every slice's update count, to tell which slices the stream touched. */
  readonly updated = new Map<string, number>()

  /** Applies one recorded entry (heartbeats and other types leave the state as it is). */
  apply(event: HistoryEvent): void {
    this.state = applyEvent(this.state, event, newEdit())
    this.plain = applyPlain(this.plain, event)
    this.seq = event.seq
    if (event.type === 'state.update') this.updated.set(event.slice, (this.updated.get(event.slice) ?? 0) + 1)
    if (!deepEqual(this.state, this.plain)) {
      throw new Error(`the two appliers disagree after entry ${event.seq}: ${JSON.stringify(this.state)} vs ${JSON.stringify(this.plain)}`)
    }
  }
}

/** Applies an entry with fast-json-patch, never touching `state` itself. */
export function applyPlain(state: Slices, event: HistoryEvent): Slices {
  switch (event.type) {
    case 'state.initial':
      return jsonpatch.deepClone(event.slices) as Slices
    case 'state.update': {
      const out = { ...state }
      if (event.removed === true) delete out[event.slice]
      else if (event.patches !== undefined) {
        if (!Object.hasOwn(out, event.slice)) throw new Error(`patches for slice "${event.slice}", which the mirror does not have`)
        const doc = jsonpatch.deepClone(out[event.slice]) as Json
        // fast-json-patch puts an operation's value into the document as it is and may change it there
        // later: on a copy of the patches, since the other applier shares those values with its state.
        const patches = jsonpatch.deepClone(event.patches) as JsonPatchOperation[]
        out[event.slice] = jsonpatch.applyPatch(doc, patches, true, true).newDocument as Json
      } else out[event.slice] = jsonpatch.deepClone(event.value) as Json
      return out
    }
    default:
      return state
  }
}
