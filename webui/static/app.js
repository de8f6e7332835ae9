// app.js: photodesk's editor front end: log in, then the view the address names (a
// search, a photo, the articles, an article, uploading). Each view is its own module:
// search.js, photo.js, articles.js, upload.js, collections.js (lightboxes, saved
// searches, comparing, users), over api.js (the server, the session, the
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
import { setupCollections, showCompare, showLightboxes, showUsers } from './collections.js';
import { unsavedEdits } from './photo.js';
import { setupDesk, showDesk } from './desk.js';

// Who is logged in, for the page: a viewer is not offered what would change anything,
// an admin is offered the users (style.css hides by data-role).
function signedIn(me) {
  session.me = me;
  $('who').textContent = `${me.user.name} (${me.user.role})`;
  document.body.dataset.role = me.user.role;
}

async function login(ev) {
  ev.preventDefault();
  $('login-error').textContent = '';
  try {
    session.me = await api('POST', '/api/login', { username: $('username').value, password: $('password').value });
    $('password').value = '';
    signedIn(await api('GET', '/api/me')); // with what the editor has seen
    startLive();
    route();
  } catch (e) {
    $('login-error').textContent = e.message;
  }
}

async function logout() {
  try { await api('POST', '/api/logout'); } catch { /* logged out either way */ }
  session.me = null;
  delete document.body.dataset.role;
  stopLive();
  location.hash = '#/';
  show('login');
}

async function route() {
  if (!session.me) {
    try {
      signedIn(await api('GET', '/api/me'));
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
  if (hash === '#/lightboxes') return showLightboxes();
  if (hash === '#/users') return showUsers();
  if (hash === '#/desk') return showDesk();
  const compare = hash.match(/^#\/compare\/([\d,]+)$/);
  if (compare) return showCompare(compare[1].split(','));
  const article = hash.match(/^#\/article\/(\d+)$/);
  if (article) return showArticle(article[1]);
  const q = hash.startsWith('#/search?') ? hash.slice('#/search?'.length) : '';
  return runSearch(new URLSearchParams(q));
}

// Leaving a photo whose caption edits are not saved asks first (the address goes back
// to the photo when the editor stays); closing or reloading the page too.
let shown = location.hash;
function navigate() {
  if (location.hash !== shown && unsavedEdits() &&
      !window.confirm('Your edits to this caption are not saved. Leave them?')) {
    history.replaceState(null, '', shown);
    return;
  }
  shown = location.hash;
  route();
}
window.addEventListener('beforeunload', (ev) => { if (unsavedEdits()) ev.preventDefault(); });

$('login-form').addEventListener('submit', login);
$('logout').addEventListener('click', logout);
window.addEventListener('hashchange', navigate);
setupSearch();
setupArticles();
setupUpload();
setupCollections();
setupDesk();
route();
