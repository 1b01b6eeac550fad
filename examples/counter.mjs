// A Redux-style store: Patchscope wraps its dispatch and records each top-level key as a slice.
// `createStore` is written out so that the example needs no package; Redux's works the same.
// The reducer replaces what it changes, as Redux asks: a key that keeps its object is taken as
// unchanged and verified once the dispatch settles. (examples/todos-bug.mjs shows the opposite.)
//
//   npm run serve -- examples/counter.mjs
//   then dispatch from the window, or:
//   curl -X POST -H 'Authorization: Bearer TOKEN' -H 'Content-Type: application/json' \
//        -d '{"type":"counter/increment"}' http://127.0.0.1:PORT/actions

function createStore(reducer) {
  let state = reducer(undefined, { type: '@@init' })
  const listeners = new Set()
  return {
    getState: () => state,
    dispatch(action) {
      state = reducer(state, action)
      for (const listener of listeners) listener()
      return action
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }
  }
}

const initialState = {
  count: 0,
  step: 1,
  status: 'idle',
  log: [],
  settings: { min: -10, max: 10, wrap: false }
}

function clamp(value, { min, max, wrap }) {
  if (value > max) return wrap ? min : max
  if (value < min) return wrap ? max : min
  return value
}

function reducer(state = initialState, action) {
  switch (action.type) {
    case 'counter/increment':
    case 'counter/decrement': {
      const sign = action.type === 'counter/increment' ? 1 : -1
      const count = clamp(state.count + sign * state.step, state.settings)
      return {
        ...state,
        count,
        status: count === state.settings.max || count === state.settings.min ? 'at-limit' : 'counting',
        log: [...state.log, { action: action.type, from: state.count, to: count }].slice(-20)
      }
    }
    case 'counter/set-step':
      return { ...state, step: Number(action.payload) || 1 }
    case 'counter/configure':
      return { ...state, settings: { ...state.settings, ...action.payload } }
    case 'counter/reset':
      return { ...initialState }
    default:
      return state
  }
}

export default function createRuntime() {
  return createStore(reducer)
}
