// collections.js: what the desk keeps together: lightboxes (named sets of photos every
// editor sees and fills), saved searches, photos compared side by side, and, for admins,
// the users and their roles.

import { api, session, ticket } from './api.js';
import { $, el, localTime, show, when } from './dom.js';

export const canChange = () => Boolean(session.me && session.me.user.role !== 'viewer');

// ---------------------------------------------------------------- lightboxes

let lightboxes = []; // as the server listed them last

export async function loadLightboxes() {
  lightboxes = (await api('GET', '/api/lightboxes')).lightboxes;
  return lightboxes;
}

export const lightboxName = (id) => (lightboxes.find((l) => String(l.id) === String(id)) || {}).name;

// The lightboxes as the options of @select (keeping its choice when it is still there).
export async function lightboxOptions(select) {
  const was = select.value;
  await loadLightboxes();
  select.replaceChildren(...lightboxes.map((l) => el('option', { value: l.id, text: `${l.name} (${l.photos})` })));
  if (lightboxes.some((l) => String(l.id) === was)) select.value = was;
  return lightboxes;
}

export async function showLightboxes() {
  const current = ticket('lightboxes');
  show('lightboxes');
  const body = $('lightbox-list');
  try {
    await loadLightboxes();
    if (!current()) return;
    body.replaceChildren(...lightboxes.map((l) => el('tr', {},
      el('td', {}, el('a', { href: `#/search?lightbox=${l.id}&all=1`, text: l.name })),
      el('td', { text: String(l.photos) }),
      el('td', { text: l.created_by }),
      el('td', {}, when(l.changed_at)),
      el('td', {}, canChange() ? el('button', {
        type: 'button', class: 'secondary', text: 'Delete', 'aria-label': `Delete the lightbox ${l.name}`,
        onclick: async () => {
          if (!window.confirm(`Delete the lightbox "${l.name}"? Its photos stay in the library.`)) return;
          try { await api('DELETE', `/api/lightboxes/${l.id}`); } catch (e) { $('new-lightbox-status').textContent = e.message; }
          showLightboxes();
        },
      }) : null))));
    if (!lightboxes.length) body.append(el('tr', {}, el('td', { colspan: '5', class: 'muted', text: 'No lightboxes yet.' })));
  } catch (e) {
    if (current()) body.replaceChildren(el('tr', {}, el('td', { colspan: '5', class: 'error', text: e.message })));
  }
}

async function newLightbox(ev) {
  ev.preventDefault();
  const status = $('new-lightbox-status');
  try {
    const l = await api('POST', '/api/lightboxes', { name: $('new-lightbox-name').value.trim() });
    $('new-lightbox-name').value = '';
    status.textContent = `Made "${l.name}".`;
    showLightboxes();
  } catch (e) {
    status.textContent = e.message;
  }
}

// Puts the photos @ids into lightbox @id (@add) or takes them out; what happened, in words.
export async function putInLightbox(id, ids, add) {
  if (add) {
    const r = await api('POST', `/api/lightboxes/${id}/photos`, { photos: ids });
    return `${r.added} added to "${r.name}" (${r.photos} in it now)`;
  }
  let taken = 0;
  for (const photo of ids) {
    try { await api('DELETE', `/api/lightboxes/${id}/photos/${photo}`); taken++; } catch { /* not in it */ }
  }
  return `${taken} taken out of "${lightboxName(id) || 'the lightbox'}"`;
}

// ---------------------------------------------------------------- saved searches

// The saved searches as links (each runs its search), with Delete for editors.
export async function showSavedSearches() {
  const list = $('saved-list');
  try {
    const { searches } = await api('GET', '/api/searches');
    list.replaceChildren(...searches.map((s) => el('li', {},
      el('a', { href: `#/search?${s.query}`, text: s.name, title: `${s.query} (saved by ${s.created_by})` }),
      canChange() ? el('button', {
        type: 'button', class: 'link', text: '×', 'aria-label': `Delete the saved search ${s.name}`,
        onclick: async () => {
          try { await api('DELETE', `/api/searches/${s.id}`); } catch (e) { $('save-status').textContent = e.message; }
          showSavedSearches();
        },
      }) : null)));
    if (!searches.length) list.append(el('li', { class: 'muted', text: 'None yet.' }));
  } catch (e) {
    list.replaceChildren(el('li', { class: 'error', text: e.message }));
  }
}

// Saves @params (the search on screen) as the name typed.
export function setupSavedSearches(params) {
  $('save-search').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const status = $('save-status');
    const name = $('save-name').value.trim();
    try {
      await api('POST', '/api/searches', { name, query: params().toString() });
      $('save-name').value = '';
      status.textContent = `Saved as "${name}".`;
    } catch (e) {
      if (e.status === 409 && window.confirm(`There is a saved search called "${name}" already. Replace it?`)) {
        await api('POST', '/api/searches', { name, query: params().toString(), replace: true });
        status.textContent = `Replaced "${name}".`;
      } else {
        status.textContent = e.message;
      }
    }
    showSavedSearches();
  });
}

