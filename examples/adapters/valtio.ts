// A Valtio proxy, changed in place: npm run serve -- examples/adapters/valtio.ts, then dispatch {"type": "add", "payload": "milk"}
import { proxy } from 'valtio/vanilla'
export default proxy({
  todos: [] as { text: string; done: boolean }[],
  filter: 'all',
  add(text: string) {
    this.todos.push({ text, done: false })
  },
  toggle(index: number) {
    this.todos[index]!.done = !this.todos[index]!.done
  }
})
