// A MobX store, its actions the causes: npm run serve -- examples/adapters/mobx.ts, then dispatch {"type": "add", "payload": "milk"}
import { makeAutoObservable } from 'mobx'
class Todos {
  items: { text: string; done: boolean }[] = []
  filter = 'all'
  constructor() {
    makeAutoObservable(this)
  }
  add(text: string) {
    this.items.push({ text, done: false })
  }
  toggle(index: number) {
    this.items[index]!.done = !this.items[index]!.done
  }
}
export default new Todos()
