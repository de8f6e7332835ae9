// search.js: the search form, the grid of results (more as you scroll), facets, the
// keyboard, and photos chosen in the grid to attach to an article.

import { api, session, ticket } from './api.js';
import { $, el, show, snippet, taken } from './dom.js';
import { articleOptions, attach, confirmSynthetic } from './articles.js';
import { pickForKey, pickMarks, setPick } from './picks.js';
import { live, markSeen, onEvent } from './live.js';
import { openBatch, setupBatch } from './batch.js';
import { canChange, lightboxName, lightboxOptions, loadLightboxes, putInLightbox, setupSavedSearches,
  showSavedSearches } from './collections.js';

const PAGE = 60; // a contact sheet's first screenful and more

let search = { params: null, offset: 0, total: 0, loading: false, done: false, current: () => false, after: 0 };
let selected = -1;
let anchor = -1; // the card a range of chosen cards starts from (shift-click, shift-arrows)
const picked = new Set(); // photo ids chosen in the grid, to attach to an article
const cards = new Map(); // photo id -> the search result its card shows

// Filters the form has no field for (a facet or a photo's field clicked, a lightbox):
// kept with the search, shown as chips that take them off.
const EXTRA = { byline: 'Photographer', city: 'City', country: 'Country', source: 'Source', lightbox: 'Lightbox',
  all: 'Every copy', undated: 'Undated' };
let extra = new URLSearchParams();

function formParams() {
  const p = new URLSearchParams();
  for (const id of ['q', 'from', 'to', 'made', 'rating', 'label', 'sort']) if ($(id).value) p.set(id, $(id).value);
  if ($('distributor').value) p.set('credit', $('distributor').value);
  for (const [k, v] of extra) p.set(k, v);
  return p;
}

function showFilters() {
  const chips = [];
  for (const [k, v] of extra) {
    if (k === 'all' && extra.has('lightbox')) continue; // a lightbox shows every copy it holds
    const text = k === 'lightbox' ? `${EXTRA[k]}: ${lightboxName(v) || v}` : k === 'all' || k === 'undated' ? EXTRA[k] : `${EXTRA[k]}: ${v}`;
    chips.push(el('span', { class: 'chip' }, el('span', { text }),
      el('button', { type: 'button', class: 'secondary', text: '×', 'aria-label': `Remove the filter ${text}`,
        onclick: () => {
          extra.delete(k);
          if (k === 'lightbox') extra.delete('all');
          $('search-form').requestSubmit();
        } })));
  }
  $('filters').replaceChildren(...chips);
  $('picked-from-lightbox').hidden = !extra.has('lightbox');
}

// Adds filter @k = @v to the search on screen and runs it.
function filterBy(k, v) {
  extra.set(k, v);
  $('search-form').requestSubmit();
}

function submitSearch(ev) {
  ev.preventDefault();
  const hash = `#/search?${formParams()}`;
  if (location.hash === hash) runSearch(formParams(), { again: true }); // the same search, asked again
  else location.hash = hash;
}

function fillForm(p) {
  $('q').value = p.get('q') || '';
  $('from').value = p.get('from') || '';
  $('to').value = p.get('to') || '';
  $('sort').value = p.get('sort') || 'date';
  $('made').value = p.get('made') || '';
  $('rating').value = p.get('rating') || '';
  $('label').value = p.get('label') || '';
  const credit = p.get('credit') || '';
  if (credit && ![...$('distributor').options].some((o) => o.value === credit))
    $('distributor').append(el('option', { value: credit, text: credit }));
  $('distributor').value = credit;
  extra = new URLSearchParams();
  for (const k of Object.keys(EXTRA)) if (p.get(k)) extra.set(k, p.get(k));
  if (extra.has('lightbox') && !lightboxName(extra.get('lightbox')))
    loadLightboxes().then(showFilters).catch(() => { /* the id stays shown */ });
  showFilters();
}

