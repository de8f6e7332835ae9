// batch.js: editing the captions of the photos chosen on the contact sheet at once: set,
// append to, prepend to, or find and replace in a field, the desk's codes (=put=)
// expanded; a preview of every photo's result (the fields before and after, IIM byte
// counts, the caption checks) before anything is written; applied as one batch (a photo
// changed since the preview is listed, not overwritten) that one click undoes.

import { api, fieldTable } from './api.js';
import { $, el } from './dom.js';

let chosen = () => [];
let previewed = null; // {ids, edits, versions} of the preview on screen
let done = () => {};

const OPS = [['set', 'becomes'], ['append', 'add after'], ['prepend', 'add before'], ['replace', 'find and replace']];

let templates = [];

async function loadTemplates() {
  templates = (await api('GET', '/api/templates')).templates;
  const select = $('batch-template');
  const was = select.value;
  select.replaceChildren(el('option', { value: '', text: '(none)' }),
    ...templates.map((t) => el('option', { value: t.id, text: `${t.name} (${t.edits.length})` })));
  if (templates.some((t) => String(t.id) === was)) select.value = was;
}

async function useTemplate() {
  const t = templates.find((x) => String(x.id) === $('batch-template').value);
  if (!t) return;
  $('batch-edits').replaceChildren();
  for (const e of t.edits) await editRow(e);
  $('batch-template-name').value = t.name;
  stale();
}

async function saveTemplate() {
  const status = $('batch-status');
  try {
    await api('POST', '/api/templates', { name: $('batch-template-name').value, edits: edits() });
    await loadTemplates();
    status.className = '';
    status.textContent = `Template "${$('batch-template-name').value}" saved for the desk.`;
  } catch (err) {
    status.className = 'error';
    status.textContent = err.message;
  }
}

async function editRow(given = null) {
  const table = await fieldTable();
  const n = $('batch-edits').children.length + 1;
  const field = el('select', { class: 'batch-field', 'aria-label': `Field of edit ${n}` },
    ...table.fields.filter((f) => f.editable).map((f) => el('option', { value: f.name, text: f.label })));
  const op = el('select', { class: 'batch-op', 'aria-label': `What edit ${n} does` },
    ...OPS.map(([v, t]) => el('option', { value: v, text: t })));
  const find = el('input', { class: 'batch-find', 'aria-label': `Text edit ${n} finds`, placeholder: 'find' });
  const value = el('input', { class: 'batch-value', 'aria-label': `Value of edit ${n}`, placeholder: 'value (=code= works)' });
  const findLabel = el('label', { hidden: true }, 'Find', find);
  if (given) {
    field.value = given.field;
    op.value = given.op;
    value.value = given.value;
    find.value = given.find || '';
    findLabel.hidden = given.op !== 'replace';
  }
  op.addEventListener('change', () => { findLabel.hidden = op.value !== 'replace'; });
  const remove = el('button', { type: 'button', class: 'secondary', text: '×', 'aria-label': `Remove edit ${n}`,
    onclick: () => { row.remove(); stale(); } });
  const row = el('div', { class: 'edit-row' },
    el('label', {}, 'Field', field), el('label', {}, 'Edit', op), findLabel, el('label', {}, 'Value', value), remove);
  for (const input of [field, op, find, value]) input.addEventListener('input', stale);
  $('batch-edits').append(row);
}

function edits() {
  return [...$('batch-edits').children].map((row) => {
    const e = { field: row.querySelector('.batch-field').value, op: row.querySelector('.batch-op').value,
      value: row.querySelector('.batch-value').value };
    if (e.op === 'replace') e.find = row.querySelector('.batch-find').value;
    return e;
  });
}

// What was previewed no longer holds: preview again before applying.
function stale() {
  previewed = null;
  $('batch-apply').disabled = true;
}

