// photo.js: a photo's page: its restrictions, checks, fields and parsed credit, the
// articles it is in, the editor for the fields an editor corrects (made from the
// server's table of fields, with their IIM limits), what to do when someone else or the
// wire changed it meanwhile, and its history.

import { api, fieldTable, ticket } from './api.js';
import { $, counted, el, localTime, show } from './dom.js';
import { articleOptions, attach, confirmSynthetic } from './articles.js';
import { history, olderVersions } from './history.js';
import { onEvent } from './live.js';
import { pickControls, pickForKey, setPick } from './picks.js';
import { neighbour, resultsHash } from './search.js';
import { canChange } from './collections.js';
import { withCodes } from './codes.js';

// Whether the open photo's caption editor holds text typed and not saved.
export function unsavedEdits() {
  const form = $('editor');
  return Boolean(form && form.dataset.dirty && !$('photo-view').hidden);
}

function restrictions(p) {
  const box = el('div', { class: 'restrictions', role: 'alert' });
  const r = p.restrictions || {};
  if (r.kill) box.append(el('div', { class: 'restriction stop', text: 'KILLED: do not use this photo.' }));
  if (r.embargo_until) {
    const until = new Date(r.embargo_until);
    const active = until > new Date();
    box.append(el('div', { class: `restriction${active ? ' stop' : ''}`,
      text: `${active ? 'EMBARGOED until' : 'Embargo ended'} ${localTime(r.embargo_until)}` }));
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

// The same photograph as other agencies sent it: each copy keeps its own caption, credit
// and restrictions; a kill from one agency is that agency's.
function samePicture(p) {
  const copies = p.same_picture || [];
  if (!copies.length) return null;
  const list = el('ul', { class: 'same-picture', id: 'same-picture' });
  for (const c of copies) {
    const flags = [];
    if (c.kill) flags.push(el('span', { class: 'badge stop', text: 'KILLED' }));
    if (c.editorial_only) flags.push(el('span', { class: 'badge', text: 'EDITORIAL ONLY' }));
    if (c.embargo_until && new Date(c.embargo_until) > new Date()) flags.push(el('span', { class: 'badge stop', text: 'EMBARGOED' }));
    if (!c.desk_agency) flags.push(el('span', { class: 'badge', text: 'NOT A DESK AGENCY' }));
    list.append(el('li', {},
      el('img', { src: c.thumb, alt: '', loading: 'lazy' }),
      el('div', {},
        el('a', { href: `#/photo/${c.id}`, text: `${c.distributor || c.credit || 'unknown agency'}: photo ${c.id}` }),
        el('div', { class: 'muted', text: `${c.credit_line || ''} · arrived ${localTime(c.ingested_at)}` }),
        ...flags)));
  }
  const usable = copies.filter((c) => !c.kill);
  const r = p.restrictions || {};
  const note = r.kill && usable.length
    ? el('p', { class: 'restriction', text: `This agency killed its copy; ${usable.map((c) => c.distributor).join(', ')} ${usable.length > 1 ? 'have' : 'has'} the same picture, not killed.` })
    : null;
  return el('div', { class: 'panel' }, el('h2', { text: `The same picture from ${copies.length} other ${copies.length > 1 ? 'agencies' : 'agency'}` }), note, list);
}

// How the picture was made: the digital source type (with a warning when it says AI or a
// composite), the AI fields, Data Mining, and content credentials (found, not verified).
function provenance(p, table) {
  const v = p.provenance || {};
  const given = table.fields.filter((f) => f.provenance && p[f.name]);
  if (!given.length && !v.content_credentials) return null;
  const panel = el('div', { class: 'panel', id: 'provenance' }, el('h2', { text: 'How it was made' }));
  if (v.made) {
    panel.append(el('p', { class: 'restriction stop', role: 'alert',
      text: v.made === 'ai'
        ? 'Created using generative AI: this is not a photograph. An article that uses it must say so.'
        : 'Edited using generative AI, or a composite: not a photograph as taken. An article that uses it must say so.' }));
  }
  const dl = el('dl', { class: 'fields' });
  const labelled = { digital_source_type: v.source_type_label, data_mining: v.data_mining_label };
  for (const f of given) {
    const coded = f.name in labelled; // a vocabulary's URI: its label, then the code itself
    const known = labelled[f.name];
    dl.append(el('dt', { text: f.label }), coded
      ? el('dd', {}, known ? el('span', { text: known }) : null,
        el('span', { class: known ? 'muted code' : 'code', text: known ? ` (${p[f.name]})` : p[f.name] }))
      : el('dd', { text: p[f.name] }));
  }
  if (v.content_credentials) {
    dl.append(el('dt', { text: 'Content credentials' }),
      el('dd', { text: `Present (${v.content_credentials.where}), not verified: photodesk does not check their signature.` }));
  }
  panel.append(dl);
  return panel;
}

// The picture, and the loupe: a click or z shows the web rendition at 100 %, to pan
// with the scroll bars (or a drag of the wheel); again, or Esc, fits it back.
function loupe(p, preview) {
  if (!preview) return el('div', { class: 'preview' }, el('p', { text: 'no picture' }));
  const web = (p.renditions || []).find((r) => r.name === 'web') || preview;
  const img = el('img', { src: preview.url, alt: p.headline || 'the photo', id: 'preview' });
  const box = el('div', { class: 'preview', id: 'preview-box', title: 'Click or z: 100 %' }, img);
  box.addEventListener('click', () => zoom(box, img, preview, web));
  return box;
}

// The picture alone on the whole screen (f, or the button); Esc leaves it.
function fullScreen() {
  const box = $('preview-box');
  if (!box) return;
  if (document.fullscreenElement) document.exitFullscreen();
  else if (box.requestFullscreen) box.requestFullscreen().catch(() => { /* refused: stays in the page */ });
}

function zoom(box, img, preview, web, on = !box.classList.contains('zoomed')) {
  box.classList.toggle('zoomed', on);
  img.src = on ? web.url : preview.url;
  box.title = on ? 'Click, z or Esc: fit' : 'Click or z: 100 %';
}

// Every field that has a value, as the table names them, after what the caption says.
// Fields that are filters of the search: their value finds the other photos that have it.
const FILTERS = { byline: 'byline', credit: 'credit', source: 'source', city: 'city', country: 'country' };

function fields(p, table) {
  const dl = el('dl', { class: 'fields' });
  const add = (label, value, filter) => {
    if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) return;
    const text = Array.isArray(value) ? value.join('; ') : String(value);
    dl.append(el('dt', { text: label }), filter
      ? el('dd', {}, el('a', { class: 'filter-link', href: `#/search?${new URLSearchParams({ [filter]: text })}`,
        title: `Photos with this ${label.toLowerCase()}`, text }))
      : el('dd', { text }));
  };
  const c = p.credit_parsed || {};
  add('Slug', p.slug);
  add('Credit line', c.credit_line);
  add('Photographer', c.photographer, 'byline');
  add('Agency', c.agency);
  add('Distributor', c.distributor, 'credit');
  add('Picture is', [c.pool && 'pool', c.handout && 'handout', c.file_photo && 'file photo'].filter(Boolean));
  for (const f of table.fields.filter((x) => !x.provenance && !x.camera)) add(f.label, p[f.name], FILTERS[f.name]);
  add('Image', p.width && p.height ? `${p.width} × ${p.height} ${p.format}, ${p.bytes.toLocaleString()} bytes` : null);
  add('Ingested', localTime(p.ingested_at));
  add('Version', p.version);
  return dl;
}

// The camera and its settings, and where the picture was taken.
function camera(p, table) {
  const given = table.fields.filter((f) => f.camera && p[f.name]);
  const gps = typeof p.gps_lat === 'number' && typeof p.gps_lon === 'number';
  if (!given.length && !gps) return null;
  const dl = el('dl', { class: 'fields', id: 'camera' });
  for (const f of given) dl.append(el('dt', { text: f.label }), el('dd', { text: p[f.name] }));
  if (gps) {
    const at = `${p.gps_lat.toFixed(5)}, ${p.gps_lon.toFixed(5)}`;
    dl.append(el('dt', { text: 'GPS' }), el('dd', {}, el('span', { text: `${at} ` }),
      el('a', { href: `https://www.openstreetmap.org/?mlat=${p.gps_lat}&mlon=${p.gps_lon}#map=15/${p.gps_lat}/${p.gps_lon}`,
        rel: 'noopener noreferrer', target: '_blank', text: 'map' })));
  }
  return el('div', { class: 'panel' }, el('h2', { text: 'Camera' }), dl);
}

// Other frames of the same shoot (the perceptual hash near, taken within a day), as a
// strip of thumbnails; filled in when the server answers.
function similarFrames(p, current) {
  const strip = el('ol', { class: 'similar', id: 'similar' });
  const panel = el('div', { class: 'panel', hidden: true }, el('h2', { text: 'Similar frames' }), strip);
  api('GET', `/api/photos/${p.id}/similar`).then(({ similar }) => {
    if (!current() || !similar.length) return;
    strip.replaceChildren(...similar.map((f) => el('li', {},
      el('a', { href: `#/photo/${f.id}`, title: `${f.headline || f.caption || ''} ${f.credit_line || ''}`.trim(),
        'aria-label': `photo ${f.id}: ${f.headline || (f.caption || '').slice(0, 60)}` },
      el('img', { src: `/photos/${f.id}/thumb?v=${f.picture}`, alt: '', loading: 'lazy' })))));
    panel.hidden = false;
  }).catch(() => { /* no strip */ });
  return panel;
}

const labelOf = (table, name) => (table.byName.get(name) || { label: name }).label;

// A field's value as the editor's input holds it (a list one string, ; between values).
const asInput = (f, p) => (f.list ? (p[f.name] || []).join('; ') : (p[f.name] || ''));
// A change's value ("from"/"to" of the history: a list one value a line) as the input holds it.
const changeAsInput = (f, v) => (f && f.list ? (v || '').split('\n').join('; ') : (v || ''));

// The editor for photo @p. @mine: the editor's own text to keep in the inputs (after a
// conflict); @conflict: the 409's answer, to show the other changes beside them.
function editor(p, table, mine = null, conflict = null) {
  const form = el('form', { class: 'editor', id: 'editor' });
  // typed in and not saved: a change from elsewhere does not reload the page over it
  form.addEventListener('input', () => { form.dataset.dirty = '1'; });
  const inputs = new Map();
  const theirs = new Map(((conflict && conflict.changed) || []).map((c) => [c.field, c]));
  for (const f of table.fields.filter((x) => x.editable)) {
    const input = f.multiline
      ? el('textarea', { name: f.name, id: `edit-${f.name}` })
      : el('input', { name: f.name, id: `edit-${f.name}` });
    input.value = mine && f.name in mine ? mine[f.name] : asInput(f, p);
    const { count, update } = counted(input, f.limit, { each: f.list });
    withCodes(input, update); // =put= as it is typed
    inputs.set(f, input);
    const other = theirs.get(f.name);
    // someone else changed this field since the editor's version: theirs beside the editor's own
    const beside = other && mine && f.name in mine ? el('div', { class: 'theirs' },
      el('span', { class: 'who', text: `${other.by.join(', ')} changed it meanwhile to:` }),
      el('div', { class: 'text', text: changeAsInput(f, other.to) || '(empty)' }),
      el('button', {
        type: 'button', class: 'secondary', text: 'Use theirs',
        onclick: () => { input.value = changeAsInput(f, other.to); update(); },
      })) : null;
    const label = f.list ? `${f.label} (separated by ;)` : f.label;
    form.append(el('label', { class: beside ? 'clash' : null }, label, input, count));
    if (beside) form.append(beside);
  }
  const status = el('span', { role: 'status' });
  if (p.provenance && p.provenance.content_credentials) {
    form.prepend(el('p', { class: 'notice', id: 'c2pa-warning',
      text: 'This file carries C2PA content credentials. A correction saved here is embedded in the files photodesk delivers, and changing their metadata breaks the manifest: those files will no longer verify. The original stays as the agency sent it.' }));
  }
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
    for (const [f, input] of inputs) {
      if (f.list) {
        const now = input.value.split(';').map((s) => s.trim()).filter(Boolean);
        if (now.join('\n') !== (p[f.name] || []).join('\n')) change[f.name] = now;
      } else if (input.value !== (p[f.name] || '')) {
        change[f.name] = input.value;
      }
    }
    return change;
  };
  // The caption checks of the text as typed (weekday and date, IIM limits, capitals,
  // double encoding, no credit): asked of the server a moment after typing stops, as a
  // batch preview of this one photo, nothing saved.
  const live = el('ul', { class: 'checks', id: 'live-checks', 'aria-live': 'polite' });
  form.append(el('div', { class: 'live-checks' }, live));
  let checking = null;
  form.addEventListener('input', () => {
    clearTimeout(checking);
    checking = setTimeout(async () => {
      const change = changes();
      const edits = Object.entries(change).map(([field, v]) => ({ field, op: 'set', value: Array.isArray(v) ? v.join('; ') : v }));
      if (!edits.length) { live.replaceChildren(); return; }
      try {
        const r = await api('POST', '/api/batch/preview', { photos: [p.id], edits });
        const checks = (r.photos[0] && r.photos[0].checks) || [];
        live.replaceChildren(...(checks.length
          ? [el('li', { class: 'muted', text: 'As typed:' }), ...checks.map((c) => el('li', { text: c.message }))]
          : [el('li', { class: 'saved', text: 'As typed: no problems found.' })]));
      } catch { /* checked again at the next key */ }
    }, 400);
  });
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
    await saveCorrection(p, table, change, status);
  });
  return form;
}

