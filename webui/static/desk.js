// desk.js: the desk's page (#/desk): the code replacement table (imported from and
// downloaded as Photo Mechanic's file), the templates, the ingest rules that apply
// them to new photos, the output profiles, and the targets packages are delivered to.

import { api, session, ticket } from './api.js';
import { $, el, localTime, show } from './dom.js';
import { forgetCodes } from './codes.js';

let codes = [];

const isEditor = () => session.me && session.me.user.role !== 'viewer';
const isAdmin = () => session.me && session.me.user.role === 'admin';

export async function showDesk() {
  const current = ticket('desk');
  show('desk');
  const [c, t, r, d, pr] = await Promise.allSettled([
    api('GET', '/api/codes'), api('GET', '/api/templates'), api('GET', '/api/rules'),
    api('GET', '/api/targets'), api('GET', '/api/profiles'),
  ]);
  if (!current()) return;
  if (c.status === 'fulfilled') showCodes(c.value);
  else $('codes-about').textContent = c.reason.message;
  if (t.status === 'fulfilled') showTemplates(t.value.templates, r.status === 'fulfilled' ? r.value.rules : []);
  if (r.status === 'fulfilled') showRules(r.value.rules);
  if (d.status === 'fulfilled') showTargets(d.value.targets);
  if (pr.status === 'fulfilled') showProfiles(pr.value.profiles);
}

// A row per output profile; an admin removes the desk's own (or a change to a built-in one).
function showProfiles(profiles) {
  $('profiles-list').replaceChildren(...profiles.map((p) => {
    const status = el('span', { role: 'status' });
    const saved = p.id ? `${p.by || ''}, ${localTime(p.at)}` : 'built in';
    return el('tr', {},
      el('td', { text: p.name }),
      el('td', { text: p.long_edge ? `${p.long_edge} px on the long edge` : 'its own size' }),
      el('td', { text: String(p.quality) }),
      el('td', { text: p.changed ? `built in, changed: ${saved}` : saved }),
      el('td', {}, isAdmin() && p.id ? el('button', {
        type: 'button', class: 'secondary', text: p.changed ? 'Restore' : 'Remove',
        onclick: async () => {
          const what = p.changed ? `Bring back the built-in "${p.name}"?` : `Remove the profile "${p.name}"? Placements that name it go with the package's.`;
          if (!window.confirm(what)) return;
          try {
            await api('DELETE', `/api/profiles/${p.id}`);
            $('profile-status').textContent = `${p.changed ? 'Restored' : 'Removed'}: ${p.name}.`;
            showDesk();
          } catch (e) {
            status.className = 'error';
            status.textContent = e.message;
          }
        },
      }) : null, status));
  }));
}

async function newProfile(ev) {
  ev.preventDefault();
  const status = $('profile-status');
  status.className = '';
  try {
    const { profiles } = await api('POST', '/api/profiles', {
      name: $('profile-name').value.trim(),
      long_edge: Number($('profile-edge').value),
      quality: Number($('profile-quality').value),
    });
    status.textContent = `Saved: ${$('profile-name').value.trim().toLowerCase()}.`;
    $('profile-name').value = '';
    showProfiles(profiles);
  } catch (e) {
    status.className = 'error';
    status.textContent = e.message;
  }
}

// A row per delivery target; an admin removes one.
function showTargets(targets) {
  $('targets-list').replaceChildren(...(targets.length ? targets.map((t) => {
    const status = el('span', { role: 'status' });
    const how = t.kind === 'folder'
      ? `written as ${t.layout === 'zip' ? 'a zip' : 'files'}`
      : `posted as ${t.layout === 'zip' ? 'a zip' : 'files'}, ${t.attempts} attempt${t.attempts === 1 ? '' : 's'}${t.header ? `, with ${t.header}` : ''}`;
    return el('tr', {},
      el('td', { text: t.name }),
      el('td', { class: 'wrap' }, el('code', { text: t.folder || t.url })),
      el('td', { text: how }),
      el('td', { text: `${t.by || ''}, ${localTime(t.at)}` }),
      el('td', {}, isAdmin() ? el('button', {
        type: 'button', class: 'secondary', text: 'Remove',
        onclick: async () => {
          if (!window.confirm(`Remove the delivery target "${t.name}"? Its deliveries stay on the articles.`)) return;
          try {
            await api('DELETE', `/api/targets/${t.id}`);
            $('target-status').textContent = `Removed: ${t.name}.`;
            showDesk();
          } catch (e) {
            status.className = 'error';
            status.textContent = e.message;
          }
        },
      }) : null, status));
  }) : [el('tr', {}, el('td', { colspan: '5', class: 'muted', text: 'No targets: packages are downloaded.' }))]));
}

async function newTarget(ev) {
  ev.preventDefault();
  const status = $('target-status');
  status.className = '';
  const where = $('target-where').value.trim();
  const web = /^https?:\/\//i.test(where);
  try {
    const { targets } = await api('POST', '/api/targets', {
      name: $('target-name').value.trim(),
      folder: web ? undefined : where,
      url: web ? where : undefined,
      layout: $('target-layout').value,
      header: $('target-header').value.trim() || undefined,
      attempts: web ? Number($('target-attempts').value) || undefined : undefined,
    });
    status.textContent = `Added: ${$('target-name').value.trim()}.`;
    for (const id of ['target-name', 'target-where', 'target-header']) $(id).value = '';
    showTargets(targets);
  } catch (e) {
    status.className = 'error';
    status.textContent = e.message;
  }
}

