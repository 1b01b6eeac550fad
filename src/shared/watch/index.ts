/**
 * Watches: a path into the state with wildcards, and a condition on the value there, matched
 * against recorded changes. Pure (no Node or DOM API): the host and the window share it.
 *
 * ## Syntax
 *
 * A watch is a path, then optionally a condition: `PATH [CONDITION]`.
 *
 * The path is a JSON Pointer from the state's root, whose first token names the slice (`/cart`
 * is the whole `cart` slice). `~0` and `~1` escape `~` and `/` as in RFC 6901, and:
 * - `*` is any one key of an object or index of an array (`/cart/items/*\/price`; `/*` is any slice);
 * - `-`, as the last token only, is an element appended to the array there (`/chat/messages/-`);
 * - a key in double quotes is a JSON string taken as it is, for keys that hold `*`, `-`, spaces,
 *   quotes or `= ! < >` (`/flags/"*"`, `/"my slice"/a`); `~` is not an escape inside quotes.
 *
 * The path ends at a space or at an operator (`/count>3` is `/count > 3`). A `*` inside a longer
 * unquoted key is an error rather than a glob.
 *
 * | condition | hits when the value at the path… |
 * | --- | --- |
 * | (none), `changed` | is different after the change (appearing and being removed included) |
 * | `== V`, `equals V` | changed, and is now the JSON value V |
 * | `!= V` | changed, and is now a value other than V |
 * | `> N`, `>= N`, `< N`, `<= N` | changed, and is now a number beyond the bound |
 * | `matches /RE/flags` | changed, and is now a string the regular expression matches |
 * | `becomes V`, `becomes TEST` | passes the test after and did not before (`becomes > 100` crosses the bound) |
 * | `leaves V`, `leaves TEST` | passed the test before and does not after |
 * | `appears` | was absent, is present |
 * | `removed`, `is removed` | was present, is absent |
 * | `changes type` | is present before and after, with another type |
 *
 * V is any JSON value (strings in double quotes); N is a JSON number; TEST is one of the tests
 * `== V`, `!= V`, `> N`, `>= N`, `< N`, `<= N`, `matches /RE/`. An absent value passes no test.
 * Numbers compare encoded numbers too (`{"$number": "Infinity"}`, `{"$bigint": "10"}`); types are
 * those the window shows (`bigint`, `date`, `map`… for encoded values). Flags `g` and `y` are
 * refused: a watch tests each value on its own. `== V` and `becomes V` hit on the same changes (a
 * value that changed to V was not V before); with the other tests they differ: `> 100` hits every
 * change that leaves the value above 100, `becomes > 100` only the change that crosses the bound.
 *
 * A hit is a concrete path with the values before and after. Paths are positions: an element
 * inserted at the front of an array changes the value at every index after it. With `-`, each
 * appended element is a hit (its value before is absent), when the array there keeps all it held
 * and grows; where there was no array before, every element of the new one is appended.
 *
 * @example
 * parseWatch('/cart/items/*\/price > 100')
 * parseWatch('/status becomes "failed"')
 * parseWatch('/user/name matches /^a/i')
 * parseWatch('/todos/* appears')
 * parseWatch('/log/lines/- matches /error/i')
 */
export { parseWatch } from './parse'
export { formatWatch } from './format'
export { matchChange, touches } from './match'
export type { Lazy, WatchedChange } from './match'
export { holds, passes, typeOf } from './condition'
export { WatchSyntaxError } from './types'
export type { CompareOp, Condition, PathToken, ValueTest, Watch, WatchHit } from './types'
