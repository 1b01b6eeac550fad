import { resolve } from 'node:path'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'electron-vite'

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // The headless CLI and the runtime's worker thread are entries of their own; chunks stay
        // beside them so that `worker.js` is found next to whichever file starts it.
        input: {
          index: resolve('src/main/index.ts'),
          cli: resolve('src/host/cli/serve.ts'),
          worker: resolve('src/host/runtime/worker.ts')
        },
        output: { chunkFileNames: '[name]-[hash].js' }
      }
    }
  },
  preload: {
    // A sandboxed preload cannot load other files: bundle everything, as CommonJS.
    build: { externalizeDeps: false, rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } } }
  },
  renderer: {
    plugins: [svelte()]
  }
})