// Shows the search @p: the one on screen when it is that one (Back from a photo returns to
// the same results at the same place, the same card selected), else runs it; @again runs
// it whatever is on screen.
export async function runSearch(p, { again = false } = {}) {
  if (!again && search.params && search.params.toString() === p.toString() && $('grid').children.length) {
    show('search');
    fillForm(p);
    const { scrollY } = search;
    requestAnimationFrame(() => {
      window.scrollTo(0, scrollY || 0);
      const card = $('grid').children[selected];
      if (card) card.focus({ preventScroll: true });
    });
    return;
  }
  show('search');
  showAgencies();
  showSavedSearches();
  fillForm(p);
  // what arrives after the newest photo known now is counted as new for this search
  search = { params: p, offset: 0, total: 0, loading: false, done: false, current: ticket('search'), after: live.newestPhoto,
    groups: new Set() }; // pictures on screen: another agency's copy on a later page is not shown again
  selected = -1;
  anchor = -1;
  $('grid').replaceChildren();
  $('new-photos').hidden = true;
  $('mark-seen').hidden = !p.has('after');
  $('live-bar').hidden = !p.has('after');
  $('summary').textContent = 'Searching…';
  await loadMore(true);
}

async function loadMore(first = false) {
  const s = search; // this search's, even when another starts meanwhile
  if (s.loading || s.done) return;
  s.loading = true;
  const p = new URLSearchParams(s.params);
  p.set('limit', PAGE);
  p.set('offset', s.offset);
  if (first) p.set('facets', '1');
  try {
    const r = await api('GET', `/api/photos?${p}`);
    if (!s.current()) return; // another search replaced this one
    if (first) {
      s.total = r.total;
      showFacets(r.facets);
      $('summary').textContent = r.total === 0 ? 'No photos found.'
        : `${r.total_exact ? '' : 'More than '}${r.total.toLocaleString()} photo${r.total === 1 ? '' : 's'}`;
    }
    for (const hit of r.results) {
      if (hit.group && s.groups.has(hit.group)) continue;
      if (hit.group) s.groups.add(hit.group);
      $('grid').append(card(hit, $('grid').children.length));
    }
    s.offset += r.page_matches ?? r.results.length;
    s.done = (r.page_matches ?? r.results.length) < PAGE;
    $('more').textContent = s.done ? '' : 'Loading more as you scroll…';
  } catch (e) {
    if (!s.current()) return;
    $('summary').textContent = e.message;
    s.done = true;
  } finally {
    s.loading = false;
  }
}

// About as many cards as the first screen shows, counted in cells of 150 px a side (the
// small sheet's are 108 x 124, the others larger; 60 on a 1440 x 900 window): their
// thumbnails are asked for at once, the rest as the sheet scrolls near them. A lazy image
// is asked for only once the layout has placed it, about 60 ms after the search's answer
// (bench/README.md, "page").
const firstScreen = () => Math.ceil(window.innerWidth / 150) * Math.ceil(window.innerHeight / 150);

