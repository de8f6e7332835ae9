// app.js: photodesk's editor front end: log in, then the view the address names (a
// search, a photo, the articles, an article, uploading). Each view is its own module:
// search.js, photo.js, articles.js, upload.js, over api.js (the server, the session, the
// table of fields, the guard against late answers), live.js (what changes on the desk,
// as it happens: /api/events) and dom.js (elements, made from text
// only: the server's Content-Security-Policy forbids inline script, and text from photos
// never reaches the page as markup).

import { api, session } from './api.js';
import { $, show } from './dom.js';
import { setupArticles, showArticle, showArticles } from './articles.js';
import { showPhoto } from './photo.js';
import { runSearch, setupSearch } from './search.js';
import { setupUpload } from './upload.js';
import { startLive, stopLive } from './live.js';

async function login(ev) {
  ev.preventDefault();
  $('login-error').textContent = '';
  try {
    session.me = await api('POST', '/api/login', { username: $('username').value, password: $('password').value });
    $('password').value = '';
    session.me = await api('GET', '/api/me'); // with what the editor has seen
    $('who').textContent = session.me.user.name;
    startLive();
    route();
  } catch (e) {
    $('login-error').textContent = e.message;
  }
}

async function logout() {
  try { await api('POST', '/api/logout'); } catch { /* logged out either way */ }
  session.me = null;
  stopLive();
  location.hash = '#/';
  show('login');
}

async function route() {
  if (!session.me) {
    try {
      session.me = await api('GET', '/api/me');
      $('who').textContent = session.me.user.name;
      startLive();
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

$('login-form').addEventListener('submit', login);
$('logout').addEventListener('click', logout);
window.addEventListener('hashchange', route);
setupSearch();
setupArticles();
setupUpload();
route();
