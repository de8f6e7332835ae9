// articles.js: the articles, an article with its placements (their own caption and
// credit line, role and order, what the wire restricts or changed since), and attaching
// photos to one.

import { api, fieldTable, session, ticket } from './api.js';
import { onEvent } from './live.js';
import { $, counted, el, localTime, show, when } from './dom.js';
import { history } from './history.js';
import { withCodes } from './codes.js';

const ROLES = ['lead', 'inline', 'gallery'];
// Edits not saved yet, by photo id, kept while the article is drawn again after another
// placement changes: {article, caption, credit_line}.
const drafts = new Map();
const CUT = ': cut in IPTC, whole in XMP';

// A per-use text's byte count, and the desk's codes (=put=) expanded as it is typed.
function coded(input, limit) {
  const { count, update } = counted(input, limit, { note: CUT });
  withCodes(input, update);
  return count;
}

export async function articleOptions(select) {
  const { articles } = await api('GET', '/api/articles');
  select.replaceChildren(...articles.map((a) =>
    el('option', { value: a.id, text: `${a.slug}${a.headline ? ` — ${a.headline}` : ''}` })));
  return articles;
}

// Attaches @ids to article @article, one by one; what was refused says why.
export async function attach(article, ids, { confirmed = false } = {}) {
  const refused = [];
  const unconfirmed = []; // made with generative AI: placed only once the editor confirms
  let placed = 0;
  for (const id of ids) {
    try {
      await api('POST', `/api/articles/${article}/photos`,
        confirmed ? { photo_id: id, confirm_synthetic: true } : { photo_id: id });
      placed++;
    } catch (e) {
      if (e.status === 409 && e.data && e.data.confirm === 'synthetic') unconfirmed.push({ id, message: e.data.error });
      else refused.push(`photo ${id}: ${e.message}`);
    }
  }
  return { placed, refused, unconfirmed };
}

// Pictures whose digital source type says they were made with generative AI (or are
// composites): what the server said of each, and a button that places them knowingly
// (the confirmation is recorded with the placement, by whom and when).
export function confirmSynthetic(article, unconfirmed, status) {
  const box = el('div', { class: 'confirm-synthetic', role: 'alert', id: 'confirm-synthetic' },
    ...unconfirmed.map((u) => el('p', { class: 'restriction stop', text: u.message })));
  const yes = el('button', { type: 'button', id: 'confirm-synthetic-yes', text: 'It is the story: place it, labelled' });
  const no = el('button', { type: 'button', class: 'secondary', text: 'Do not place it' });
  no.addEventListener('click', () => box.remove());
  yes.addEventListener('click', async () => {
    const { placed, refused } = await attach(article, unconfirmed.map((u) => u.id), { confirmed: true });
    status.className = refused.length ? 'error' : 'saved';
    status.replaceChildren(...[
      placed ? el('a', { href: `#/article/${article}`, text: `${placed} placed knowingly: open the article` }) : null,
      refused.length ? el('span', { class: 'error', text: ` Refused: ${refused.join('; ')}` }) : null,
    ].filter(Boolean));
  });
  box.append(el('div', { class: 'actions' }, yes, no));
  return box;
}

