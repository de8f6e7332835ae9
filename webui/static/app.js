// photodesk's editor front end: log in, search, read and correct captions, upload, and
// place photos in articles.
//
// Text from photos reaches the page only through textContent (and the elements made
// here): never as markup. The server's Content-Security-Policy forbids inline script.

const $ = (id) => document.getElementById(id);

// IIM's limits, in bytes: what fits in the IPTC fields a photo is delivered with.
const IIM_LIMITS = {
  caption: 2000, headline: 256, byline: 32, credit: 32, source: 32, city: 32, country: 64,
  special_instructions: 256, keywords: 64,
};
const PAGE = 50;

let me = null; // {user: {name, role}, csrf}
let search = { params: null, offset: 0, total: 0, exact: true, loading: false, done: false };
let selected = -1;
const picked = new Set(); // photo ids chosen in the grid, to attach to an article

// ---------------------------------------------------------------- helpers

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

// A snippet: the caption with the matched words between U+0002 and U+0003.
function snippet(text) {
  const frag = document.createDocumentFragment();
  const parts = String(text).split(/([\u0002\u0003])/);
  let marked = false;
  for (const p of parts) {
    if (p === '\u0002') marked = true;
    else if (p === '\u0003') marked = false;
    else if (p) frag.append(marked ? el('mark', { text: p }) : document.createTextNode(p));
  }
  return frag;
}

const bytes = (s) => new TextEncoder().encode(s || '').length;

