// A bus runtime for redaction's tests: secrets as the values of Maps (under string keys the default
// policy names, and inside a Map nested in another and in an object), Maps keyed by other values,
// and a custom event carrying a Map.
import { EventEmitter } from 'node:events'

export default function createRuntime() {
  const bus = new EventEmitter()
  const state = {
    vault: new Map([
      ['apiToken', 'tok-0xA'],
      ['name', 'visible-name'],
      ['inner', new Map([['password', 'pw-0xB']])]
    ]),
    config: {
      headers: new Map([
        ['Authorization', 'Bearer 0xC'],
        ['accept', 'application/json']
      ]),
      byId: new Map([
        [1, 'kept-1'],
        [{ id: 2 }, 'kept-2']
      ])
    }
  }
  const changed = (slice, action) => bus.emit('state-changed', { slice, before: state[slice], after: state[slice], causingAction: action })

  return {
    bus,
    getState: () => state,
    dispatch(action) {
      switch (action.type) {
        case 'add-secret':
          // In place: the recorder replaces the Map whole.
          state.vault.set('clientSecret', 'sec-0xD')
          return changed('vault', action)
        case 'custom':
          bus.emit('custom-event', { creds: new Map([['jwt', 'jwt-0xE']]) })
          return undefined
        default:
          throw new Error(`unknown action ${action.type}`)
      }
    }
  }
}
