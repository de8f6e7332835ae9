// history.js: a photo's versions, newest first, with the words each changed marked.

import { api } from './api.js';
import { $, el, localTime } from './dom.js';

// Word differences between two texts, as fragments with <del> and <ins>.
export function diff(from, to) {
  const a = (from || '').split(/(\s+)/), b = (to || '').split(/(\s+)/);
  const n = a.length, m = b.length;
  if (n * m > 4e6) { // too long to compare word by word: show both whole
    return [el('del', { text: from || '' }), document.createTextNode(' '), el('ins', { text: to || '' })];
  }
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out = [];
  let i = 0, j = 0;
  const push = (tag, text) => {
    const last = out[out.length - 1];
    if (last && last.tag === tag) last.text += text; else out.push({ tag, text });
  };
  while (i < n && j < m) {
    if (a[i] === b[j]) { push(null, a[i]); i++; j++; }
    else if (lcs[i + 1][j] >= lcs[i][j + 1]) push('del', a[i++]);
    else push('ins', b[j++]);
  }
  while (i < n) push('del', a[i++]);
  while (j < m) push('ins', b[j++]);
  return out.map((o) => (o.tag ? el(o.tag, { text: o.text }) : document.createTextNode(o.text)));
}

// The versions of @h, newest first; @id for the photo page's own list.
export function history(h, id = null) {
  const ol = el('ol', { class: 'history', id });
  h.versions.forEach((v, i) => {
    const who = v.user ? `by ${v.user}` : v.ingest ? `ingest of ${v.ingest.split('/').pop()}` : '';
    const li = el('li', {}, el('div', { class: 'when', text: `Version ${v.version}, ${localTime(v.at)} ${who}` }));
    const before = h.versions[i + 1];
    if (v.picture_changed && v.thumb) {
      li.append(el('div', { class: 'pictures' },
        before && before.thumb ? el('figure', {}, el('img', { src: before.thumb, alt: `the picture of version ${before.version}` }), el('figcaption', { text: 'before' })) : null,
        el('figure', {}, el('img', { src: v.thumb, alt: `the picture of version ${v.version}` }), el('figcaption', { text: 'new picture' }))));
    }
    for (const c of v.changes) {
      const d = el('div', { class: 'diff' });
      d.append(...diff(c.from, c.to));
      li.append(el('div', { class: 'change' },
        el('span', { class: 'field', text: c.over_correction_by ? `${c.field} (over ${c.over_correction_by}'s correction)` : c.field }), d));
    }
    if (!v.changes.length && !v.picture_changed) li.append(el('div', { class: 'change', text: 'as received' }));
    ol.append(li);
  });
  return ol;
}

// A button for the versions before the page of history shown, when there are some.
// @current: the photo view's ticket (api.js), so that a page that comes back after the
// editor opened another photo is not added to it.
export function olderVersions(id, h, current) {
  if (!h.next_before) return null;
  const button = el('button', { type: 'button', class: 'secondary', id: 'older-versions', text: `Older versions (${h.next_before - 1} more)` });
  button.addEventListener('click', async () => {
    try {
      const older = await api('GET', `/api/photos/${id}/history?before=${h.next_before}`);
      if (!current()) return;
      $('history').append(...history(older).children);
      const next = olderVersions(id, older, current);
      if (next) button.replaceWith(next); else button.remove();
    } catch (e) {
      button.replaceWith(el('p', { class: 'error', text: e.message }));
    }
  });
  return button;
}
