/**
 * The interface between an attachment's connection and the translation of one protocol into
 * history entries: the connection hands each message over, and the translation records entries
 * through the sink (the host, which gives them its own seqs).
 */
import type { AttachNote } from '../../shared/notes'
import type { AttachProtocol, ExecutionStatusEvent, CustomEvent, Slices, StateUpdateEvent } from '../../shared/protocol'

/** An entry as a translation records it: the host gives it its seq and its timestamp. */
export type AttachEntry =
  Omit<StateUpdateEvent, 'seq' | 'timestamp'> | Omit<ExecutionStatusEvent, 'seq' | 'timestamp'> | Omit<CustomEvent, 'seq' | 'timestamp'>

/** Where an attachment records (the host). Values are encoded as on the wire. */
export interface AttachSink {
  /** The source's whole state from here on: a reset `state.initial`. */
  initial(slices: Slices): void
  entry(entry: AttachEntry): void
  note(event: AttachNote['event'], message: string): void
}

/** One message of the stream, its data parsed as JSON (undefined when it is not JSON). */
export interface StreamMessage {
  event: string | undefined
  id: string | undefined
  data: unknown
}

/** A protocol's translation into entries, for one attachment (it keeps the mirror across reconnects). */
export interface Translator {
  readonly protocol: AttachProtocol
  /** Takes one message. */
  message(message: StreamMessage): void
  /**
   * A new connection is open after one was lost. `resuming` tells whether the request asked the
   * source to go on where it left off (`Last-Event-ID`); the translation records what follows.
   */
  reconnected(resuming: boolean): void
  /** Whether the protocol can ask the source to resume (the seed's route: `Last-Event-ID`). */
  readonly resumable: boolean
}