function showCodes(t) {
  codes = t.codes;
  const n = codes.length;
  $('codes-about').textContent = n
    ? `${n} code${n === 1 ? '' : 's'}, typed between ${t.delimiter} and ${t.delimiter} (${t.delimiter}code#2${t.delimiter} for a second form)`
      + (t.updated_by ? `; imported by ${t.updated_by}, ${localTime(t.updated_at)}.` : '.')
    : 'The desk has no codes yet: import a Photo Mechanic code replacement file.';
  listCodes();
}

function listCodes() {
  const want = $('codes-filter').value.trim().toLowerCase();
  const shown = codes.filter((c) => !want || c.code.toLowerCase().includes(want)
    || c.forms.some((f) => f.toLowerCase().includes(want)));
  const rows = shown.slice(0, 500).map((c) => el('tr', {},
    el('td', {}, el('code', { text: c.code })),
    el('td', { class: 'wrap', text: c.forms.join(' · ') })));
  if (shown.length > 500) rows.push(el('tr', {}, el('td', { colspan: '2', class: 'muted', text: `and ${shown.length - 500} more: narrow the search` })));
  $('codes-list').replaceChildren(...rows);
}

const OPS = { set: 'becomes', append: 'gets after it', prepend: 'gets before it', replace: 'replaced' };

function showTemplates(templates, rules) {
  $('templates-list').replaceChildren(...(templates.length ? templates.map((t) => {
    const used = rules.find((r) => r.template.toLowerCase() === t.name.toLowerCase());
    const status = el('span', { role: 'status' });
    return el('tr', {},
      el('td', { text: t.name }),
      el('td', { class: 'wrap' }, el('ul', { class: 'edits' }, ...t.edits.map((e) => el('li', {},
        el('code', { text: e.field }), ` ${OPS[e.op] || e.op} `,
        e.op === 'replace' ? el('q', { text: e.find }) : null, e.op === 'replace' ? ' by ' : null,
        el('q', { text: e.value }))))),
      el('td', { text: `${t.by || ''}, ${localTime(t.at)}` }),
      el('td', {}, isEditor() ? el('button', {
        type: 'button', class: 'secondary', text: 'Remove', title: used ? `Used by the rule ${used.name}` : undefined,
        onclick: async () => {
          if (!window.confirm(`Remove the template "${t.name}"?`)) return;
          try {
            await api('DELETE', `/api/templates/${t.id}`);
            showDesk();
          } catch (e) {
            status.className = 'error';
            status.textContent = e.message;
          }
        },
      }) : null, status));
  }) : [el('tr', {}, el('td', { colspan: '4', class: 'muted', text: 'No templates yet.' }))]));
  const select = $('rule-template');
  const was = select.value;
  select.replaceChildren(...templates.map((t) => el('option', { value: t.name, text: t.name })));
  if (templates.some((t) => t.name === was)) select.value = was;
}

function condition(r) {
  const parts = [];
  if (r.folder) parts.push(`from ${r.folder}`);
  if (r.source) parts.push(`source ${r.source}`);
  if (r.credit) parts.push(`credit ${r.credit}`);
  return parts.join(', and ');
}

function showRules(rules) {
  $('rules-list').replaceChildren(...(rules.length ? rules.map((r) => {
    const status = el('span', { role: 'status' });
    return el('tr', {},
      el('td', { text: r.name }),
      el('td', { text: r.template }),
      el('td', { class: 'wrap', text: condition(r) }),
      el('td', { text: `${r.by || ''}, ${localTime(r.at)}` }),
      el('td', {}, isAdmin() ? el('button', {
        type: 'button', class: 'secondary', text: 'Remove',
        onclick: async () => {
          if (!window.confirm(`Remove the rule "${r.name}"? New photos will no longer get its template.`)) return;
          try {
            await api('DELETE', `/api/rules/${r.id}`);
            $('rule-status').textContent = `Removed: ${r.name}.`;
            showDesk();
          } catch (e) {
            status.className = 'error';
            status.textContent = e.message;
          }
        },
      }) : null, status));
  }) : [el('tr', {}, el('td', { colspan: '5', class: 'muted', text: 'No rules: new photos come in as the wire sent them.' }))]));
}

async function importCodes(ev) {
  ev.preventDefault();
  const status = $('codes-status');
  status.className = '';
  const file = $('codes-file').files[0];
  if (!file) return;
  try {
    const text = await file.text();
    const t = await api('PUT', '/api/codes', { text, merge: $('codes-merge').checked });
    forgetCodes();
    showCodes(t);
    status.textContent = `${file.name}: the desk has ${t.codes.length} codes now.`;
    $('codes-file').value = '';
  } catch (e) {
    status.className = 'error';
    status.textContent = `${file.name}: ${e.message}`;
  }
}

async function newRule(ev) {
  ev.preventDefault();
  const status = $('rule-status');
  status.className = '';
  const value = (id) => $(id).value.trim() || undefined;
  try {
    const { rules } = await api('POST', '/api/rules', {
      name: value('rule-name'), template: $('rule-template').value,
      folder: value('rule-folder'), source: value('rule-source'), credit: value('rule-credit'),
    });
    status.textContent = `Added: ${$('rule-name').value.trim()}.`;
    for (const id of ['rule-name', 'rule-folder', 'rule-source', 'rule-credit']) $(id).value = '';
    showRules(rules);
  } catch (e) {
    status.className = 'error';
    status.textContent = e.message;
  }
}

export function setupDesk() {
  $('codes-import').addEventListener('submit', importCodes);
  $('codes-filter').addEventListener('input', listCodes);
  $('new-rule').addEventListener('submit', newRule);
  $('new-target').addEventListener('submit', newTarget);
  $('new-profile').addEventListener('submit', newProfile);
}
