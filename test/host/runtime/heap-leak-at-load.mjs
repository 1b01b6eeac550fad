// A runtime that runs out of JS heap while it loads: its factory keeps objects until there is no more.
import { EventEmitter } from 'node:events'

export default function createRuntime() {
  const kept = []
  // Never ends of itself: the thread is ended first.
  while (kept.length >= 0) kept.push({ n: kept.length, s: `kept ${kept.length}` })
  return { bus: new EventEmitter(), getState: () => ({ kept: kept.length }), dispatch() {} }
}