function card(hit, index) {
  cards.set(hit.id, hit);
  const flags = el('div', { class: 'flags' });
  if (hit.kill) flags.append(el('span', { class: 'badge stop', text: 'KILLED' }));
  if (hit.embargo_until && new Date(hit.embargo_until) > new Date())
    flags.append(el('span', { class: 'badge stop', text: 'EMBARGOED' }));
  if (hit.editorial_only) flags.append(el('span', { class: 'badge', text: 'EDITORIAL ONLY' }));
  if (hit.top_pick) flags.append(el('span', { class: 'badge', text: 'TOP PICK' }));
  if (hit.made === 'ai') flags.append(el('span', { class: 'badge stop', text: 'AI-GENERATED' }));
  else if (hit.made === 'composite') flags.append(el('span', { class: 'badge stop', text: 'COMPOSITE' }));
  if (hit.content_credentials) flags.append(el('span', { class: 'badge', text: 'CONTENT CREDENTIALS', title: 'the file carries C2PA content credentials (not verified)' }));
  const img = hit.thumb
    ? el('img', { src: `/photos/${hit.id}/thumb?v=${hit.thumb}`, alt: '', loading: index >= 0 && index < firstScreen() ? 'eager' : 'lazy' })
    : el('span', { text: 'no picture' });
  const caption = el('p', { class: 'caption' });
  caption.append(snippet(hit.snippet || hit.caption || hit.headline || ''));
  const box = el('input', { type: 'checkbox', class: 'pick-box', 'aria-label': 'choose for an article' });
  box.checked = picked.has(hit.id);
  box.addEventListener('click', (ev) => {
    ev.stopPropagation();
    if (ev.shiftKey && anchor >= 0) { // a range, from the card chosen last to this one
      ev.preventDefault();
      chooseRange(anchor, Number(li.dataset.index));
    }
  });
  box.addEventListener('change', () => { anchor = Number(li.dataset.index); pick(hit.id, box.checked); });
  if (hit.desk_agency === false) flags.append(el('span', { class: 'badge', text: 'NOT A DESK AGENCY', title: 'the desk does not subscribe to this agency' }));
  // one picture sent by several agencies: one card, naming them
  const sources = hit.group_size > 1 && hit.group_distributors
    ? el('div', { class: 'sources', text: `${hit.group_distributors.join(' · ')} (${hit.group_size} copies)` })
    : null;
  // a name for each card (screen readers, and Tab into the grid: one card takes the focus,
  // the arrows move it)
  const name = [hit.headline || (hit.caption || '').slice(0, 80), hit.credit_line || hit.credit, (hit.date_created || '').slice(0, 10)]
    .filter(Boolean).join(', ');
  const when = taken(hit.date_created);
  const li = el('li', { class: 'card', tabindex: index === 0 ? '0' : '-1', 'aria-label': name || `photo ${hit.id}`,
    'data-index': index, 'data-id': hit.id, 'data-group': hit.group || '' },
    el('div', { class: 'thumb' }, img, box),
    el('div', { class: 'text' }, flags, caption, sources,
      el('div', { class: 'meta' },
        el('span', { text: hit.credit_line || hit.credit || '' }),
        el('span', { class: 'card-pick' }, pickMarks(hit.rating, hit.label)),
        el('span', { class: 'where', text: [hit.city, hit.country].filter(Boolean).join(', ') }),
        el('time', { datetime: hit.date_created || null, title: when, text: when }))));
  li.addEventListener('click', (ev) => {
    if (ev.shiftKey) { // a range of cards chosen, not a photo opened
      ev.preventDefault();
      chooseRange(anchor >= 0 ? anchor : Number(li.dataset.index), Number(li.dataset.index));
      return;
    }
    location.hash = `#/photo/${hit.id}`;
  });
  li.addEventListener('focus', () => { if (Number(li.dataset.index) !== selected) select(Number(li.dataset.index)); });
  return li;
}

function showFacets(facets) {
  const box = $('facets');
  box.replaceChildren();
  if (!facets) return;
  const known = new Set([...$('distributor').options].map((o) => o.value));
  for (const f of facets.distributor) {
    if (f.value && !known.has(f.value)) $('distributor').append(el('option', { value: f.value, text: f.value }));
  }
  const section = (title, counts, apply) => {
    if (!counts.length) return;
    const ul = el('ul');
    for (const c of counts.slice(0, 12)) {
      const label = c.value || '(none)';
      const name = apply && c.value
        ? el('button', { class: 'link', type: 'button', text: label, onclick: () => apply(c.value) })
        : el('span', { text: label });
      ul.append(el('li', {}, name, el('span', { text: c.count.toLocaleString() })));
    }
    box.append(el('h2', { text: title }), ul);
  };
  section('Distributor', facets.distributor, (v) => { $('distributor').value = v; $('search-form').requestSubmit(); });
  section('Photographer', facets.photographer, (v) => filterBy('byline', v));
  section('City', facets.city || [], (v) => filterBy('city', v));
  section('Country', facets.country || [], (v) => filterBy('country', v));
  section('Label', (facets.label || []).filter((c) => c.value), (v) => { $('label').value = v; $('search-form').requestSubmit(); });
  section('Rating', (facets.rating || []).filter((c) => c.value).map((c) => ({ ...c, value: c.value })),
    (v) => { $('rating').value = v; $('search-form').requestSubmit(); });
  section('Day', facets.day, (v) => { $('from').value = v; $('to').value = v; $('search-form').requestSubmit(); });
}