async function api(method, url, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && me) headers['X-CSRF-Token'] = me.csrf;
  const res = await fetch(url, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (res.status === 401 && url !== '/api/login') {
    me = null;
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

function show(view) {
  for (const v of ['login', 'search', 'photo', 'upload', 'articles', 'article'])
    $(`${v}-view`).hidden = v !== view;
  $('bar').hidden = view === 'login';
  if (view === 'login') $('username').focus();
}

// ---------------------------------------------------------------- login

async function login(ev) {
  ev.preventDefault();
  $('login-error').textContent = '';
  try {
    me = await api('POST', '/api/login', { username: $('username').value, password: $('password').value });
    $('password').value = '';
    $('who').textContent = me.user.name;
    route();
  } catch (e) {
    $('login-error').textContent = e.message;
  }
}

async function logout() {
  try { await api('POST', '/api/logout'); } catch { /* logged out either way */ }
  me = null;
  location.hash = '#/';
  show('login');
}

// ---------------------------------------------------------------- search

function formParams() {
  const p = new URLSearchParams();
  for (const id of ['q', 'from', 'to', 'sort']) if ($(id).value) p.set(id, $(id).value);
  if ($('distributor').value) p.set('credit', $('distributor').value);
  return p;
}

function submitSearch(ev) {
  ev.preventDefault();
  const p = formParams();
  location.hash = `#/search?${p}`;
}

function fillForm(p) {
  $('q').value = p.get('q') || '';
  $('from').value = p.get('from') || '';
  $('to').value = p.get('to') || '';
  $('sort').value = p.get('sort') || 'date';
  const credit = p.get('credit') || '';
  if (credit && ![...$('distributor').options].some((o) => o.value === credit))
    $('distributor').append(el('option', { value: credit, text: credit }));
  $('distributor').value = credit;
}

async function runSearch(p) {
  show('search');
  fillForm(p);
  search = { params: p, offset: 0, total: 0, exact: true, loading: false, done: false };
  selected = -1;
  $('grid').replaceChildren();
  $('summary').textContent = 'Searching…';
  await loadMore(true);
}

async function loadMore(first = false) {
  if (search.loading || search.done) return;
  search.loading = true;
  const p = new URLSearchParams(search.params);
  p.set('limit', PAGE);
  p.set('offset', search.offset);
  if (first) p.set('facets', '1');
  try {
    const r = await api('GET', `/api/photos?${p}`);
    if (first) {
      search.total = r.total;
      search.exact = r.total_exact;
      showFacets(r.facets);
      $('summary').textContent = r.total === 0 ? 'No photos found.'
        : `${r.total_exact ? '' : 'More than '}${r.total.toLocaleString()} photo${r.total === 1 ? '' : 's'}`;
    }
    for (const hit of r.results) $('grid').append(card(hit, search.offset++));
    search.done = r.results.length < PAGE;
    $('more').textContent = search.done ? '' : 'Loading more as you scroll…';
  } catch (e) {
    $('summary').textContent = e.message;
    search.done = true;
  } finally {
    search.loading = false;
  }
}

function card(hit, index) {
  const flags = el('div', { class: 'flags' });
  if (hit.kill) flags.append(el('span', { class: 'badge stop', text: 'KILLED' }));
  if (hit.embargo_until && new Date(hit.embargo_until) > new Date())
    flags.append(el('span', { class: 'badge stop', text: 'EMBARGOED' }));
  if (hit.editorial_only) flags.append(el('span', { class: 'badge', text: 'EDITORIAL ONLY' }));
  if (hit.top_pick) flags.append(el('span', { class: 'badge', text: 'TOP PICK' }));
  const img = hit.thumb
    ? el('img', { src: `/photos/${hit.id}/thumb?v=${hit.thumb}`, alt: '', loading: 'lazy' })
    : el('span', { text: 'no picture' });
  const caption = el('p', { class: 'caption' });
  caption.append(snippet(hit.snippet || hit.caption || hit.headline || ''));
  const box = el('input', { type: 'checkbox', class: 'pick-box', 'aria-label': 'choose for an article' });
  box.checked = picked.has(hit.id);
  box.addEventListener('click', (ev) => ev.stopPropagation());
  box.addEventListener('change', () => pick(hit.id, box.checked));
  const li = el('li', { class: 'card', tabindex: '-1', 'data-index': index, 'data-id': hit.id },
    el('div', { class: 'thumb' }, img, box),
    el('div', { class: 'text' }, flags, caption,
      el('div', { class: 'meta' },
        el('span', { text: hit.credit_line || hit.credit || '' }),
        el('time', { text: (hit.date_created || '').slice(0, 10) }))));
  li.addEventListener('click', () => { location.hash = `#/photo/${hit.id}`; });
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
  section('Photographer', facets.photographer, null);
  section('Day', facets.day, (v) => { $('from').value = v; $('to').value = v; $('search-form').requestSubmit(); });
}

function select(i) {
  const cards = $('grid').children;
  if (!cards.length) return;
  i = Math.max(0, Math.min(i, cards.length - 1));
  if (selected >= 0 && cards[selected]) cards[selected].classList.remove('selected');
  selected = i;
  cards[i].classList.add('selected');
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
  if (ev.key in moves) {
    ev.preventDefault();
    select(selected < 0 ? 0 : selected + moves[ev.key]);
  } else if (ev.key === 'Enter' && selected >= 0) {
    const c = $('grid').children[selected];
    if (c) location.hash = `#/photo/${c.dataset.id}`;
  } else if (ev.key === 'x' && selected >= 0) {
    const box = $('grid').children[selected]?.querySelector('.pick-box');
    if (box) { box.checked = !box.checked; pick(Number($('grid').children[selected].dataset.id), box.checked); }
  }
}

// ---------------------------------------------------------------- a photo

function restrictions(p) {
  const box = el('div', { class: 'restrictions', role: 'alert' });
  const r = p.restrictions || {};
  if (r.kill) box.append(el('div', { class: 'restriction stop', text: 'KILLED: do not use this photo.' }));
  if (r.embargo_until) {
    const until = new Date(r.embargo_until);
    const active = until > new Date();
    box.append(el('div', { class: `restriction${active ? ' stop' : ''}`,
      text: `${active ? 'EMBARGOED until' : 'Embargo ended'} ${until.toUTCString()}` }));
  }
  if (r.editorial_only) box.append(el('div', { class: 'restriction', text: 'EDITORIAL USE ONLY' }));
  if (r.mandatory_credit)
    box.append(el('div', { class: 'restriction', text: `MANDATORY CREDIT${r.mandatory_credit_text ? `: ${r.mandatory_credit_text}` : ''}` }));
  if (r.no_archive) box.append(el('div', { class: 'restriction', text: 'NO ARCHIVE' }));
  if (r.no_sales) box.append(el('div', { class: 'restriction', text: 'NO SALES' }));
  if (r.correction) box.append(el('div', { class: 'restriction', text: r.correction }));
  for (const o of r.other || []) box.append(el('div', { class: 'restriction', text: o }));
  return box;
}

function fields(p) {
  const dl = el('dl', { class: 'fields' });
  const add = (label, value) => {
    if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) return;
    dl.append(el('dt', { text: label }), el('dd', { text: Array.isArray(value) ? value.join('; ') : String(value) }));
  };
  const c = p.credit_parsed || {};
  add('Caption', p.caption);
  add('Headline', p.headline);
  add('Slug', p.slug);
  add('Credit line', c.credit_line);
  add('Photographer', c.photographer);
  add('Agency', c.agency);
  add('Distributor', c.distributor);
  add('Picture is', [c.pool && 'pool', c.handout && 'handout', c.file_photo && 'file photo'].filter(Boolean));
  add('By-line', p.byline);
  add('Credit', p.credit);
  add('Source', p.source);
  add('Copyright', p.copyright);
  add('Date created', p.date_created);
  add('City', p.city);
  add('Province', p.province);
  add('Country', p.country);
  add('Keywords', p.keywords);
  add('Special instructions', p.special_instructions);
  add('Transmission ref.', p.transmission_reference);
  add('Object name', p.object_name);
  add('Camera', [p.make, p.model].filter(Boolean).join(' '));
  add('Image', p.width && p.height ? `${p.width} × ${p.height} ${p.format}, ${p.bytes.toLocaleString()} bytes` : null);
  add('Ingested', p.ingested_at);
  add('Version', p.version);
  return dl;
}

const EDITED = ['caption', 'headline', 'byline', 'credit', 'source', 'city', 'country', 'keywords', 'special_instructions'];
const LABELS = {
  caption: 'Caption', headline: 'Headline', byline: 'By-line', credit: 'Credit', source: 'Source',
  city: 'City', country: 'Country', keywords: 'Keywords', special_instructions: 'Special instructions',
};

// A field's value as the editor's input holds it (keywords one string, ; between them).
const asInput = (p, name) => (name === 'keywords' ? (p.keywords || []).join('; ') : (p[name] || ''));
// A change's value ("from"/"to" of the history: keywords one a line) as the input holds it.
const changeAsInput = (name, v) => (name === 'keywords' ? (v || '').split('\n').join('; ') : (v || ''));

// The caption editor for photo @p. @mine: the editor's own text to keep in the inputs
// (after a conflict); @conflict: the 409's answer, to show the other changes beside them.
function editor(p, mine = null, conflict = null) {
  const form = el('form', { class: 'editor', id: 'editor' });
  const inputs = {};
  const theirs = new Map(((conflict && conflict.changed) || []).map((c) => [c.field, c]));
  const row = (name, label, multiline) => {
    const input = multiline
      ? el('textarea', { name, id: `edit-${name}` })
      : el('input', { name, id: `edit-${name}` });
    input.value = mine && name in mine ? mine[name] : asInput(p, name);
    const count = el('span', { class: 'count' });
    const update = () => {
      const parts = name === 'keywords' ? input.value.split(';').map((s) => s.trim()) : [input.value];
      const most = Math.max(0, ...parts.map(bytes));
      const limit = IIM_LIMITS[name];
      count.textContent = name === 'keywords' ? `longest ${most} / ${limit} bytes each` : `${most} / ${limit} bytes`;
      count.classList.toggle('over', most > limit);
    };
    input.addEventListener('input', update);
    update();
    inputs[name] = input;
    const other = theirs.get(name);
    // someone else changed this field since the editor's version: theirs beside the editor's own
    const beside = other && mine && name in mine ? el('div', { class: 'theirs' },
      el('span', { class: 'who', text: `${other.by.join(', ')} changed it meanwhile to:` }),
      el('div', { class: 'text', text: changeAsInput(name, other.to) || '(empty)' }),
      el('button', {
        type: 'button', class: 'secondary', text: 'Use theirs',
        onclick: () => { input.value = changeAsInput(name, other.to); update(); },
      })) : null;
    form.append(el('label', { class: beside ? 'clash' : null }, label, input, count));
    if (beside) form.append(beside);
  };
  row('caption', 'Caption', true);
  row('headline', 'Headline');
  row('byline', 'By-line');
  row('credit', 'Credit');
  row('source', 'Source');
  row('city', 'City');
  row('country', 'Country');
  row('keywords', 'Keywords (separated by ;)');
  row('special_instructions', 'Special instructions', true);
  const status = el('span', { role: 'status' });
  if (conflict) {
    const clashes = Object.keys(mine || {}).filter((f) => theirs.has(f));
    form.prepend(el('div', { class: 'conflict', role: 'alert' },
      el('p', { text: `This photo changed while you were editing it (you had version ${conflict.seen_version}, it is at ${conflict.version} now).` }),
      el('p', {
        text: clashes.length
          ? 'Your text is kept in the fields; theirs is shown beside it. Take theirs, merge them, or save yours over theirs on purpose.'
          : 'Their changes are in the fields; yours are kept.',
      })));
  }
  form.append(el('div', { class: 'actions' }, el('button', { type: 'submit', text: 'Save correction' }), status));
  const changes = () => {
    const change = {};
    for (const [name, input] of Object.entries(inputs)) {
      if (name === 'keywords') {
        const now = input.value.split(';').map((s) => s.trim()).filter(Boolean);
        if (now.join('\n') !== (p.keywords || []).join('\n')) change.keywords = now;
      } else if (input.value !== (p[name] || '')) {
        change[name] = input.value;
      }
    }
    return change;
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const change = changes();
    if (!Object.keys(change).length) {
      status.className = '';
      status.textContent = 'Nothing changed.';
      return;
    }
    status.className = '';
    status.textContent = 'Saving…';
    await saveCorrection(p, change, status);
  });
  return form;
}