export async function showArticles() {
  const current = ticket('articles');
  show('articles');
  const body = $('article-list');
  try {
    const { articles } = await api('GET', '/api/articles');
    if (!current()) return;
    body.replaceChildren(...articles.map((a) => el('tr', {},
      el('td', {}, el('a', { href: `#/article/${a.id}`, text: a.slug })),
      el('td', { text: a.headline }),
      el('td', { text: a.status }),
      el('td', {}, String(a.photos),
        a.killed ? el('span', { class: 'badge stop', text: `${a.killed} KILLED` }) : null,
        a.notices ? el('span', { class: 'badge', text: `${a.notices} CHANGED` }) : null),
      el('td', {}, when(a.updated_at)))));
    if (!articles.length) body.append(el('tr', {}, el('td', { colspan: '5', class: 'muted', text: 'No articles yet.' })));
  } catch (e) {
    if (current()) body.replaceChildren(el('tr', {}, el('td', { colspan: '5', class: 'error', text: e.message })));
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

function placementFlags(pl) {
  const flags = el('div', { class: 'restrictions' });
  if (pl.kill) flags.append(el('div', { class: 'restriction stop', text: 'KILLED: the agency withdrew this photo. Remove it.' }));
  if (pl.embargoed)
    flags.append(el('div', { class: 'restriction stop', text: `EMBARGOED until ${localTime(pl.embargo_until)}` }));
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

const ASPECTS = ['free', '3:2', '16:9', '1:1', '4:5'];
// The desk's output profiles (GET /api/profiles), read with the article.
let deskProfiles = [{ name: 'web', long_edge: 2048 }, { name: 'print', long_edge: 0 }, { name: 'social', long_edge: 1200 }];
const profileOptions = () => [['', "the package's"],
  ...deskProfiles.map((p) => [p.name, `${p.name}, ${p.long_edge ? `${p.long_edge} px` : 'its own size'}`])];

// What the file of this use will be: its profile, size, crop and any warning.
function outputLine(pl) {
  const o = pl.output;
  if (!o) return null;
  const crop = o.crop ? `cropped ${o.crop_aspect && o.crop_aspect !== 'free' ? o.crop_aspect : 'freely'}` : 'the whole picture';
  return el('div', { class: 'output' },
    el('span', { class: 'muted', text: `Delivered ${o.width} × ${o.height} px, ${crop}, ${o.profile}${o.profile_set ? '' : " (the package's)"}. ` }),
    o.warning ? el('span', { class: 'restriction', text: `Note: ${o.warning}.` }) : null);
}

// The crop of this use, drawn on the preview (a drag; an aspect keeps its shape), or the
// largest centred crop of an aspect chosen from the keyboard; and its profile.
function cropEditor(pl, change) {
  const o = pl.output || {};
  const [pw, ph] = [pl.photo.width || 3, pl.photo.height || 2];
  const frame = el('div', { class: 'crop-frame' });
  const img = el('img', { src: pl.photo.preview, alt: `Photo ${pl.photo_id}, to crop`, draggable: 'false' });
  const box = el('div', { class: 'crop-box', hidden: true });
  frame.append(img, box);
  const aspect = el('select', { 'aria-label': 'Aspect of the crop' }, ...ASPECTS.map((a) => el('option', { value: a, text: a })));
  aspect.value = o.crop_aspect || 'free';
  const options = profileOptions();
  if (o.profile_set && !options.some(([v]) => v === o.profile_set)) options.push([o.profile_set, `${o.profile_set} (no longer the desk's)`]);
  const profile = el('select', { 'aria-label': 'Output profile' }, ...options.map(([v, t]) => el('option', { value: v, text: t })));
  profile.value = o.profile_set || '';
  const said = el('span', { class: 'muted', 'aria-live': 'polite' });
  let crop = o.crop ? o.crop.split(',').map(Number) : null; // fractions of the upright picture
  const ratio = () => {
    if (aspect.value === 'free') return null;
    const [a, b] = aspect.value.split(':').map(Number);
    return a / b;
  };
  // picture width/height of the upright picture as the preview shows it
  const shape = () => (img.naturalWidth && img.naturalHeight ? img.naturalWidth / img.naturalHeight : pw / ph);
  const show = () => {
    box.hidden = !crop;
    if (!crop) { said.textContent = 'The whole picture.'; return; }
    box.style.left = `${crop[0] * 100}%`;
    box.style.top = `${crop[1] * 100}%`;
    box.style.width = `${crop[2] * 100}%`;
    box.style.height = `${crop[3] * 100}%`;
    said.textContent = `Crop ${Math.round(crop[2] * 100)}% × ${Math.round(crop[3] * 100)}% of the picture.`;
  };
  const centred = () => {
    const r = ratio();
    if (!r) { crop = null; show(); return; }
    const s = shape();
    let w = 1, h = s / r; // fractions keeping the aspect
    if (h > 1) { h = 1; w = r / s; }
    crop = [(1 - w) / 2, (1 - h) / 2, w, h];
    show();
  };
  aspect.addEventListener('change', centred);
  let start = null;
  const at = (ev) => {
    const r = frame.getBoundingClientRect();
    return [Math.min(1, Math.max(0, (ev.clientX - r.left) / r.width)), Math.min(1, Math.max(0, (ev.clientY - r.top) / r.height))];
  };
  // drawing, not dragging the placement it sits in
  frame.addEventListener('dragstart', (ev) => { ev.preventDefault(); ev.stopPropagation(); });
  frame.addEventListener('pointerdown', (ev) => {
    ev.preventDefault();
    start = at(ev);
    frame.setPointerCapture(ev.pointerId);
  });
  frame.addEventListener('pointermove', (ev) => {
    if (!start) return;
    const [x, y] = at(ev);
    let w = Math.abs(x - start[0]), h = Math.abs(y - start[1]);
    const r = ratio();
    if (r) { // keep the aspect: the height follows the width, within the picture
      h = (w * shape()) / r;
      const room = y >= start[1] ? 1 - start[1] : start[1];
      if (h > room) { h = room; w = (h * r) / shape(); }
    }
    const left = x >= start[0] ? start[0] : start[0] - w;
    const top = y >= start[1] ? start[1] : start[1] - h;
    crop = [Math.max(0, left), Math.max(0, top), w, h];
    show();
  });
  const end = () => {
    start = null;
    if (crop && (crop[2] < 0.02 || crop[3] < 0.02)) { crop = null; show(); }
  };
  frame.addEventListener('pointerup', end);
  frame.addEventListener('pointercancel', end);
  img.addEventListener('load', show);
  show();
  const fixed = (v) => Math.min(1, Math.max(0, v)).toFixed(4);
  const save = el('button', {
    type: 'button', class: 'save-crop', text: 'Save crop and profile',
    onclick: () => change({
      crop: crop ? crop.map(fixed).join(',') : '',
      crop_aspect: crop ? aspect.value : '',
      profile: profile.value,
    }),
  });
  const clear = el('button', { type: 'button', class: 'secondary', text: 'Whole picture', onclick: () => { crop = null; aspect.value = 'free'; show(); } });
  return el('details', { class: 'crop-editor' },
    el('summary', { text: 'Crop and profile' }),
    el('p', { class: 'muted', text: 'Drag on the picture to draw the crop; an aspect keeps its shape (choosing one draws the largest centred crop).' }),
    frame,
    el('div', { class: 'row' }, el('label', {}, 'Aspect ', aspect), el('label', {}, 'Profile ', profile), clear, save, said));
}

function placementItem(article, pl, count, rerender, limits) {
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
    el('a', { class: 'thumb', href: `#/photo/${pl.photo_id}`, 'aria-label': `Open photo ${pl.photo_id}${pl.photo.headline ? `: ${pl.photo.headline}` : ''}` }, img),
    el('div', { class: 'body' },
      placementFlags(pl),
      picture,
      resent,
      notice,
      el('div', { class: 'row' }, el('label', {}, 'Role ', role),
        el('span', { class: 'muted', text: `placed by ${pl.placed_by}, ${localTime(pl.placed_at)}` })),
      el('label', { class: 'field' }, 'Caption', caption, coded(caption, limits.caption)),
      el('label', { class: 'field' }, 'Credit line', credit, coded(credit, limits.credit_line)),
      pl.credit_shortened
        ? el('p', { class: 'muted iim-credit', text: `In the file's IIM Credit (32 bytes): ${pl.credit_iim}; XMP carries the whole line.` })
        : null,
      pl.delivered_instructions
        ? el('p', { class: 'muted', text: `The file's special instructions: ${pl.delivered_instructions}` })
        : null,
      outputLine(pl),
      pl.photo.preview ? cropEditor(pl, change) : null,
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

function renderArticle(a, limits) {
  const view = $('article-view');
  view.dataset.id = String(a.id);
  view.dataset.photos = a.placements.map((p) => p.photo_id).join(',');
  view.dataset.signature = signature(a);
  shownLimits = limits;
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
      renderArticle(await api('PATCH', `/api/articles/${a.id}`, { ...typed, version: a.version }), limits);
    } catch (e) {
      if (e.status === 409 && e.data && e.data.article) {
        // someone saved the article meanwhile: theirs shown, this editor's kept in the form
        const now = e.data.article;
        renderArticle(now, limits);
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
  const embargoed = a.placements.filter((p) => p.embargoed);
  const deliver = killed.length
    ? el('p', { class: 'restriction stop', text: `This article holds ${killed.length} killed photo${killed.length > 1 ? 's' : ''}: remove ${killed.length > 1 ? 'them' : 'it'} before delivering.` })
    : repictured.length
      ? el('p', { class: 'restriction', id: 'package-waits', text: `The wire re-sent ${repictured.map((p) => `photo ${p.photo_id}`).join(', ')} with another picture: look at ${repictured.length > 1 ? 'them' : 'it'} below before delivering.` })
    : embargoed.length
      ? underEmbargo(a, embargoed)
    : a.placements.length
      ? el('a', { id: 'package', class: 'button', href: `/api/articles/${a.id}/package`, download: `${a.slug}.zip`, text: 'Download package' })
      : el('p', { class: 'muted', text: 'Attach photos from a search or a photo page.' });
  const list = el('ol', { id: 'placements', class: 'placements' });
  const rerender = (updated, done) => {
    renderArticle(updated, limits);
    if (done) {
      const s = document.querySelector(`#placements .placement[data-id="${done.id}"] [role=status]`);
      if (s) done.fn(s);
    }
  };
  for (const pl of a.placements) {
    const { li } = placementItem(a, pl, a.placements.length,
      (updated, fn) => rerender(updated, fn ? { id: pl.photo_id, fn } : null), limits);
    list.append(li);
  }
  view.replaceChildren(
    el('p', {}, el('a', { href: '#/articles', text: '← Articles' })),
    el('h1', { text: a.slug }),
    head,
    el('div', { class: 'deliver' }, deliver,
      !killed.length && !repictured.length && a.placements.length ? toTarget(a, embargoed) : null),
    list,
    deliveries(a.deliveries || []));
}

// The photos under embargo, and a delivery before their time that the editor chooses
// knowingly: recorded with who and when, and said in each file's instructions.
function underEmbargo(a, embargoed) {
  const status = el('span', { role: 'status' });
  const names = embargoed.map((p) => `photo ${p.photo_id} until ${localTime(p.embargo_until)}`).join(', ');
  const button = el('button', {
    type: 'button', id: 'package-under-embargo', class: 'secondary', text: 'Deliver under embargo…',
    onclick: async () => {
      if (!window.confirm(`Deliver before the embargo (${names})? The files will say so, and that you did.`)) return;
      status.className = '';
      status.textContent = 'Making the package…';
      try {
        const res = await fetch(`/api/articles/${a.id}/package?under_embargo=1`, {
          method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': session.me.csrf },
        });
        if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error || res.statusText);
        const url = URL.createObjectURL(await res.blob());
        const link = el('a', { href: url, download: `${a.slug}.zip` });
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60000);
        status.textContent = 'Delivered under embargo.';
        showArticle(a.id);
      } catch (e) {
        status.className = 'error';
        status.textContent = e.message;
      }
    },
  });
  return el('div', { id: 'package-embargo' },
    el('p', { class: 'restriction stop', text: `Embargoed: ${names}. The package waits for the embargo, unless you deliver it knowingly.` }),
    button, status);
}

// The desk's delivery targets, read with the article.
let deskTargets = [];

// Delivery to one of the desk's targets (a folder, a CMS): the server makes the package
// and sends it, trying again while the target fails; the deliveries below say how it went.
function toTarget(a, embargoed) {
  if (!deskTargets.length) return null;
  const status = el('span', { role: 'status' });
  const select = el('select', { id: 'deliver-target' },
    ...deskTargets.map((t) => el('option', { value: t.name, text: `${t.name} (${t.kind === 'folder' ? 'folder' : 'address'})` })));
  const button = el('button', {
    type: 'submit', id: 'deliver', class: embargoed.length ? 'secondary' : '',
    text: embargoed.length ? 'Deliver under embargo…' : 'Deliver',
  });
  const form = el('form', { class: 'deliver-to', 'aria-label': 'Deliver to a target' },
    el('label', {}, 'Deliver to ', select), button, status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const target = select.value;
    if (embargoed.length) {
      const names = embargoed.map((p) => `photo ${p.photo_id} until ${localTime(p.embargo_until)}`).join(', ');
      if (!window.confirm(`Deliver to ${target} before the embargo (${names})? The files will say so, and that you did.`)) return;
    }
    status.className = '';
    status.textContent = `Delivering to ${target}…`;
    button.disabled = true;
    try {
      const updated = await api('POST', `/api/articles/${a.id}/deliver`, { target, under_embargo: embargoed.length > 0 });
      renderArticle(updated, shownLimits);
      const d = (updated.deliveries || [])[0];
      const s = document.querySelector('.deliver-to [role=status]');
      if (s && d) s.textContent = `Delivered to ${d.target}: ${d.location}.`;
    } catch (e) {
      button.disabled = false;
      status.className = 'error';
      status.textContent = e.message;
      try {
        const now = await api('GET', `/api/articles/${a.id}`);
        $('delivery-section')?.replaceWith(deliveries(now.deliveries || []) || '');
      } catch { /* the list is read again with the article */ }
    }
  });
  return form;
}

function deliveries(list) {
  if (!list.length) return null;
  return el('section', { class: 'deliveries', id: 'delivery-section', 'aria-label': 'Deliveries' },
    el('h2', { text: 'Delivered' }),
    el('ul', { id: 'delivery-list' }, ...list.map((d) => el('li', { class: d.failed ? 'failed' : '' },
      d.failed ? el('strong', { class: 'restriction stop', text: 'Not delivered: ' }) : null,
      when(d.at), ` by ${d.by}, ${d.target}`,
      d.location ? el('span', {}, ' to ', el('code', { text: d.location })) : null,
      `, ${d.photos.map((p) => `photo ${p.photo_id} v${p.version}`).join(', ')}`,
      d.under_embargo ? el('strong', { class: 'restriction', text: ' under embargo' }) : null,
      d.failed ? el('div', { class: 'error', text: d.failed }) : null,
      d.attempts && d.attempts.length > 1 || d.failed
        ? el('ol', { class: 'attempts', 'aria-label': 'Attempts' }, ...d.attempts.map((t) => el('li', {},
          `${localTime(t.at)}, ${Number(t.seconds).toFixed(2)} s: `,
          el('span', { class: t.ok ? '' : 'error', text: t.answer }))))
        : null))));
}

export async function showArticle(id) {
  const current = ticket('article');
  $('article-view').replaceChildren(el('p', { class: 'muted', text: 'Loading…' }));
  show('article');
  try {
    const [table, a, t, pr] = await Promise.all([fieldTable(), api('GET', `/api/articles/${id}`),
      api('GET', '/api/targets').catch(() => ({ targets: [] })),
      api('GET', '/api/profiles').catch(() => ({ profiles: deskProfiles }))]);
    if (!current()) return; // another article was asked for meanwhile
    deskTargets = t.targets;
    deskProfiles = pr.profiles;
    // what a placement embeds: its caption as the caption, its credit line as Credit
    renderArticle(a, { caption: table.byName.get('caption').limit, credit_line: table.byName.get('credit').limit });
  } catch (e) {
    if (current()) $('article-view').replaceChildren(el('p', { class: 'error', text: e.message }));
  }
}

// The open article, or a photo in it, changed elsewhere (a kill, a re-send, another
// editor): drawn again from what the server has now when it differs from what is shown
// (unsaved text is kept, as for any redraw).
let reloading = null;
let shownLimits = null;
const signature = (a) => JSON.stringify([a.version, a.status, a.headline, a.placements.map((p) =>
  [p.photo_id, p.version, p.position, p.role, p.kill, p.picture_changed, p.photo && p.photo.version])]);

function onLive(ev) {
  const view = $('article-view');
  if (!$('articles-view').hidden && ev.type === 'article') return showArticles();
  if (view.hidden || !shownLimits) return;
  const photos = (view.dataset.photos || '').split(',');
  const ours = ev.type === 'reset' || (ev.type === 'article' && String(ev.article_id) === view.dataset.id) ||
    (ev.type === 'version' && photos.includes(String(ev.photo_id)));
  if (!ours) return;
  clearTimeout(reloading); // a placement moved is several events: one look
  const id = view.dataset.id;
  reloading = setTimeout(async () => {
    try {
      const a = await api('GET', `/api/articles/${id}`);
      if (view.hidden || view.dataset.id !== String(a.id) || signature(a) === view.dataset.signature) return;
      renderArticle(a, shownLimits);
    } catch { /* looked at again at the next event */ }
  }, 150);
}

export function setupArticles() {
  $('new-article').addEventListener('submit', newArticle);
  onEvent(onLive);
}
