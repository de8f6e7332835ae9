// dom.js: making the page's elements. Text from photos reaches the page only through
// textContent (el's text, text nodes): never as markup.

export const $ = (id) => document.getElementById(id);

export function el(tag, props = {}, ...children) {
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
export function snippet(text) {
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

// The reader's formats, made once: toLocaleString() with options makes a new formatter at
// each call, two a card; made once, a sheet of 60 cards showed 30 to 60 ms sooner
// (bench/README.md, "page").
const INSTANT = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
});
const DAY = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });

// An instant (ISO 8601, UTC) in the reader's own time zone and language, the zone named:
// "6 Dec 2026, 23:17 GMT+1". What is not an instant is shown as it is.
export function localTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return INSTANT.format(d);
}

// When a photo was taken, in the photographer's own time as the file gives it, the zone
// labelled when the file names it: "4 May 2025, 10:00 UTC−05:00", "4 Nov 2024" (a date
// only); the date in the reader's language.
export function taken(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?/.exec(value || '');
  if (!m) return value || '';
  const day = DAY.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
  if (!m[4]) return day;
  const zone = m[6] === 'Z' ? ' UTC' : m[6] ? ` UTC${m[6].replace('-', '\u2212')}` : '';
  return `${day}, ${m[4]}:${m[5]}${zone}`;
}

// The same as a <time> element, the UTC instant in its title.
export const when = (iso) => el('time', { datetime: iso, title: `${iso} (UTC)`, text: localTime(iso) });

export const bytes = (s) => new TextEncoder().encode(s || '').length;

const VIEWS = ['login', 'search', 'photo', 'upload', 'articles', 'article', 'lightboxes', 'compare', 'users', 'desk'];

export function show(view) {
  for (const v of VIEWS) $(`${v}-view`).hidden = v !== view;
  $('bar').hidden = view === 'login';
  if (view === 'login') $('username').focus();
}

// A text field's live byte count against @limit, the IIM limit of where it is embedded.
export function counted(input, limit, { each = false, note = '' } = {}) {
  const count = el('span', { class: 'count' });
  const update = () => {
    const parts = each ? input.value.split(';').map((s) => s.trim()) : [input.value];
    const most = Math.max(0, ...parts.map(bytes));
    count.textContent = each
      ? `longest ${most} / ${limit} bytes each`
      : `${most} / ${limit} bytes${most > limit ? note : ''}`;
    count.classList.toggle('over', most > limit);
  };
  input.addEventListener('input', update);
  update();
  return { count, update };
}