// Saves @change, made on photo @p's version. When the photo moved on meanwhile (409): if
// nobody else touched the fields changed here, saved again on the new version, saying
// so; else the editor sees both and decides.
async function saveCorrection(p, change, status) {
  const inputs = {};
  for (const [k, v] of Object.entries(change)) inputs[k] = k === 'keywords' ? v.join('; ') : v;
  try {
    const updated = await api('PATCH', `/api/photos/${p.id}`, { ...change, version: p.version });
    await showPhoto(updated.id, updated);
    const s = document.querySelector('#editor [role=status]');
    if (s) { s.className = 'saved'; s.textContent = `Saved as version ${updated.version}.`; }
  } catch (e) {
    if (e.status !== 409 || !e.data || !e.data.photo) {
      status.className = 'error';
      status.textContent = e.message;
      return;
    }
    const c = e.data;
    const clashes = Object.keys(change).filter((f) => c.changed.some((x) => x.field === f));
    if (!clashes.length) {
      const others = c.changed.map((x) => `${x.by.join(', ')} changed ${LABELS[x.field] || x.field}`);
      try {
        const updated = await api('PATCH', `/api/photos/${p.id}`, { ...change, version: c.version });
        await showPhoto(updated.id, updated);
        const s = document.querySelector('#editor [role=status]');
        if (s) { s.className = 'saved'; s.textContent = `Saved as version ${updated.version}, after ${others.join('; ')} meanwhile.`; }
        return;
      } catch (again) {
        if (again.status !== 409 || !again.data || !again.data.photo) {
          status.className = 'error';
          status.textContent = again.message;
          return;
        }
        return showPhoto(p.id, again.data.photo, { mine: inputs, conflict: again.data });
      }
    }
    await showPhoto(p.id, c.photo, { mine: inputs, conflict: c });
  }
}

