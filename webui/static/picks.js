// picks.js: the desk's picks: a photo's star rating (0 to 5) and colour label, shown on
// its card and its page and set with the keys photo editors know (0-5 rate, 6-9 label:
// red, yellow, green, blue; the same label again clears it) or with the page's buttons.

import { api } from './api.js';
import { el, localTime } from './dom.js';

export const LABELS = ['red', 'yellow', 'green', 'blue', 'purple'];
const KEYED = { 6: 'red', 7: 'yellow', 8: 'green', 9: 'blue' };

// Stars and a label chip for a rating and a label (null when there is neither).
export function pickMarks(rating, label) {
  if (!rating && !label) return null;
  const box = el('span', { class: 'pick-marks' });
  if (rating) box.append(el('span', { class: 'stars', text: '★'.repeat(rating), title: `${rating} star${rating > 1 ? 's' : ''}`, 'aria-label': `${rating} star${rating > 1 ? 's' : ''}` }));
  if (label) box.append(el('span', { class: `label-chip label-${label}`, text: label }));
  return box;
}

// The change a key asks for, given the photo's label now; null for other keys.
export function pickForKey(key, label) {
  if (/^[0-5]$/.test(key)) return { rating: Number(key) };
  if (key in KEYED) return { label: label === KEYED[key] ? null : KEYED[key] };
  return null;
}

// Sets photo @id's pick; the photo as the server answers it.
export function setPick(id, change) {
  return api('PUT', `/api/photos/${id}/pick`, change);
}

// The photo page's controls: five star buttons (the current one again clears the rating)
// and the label buttons, each saying what it does; @done gets the updated photo.
export function pickControls(p, done) {
  const pick = p.pick || { rating: 0, label: null };
  const status = el('span', { role: 'status' });
  const act = async (change) => {
    try {
      done(await setPick(p.id, change));
    } catch (e) {
      status.className = 'error';
      status.textContent = e.message;
    }
  };
  const stars = el('div', { class: 'star-buttons', role: 'group', 'aria-label': 'Rating' });
  for (let n = 1; n <= 5; n++) {
    stars.append(el('button', {
      type: 'button', class: `star${n <= pick.rating ? ' on' : ''}`, text: '★',
      'aria-label': `${n} star${n > 1 ? 's' : ''}`, 'aria-pressed': String(n === pick.rating),
      onclick: () => act({ rating: n === pick.rating ? 0 : n }),
    }));
  }
  const labels = el('div', { class: 'label-buttons', role: 'group', 'aria-label': 'Colour label' });
  for (const l of LABELS) {
    labels.append(el('button', {
      type: 'button', class: `label-chip label-${l}${l === pick.label ? ' on' : ''}`, text: l,
      'aria-pressed': String(l === pick.label),
      onclick: () => act({ label: l === pick.label ? null : l }),
    }));
  }
  const who = pick.by ? el('span', { class: 'muted', text: `set by ${pick.by}, ${localTime(pick.at)}` }) : null;
  return el('div', { class: 'pick-controls', id: 'pick-controls' }, stars, labels, who, status,
    el('p', { class: 'muted', text: 'Keys: 0–5 rate, 6 red, 7 yellow, 8 green, 9 blue (again to clear).' }));
}