function select(i) {
  const cards = $('grid').children;
  if (!cards.length) return;
  i = Math.max(0, Math.min(i, cards.length - 1));
  if (selected >= 0 && cards[selected]) {
    cards[selected].classList.remove('selected');
    cards[selected].setAttribute('tabindex', '-1');
  }
  if (cards[0] && i !== 0) cards[0].setAttribute('tabindex', '-1');
  selected = i;
  cards[i].classList.add('selected');
  cards[i].setAttribute('tabindex', '0');
  cards[i].focus();
  cards[i].scrollIntoView({ block: 'nearest' });
  if (i >= cards.length - 6) loadMore();
}

function columns() {
  const cards = $('grid').children;
  if (cards.length < 2) return 1;
  const top = cards[0].offsetTop;
  let n = 0;
  while (n < cards.length && cards[n].offsetTop === top) n++;
  return Math.max(1, n);
}

function keys(ev) {
  const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName);
  if (ev.key === '/' && !typing && !$('bar').hidden) {
    ev.preventDefault();
    $('q').focus();
    return;
  }
  if ($('search-view').hidden || typing) return;
  const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns(), ArrowUp: -columns(), j: 1, k: -1 };
  if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === 'a') { // every card loaded
    ev.preventDefault();
    chooseAll();
  } else if (ev.key === 'Escape' && picked.size) {
    clearPicked();
  } else if (ev.key in moves && ev.shiftKey && ev.key.startsWith('Arrow')) { // the range grows
    ev.preventDefault();
    const from = anchor >= 0 ? anchor : Math.max(selected, 0);
    select(selected < 0 ? 0 : selected + moves[ev.key]);
    chooseRange(from, selected);
  } else if (ev.key in moves) {
    ev.preventDefault();
    select(selected < 0 ? 0 : selected + moves[ev.key]);
  } else if (ev.key === 'Enter' && selected >= 0) {
    const c = $('grid').children[selected];
    if (c) location.hash = `#/photo/${c.dataset.id}`;
  } else if (selected >= 0 && canChange() && pickForKey(ev.key, null) && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
    ev.preventDefault();
    pickSelected(ev.key);
  } else if (ev.key === 'x' && selected >= 0) {
    const box = $('grid').children[selected]?.querySelector('.pick-box');
    if (box) {
      box.checked = !box.checked;
      anchor = selected;
      pick(Number($('grid').children[selected].dataset.id), box.checked);
    }
  }
}

// Where the results shown last are: a photo's page goes back to them with Esc.
export const resultsHash = () => (search.params ? `#/search?${search.params}` : '#/');

// The photo @step cards away from photo @id on the contact sheet (the result order), or
// null: a photo's page goes to the next and the previous with the arrows.
export function neighbour(id, step) {
  const cards = [...$('grid').children];
  const at = cards.findIndex((c) => c.dataset.id === String(id));
  if (at < 0 || !cards[at + step]) return null;
  if (step > 0 && at + step >= cards.length - 6) loadMore();
  select(at + step);
  return cards[at + step].dataset.id;
}

