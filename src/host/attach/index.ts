export { AttachRefused, Attachment, type AttachmentOptions } from './attachment'
export {
  AttachTargetError,
  checkAttachUrl,
  checkHeader,
  checkHeaders,
  headersFrom,
  parseHeaderLine,
  shownUrl,
  type AttachTarget
} from './target'
export type { AttachEntry, AttachSink } from './translator'