// The wire re-sent the photo over an editor's correction: both texts, and the two ways on.
function wireResent(p) {
  const w = p.wire_resent;
  if (!w) return null;
  const editors = [...new Set(w.fields.map((f) => f.editor))].join(', ');
  const box = el('div', { class: 'notice wire-resent', role: 'alert' },
    el('p', { text: `The wire re-sent this photo after ${editors}'s correction (version ${w.version}, ${w.at.slice(0, 16).replace('T', ' ')} UTC). It is shown as the wire sent it.` }));
  const dl = el('dl', { class: 'fields' });
  for (const f of w.fields) {
    dl.append(el('dt', { text: LABELS[f.field] || f.field }),
      el('dd', {}, el('div', {}, el('strong', { text: `${f.editor}: ` }), document.createTextNode(changeAsInput(f.field, f.corrected) || '(empty)')),
        el('div', {}, el('strong', { text: 'The wire: ' }), document.createTextNode(changeAsInput(f.field, f.wire) || '(empty)'))));
  }
  const status = el('span', { role: 'status' });
  const again = el('button', { type: 'button', id: 'apply-again', text: 'Apply the correction again' });
  again.addEventListener('click', async () => {
    const change = {};
    for (const f of w.fields) {
      change[f.field] = f.field === 'keywords' ? (f.corrected || '').split('\n').filter(Boolean) : (f.corrected || '');
    }
    status.className = '';
    status.textContent = 'Saving…';
    await saveCorrection(p, change, status);
  });
  const keep = el('button', { type: 'button', class: 'secondary', id: 'keep-wire', text: "Keep the wire's" });
  keep.addEventListener('click', async () => {
    try {
      await showPhoto(p.id, await api('POST', `/api/photos/${p.id}/acknowledge`, { version: w.version }));
    } catch (e) {
      status.className = 'error';
      status.textContent = e.message;
    }
  });
  box.append(dl, el('div', { class: 'actions' }, again, keep, status));
  return box;
}