// The selected card's pick, from a key: saved, and the card shows it at once.
async function pickSelected(key) {
  const card = $('grid').children[selected];
  const hit = card && cards.get(Number(card.dataset.id));
  if (!hit) return;
  try {
    const p = await setPick(hit.id, pickForKey(key, hit.label));
    hit.rating = p.pick.rating;
    hit.label = p.pick.label;
    const marks = pickMarks(hit.rating, hit.label);
    card.querySelector('.card-pick').replaceChildren(...(marks ? [marks] : []));
  } catch (e) {
    $('summary').textContent = e.message;
  }
}

// ---------------------------------------------------------------- chosen photos

function pick(id, on) {
  if (on) picked.add(id); else picked.delete(id);
  showPicked();
}

// Cards @a to @b (indexes, either order) chosen, and the range's start kept.
function chooseRange(a, b) {
  const cards = $('grid').children;
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  for (let i = Math.max(0, lo); i <= hi && i < cards.length; i++) {
    const box = cards[i].querySelector('.pick-box');
    box.checked = true;
    picked.add(Number(cards[i].dataset.id));
  }
  anchor = a;
  showPicked();
}

function chooseAll() {
  for (const c of $('grid').children) {
    c.querySelector('.pick-box').checked = true;
    picked.add(Number(c.dataset.id));
  }
  showPicked();
}

function clearPicked() {
  picked.clear();
  anchor = -1;
  for (const box of document.querySelectorAll('#grid .pick-box')) box.checked = false;
  showPicked();
}

async function showPicked() {
  const bar = $('picked');
  const opening = bar.hidden && picked.size > 0;
  bar.hidden = picked.size === 0;
  $('picked-count').textContent = `${picked.size} photo${picked.size === 1 ? '' : 's'} chosen`;
  const compare = $('picked-compare');
  compare.disabled = picked.size < 2 || picked.size > 4;
  compare.title = compare.disabled ? 'Choose 2 to 4 photos to compare' : 'Side by side';
  if (opening && canChange()) { // the articles and lightboxes as they are now
    $('picked-status').textContent = '';
    try {
      const articles = await articleOptions($('picked-article'));
      const boxes = await lightboxOptions($('picked-lightbox'));
      if (extra.has('lightbox')) $('picked-lightbox').value = extra.get('lightbox');
      if (!articles.length) $('picked-status').textContent = 'No articles yet: make one under Articles.';
      $('picked-to-lightbox').disabled = !boxes.length;
    } catch (e) {
      $('picked-status').textContent = e.message;
    }
  }
}

async function attachPicked() {
  const article = $('picked-article').value;
  const status = $('picked-status');
  if (!article) { status.textContent = 'Choose an article first.'; return; }
  status.className = '';
  status.textContent = 'Attaching…';
  // a picture only an agency the desk does not subscribe to sent: attached, and said so
  const outside = [...picked].map((id) => cards.get(id)).filter((h) => h && h.desk_agency === false)
    .map((h) => `photo ${h.id} (${h.distributor || h.credit || 'unknown agency'})`);
  const { placed, refused, unconfirmed } = await attach(article, [...picked]);
  for (const box of document.querySelectorAll('#grid .pick-box')) box.checked = false;
  picked.clear();
  $('picked').hidden = false;
  $('picked-count').textContent = '';
  status.replaceChildren(...[
    el('a', { href: `#/article/${article}`, text: `${placed} attached: open the article` }),
    refused.length ? el('span', { class: 'error', text: ` Refused: ${refused.join('; ')}` }) : null,
    outside.length ? el('span', { class: 'error', text: ` Not from the desk's agencies: ${outside.join(', ')}.` }) : null,
    unconfirmed.length ? confirmSynthetic(article, unconfirmed, status) : null,
  ].filter(Boolean)); // replaceChildren would write a null as "null"
}

// ---------------------------------------------------------------- the live wire