async function preview(ev) {
  ev.preventDefault();
  const ids = chosen();
  const status = $('batch-status');
  status.className = '';
  status.textContent = 'Previewing…';
  try {
    const e = edits();
    const r = await api('POST', '/api/batch/preview', { photos: ids, edits: e });
    const table = await fieldTable();
    const body = el('tbody');
    const versions = {};
    for (const p of r.photos) {
      versions[p.id] = p.version;
      for (const c of p.changes) {
        const over = c.limit && c.bytes > c.limit;
        body.append(el('tr', { class: c.changed ? null : 'same' },
          el('td', { text: `photo ${p.id}` }),
          el('td', { text: (table.byName.get(c.field) || { label: c.field }).label }),
          el('td', { text: c.to || '(empty)' }),
          el('td', { class: over ? 'over' : null,
            text: `${c.bytes}${c.limit ? ` / ${c.limit}` : ''} bytes${over ? ': cut in IPTC' : ''}${c.changed ? '' : ' (unchanged)'}` })));
      }
      for (const check of p.checks || [])
        body.append(el('tr', {}, el('td', { text: `photo ${p.id}` }), el('td', { text: 'check' }),
          el('td', { colspan: '2', text: check.message })));
    }
    const unknown = r.unknown_codes.length
      ? el('p', { class: 'error', text: `Not the desk's codes, left as typed: ${r.unknown_codes.join(', ')}` }) : null;
    $('batch-result').replaceChildren(unknown || '',
      el('table', { id: 'batch-preview-table' },
        el('thead', {}, el('tr', {}, ...['Photo', 'Field', 'Becomes', 'IIM'].map((t) => el('th', { text: t })))), body));
    previewed = { ids, edits: e, versions };
    $('batch-apply').disabled = false;
    status.textContent = `What ${ids.length} photo${ids.length === 1 ? '' : 's'} would become: nothing is saved yet.`;
  } catch (err) {
    status.className = 'error';
    status.textContent = err.message;
  }
}

async function apply() {
  if (!previewed) return;
  const status = $('batch-status');
  status.className = '';
  status.textContent = 'Saving…';
  try {
    const r = await api('POST', '/api/batch', { photos: previewed.ids, edits: previewed.edits, versions: previewed.versions });
    stale();
    const said = [el('span', { text: `${r.applied.length} changed, ${r.unchanged.length} unchanged. ` })];
    if (r.stale.length)
      said.push(el('span', { class: 'error', text: `Changed by someone since the preview, left as they are: ${r.stale.map((s) => `photo ${s.id}`).join(', ')}. ` }));
    if (r.batch) {
      said.push(el('button', { type: 'button', class: 'secondary', id: 'batch-undo', text: 'Undo this batch',
        onclick: async () => {
          try {
            const u = await api('POST', `/api/batches/${r.batch}/undo`);
            status.replaceChildren(el('span', { text: `Undone: ${u.applied.length} back as they were.` }),
              u.stale.length ? el('span', { class: 'error', text: ` Changed since, left: ${u.stale.map((s) => `photo ${s.id}`).join(', ')}.` }) : '');
            done();
          } catch (e) {
            status.className = 'error';
            status.textContent = e.message;
          }
        } }));
    }
    status.replaceChildren(...said);
    $('batch-result').replaceChildren();
    done();
  } catch (err) {
    status.className = 'error';
    status.textContent = err.message;
  }
}

// Opens the editor for the photos @ids() gives; @changed runs after a batch or its undo.
export async function openBatch(ids, changed) {
  chosen = ids;
  done = changed;
  const form = $('batch');
  $('batch-title').textContent = `Edit the captions of ${ids().length} photo${ids().length === 1 ? '' : 's'}`;
  if (!$('batch-edits').children.length) await editRow();
  loadTemplates().catch(() => { /* none offered */ });
  $('batch-result').replaceChildren();
  $('batch-status').textContent = '';
  stale();
  form.hidden = false;
  form.querySelector('.batch-value').focus();
}

export function setupBatch() {
  $('batch').addEventListener('submit', preview);
  $('batch-add').addEventListener('click', () => editRow());
  $('batch-use').addEventListener('click', useTemplate);
  $('batch-save-template').addEventListener('click', saveTemplate);
  $('batch-apply').addEventListener('click', apply);
  $('batch-close').addEventListener('click', () => { $('batch').hidden = true; });
}