// Word differences between two texts, as fragments with <del> and <ins>.
function diff(from, to) {
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
function history(h, id = null) {
  const ol = el('ol', { class: 'history', id });
  h.versions.forEach((v, i) => {
    const who = v.user ? `by ${v.user}` : v.ingest ? `ingest of ${v.ingest.split('/').pop()}` : '';
    const li = el('li', {}, el('div', { class: 'when', text: `Version ${v.version}, ${v.at} ${who}` }));
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
function olderVersions(id, h) {
  if (!h.next_before) return null;
  const button = el('button', { type: 'button', class: 'secondary', id: 'older-versions', text: `Older versions (${h.next_before - 1} more)` });
  button.addEventListener('click', async () => {
    try {
      const older = await api('GET', `/api/photos/${id}/history?before=${h.next_before}`);
      $('history').append(...history(older).children);
      const next = olderVersions(id, older);
      if (next) button.replaceWith(next); else button.remove();
    } catch (e) {
      button.replaceWith(el('p', { class: 'error', text: e.message }));
    }
  });
  return button;
}

async function showPhoto(id, known, { mine = null, conflict = null } = {}) {
  const view = $('photo-view');
  // never the previous photo's page, not even while this one loads
  if (!known || String(view.dataset.id) !== String(id)) view.replaceChildren(el('p', { class: 'muted', text: 'Loading…' }));
  view.dataset.id = String(id);
  show('photo');
  try {
    const p = known || await api('GET', `/api/photos/${id}`);
    const h = await api('GET', `/api/photos/${id}/history`);
    const preview = (p.renditions || []).find((r) => r.name === 'preview') || (p.renditions || [])[0];
    const checks = el('ul', { class: 'checks' });
    for (const c of p.checks || []) checks.append(el('li', { text: c.message }));
    for (const w of p.warnings || []) checks.append(el('li', { text: w }));
    const used = await photoArticles(p);
    if (view.dataset.id !== String(id)) return; // another photo was asked for meanwhile
    view.replaceChildren(
      el('div', {},
        restrictions(p),
        el('div', { class: 'preview' }, preview ? el('img', { src: preview.url, alt: p.headline || 'the photo', id: 'preview' }) : el('p', { text: 'no picture' })),
        el('p', {}, el('a', { href: p.original_url, text: 'Original file' }))),
      el('div', {},
        wireResent(p),
        checks,
        el('div', { class: 'panel' }, el('h2', { text: 'Fields' }), fields(p)),
        el('div', { class: 'panel' }, el('h2', { text: 'Articles' }), used),
        el('div', { class: 'panel' }, el('h2', { text: 'Correct the caption' }), editor(p, mine, conflict)),
        el('div', { class: 'panel' }, el('h2', { text: 'History' }), history(h, 'history'), olderVersions(p.id, h))));
  } catch (e) {
    if (view.dataset.id === String(id)) view.replaceChildren(el('p', { class: 'error', text: e.message }));
  }
}

// ---------------------------------------------------------------- articles

const ROLES = ['lead', 'inline', 'gallery'];
// Edits not saved yet, by photo id, kept while the article is drawn again after another
// placement changes: {article, caption, credit_line}.
const drafts = new Map();
// IIM's limits for what a placement embeds in the delivered file.
const PLACED_LIMITS = { caption: 2000, credit_line: 32 };

async function articleOptions(select) {
  const { articles } = await api('GET', '/api/articles');
  select.replaceChildren(...articles.map((a) =>
    el('option', { value: a.id, text: `${a.slug}${a.headline ? ` — ${a.headline}` : ''}` })));
  return articles;
}

// Attaches @ids to article @article, one by one; what was refused says why.
async function attach(article, ids) {
  const refused = [];
  let placed = 0;
  for (const id of ids) {
    try {
      await api('POST', `/api/articles/${article}/photos`, { photo_id: id });
      placed++;
    } catch (e) {
      refused.push(`photo ${id}: ${e.message}`);
    }
  }
  return { placed, refused };
}

function pick(id, on) {
  if (on) picked.add(id); else picked.delete(id);
  showPicked();
}

async function showPicked() {
  const bar = $('picked');
  const opening = bar.hidden && picked.size > 0;
  bar.hidden = picked.size === 0;
  $('picked-count').textContent = `${picked.size} photo${picked.size === 1 ? '' : 's'} chosen`;
  if (opening) { // the articles as they are now
    $('picked-status').textContent = '';
    try {
      const articles = await articleOptions($('picked-article'));
      if (!articles.length) $('picked-status').textContent = 'No articles yet: make one under Articles.';
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
  const { placed, refused } = await attach(article, [...picked]);
  for (const box of document.querySelectorAll('#grid .pick-box')) box.checked = false;
  picked.clear();
  $('picked').hidden = false;
  $('picked-count').textContent = '';
  status.replaceChildren(
    el('a', { href: `#/article/${article}`, text: `${placed} attached: open the article` }),
    refused.length ? el('span', { class: 'error', text: ` Refused: ${refused.join('; ')}` }) : null);
}

async function photoArticles(p) {
  const box = el('div', { class: 'photo-articles' });
  const used = el('ul', { id: 'photo-articles' });
  for (const a of p.articles || [])
    used.append(el('li', {}, el('a', { href: `#/article/${a.id}`, text: a.slug }),
      el('span', { text: ` ${a.headline || ''} (${a.status})` })));
  if (!(p.articles || []).length) used.append(el('li', { class: 'muted', text: 'In no article yet.' }));
  box.append(used);
  if (p.restrictions && p.restrictions.kill) {
    box.append(el('p', { class: 'error', text: 'Killed photos cannot be placed in an article.' }));
    return box;
  }
  const select = el('select', { id: 'attach-article', 'aria-label': 'Article' });
  const status = el('span', { role: 'status' });
  try {
    const articles = await articleOptions(select);
    if (!articles.length) {
      box.append(el('p', {}, 'No articles yet: ', el('a', { href: '#/articles', text: 'make one' }), '.'));
      return box;
    }
  } catch (e) {
    box.append(el('p', { class: 'error', text: e.message }));
    return box;
  }
  const button = el('button', { type: 'button', id: 'attach-photo', text: 'Attach' });
  button.addEventListener('click', async () => {
    const { placed, refused } = await attach(select.value, [p.id]);
    status.className = refused.length ? 'error' : 'saved';
    status.replaceChildren(placed
      ? el('a', { href: `#/article/${select.value}`, text: 'Attached: open the article' })
      : document.createTextNode(refused.join('; ')));
  });
  box.append(el('div', { class: 'attach' }, el('label', {}, 'Attach to ', select), button, status));
  return box;
}

async function showArticles() {
  show('articles');
  const body = $('article-list');
  try {
    const { articles } = await api('GET', '/api/articles');
    body.replaceChildren(...articles.map((a) => el('tr', {},
      el('td', {}, el('a', { href: `#/article/${a.id}`, text: a.slug })),
      el('td', { text: a.headline }),
      el('td', { text: a.status }),
      el('td', {}, String(a.photos),
        a.killed ? el('span', { class: 'badge stop', text: `${a.killed} KILLED` }) : null,
        a.notices ? el('span', { class: 'badge', text: `${a.notices} CHANGED` }) : null),
      el('td', {}, el('time', { text: a.updated_at.slice(0, 16).replace('T', ' ') })))));
    if (!articles.length) body.append(el('tr', {}, el('td', { colspan: '5', class: 'muted', text: 'No articles yet.' })));
  } catch (e) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: '5', class: 'error', text: e.message })));
  }
}

async function newArticle(ev) {
  ev.preventDefault();
  const status = $('new-article-status');
  try {
    const a = await api('POST', '/api/articles', { slug: $('new-slug').value, headline: $('new-headline').value });
    $('new-slug').value = '';
    $('new-headline').value = '';
    location.hash = `#/article/${a.id}`;
  } catch (e) {
    status.className = 'error';
    status.textContent = e.message;
  }
}

// A text field with its live byte count against the IIM limit of what it embeds.
function counted(input, limit) {
  const count = el('span', { class: 'count' });
  const update = () => {
    const n = bytes(input.value);
    count.textContent = `${n} / ${limit} bytes${n > limit ? ': cut in IPTC, whole in XMP' : ''}`;
    count.classList.toggle('over', n > limit);
  };
  input.addEventListener('input', update);
  update();
  return count;
}

function placementFlags(pl) {
  const flags = el('div', { class: 'restrictions' });
  if (pl.kill) flags.append(el('div', { class: 'restriction stop', text: 'KILLED: the agency withdrew this photo. Remove it.' }));
  if (pl.embargoed)
    flags.append(el('div', { class: 'restriction stop', text: `EMBARGOED until ${new Date(pl.embargo_until).toUTCString()}` }));
  if (pl.editorial_only) flags.append(el('div', { class: 'restriction', text: 'EDITORIAL USE ONLY' }));
  if (pl.mandatory_credit)
    flags.append(el('div', { class: 'restriction', text: `MANDATORY CREDIT${pl.mandatory_credit_text ? `: ${pl.mandatory_credit_text}` : ''}` }));
  return flags;
}

// A placement someone else changed while this editor had it open: shown as it is now,
// the editor's unsaved text kept (drafts), both side by side until saved.
const clashed = new Set();

// The answer to a change of an article made on a version that moved on: the article as it
// is now, drawn again; @id's placement (or the head) says what happened.
function staleArticle(e, rerender, id) {
  if (e.status !== 409 || !e.data || !e.data.article) return false;
  if (id) clashed.add(id);
  rerender(e.data.article, (s) => {
    s.className = 'error';
    s.textContent = 'Someone else changed this meanwhile: it is shown as it is now'
      + (id && drafts.has(id) ? ', with your text kept: save again to put yours over theirs.' : '.');
  });
  return true;
}

function placementItem(article, pl, count, rerender) {
  const url = `/api/articles/${article.id}/photos/${pl.photo_id}`;
  const status = el('span', { role: 'status' });
  const change = async (body, done) => {
    status.className = '';
    status.textContent = 'Saving…';
    try {
      const updated = await api('PATCH', url, { ...body, version: pl.version });
      if ('caption' in body || 'credit_line' in body) { drafts.delete(pl.photo_id); clashed.delete(pl.photo_id); }
      rerender(updated, done);
    } catch (e) {
      if (staleArticle(e, rerender, pl.photo_id)) return;
      status.className = 'error';
      status.textContent = e.message;
    }
  };
  const role = el('select', { 'aria-label': 'Role', class: 'role' },
    ...ROLES.map((r) => el('option', { value: r, text: r })));
  role.value = pl.role;
  role.addEventListener('change', () => change({ role: role.value }));
  const caption = el('textarea', { class: 'placed-caption', 'aria-label': 'Caption for this article' });
  const credit = el('input', { class: 'placed-credit', 'aria-label': 'Credit line for this article' });
  const draft = drafts.get(pl.photo_id);
  const mine = draft && draft.article === article.id ? draft : null;
  caption.value = mine ? mine.caption : pl.caption;
  credit.value = mine ? mine.credit_line : pl.credit_line;
  const keep = () => {
    if (caption.value === pl.caption && credit.value === pl.credit_line) drafts.delete(pl.photo_id);
    else drafts.set(pl.photo_id, { article: article.id, caption: caption.value, credit_line: credit.value });
    status.className = drafts.has(pl.photo_id) ? 'muted' : '';
    status.textContent = drafts.has(pl.photo_id) ? 'Not saved yet.' : '';
  };
  caption.addEventListener('input', keep);
  credit.addEventListener('input', keep);
  const save = el('button', { type: 'button', class: 'save', text: 'Save' });
  save.addEventListener('click', () => {
    change({ caption: caption.value, credit_line: credit.value },
      (s) => { s.className = 'saved'; s.textContent = 'Saved.'; });
  });
  const up = el('button', { type: 'button', class: 'secondary', text: '↑', 'aria-label': 'Move up', disabled: pl.position === 1 });
  up.addEventListener('click', () => change({ position: pl.position - 1 }));
  const down = el('button', { type: 'button', class: 'secondary', text: '↓', 'aria-label': 'Move down', disabled: pl.position === count });
  down.addEventListener('click', () => change({ position: pl.position + 1 }));
  const remove = el('button', { type: 'button', class: 'secondary remove', text: 'Remove' });
  remove.addEventListener('click', async () => {
    try { rerender(await api('DELETE', url)); } catch (e) { status.className = 'error'; status.textContent = e.message; }
  });

  const theirs = clashed.has(pl.photo_id) && mine && (mine.caption !== pl.caption || mine.credit_line !== pl.credit_line)
    ? el('div', { class: 'theirs' },
      el('span', { class: 'who', text: 'Saved meanwhile by someone else:' }),
      el('div', { class: 'text', text: pl.caption }),
      el('div', { class: 'text', text: pl.credit_line }),
      el('button', {
        type: 'button', class: 'secondary', text: 'Use theirs',
        onclick: () => {
          caption.value = pl.caption;
          credit.value = pl.credit_line;
          clashed.delete(pl.photo_id);
          keep();
          theirs.remove();
        },
      })) : null;
  const picture = pl.picture_changed && pl.placed_picture ? el('div', { class: 'notice picture-changed' },
    el('p', { text: 'The wire re-sent this photo with another picture. The package waits until an editor has looked at it.' }),
    el('div', { class: 'pictures' },
      el('figure', {}, el('img', { src: pl.placed_picture.thumb, alt: 'the picture as placed' }), el('figcaption', { text: 'as placed' })),
      el('figure', {}, el('img', { src: pl.photo.thumb, alt: 'the picture the wire sent since' }), el('figcaption', { text: 'sent since' }))),
    el('button', { type: 'button', class: 'use-new-picture', text: 'Seen: use the new picture', onclick: () => change({ acknowledge: true }) })) : null;
  const resent = pl.wire_resent ? el('div', { class: 'notice' },
    el('p', {},
      `The wire re-sent this photo after ${[...new Set(pl.wire_resent.fields.map((f) => f.editor))].join(', ')}'s correction. `,
      el('a', { href: `#/photo/${pl.photo_id}`, text: "Open the photo to apply the correction again or keep the wire's." }))) : null;
  const notice = pl.notice ? el('div', { class: 'notice' },
    el('p', { text: `The photo has changed since it was placed (version ${pl.notice.seen_version}, now ${pl.notice.version}). This caption is as it was; compare:` }),
    history({ versions: pl.notice.versions }),
    el('button', { type: 'button', class: 'acknowledge', text: 'Seen: acknowledge', onclick: () => change({ acknowledge: true }) })) : null;
  const img = pl.photo.thumb ? el('img', { src: pl.photo.thumb, alt: '' }) : el('span', { text: 'no picture' });
  const li = el('li', { class: `placement${pl.kill ? ' killed' : ''}`, draggable: 'true', 'data-id': pl.photo_id, 'data-position': pl.position },
    el('div', { class: 'handle', title: 'Drag to reorder', text: `${pl.position}` }),
    el('a', { class: 'thumb', href: `#/photo/${pl.photo_id}` }, img),
    el('div', { class: 'body' },
      placementFlags(pl),
      picture,
      resent,
      notice,
      el('div', { class: 'row' }, el('label', {}, 'Role ', role),
        el('span', { class: 'muted', text: `placed by ${pl.placed_by}, ${pl.placed_at.slice(0, 16).replace('T', ' ')}` })),
      el('label', { class: 'field' }, 'Caption', caption, counted(caption, PLACED_LIMITS.caption)),
      el('label', { class: 'field' }, 'Credit line', credit, counted(credit, PLACED_LIMITS.credit_line)),
      theirs,
      el('div', { class: 'row' }, save, up, down, remove, status)));
  if (mine) { status.className = 'muted'; status.textContent = 'Not saved yet.'; }
  li.addEventListener('dragstart', (ev) => {
    ev.dataTransfer.setData('text/plain', String(pl.photo_id));
    ev.dataTransfer.effectAllowed = 'move';
    li.classList.add('dragging');
  });
  li.addEventListener('dragend', () => li.classList.remove('dragging'));
  li.addEventListener('dragover', (ev) => { ev.preventDefault(); li.classList.add('over'); });
  li.addEventListener('dragleave', () => li.classList.remove('over'));
  li.addEventListener('drop', async (ev) => {
    ev.preventDefault();
    li.classList.remove('over');
    const moved = ev.dataTransfer.getData('text/plain');
    if (!moved || moved === String(pl.photo_id)) return;
    const other = article.placements.find((x) => String(x.photo_id) === moved);
    try {
      rerender(await api('PATCH', `/api/articles/${article.id}/photos/${moved}`,
        { position: pl.position, version: other ? other.version : undefined }));
    } catch (e) {
      if (staleArticle(e, rerender, null)) return;
      status.className = 'error';
      status.textContent = e.message;
    }
  });
  return { li, status };
}

function renderArticle(a) {
  const view = $('article-view');
  const headline = el('input', { id: 'article-headline', 'aria-label': 'Headline', maxlength: '1000' });
  headline.value = a.headline;
  const state = el('select', { id: 'article-status', 'aria-label': 'Status' },
    el('option', { value: 'draft', text: 'draft' }), el('option', { value: 'published', text: 'published' }));
  state.value = a.status;
  const saved = el('span', { role: 'status' });
  const save = el('button', { type: 'submit', text: 'Save' });
  const head = el('form', { class: 'article-head' }, el('label', {}, 'Headline ', headline), el('label', {}, 'Status ', state), save, saved);
  head.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const typed = { headline: headline.value, status: state.value };
    try {
      renderArticle(await api('PATCH', `/api/articles/${a.id}`, { ...typed, version: a.version }));
    } catch (e) {
      if (e.status === 409 && e.data && e.data.article) {
        // someone saved the article meanwhile: theirs shown, this editor's kept in the form
        const now = e.data.article;
        renderArticle(now);
        $('article-headline').value = typed.headline;
        $('article-status').value = typed.status;
        const s = document.querySelector('.article-head [role=status]');
        s.className = 'error';
        s.textContent = `Changed meanwhile to "${now.headline}" (${now.status}). Yours is in the form: save again to put it over theirs.`;
        return;
      }
      saved.className = 'error';
      saved.textContent = e.message;
    }
  });
  const killed = a.placements.filter((p) => p.kill);
  const repictured = a.placements.filter((p) => p.picture_changed);
  const deliver = killed.length
    ? el('p', { class: 'restriction stop', text: `This article holds ${killed.length} killed photo${killed.length > 1 ? 's' : ''}: remove ${killed.length > 1 ? 'them' : 'it'} before delivering.` })
    : repictured.length
      ? el('p', { class: 'restriction', id: 'package-waits', text: `The wire re-sent ${repictured.map((p) => `photo ${p.photo_id}`).join(', ')} with another picture: look at ${repictured.length > 1 ? 'them' : 'it'} below before delivering.` })
    : a.placements.length
      ? el('a', { id: 'package', class: 'button', href: `/api/articles/${a.id}/package`, download: `${a.slug}.zip`, text: 'Download package' })
      : el('p', { class: 'muted', text: 'Attach photos from a search or a photo page.' });
  const list = el('ol', { id: 'placements', class: 'placements' });
  const rerender = (updated, done) => {
    renderArticle(updated);
    if (done) {
      const s = document.querySelector(`#placements .placement[data-id="${done.id}"] [role=status]`);
      if (s) done.fn(s);
    }
  };
  for (const pl of a.placements) {
    const { li } = placementItem(a, pl, a.placements.length,
      (updated, fn) => rerender(updated, fn ? { id: pl.photo_id, fn } : null));
    list.append(li);
  }
  view.replaceChildren(
    el('p', {}, el('a', { href: '#/articles', text: '← Articles' })),
    el('h1', { text: a.slug }),
    head,
    el('div', { class: 'deliver' }, deliver),
    list);
}