// Photos that arrived since the search was shown and match it: counted, shown on a click.
let counting = null;
function countArrived() {
  if (counting || !search.params) return;
  counting = setTimeout(async () => {
    counting = null;
    const s = search;
    const p = new URLSearchParams(s.params);
    p.set('after', Math.max(s.after, Number(s.params.get('after') || 0)));
    p.set('limit', 1);
    try {
      const r = await api('GET', `/api/photos?${p}`);
      if (!s.current() || r.total === 0) return;
      $('new-photos').textContent = `${r.total_exact ? '' : 'More than '}${r.total.toLocaleString()} new photo${r.total === 1 ? '' : 's'}: show`;
      $('new-photos').hidden = false;
      $('live-bar').hidden = false;
    } catch { /* counted again at the next photo */ }
  }, 300);
}

// Puts the new photos above the others; the editor's place (what is in view) stays.
async function showArrived() {
  const s = search;
  const p = new URLSearchParams(s.params);
  p.set('after', Math.max(s.after, Number(s.params.get('after') || 0)));
  p.set('sort', 'arrived');
  p.set('limit', 200);
  const r = await api('GET', `/api/photos?${p}`);
  if (!s.current()) return;
  const grid = $('grid');
  const before = grid.offsetHeight;
  const atTop = window.scrollY < 40;
  const fresh = document.createDocumentFragment();
  for (const hit of r.results) {
    s.after = Math.max(s.after, hit.id);
    grid.querySelector(`.card[data-id="${hit.id}"]`)?.remove();
    if (hit.group) grid.querySelector(`.card[data-group="${hit.group}"]`)?.remove();
    if (hit.group) s.groups.add(hit.group);
    fresh.append(card(hit, -1));
  }
  grid.prepend(fresh);
  [...grid.children].forEach((c, i) => { c.dataset.index = i; });
  s.offset += r.results.length;
  s.total += r.results.length;
  if (!atTop) window.scrollBy(0, grid.offsetHeight - before);
  $('new-photos').hidden = true;
  $('live-bar').hidden = $('mark-seen').hidden;
  if (selected >= 0) selected += r.results.length;
  roving();
}

// One card in the Tab order (the selected one, else the first): the arrows do the rest.
function roving() {
  const cards = [...$('grid').children];
  const at = selected >= 0 && selected < cards.length ? selected : 0;
  cards.forEach((c, i) => c.setAttribute('tabindex', i === at ? '0' : '-1'));
}

// A photo on screen that changed (a correction, a re-send, a kill): its card follows.
async function refreshCard(id) {
  const li = $('grid').querySelector(`.card[data-id="${id}"]`);
  if (!li) return;
  try {
    const p = await api('GET', `/api/photos/${id}`);
    const r = p.restrictions || {};
    const hit = { ...p, kill: r.kill, editorial_only: r.editorial_only, embargo_until: r.embargo_until,
      thumb: p.picture, rating: p.pick ? p.pick.rating : 0, label: p.pick ? p.pick.label : null };
    const fresh = card(hit, Number(li.dataset.index));
    if (li.classList.contains('selected')) fresh.classList.add('selected');
    li.replaceWith(fresh);
    roving();
  } catch { /* the card stays as it was */ }
}

// Another editor's pick: the card's marks change in place (the card keeps the focus).
async function refreshPick(id) {
  const li = $('grid').querySelector(`.card[data-id="${id}"]`);
  const hit = cards.get(Number(id));
  if (!li || !hit) return;
  try {
    const p = await api('GET', `/api/photos/${id}`);
    hit.rating = p.pick ? p.pick.rating : 0;
    hit.label = p.pick ? p.pick.label : null;
    const marks = pickMarks(hit.rating, hit.label);
    li.querySelector('.card-pick').replaceChildren(...(marks ? [marks] : []));
  } catch { /* the marks stay as they were */ }
}

function onLive(ev) {
  if ($('search-view').hidden) return;
  if (ev.type === 'photo') countArrived();
  else if (ev.type === 'version') refreshCard(ev.photo_id);
  else if (ev.type === 'pick') refreshPick(ev.photo_id);
  else if (ev.type === 'reset' && search.params) runSearch(search.params, { again: true });
}

