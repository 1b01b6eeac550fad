import { describe, expect, test } from 'vitest'
import { addRecent, cleanRecent, MAX_RECENT, recentLabel, removeRecent } from '../../src/main/recent'

describe('addRecent', () => {
  test('puts the path first', () => {
    expect(addRecent(['/a', '/b'], '/c')).toEqual(['/c', '/a', '/b'])
  })

  test('moves a path already there to the front instead of listing it twice', () => {
    expect(addRecent(['/a', '/b', '/c'], '/b')).toEqual(['/b', '/a', '/c'])
  })

  test('keeps at most MAX_RECENT paths, dropping the oldest', () => {
    const full = Array.from({ length: MAX_RECENT }, (_, i) => `/f${i}`)
    const next = addRecent(full, '/new')
    expect(next).toHaveLength(MAX_RECENT)
    expect(next[0]).toBe('/new')
    expect(next).not.toContain(`/f${MAX_RECENT - 1}`)
  })

  test('treats two spellings of one path as the same path', () => {
    expect(addRecent(['/x/a.mjs'], '/x/./y/../a.mjs')).toEqual(['/x/a.mjs'])
  })

  test('leaves the list it was given as it was', () => {
    const list = ['/a']
    addRecent(list, '/b')
    expect(list).toEqual(['/a'])
  })
})

test('removeRecent takes a path off the list', () => {
  expect(removeRecent(['/a', '/b'], '/a')).toEqual(['/b'])
  expect(removeRecent(['/a'], '/z')).toEqual(['/a'])
})

describe('cleanRecent', () => {
  test('keeps a sound list as it is, with no problems', () => {
    expect(cleanRecent(['/a', '/b'])).toEqual({ list: ['/a', '/b'], problems: [] })
  })

  test('drops entries that are not absolute paths and says how many', () => {
    const { list, problems } = cleanRecent(['/a', 3, 'relative.mjs', null, '/b'])
    expect(list).toEqual(['/a', '/b'])
    expect(problems).toEqual(['3 entries are not absolute paths'])
  })

  test('drops duplicates silently', () => {
    expect(cleanRecent(['/a', '/a'])).toEqual({ list: ['/a'], problems: [] })
  })

  test('cuts a list that is too long', () => {
    const { list, problems } = cleanRecent(Array.from({ length: 15 }, (_, i) => `/f${i}`))
    expect(list).toHaveLength(MAX_RECENT)
    expect(problems).toHaveLength(1)
  })

  test('replaces what is not a list by an empty list', () => {
    expect(cleanRecent({ 0: '/a' })).toEqual({ list: [], problems: ['it is not a list'] })
  })
})

describe('recentLabel', () => {
  test('shows the name, then the folder with the home folder as ~', () => {
    expect(recentLabel('/home/ada/work/agent.mjs', '/home/ada')).toBe('agent.mjs — ~/work')
  })

  test('shows a folder outside home in full, including one that only starts like home', () => {
    expect(recentLabel('/opt/x/agent.mjs', '/home/ada')).toBe('agent.mjs — /opt/x')
    expect(recentLabel('/home/adam/agent.mjs', '/home/ada')).toBe('agent.mjs — /home/adam')
  })

  test('doubles & so that Windows and Linux do not take it for a mnemonic', () => {
    expect(recentLabel('/tmp/R&D/a&b.mjs', '/home/ada')).toBe('a&&b.mjs — /tmp/R&&D')
  })
})