async function showArticle(id) {
  $('article-view').replaceChildren(el('p', { class: 'muted', text: 'Loading…' }));
  show('article');
  try {
    renderArticle(await api('GET', `/api/articles/${id}`));
  } catch (e) {
    $('article-view').replaceChildren(el('p', { class: 'error', text: e.message }));
  }
}

// ---------------------------------------------------------------- upload

function uploadFiles(files) {
  for (const f of files) {
    const bar = el('progress', { max: '100', value: '0' });
    const result = el('span', { text: 'uploading…' });
    const name = el('span', { text: f.name });
    $('uploads').append(el('li', {}, name, bar, result));
    const form = new FormData();
    form.append('file', f, f.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/photos');
    xhr.setRequestHeader('X-CSRF-Token', me.csrf);
    xhr.upload.addEventListener('progress', (ev) => {
      if (ev.lengthComputable) bar.value = Math.round((ev.loaded / ev.total) * 100);
    });
    xhr.addEventListener('load', () => {
      bar.value = 100;
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { data = null; }
      const r = data && data.results && data.results[0];
      if (xhr.status !== 200 || !r) {
        result.className = 'rejected';
        result.textContent = (data && data.error) || `failed (${xhr.status})`;
        return;
      }
      result.className = r.status;
      result.replaceChildren();
      if (r.id) result.append(el('a', { href: `#/photo/${r.id}`, text: `${r.status}: photo ${r.id}` }));
      else result.textContent = `${r.status}: ${r.error}`;
    });
    xhr.addEventListener('error', () => { result.className = 'rejected'; result.textContent = 'the upload failed'; });
    xhr.send(form);
  }
}

function setupUpload() {
  const drop = $('drop');
  drop.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    uploadFiles(ev.dataTransfer.files);
  });
  $('files').addEventListener('change', () => { uploadFiles($('files').files); $('files').value = ''; });
}

