// upload.js: photos dropped or picked, each uploaded with its progress and what the
// server's ingest made of it.

import { session } from './api.js';
import { $, el } from './dom.js';

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
    xhr.setRequestHeader('X-CSRF-Token', session.me.csrf);
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

export function setupUpload() {
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
