import { resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { handOver, launchCwd, parseLaunch, secondLaunch, userArgs } from '../../src/main/args'

const cwd = resolve('/home/ada/work')

describe('userArgs', () => {
  test('drops the executable and the app folder when Electron runs the app from a folder (npm start)', () => {
    expect(userArgs(['/x/electron', '.', 'examples/agent.mjs'], { defaultApp: true })).toEqual(['examples/agent.mjs'])
  })

  test('drops only the executable of a packaged app', () => {
    expect(userArgs(['/Applications/Patchscope', 'agent.mjs'], { defaultApp: false })).toEqual(['agent.mjs'])
  })
})

describe('parseLaunch', () => {
  test('resolves a relative module against the folder the user typed it in', () => {
    expect(parseLaunch(['examples/agent.mjs'], cwd)).toEqual({ file: resolve(cwd, 'examples/agent.mjs') })
  })

  test('keeps an absolute path as it is', () => {
    expect(parseLaunch([resolve('/tmp/agent.mjs')], cwd)).toEqual({ file: resolve('/tmp/agent.mjs') })
  })

  test('asks for nothing without a module', () => {
    expect(parseLaunch([], cwd)).toEqual({ file: null })
  })

  test("skips Electron's and Chromium's switches, before and after the module", () => {
    const args = ['--inspect=9229', '--no-sandbox', 'agent.mjs', '--enable-logging']
    expect(parseLaunch(args, cwd)).toEqual({ file: resolve(cwd, 'agent.mjs') })
  })

  test('takes the first module when given several', () => {
    expect(parseLaunch(['a.mjs', 'b.mjs'], cwd).file).toBe(resolve(cwd, 'a.mjs'))
  })
})

describe('launchCwd', () => {
  test('is where npm was run from (INIT_CWD) when the app runs from the project', () => {
    expect(launchCwd({ INIT_CWD: '/home/ada/elsewhere' }, { packaged: false, cwd: '/repo' })).toBe('/home/ada/elsewhere')
  })

  test('is the process folder for a packaged app, whatever INIT_CWD says', () => {
    expect(launchCwd({ INIT_CWD: '/home/ada/elsewhere' }, { packaged: true, cwd: '/home/ada' })).toBe('/home/ada')
  })

  test('is the process folder when INIT_CWD is missing or not absolute', () => {
    expect(launchCwd({}, { packaged: false, cwd: '/repo' })).toBe('/repo')
    expect(launchCwd({ INIT_CWD: 'relative' }, { packaged: false, cwd: '/repo' })).toBe('/repo')
  })
})

describe('secondLaunch', () => {
  const file = resolve('/home/ada/work/agent.mjs')

  test("takes the file from the second launch's hand-over", () => {
    const data = handOver({ file })
    expect(secondLaunch(data, ['/x/electron', '--whatever', '.', 'ignored.mjs'], '/', { defaultApp: true })).toEqual({ file })
  })

  test('a hand-over of nothing asks for nothing (the first window is only focused)', () => {
    expect(secondLaunch(handOver({ file: null }), ['/x/electron', '.', 'b.mjs'], '/', { defaultApp: true })).toEqual({ file: null })
  })

  test("falls back on argv, switches reordered first, resolved against the second launch's folder", () => {
    const argv = ['/x/electron', '--original-process-start-time=1', '--allow-file-access-from-files', '.', 'agent.mjs']
    expect(secondLaunch(undefined, argv, '/home/ada/work', { defaultApp: true })).toEqual({ file })
  })

  test('falls back on the argv of a packaged app, which has no app folder', () => {
    expect(secondLaunch({}, ['/opt/patchscope', 'agent.mjs'], '/home/ada/work', { defaultApp: false })).toEqual({ file })
  })

  test('ignores a hand-over that is not one (another app, a relative path, a wrong shape)', () => {
    const argv = ['/opt/patchscope']
    for (const data of [null, 'agent.mjs', { patchscope: 2, file }, { patchscope: 1, file: 'agent.mjs' }, { patchscope: 1, file: 3 }])
      expect(secondLaunch(data, argv, '/', { defaultApp: false })).toEqual({ file: null })
  })
})
