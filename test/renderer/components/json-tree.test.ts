import { describe, expect, test } from 'vitest'
import { childrenOf, markedChildren, visibleChildren, type Children } from '../../../src/renderer/src/components/json-tree/tree'
import type { Json } from '../../../src/shared/protocol'

const labels = (list: { label: string }[]): string[] => list.map((c) => c.label)
const runs = (beyond: { label: string }[][]): string[][] => beyond.map(labels)

describe('the JSON tree', () => {
  test('shows a change far down a long list in its place, with its neighbours, without paging to it', () => {
    const messages = Array.from({ length: 50_000 }, (_, i) => ({ id: `m${i}` }))
    const children = childrenOf(messages) as Children
    expect(children.count).toBe(50_000)
    const shown = visibleChildren(
      children,
      ['messages'],
      [
        ['messages', '41234', 'id'],
        ['other', '7']
      ],
      3
    )
    expect(labels(shown.page)).toEqual(['0', '1', '2'])
    expect(runs(shown.beyond)).toEqual([['41232', '41233', '41234', '41235', '41236']])
    expect(shown.beyond[0]?.[2]).toEqual({ label: '41234', tokens: ['41234'], value: { id: 'm41234' } })
  })

  test('shows nothing twice: marks on the page stay there, runs that meet are joined, and the list ends where it ends', () => {
    const children = childrenOf(Array.from({ length: 300 }, (_, i) => i)) as Children
    const marked = [['250'], ['5'], ['120', 'x'], ['250', 'y'], ['123'], ['299'], ['300'], ['-'], ['01']]
    expect(markedChildren(children, [], marked)).toEqual([5, 120, 123, 250, 299, 300])
    const shown = visibleChildren(children, [], marked, 100)
    expect(shown.page).toHaveLength(100)
    expect(runs(shown.beyond)).toEqual([
      ['118', '119', '120', '121', '122', '123', '124', '125'],
      ['248', '249', '250', '251', '252'],
      ['297', '298', '299']
    ])
    // An element added at the end (or removed from there, seen in the state before): the end is in sight.
    expect(runs(visibleChildren(children, [], [['300']], 100).beyond)).toEqual([['298', '299']])
    expect(markedChildren(children, [], [['301']])).toEqual([])
    // A run never reaches back into the page.
    expect(runs(visibleChildren(children, [], [['101']], 100).beyond)).toEqual([['100', '101', '102', '103']])
  })

  test('finds marked keys of objects, maps and wrapped objects past the first page', () => {
    const obj: Record<string, Json> = {}
    for (let i = 0; i < 150; i++) obj[`k${i}`] = i
    expect(runs(visibleChildren(childrenOf(obj) as Children, ['s'], [['s', 'k140']], 100, 0).beyond)).toEqual([['k140']])
    const map: Json = { $map: Array.from({ length: 150 }, (_, i) => [`key${i}`, i]) }
    const beyond = visibleChildren(childrenOf(map) as Children, [], [['$map', '130', '1']], 100, 0).beyond
    expect(beyond.map((run) => run.map((c) => c.tokens))).toEqual([[['$map', '130', '1']]])
    const wrapped: Json = { $object: { $a: Array.from({ length: 200 }, (_, i) => i) } }
    const inner = childrenOf(wrapped) as Children
    expect(inner.at(0).tokens).toEqual(['$object', '$a'])
    const list = childrenOf(inner.at(0).value) as Children
    expect(runs(visibleChildren(list, ['$object', '$a'], [['$object', '$a', '180']], 100, 0).beyond)).toEqual([['180']])
  })

  test('has no children for a leaf or a tagged value', () => {
    expect(childrenOf('text')).toBeUndefined()
    expect(childrenOf(null)).toBeUndefined()
    expect(childrenOf({ $bigint: '10' })).toBeUndefined()
  })
})
