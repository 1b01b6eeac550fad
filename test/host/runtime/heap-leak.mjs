// A runtime that leaks on its JS heap: `leak` keeps objects until the heap is exhausted, at once
// (on the dispatch) or a megabyte's worth a tick from a timer of its own (with `ms`). `keep`
// keeps `mb` megabytes' worth and stops. `held` counts the megabytes kept.
import { EventEmitter } from 'node:events'

export default function createRuntime() {
  const bus = new EventEmitter()
  const kept = []
  let state = { held: 0 }
  let timer

  // About a megabyte of small objects, each its own allocation (no Buffer: all of it on the heap).
  const megabyte = () => {
    const chunk = []
    for (let i = 0; i < 16_384; i++) chunk.push({ i, s: `leak ${i}` })
    kept.push(chunk)
  }
  const held = (action) => {
    const before = state.held
    state = { held: kept.length }
    bus.emit('state-changed', { slice: 'held', before, after: state.held, causingAction: action })
  }

  return {
    bus,
    getState: () => state,
    dispatch(action) {
      const p = action.payload ?? {}
      if (action.type === 'keep') {
        for (let i = 0; i < p.mb; i++) megabyte()
        return held(action)
      }
      if (action.type === 'leak' && p.ms === undefined) {
        for (;;) megabyte()
      }
      if (action.type === 'leak') {
        timer = setInterval(() => {
          for (let i = 0; i < 4; i++) megabyte()
          held({ type: 'leak (timer)' })
        }, p.ms)
        return
      }
      throw new Error(`unknown action ${action.type}`)
    },
    dispose: () => clearInterval(timer)
  }
}
