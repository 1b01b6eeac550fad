import { describe, expect, test } from 'vitest'
import { defaultSessionDir } from '../../../src/host/journal/data-dir'

describe('the default folder of sessions', () => {
  test("is the platform's per-user data folder", () => {
    expect(defaultSessionDir('linux', {}, '/home/ada')).toBe('/home/ada/.local/share/patchscope/sessions')
    expect(defaultSessionDir('linux', { XDG_DATA_HOME: '/data' }, '/home/ada')).toBe('/data/patchscope/sessions')
    // A relative XDG_DATA_HOME is invalid by the spec and ignored.
    expect(defaultSessionDir('linux', { XDG_DATA_HOME: 'rel' }, '/home/ada')).toBe('/home/ada/.local/share/patchscope/sessions')
    expect(defaultSessionDir('darwin', {}, '/Users/ada')).toBe('/Users/ada/Library/Application Support/Patchscope/sessions')
  })
})
