// A Zustand store, loaded as it is: npm run serve -- examples/adapters/zustand.ts, then dispatch {"type": "add", "payload": "milk"}
import { createStore } from 'zustand/vanilla'
export default createStore<{ count: number; todos: string[]; inc(by?: number): void; add(text: string): void }>()((set) => ({
  count: 0,
  todos: [],
  inc: (by = 1) => set((s) => ({ count: s.count + by })),
  add: (text) => set((s) => ({ todos: [...s.todos, text] }))
}))
