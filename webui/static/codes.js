// codes.js: the desk's code replacements in the caption editors: a code typed between
// delimiters ("=put=") becomes what it stands for as the closing delimiter is typed,
// "=put#2=" its second form. The table is the desk's (photodesk codes import, or PUT
// /api/codes), asked again after a minute.

import { api } from './api.js';

let table = null;
let fetched = 0;

export function codeTable() {
  if (!table || Date.now() - fetched > 60000) {
    fetched = Date.now();
    table = api('GET', '/api/codes').then((t) => ({
      delimiter: t.delimiter, size: t.codes.length, forms: new Map(t.codes.map((c) => [c.code, c.forms])),
    }));
    table.catch(() => { table = null; });
  }
  return table;
}

// The table is asked again at its next use (the desk's page imported another).
export function forgetCodes() {
  table = null;
}

// Replaces the code @input's caret has just closed; whether it did.
export function expandTyped(input, t) {
  const d = t.delimiter;
  const pos = input.selectionStart;
  const v = input.value;
  if (pos < 3 || v[pos - 1] !== d) return false;
  const open = v.lastIndexOf(d, pos - 2);
  if (open < 0) return false;
  let code = v.slice(open + 1, pos - 1);
  let n = 1;
  const numbered = /^(.+)#([1-9])$/.exec(code);
  if (numbered) [, code, n] = [null, numbered[1], Number(numbered[2])];
  if (!code || /\s/.test(code)) return false;
  const forms = t.forms.get(code);
  const form = forms && forms[n - 1];
  if (!form) return false;
  input.value = v.slice(0, open) + form + v.slice(pos);
  const at = open + form.length;
  input.setSelectionRange(at, at);
  return true;
}

// Codes expand in @input as they are typed; @changed runs after each (byte counts).
export function withCodes(input, changed) {
  codeTable().then((t) => {
    if (!t.size) return;
    input.addEventListener('input', (ev) => {
      if (ev.inputType && ev.inputType.startsWith('insert') && expandTyped(input, t)) changed();
    });
  }).catch(() => { /* typed as it is */ });
}
