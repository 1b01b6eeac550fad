/**
 * Redaction: values the user does not want in a session file, or in the history at all, become
 * the marker `{"$redacted": true}`, which the window shows as "redacted". Pure (no Node or DOM
 * API): the host redacts with it on export and at capture, the window reads the policy's types.
 *
 * A policy has key patterns (`*password*`, `*token`), matched against every object key and every
 * string key of a Map at any depth, ignoring ASCII case, and paths from the state's root
 * (`/auth/session`, `/users/*\/ssn`).
 * Neither ever names an array index, so that what a redacted history holds does not depend on the
 * order elements came and went: applying the redacted entries gives, after each one, exactly the
 * real state redacted.
 *
 * @example
 * const policy = compilePolicy(DEFAULT_POLICY)
 * const redactor = new EventRedactor(policy)
 * for (const event of history) write(redactor.event(event))
 * header.redaction = { policy: policy.policy, ...redactor.log.places() }
 */
export { compilePolicy, readPolicy, isIndexToken, DEFAULT_POLICY, RedactionPolicyError, MAX_PATTERNS, MAX_PATTERN_LENGTH } from './policy'
export type { CompiledPolicy, RedactionPolicy } from './policy'
export { REDACTED, MAX_LISTED, RedactionLog, isMarker, marker, redactSlices, redactValue, redactData, rootPlace } from './redact'
export type { RedactedPlaces } from './redact'
export { EventRedactor, type RealSlice } from './events'

import type { RedactionPolicy } from './policy'
import type { RedactedPlaces } from './redact'

/** What a session file's header says of its redaction (`SessionHeader.redaction`): the policy, and where values were redacted, never what they were. */
export interface RedactionSummary extends RedactedPlaces {
  policy: RedactionPolicy
}

/** `GET /redaction`: the host's policy, whether it redacts at capture, and the defaults. */
export interface RedactionSettings {
  policy: RedactionPolicy
  /** Entries are redacted as they are recorded (from when it was turned on), so the history, the journal and the stream never hold what the policy names. */
  capture: boolean
  defaults: RedactionPolicy
  /**
   * The policy entries are redacted with as they are recorded, or null when they are not. It grows
   * at once with the policy; what it stops naming (capture turned off, a pattern removed) stays
   * redacted until the runtime is loaded or reloaded, so that the history stays consistent.
   */
  applied: RedactionPolicy | null
}