function saved(text) {
  const s = document.querySelector('#editor [role=status]');
  if (s) { s.className = 'saved'; s.textContent = text; }
}

// Saves @change, made on photo @p's version. When the photo moved on meanwhile (409): if
// nobody else touched the fields changed here, saved again on the new version, saying
// so; else the editor sees both and decides.
async function saveCorrection(p, table, change, status) {
  const inputs = {};
  for (const [k, v] of Object.entries(change)) inputs[k] = Array.isArray(v) ? v.join('; ') : v;
  try {
    const updated = await api('PATCH', `/api/photos/${p.id}`, { ...change, version: p.version });
    await showPhoto(updated.id, updated);
    saved(`Saved as version ${updated.version}.`);
  } catch (e) {
    if (e.status !== 409 || !e.data || !e.data.photo) {
      status.className = 'error';
      status.textContent = e.message;
      return;
    }
    const c = e.data;
    const clashes = Object.keys(change).filter((f) => c.changed.some((x) => x.field === f));
    if (!clashes.length) {
      const others = c.changed.map((x) => `${x.by.join(', ')} changed ${labelOf(table, x.field)}`);
      try {
        const updated = await api('PATCH', `/api/photos/${p.id}`, { ...change, version: c.version });
        await showPhoto(updated.id, updated);
        saved(`Saved as version ${updated.version}, after ${others.join('; ')} meanwhile.`);
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
function wireResent(p, table) {
  const w = p.wire_resent;
  if (!w) return null;
  const editors = [...new Set(w.fields.map((f) => f.editor))].join(', ');
  const box = el('div', { class: 'notice wire-resent', role: 'alert' },
    el('p', { text: `The wire re-sent this photo after ${editors}'s correction (version ${w.version}, ${localTime(w.at)}). It is shown as the wire sent it.` }));
  const dl = el('dl', { class: 'fields' });
  for (const f of w.fields) {
    const field = table.byName.get(f.field);
    dl.append(el('dt', { text: labelOf(table, f.field) }),
      el('dd', {}, el('div', {}, el('strong', { text: `${f.editor}: ` }), document.createTextNode(changeAsInput(field, f.corrected) || '(empty)')),
        el('div', {}, el('strong', { text: 'The wire: ' }), document.createTextNode(changeAsInput(field, f.wire) || '(empty)'))));
  }
  const status = el('span', { role: 'status' });
  const again = el('button', { type: 'button', id: 'apply-again', text: 'Apply the correction again' });
  again.addEventListener('click', async () => {
    const change = {};
    for (const f of w.fields) {
      const field = table.byName.get(f.field);
      change[f.field] = field && field.list ? (f.corrected || '').split('\n').filter(Boolean) : (f.corrected || '');
    }
    status.className = '';
    status.textContent = 'Saving…';
    await saveCorrection(p, table, change, status);
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

// The articles the photo is in, and attaching it to one.
async function photoArticles(p) {
  const box = el('div', { class: 'photo-articles' });
  const used = el('ul', { id: 'photo-articles' });
  for (const a of p.articles || [])
    used.append(el('li', {}, el('a', { href: `#/article/${a.id}`, text: a.slug }),
      el('span', { text: ` ${a.headline || ''} (${a.status})` })));
  if (!(p.articles || []).length) used.append(el('li', { class: 'muted', text: 'In no article yet.' }));
  box.append(used);
  // where and when it went to readers: each delivery of an article that held it
  if ((p.deliveries || []).length)
    box.append(el('ul', { id: 'photo-deliveries', 'aria-label': 'Delivered' }, ...p.deliveries.map((d) => el('li', {},
      'Delivered ', el('time', { datetime: d.at, text: localTime(d.at) }), ` by ${d.by} in `,
      el('a', { href: `#/article/${d.article_id}`, text: d.slug }),
      ` (${d.target}${d.location && d.location !== d.target ? `: ${d.location}` : ''}, version ${d.photos.length ? d.photos[0].version : '?'})`,
      d.under_embargo ? el('strong', { class: 'restriction', text: ' under embargo' }) : null))));
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
    const { placed, refused, unconfirmed } = await attach(select.value, [p.id]);
    status.className = refused.length ? 'error' : 'saved';
    const said = [placed
      ? el('a', { href: `#/article/${select.value}`, text: 'Attached: open the article' })
      : document.createTextNode(refused.join('; '))];
    if (unconfirmed.length) said.push(confirmSynthetic(select.value, unconfirmed, status));
    if (placed && p.desk_agency === false) // attached all the same, and said so
      said.push(el('span', { class: 'error', text: ` Note: ${p.distributor || 'this agency'} is not one of the desk's agencies${(p.same_picture || []).some((c) => c.desk_agency) ? '; a copy from one of them is listed under "The same picture"' : ''}.` }));
    status.replaceChildren(...said);
  });
  box.append(el('div', { class: 'attach needs-editor' }, el('label', {}, 'Attach to ', select), button, status));
  return box;
}

// The pick's buttons (an editor) or what it is (a viewer), remembering the pick shown.
function pickPanel(p) {
  const panel = canChange()
    ? pickControls(p, (updated) => showPhoto(updated.id, updated))
    : el('p', { id: 'pick-controls', text: p.pick && (p.pick.rating || p.pick.label)
      ? `${'★'.repeat(p.pick.rating || 0)} ${p.pick.label || ''}`.trim() : 'Not picked.' });
  panel.dataset.pick = JSON.stringify(p.pick || null);
  return panel;
}

export async function showPhoto(id, known, { mine = null, conflict = null } = {}) {
  const current = ticket('photo');
  const view = $('photo-view');
  // never the previous photo's page, not even while this one loads
  if (!known || String(view.dataset.id) !== String(id)) view.replaceChildren(el('p', { class: 'muted', text: 'Loading…' }));
  if (String(view.dataset.id) !== String(id)) view.dataset.version = '';
  view.dataset.id = String(id);
  view.dataset.loading = '1'; // events meanwhile are looked at once it is shown
  show('photo');
  try {
    const [table, p, h] = await Promise.all([fieldTable(), known || api('GET', `/api/photos/${id}`),
      api('GET', `/api/photos/${id}/history`)]);
    const used = await photoArticles(p);
    if (!current()) return; // another photo was asked for meanwhile
    const preview = (p.renditions || []).find((r) => r.name === 'preview') || (p.renditions || [])[0];
    const checks = el('ul', { class: 'checks' });
    for (const c of [...(p.checks || []), ...(p.name_checks || [])]) checks.append(el('li', { text: c.message }));
    for (const w of p.warnings || []) checks.append(el('li', { text: w }));
    view.dataset.version = String(p.version);
    delete view.dataset.loading;
    const later = Number(view.dataset.pending || 0);
    delete view.dataset.pending;
    if (later > p.version) setTimeout(() => showPhoto(id), 0); // changed while it loaded
    const editing = canChange();
    view.replaceChildren(
      el('div', { class: 'photo-picture' },
        restrictions(p),
        loupe(p, preview),
        el('p', { class: 'picture-actions' },
          el('a', { href: p.download_url, id: 'download-original', title: 'The original file with the caption as it is now (IPTC and XMP; HEIF and AVIF as received)', text: 'Original file' }),
          el('a', { href: p.original_url, download: '', id: 'download-received', text: 'as received' }),
          preview ? el('button', { type: 'button', class: 'secondary', id: 'full-screen', text: 'Full screen (f)', onclick: fullScreen }) : null),
        similarFrames(p, current)),
      el('div', {},
        wireResent(p, table),
        checks,
        el('div', { class: 'panel' }, el('h2', { text: 'The desk\'s pick' }), pickPanel(p)),
        provenance(p, table),
        el('div', { class: 'panel' }, el('h2', { text: 'Fields' }), fields(p, table)),
        camera(p, table),
        samePicture(p),
        el('div', { class: 'panel' }, el('h2', { text: 'Articles' }), used),
        editing
          ? el('div', { class: 'panel' }, el('h2', { text: 'Correct the caption' }), editor(p, table, mine, conflict))
          : el('p', { class: 'muted', text: 'You are a viewer: you can look, not change.' }),
        el('div', { class: 'panel' }, el('h2', { text: 'History' }), history(h, 'history'), olderVersions(p.id, h, current))));
  } catch (e) {
    if (!current()) return;
    delete view.dataset.loading;
    view.replaceChildren(el('p', { class: 'error', text: e.message }));
  }
}

// The pick panel of open photo @id as the desk has it now, when it differs from the one
// shown (the editor's own change is shown already).
async function refreshPick(id) {
  try {
    const p = await api('GET', `/api/photos/${id}`);
    const old = $('pick-controls');
    if (!old || String($('photo-view').dataset.id) !== String(id)) return;
    if (old.dataset.pick === JSON.stringify(p.pick || null)) return;
    old.replaceWith(pickPanel(p));
  } catch { /* shown at the next reload */ }
}

// The open photo changed elsewhere (the wire re-sent or killed it, another editor
// corrected it): shown at once; over unsaved edits, said rather than reloaded.
let reloading = null;
onEvent((ev) => {
  const view = $('photo-view');
  if (view.hidden || !['version', 'reset', 'pick'].includes(ev.type)) return;
  const id = view.dataset.id;
  if (ev.type !== 'reset' && String(ev.photo_id) !== String(id)) return;
  if (ev.type === 'pick') { // another editor's pick: its panel changes in place
    if (!view.dataset.loading) refreshPick(id);
    return;
  }
  if (view.dataset.loading) { // the page being loaded may already have it
    if (ev.type === 'version') view.dataset.pending = String(Math.max(ev.version, Number(view.dataset.pending || 0)));
    return;
  }
  if (ev.type === 'version' && ev.version <= Number(view.dataset.version || 0)) return; // shown already
  const form = $('editor');
  if (!form || !form.dataset.dirty) {
    clearTimeout(reloading); // several versions at once: one reload
    reloading = setTimeout(() => showPhoto(id), 150);
    return;
  }
  let note = $('changed-meanwhile');
  if (!note) {
    note = el('p', { id: 'changed-meanwhile', role: 'alert' });
    view.prepend(note);
  }
  note.className = `restriction${ev.kill ? ' stop' : ''}`;
  note.textContent = ev.kill
    ? 'KILLED meanwhile by the wire: do not use this photo. Your unsaved edits are still in the form.'
    : `Changed meanwhile (now version ${ev.version}). Your edits are kept: saving shows what changed.`;
});

// The photo page's keys (not while typing): its pick (0-5, 6-9) as on the grid; the next
// and previous photo of the results (arrows); the loupe (z); Esc back to the results.
document.addEventListener('keydown', async (ev) => {
  const view = $('photo-view');
  const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName);
  if (view.hidden || typing || view.dataset.loading || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const id = view.dataset.id;
  const box = $('preview-box');
  if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') {
    const next = neighbour(id, ev.key === 'ArrowRight' ? 1 : -1);
    if (next) {
      ev.preventDefault();
      location.replace(`#/photo/${next}`); // Back still returns to the results
    }
    return;
  }
  if (ev.key === 'z' && box) {
    box.click();
    return;
  }
  if (ev.key === 'f' && box) {
    fullScreen();
    return;
  }
  if (ev.key === 'Escape') {
    if (box && box.classList.contains('zoomed')) box.click();
    else location.hash = resultsHash(); // the results as they were: the same place, the same card
    return;
  }
  const current = view.querySelector('#pick-controls .label-chip.on');
  const change = pickForKey(ev.key, current ? current.textContent : null);
  if (!change || !id || !canChange()) return;
  ev.preventDefault();
  try {
    const updated = await setPick(id, change);
    await showPhoto(updated.id, updated);
  } catch (e) {
    view.prepend(el('p', { class: 'error', role: 'alert', text: e.message }));
  }
});