// ---------------------------------------------------------------- routes

async function route() {
  if (!me) {
    try {
      me = await api('GET', '/api/me');
      $('who').textContent = me.user.name;
    } catch {
      show('login');
      return;
    }
  }
  const hash = location.hash || '#/';
  const photo = hash.match(/^#\/photo\/(\d+)$/);
  if (photo) return showPhoto(photo[1]);
  if (hash === '#/upload') return show('upload');
  if (hash === '#/articles') return showArticles();
  const article = hash.match(/^#\/article\/(\d+)$/);
  if (article) return showArticle(article[1]);
  const q = hash.startsWith('#/search?') ? hash.slice('#/search?'.length) : '';
  return runSearch(new URLSearchParams(q));
}

function start() {
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logout);
  $('search-form').addEventListener('submit', submitSearch);
  $('sort').addEventListener('change', () => $('search-form').requestSubmit());
  $('distributor').addEventListener('change', () => $('search-form').requestSubmit());
  document.addEventListener('keydown', keys);
  window.addEventListener('hashchange', route);
  new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && !$('search-view').hidden) loadMore();
  }).observe($('more'));
  $('new-article').addEventListener('submit', newArticle);
  $('picked-attach').addEventListener('click', attachPicked);
  $('picked-clear').addEventListener('click', () => {
    picked.clear();
    for (const box of document.querySelectorAll('#grid .pick-box')) box.checked = false;
    showPicked();
  });
  setupUpload();
  route();
}

start();
