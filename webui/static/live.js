// live.js: what changed on the desk, as it happens. One EventSource on /api/events per
// page (it reconnects by itself, sending Last-Event-ID, and the server replays what was
// missed); each event is handed to the views that asked (onEvent). It also keeps the
// newest photo id the page knows of, and the count of photos new since the editor last
// looked.

import { api, session } from './api.js';
import { $ } from './dom.js';

const listeners = new Set();
let source = null;

export const live = {
  newestPhoto: 0, // the largest photo id seen (from /api/me, then from events)
  seenPhoto: 0,   // the editor's "last looked" point (from /api/me)
};

// @fn(event) for every event: {type: photo|version|article|reset, photo_id, article_id,
// version, kill}. Returns a function that stops it.
export function onEvent(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function dispatch(type, data) {
  if (data.photo_id && data.photo_id > live.newestPhoto && type === 'photo') live.newestPhoto = data.photo_id;
  for (const fn of listeners) {
    try { fn({ ...data, type }); } catch (e) { console.warn('photodesk: an event handler failed', e); }
  }
  if (type === 'photo') countNew();
}

// Starts listening, once a session is there (and again after a new login).
export function startLive() {
  if (!session.me) return;
  live.newestPhoto = Math.max(live.newestPhoto, session.me.newest_photo_id || 0);
  live.seenPhoto = session.me.seen_photo_id || 0;
  countNew();
  if (source) return;
  source = new EventSource('/api/events');
  for (const type of ['photo', 'version', 'article', 'pick', 'lightbox']) {
    source.addEventListener(type, (m) => {
      let data = {};
      try { data = JSON.parse(m.data); } catch { return; }
      dispatch(type, data);
    });
  }
  // more was missed than the server keeps: every view reloads what it shows
  source.addEventListener('reset', () => dispatch('reset', {}));
  source.addEventListener('error', () => {
    // EventSource retries by itself; a stream closed for a logged-out session stays shut
    if (!session.me && source) { source.close(); source = null; }
  });
}

export function stopLive() {
  if (source) source.close();
  source = null;
}

// "New since I last looked": how many photos arrived after the editor's point.
let counting = null;
function countNew() {
  if (counting) return;
  counting = setTimeout(async () => {
    counting = null;
    const link = $('new-link');
    try {
      const r = await api('GET', `/api/photos?after=${live.seenPhoto}&limit=1`);
      link.textContent = r.total ? `New: ${r.total_exact ? '' : 'more than '}${r.total.toLocaleString()}` : 'New: 0';
      link.href = `#/search?after=${live.seenPhoto}&sort=arrived`;
      link.classList.toggle('has-new', r.total > 0);
    } catch { /* shown again at the next event */ }
  }, 300);
}

// The editor has looked at everything up to the newest photo.
export async function markSeen() {
  const r = await api('POST', '/api/me/seen', { photo_id: live.newestPhoto });
  live.seenPhoto = r.seen_photo_id;
  if (session.me) session.me.seen_photo_id = r.seen_photo_id;
  countNew();
}