// ---------------------------------------------------------------- compare

// Two to four photos side by side, each its web rendition with what an editor weighs:
// time, credit, restrictions, pick. Esc goes back.
export async function showCompare(ids) {
  const current = ticket('compare');
  const view = $('compare-view');
  show('compare');
  view.replaceChildren(el('p', { class: 'muted', text: 'Loading…' }));
  try {
    const photos = await Promise.all(ids.slice(0, 4).map((id) => api('GET', `/api/photos/${id}`)));
    if (!current()) return;
    const figures = photos.map((p) => {
      const web = (p.renditions || []).find((r) => r.name === 'web') || (p.renditions || [])[0];
      const r = p.restrictions || {};
      const flags = [r.kill && 'KILLED', r.editorial_only && 'EDITORIAL ONLY',
        r.embargo_until && new Date(r.embargo_until) > new Date() && 'EMBARGOED'].filter(Boolean);
      return el('figure', {},
        web ? el('img', { src: web.url, alt: p.headline || `photo ${p.id}` }) : el('p', { text: 'no picture' }),
        el('figcaption', {},
          el('a', { href: `#/photo/${p.id}`, text: p.headline || (p.caption || '').slice(0, 90) || `Photo ${p.id}` }),
          el('span', { text: (p.credit_parsed && p.credit_parsed.credit_line) || p.credit || '' }),
          el('span', { class: 'muted', text: `${p.date_created || 'no date'} · ${p.width} × ${p.height}` }),
          flags.length ? el('span', { class: 'badge stop', text: flags.join(' · ') }) : null,
          p.pick && (p.pick.rating || p.pick.label)
            ? el('span', { text: `${'★'.repeat(p.pick.rating || 0)} ${p.pick.label || ''}` }) : null));
    });
    view.replaceChildren(
      el('div', { class: 'results-head' },
        el('h1', { text: `Comparing ${photos.length} photos` }),
        el('button', { type: 'button', class: 'secondary', text: 'Back to the results (Esc)', onclick: () => window.history.back() })),
      el('div', { class: 'compare', id: 'compare' }, ...figures));
  } catch (e) {
    if (current()) view.replaceChildren(el('p', { class: 'error', text: e.message }));
  }
}

// ---------------------------------------------------------------- users (admins)

export async function showUsers() {
  const current = ticket('users');
  show('users');
  const body = $('user-list');
  try {
    const { users } = await api('GET', '/api/users');
    if (!current()) return;
    body.replaceChildren(...users.map(userRow));
  } catch (e) {
    if (current()) body.replaceChildren(el('tr', {}, el('td', { colspan: '5', class: 'error', text: e.message })));
  }
}

function userRow(u) {
  const status = el('span', { role: 'status' });
  const change = async (body, said) => {
    try {
      await api('PATCH', `/api/users/${u.id}`, body);
      await showUsers();
      const row = $(`user-${u.id}`);
      if (row) row.querySelector('[role=status]').textContent = said;
    } catch (e) {
      status.className = 'error';
      status.textContent = e.message;
    }
  };
  const role = el('select', { 'aria-label': `Role of ${u.name}` },
    ...['viewer', 'editor', 'admin'].map((r) => el('option', { value: r, text: r })));
  role.value = u.role;
  role.addEventListener('change', () => change({ role: role.value }, `Now ${role.value}.`));
  const password = el('input', { type: 'password', autocomplete: 'new-password', 'aria-label': `New password for ${u.name}` });
  const me = session.me && session.me.user.name.toLowerCase() === u.name.toLowerCase();
  return el('tr', { id: `user-${u.id}` },
    el('td', { text: u.name }),
    el('td', {}, role),
    el('td', {}, when(u.created_at)),
    el('td', {},
      el('span', { text: u.disabled ? `disabled by ${u.disabled_by}, ${localTime(u.disabled_at)} ` : 'active ' }),
      me ? null : el('button', {
        type: 'button', class: 'secondary', text: u.disabled ? 'Enable' : 'Disable',
        onclick: () => change({ disabled: !u.disabled }, u.disabled ? 'Enabled.' : 'Disabled: logged out.'),
      })),
    el('td', {}, password, el('button', {
      type: 'button', class: 'secondary', text: 'Set',
      onclick: () => { if (password.value) change({ password: password.value }, 'Password set: logged out.'); },
    }), status));
}

async function newUser(ev) {
  ev.preventDefault();
  const status = $('new-user-status');
  try {
    const u = await api('POST', '/api/users', {
      name: $('new-user-name').value.trim(), role: $('new-user-role').value, password: $('new-user-password').value,
    });
    $('new-user-name').value = '';
    $('new-user-password').value = '';
    status.textContent = `Added ${u.name} (${u.role}).`;
    showUsers();
  } catch (e) {
    status.textContent = e.message;
  }
}

export function setupCollections() {
  $('new-lightbox').addEventListener('submit', newLightbox);
  $('new-user').addEventListener('submit', newUser);
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && !$('compare-view').hidden) window.history.back();
  });
}
