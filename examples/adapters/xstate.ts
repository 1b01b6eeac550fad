// An XState machine, started as an actor: npm run serve -- examples/adapters/xstate.ts, then dispatch {"type": "NEXT"}
import { assign, createMachine } from 'xstate'
export default createMachine({
  id: 'light',
  initial: 'green',
  context: { cycles: 0 },
  states: {
    green: { on: { NEXT: 'yellow' } },
    yellow: { on: { NEXT: 'red' } },
    red: { on: { NEXT: { target: 'green', actions: assign({ cycles: ({ context }) => context.cycles + 1 }) } } }
  }
})