// ---------------------------------------------------------------- the desk's agencies

async function showAgencies() {
  try {
    const { agencies } = await api('GET', '/api/agencies');
    $('agencies-list').textContent = agencies.length ? agencies.join(' · ')
      : 'None set: every agency\'s copy counts the same.';
    const admin = session.me && session.me.user.role === 'admin';
    $('agencies-edit').hidden = !admin;
    if (admin) $('agencies-input').value = agencies.join(', ');
  } catch (e) {
    $('agencies-list').textContent = e.message;
  }
}

async function saveAgencies(ev) {
  ev.preventDefault();
  const agencies = $('agencies-input').value.split(',').map((a) => a.trim()).filter(Boolean);
  try {
    await api('PUT', '/api/agencies', { agencies });
    $('agencies-status').textContent = 'Saved.';
    await showAgencies();
    if (search.params) runSearch(search.params, { again: true });
  } catch (e) {
    $('agencies-status').textContent = e.message;
  }
}

// The contact sheet's size: small (the picture and a line: 40 and more at 1440 x 900),
// medium, large; the editor's choice is kept in this browser.
function sheetSize(size) {
  const sizes = ['s', 'm', 'l'];
  if (!sizes.includes(size)) size = 'm';
  for (const z of sizes) $('grid').classList.toggle(`size-${z}`, z === size);
  for (const b of $('sheet-size').querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.size === size));
  try { localStorage.setItem('photodesk.sheet', size); } catch { /* private mode: not kept */ }
}

export function setupSearch() {
  let kept = null;
  try { kept = localStorage.getItem('photodesk.sheet'); } catch { /* not kept */ }
  sheetSize(kept);
  for (const b of $('sheet-size').querySelectorAll('button')) b.addEventListener('click', () => sheetSize(b.dataset.size));
  // where the results were scrolled to, for coming Back to them
  window.addEventListener('scroll', () => { if (!$('search-view').hidden) search.scrollY = window.scrollY; }, { passive: true });
  onEvent(onLive);
  $('desk-agencies').addEventListener('submit', saveAgencies);
  $('new-photos').addEventListener('click', showArrived);
  $('mark-seen').addEventListener('click', async () => {
    await markSeen();
    $('mark-seen').textContent = 'All seen';
  });
  $('search-form').addEventListener('submit', submitSearch);
  $('sort').addEventListener('change', () => $('search-form').requestSubmit());
  $('distributor').addEventListener('change', () => $('search-form').requestSubmit());
  document.addEventListener('keydown', keys);
  new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && !$('search-view').hidden) loadMore();
  }).observe($('more'));
  $('to-results').addEventListener('click', () => {
    const cards = $('grid').children;
    const card = cards[selected >= 0 ? selected : 0];
    if (card) card.focus();
  });
  $('picked-attach').addEventListener('click', attachPicked);
  $('picked-clear').addEventListener('click', clearPicked);
  $('picked-all').addEventListener('click', chooseAll);
  setupBatch();
  $('picked-edit').addEventListener('click', () => openBatch(() => [...picked], () => {
    for (const id of picked) refreshCard(id);
  }));
  $('picked-compare').addEventListener('click', () => { location.hash = `#/compare/${[...picked].slice(0, 4).join(',')}`; });
  const lightbox = (add) => async () => {
    const id = add ? $('picked-lightbox').value : extra.get('lightbox');
    if (!id) return;
    try {
      $('picked-status').textContent = await putInLightbox(id, [...picked], add);
      if (!add) runSearch(search.params, { again: true });
    } catch (e) {
      $('picked-status').textContent = e.message;
    }
  };
  $('picked-to-lightbox').addEventListener('click', lightbox(true));
  $('picked-from-lightbox').addEventListener('click', lightbox(false));
  setupSavedSearches(() => {
    const p = new URLSearchParams(search.params || formParams());
    p.delete('after');
    return p;
  });
}
