// A Redux-style todo list with the most common reducer bug: `todos/toggle` flips `done` on the
// todo object in place and returns the same state, so nothing a store subscriber compares by
// reference changes. Every other action is written the ordinary, immutable way.
//
// Patchscope trusts references (cheap), then verifies its copy against the real state once the
// dispatch settles: toggling a todo records an update marked "changed in place", and from then on
// the `todos` slice is compared in full. The runtime panel says where it was found.
//
//   npm run serve -- examples/todos-bug.mjs
//   then dispatch {"type": "todos/toggle", "payload": {"id": 1}} from the window

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
  todos: [
    { id: 1, text: 'Write the reducer', done: true },
    { id: 2, text: 'Find the bug', done: false }
  ],
  filter: 'all',
  nextId: 3
}

function reducer(state = initialState, action) {
  switch (action.type) {
    case 'todos/add': {
      const text = String(action.payload?.text ?? 'Untitled')
      return { ...state, todos: [...state.todos, { id: state.nextId, text, done: false }], nextId: state.nextId + 1 }
    }
    case 'todos/toggle': {
      // The bug: the todo is changed in place, and the same state is returned.
      const todo = state.todos.find((t) => t.id === action.payload?.id)
      if (todo) todo.done = !todo.done
      return state
    }
    case 'todos/remove':
      return { ...state, todos: state.todos.filter((t) => t.id !== action.payload?.id) }
    case 'filter/set':
      return { ...state, filter: String(action.payload ?? 'all') }
    default:
      return state
  }
}

export default function createRuntime() {
  return createStore(reducer)
}
