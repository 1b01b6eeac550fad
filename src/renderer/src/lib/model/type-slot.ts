/**
 * Where, in the dispatcher's editor, an action type is being typed: what completion replaces.
 * Read from the JSON syntax tree, so a `"type"` nested in a payload is not taken for the action's.
 */
import { syntaxTree } from '@codemirror/language'
import type { EditorState } from '@codemirror/state'
import type { SyntaxNode } from '@lezer/common'

/** The text completion replaces with a type: `from`–`to` in the document. */
export interface TypeSlot {
  from: number
  to: number
}

/**
 * The type being typed at `pos`: inside the string value of the top-level object's `"type"`
 * (closed or not yet), or a bare word alone in the editor (`counter/inc`, before any `{`).
 */
export function typeSlot(state: EditorState, pos: number): TypeSlot | undefined {
  const text = state.doc.toString()
  const bare = /^(\s*)([^\s{}[\]",:]*)\s*$/.exec(text)
  if (bare) {
    const from = (bare[1] as string).length
    const to = from + (bare[2] as string).length
    return pos >= from && pos <= to ? { from, to } : undefined
  }
  const node = valueAt(syntaxTree(state).resolveInner(pos, -1), pos)
  if (node === undefined) return undefined
  const property = node.parent
  const object = property?.parent
  if (property?.name !== 'Property' || object?.name !== 'Object' || object.parent?.name !== 'JsonText') return undefined
  const name = property.getChild('PropertyName')
  if (name === null || state.sliceDoc(name.from, name.to) !== '"type"') return undefined
  if (text[node.from] !== '"') return undefined
  const from = node.from + 1
  if (node.name === 'String') return pos >= from && pos < node.to ? { from, to: node.to - 1 } : undefined
  // A string not closed yet: it runs to the end of its line, or to a character that ends a value.
  const rest = /^[^"\n,}]*/.exec(text.slice(from)) as RegExpExecArray
  const to = from + rest[0].length
  return pos >= from && pos <= to ? { from, to } : undefined
}

/** The value node the cursor is in: a string, or the error node a string not closed yet makes. */
function valueAt(node: SyntaxNode, pos: number): SyntaxNode | undefined {
  for (let n: SyntaxNode | null = node; n !== null; n = n.parent) {
    if (n.name === 'String') return n
    if (n.type.isError && n.parent?.name === 'Property') return n
    if (n.name === 'Property' || n.name === 'Object') {
      // The cursor right after an unclosed string's text sits past the error node: take the property's value.
      const last = n.name === 'Property' ? n.lastChild : null
      return last !== null && last.type.isError && last.from <= pos ? last : undefined
    }
  }
  return undefined
}
