// api.js: the server's JSON API, the session, the table of the photo's fields, and the
// guard every view keeps against answers that arrive after the editor moved on.

import { show } from './dom.js';

export const session = { me: null }; // {user: {name, role}, csrf}

export async function api(method, url, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && session.me) headers['X-CSRF-Token'] = session.me.csrf;
  const res = await fetch(url, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (res.status === 401 && url !== '/api/login') {
    session.me = null;
    show('login');
  }
  if (!res.ok) {
    const err = new Error((data && data.error) || `${res.status} ${res.statusText}`);
    err.status = res.status;
    err.data = data; // a 409 carries what is there now
    throw err;
  }
  return data;
}

// The photo's fields as the server lists them (GET /api/fields): names, labels, IIM
// limits, which an editor corrects. Asked once.
let table = null;
export function fieldTable() {
  if (!table) {
    table = api('GET', '/api/fields').then((t) => ({ ...t, byName: new Map(t.fields.map((f) => [f.name, f])) }));
    table.catch(() => { table = null; }); // asked again next time
  }
  return table;
}

// A view's turn: each new load of a view takes a ticket; an answer for an older ticket
// has been overtaken (the editor searched again, opened another photo) and is dropped.
const turns = new Map();
export function ticket(view) {
  const n = (turns.get(view) || 0) + 1;
  turns.set(view, n);
  return () => turns.get(view) === n;
}
