/**
 * Compact storage for a million rows: growable typed arrays, and strings kept once each.
 */

type Typed = Uint8Array | Int32Array | Float64Array
type TypedCtor<T extends Typed> = { new (length: number): T }

/** A typed array that grows as values are pushed. */
export class Column<T extends Typed> {
  #data: T
  #length = 0

  constructor(private readonly ctor: TypedCtor<T>) {
    this.#data = new ctor(1024)
  }

  get length(): number {
    return this.#length
  }

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const grown = new this.ctor(this.#data.length * 2)
      grown.set(this.#data)
      this.#data = grown
    }
    this.#data[this.#length++] = value
  }

  get(index: number): number {
    return this.#data[index] as number
  }

  clear(): void {
    this.#length = 0
  }
}

/** Each distinct string once, by number; -1 stands for none. */
export class Interner {
  #ids = new Map<string, number>()
  #names: string[] = []

  id(name: string): number {
    let id = this.#ids.get(name)
    if (id === undefined) {
      id = this.#names.push(name) - 1
      this.#ids.set(name, id)
    }
    return id
  }

  /** The number of a string seen before, or -1. */
  find(name: string): number {
    return this.#ids.get(name) ?? -1
  }

  name(id: number): string | undefined {
    return id < 0 ? undefined : this.#names[id]
  }

  /** Every string seen, in the order first seen. */
  all(): readonly string[] {
    return this.#names
  }
}
