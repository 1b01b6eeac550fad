import { describe, expect, test } from 'vitest'
import { RedactionModel, type RedactionHost } from '../../src/renderer/src/lib/redaction.svelte'
import { compilePolicy, DEFAULT_POLICY, RedactionPolicyError, type RedactionSettings } from '../../src/shared/redaction'

/** A host that keeps settings as `PUT /redaction` does: a policy that cannot be used is refused with its message. */
class FakeHost implements RedactionHost {
  settings: RedactionSettings = { policy: { ...DEFAULT_POLICY }, capture: false, defaults: { ...DEFAULT_POLICY }, applied: null }
  puts: unknown[] = []

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    expect(path).toBe('/redaction')
    if (init.method === 'PUT') {
      const change = JSON.parse(init.body as string) as Partial<RedactionSettings>
      this.puts.push(change)
      try {
        if (change.policy) compilePolicy(change.policy)
      } catch (e) {
        return Response.json({ error: { message: `the policy cannot be used: ${(e as RedactionPolicyError).message}` } }, { status: 400 })
      }
      const capture = change.capture ?? this.settings.capture
      const policy = change.policy ?? this.settings.policy
      // What is applied at capture only grows until a reload, as on the host.
      const was = this.settings.applied
      const applied = !capture
        ? was
        : was === null
          ? policy
          : { keys: [...new Set([...was.keys, ...policy.keys])], paths: [...new Set([...was.paths, ...policy.paths])] }
      this.settings = { ...this.settings, policy, capture, applied }
    }
    return Response.json(this.settings)
  }
}

describe('the redaction model', () => {
  test('reads the policy and tells the defaults apart', async () => {
    const host = new FakeHost()
    const model = new RedactionModel(host)
    await model.refresh()
    expect(model.settings?.policy).toEqual(DEFAULT_POLICY)
    expect(model.isDefault('keys', '*password*')).toBe(true)
    expect(model.atDefaults).toBe(true)
    expect(await model.add('keys', '  ssn ')).toBe(true)
    expect(model.settings?.policy.keys).toContain('ssn')
    expect(model.isDefault('keys', 'ssn')).toBe(false)
    expect(model.atDefaults).toBe(false)
    expect(await model.restoreDefaults()).toBe(true)
    expect(model.atDefaults).toBe(true)
  })

  test('keeps the host’s words when it refuses a pattern, and changes nothing', async () => {
    const host = new FakeHost()
    const model = new RedactionModel(host)
    await model.refresh()
    expect(await model.add('paths', '/users/0/ssn')).toBe(false)
    expect(model.error).toContain('"0" could be an array index')
    expect(model.settings?.policy.paths).toEqual([])
    expect(await model.add('paths', '/users/*/ssn')).toBe(true)
    expect(model.error).toBeUndefined()
    expect(await model.remove('paths', '/users/*/ssn')).toBe(true)
    expect(model.settings?.policy.paths).toEqual([])
  })

  test('says what still applies at capture until the runtime is reloaded', async () => {
    const host = new FakeHost()
    const model = new RedactionModel(host)
    await model.refresh()
    expect(model.pending).toBeUndefined()
    await model.setCapture(true)
    expect(model.pending).toBeUndefined()
    await model.remove('keys', '*jwt*')
    expect(model.pending).toBe('*jwt* still apply at capture until the runtime is reloaded.')
    await model.setCapture(false)
    expect(model.pending).toContain('reload it to record its values in full')
  })
})
