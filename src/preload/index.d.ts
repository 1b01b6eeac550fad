import type { PatchscopeApi } from '../shared/api'

declare global {
  interface Window {
    /** Present in the desktop app only. */
    patchscope?: PatchscopeApi
  }
}
