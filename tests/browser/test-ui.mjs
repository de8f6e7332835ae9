// test-ui.mjs: the editors' web UI in Debian's chromium, headless, driven by Playwright:
// log in, search, open a photo, correct its caption and see the history, upload a photo
// and find it, keyboard navigation, make an article, attach two photos from the search
// grid, reorder them, edit a per-use caption, download the package, log out; and a
// caption of <img src=x onerror=alert(1)> shows as text and runs nothing on every page.
//
// Run by meson test (suite browser) with PHOTODESK_BIN and PHOTODESK_SOURCE_ROOT set;
// needs `npm ci` in tests/browser and /usr/bin/chromium (./run test installs both).
// Prints TAP; exits 77 (skipped) when chromium or playwright-core is missing.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { inflateRawSync } from 'node:zlib';

const bin = process.env.PHOTODESK_BIN;
const root = process.env.PHOTODESK_SOURCE_ROOT;
const chromiumPath = '/usr/bin/chromium';
const XSS = '<img src=x onerror=alert(1)>';

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  console.log('1..0 # SKIP playwright-core is not installed (npm ci in tests/browser)');
  process.exit(77);
}
if (!existsSync(chromiumPath)) {
  console.log('1..0 # SKIP /usr/bin/chromium is not installed (apt-get install chromium)');
  process.exit(77);
}

const work = mkdtempSync(join(tmpdir(), 'photodesk-browser-'));
const library = join(work, 'library');
const samples = join(root, 'samples');

function photodesk(args, input) {
  const r = spawnSync(bin, ['--library', library, ...args], { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`photodesk ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// The library: four samples (the fifth is uploaded through the page), one editor.
photodesk(['ingest', ...['council.jpg', 'correction.jpg', 'checks.jpg', 'handout.png'].map((f) => join(samples, f))]);
photodesk(['user', 'add', 'editor'], 'desk password\n');
photodesk(['user', 'add', 'second'], 'second password\n');
// the desk's code replacements, as Photo Mechanic's file has them
writeFileSync(join(work, 'codes.txt'), '// names\r\nkel\tZürich city councillor Marco Keller\tKeller\r\n');
photodesk(['codes', 'import', join(work, 'codes.txt')]);

const server = spawn(bin, ['--library', library, 'serve', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
// however this script ends (an exception outside a step), the server ends with it
process.on('exit', () => { if (server.exitCode === null && server.signalCode === null) server.kill('SIGTERM'); });
const url = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: server.stdout });
  lines.once('line', (line) => {
    const m = line.match(/(http:\/\/\S+)/);
    if (m) resolve(m[1]); else reject(new Error(`unexpected first line: ${line}`));
    lines.on('line', () => {}); // keep reading the access log
  });
  server.once('exit', (code) => reject(new Error(`photodesk serve exited (${code})`)));
});

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const page = await browser.newPage();
const problems = [];
// A dialog is a problem unless a step said it asks one (answer: 'accept' or 'dismiss').
const dialogs = [];
page.on('dialog', async (d) => {
  const answer = dialogs.shift();
  if (!answer) { problems.push(`a dialog opened: ${d.message()}`); await d.dismiss(); return; }
  await (answer === 'accept' ? d.accept() : d.dismiss());
});
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
// 401 (logged out) and 409 (a change made on a version that moved on) are answers the
// page handles; the browser logs them all the same
page.on('console', (m) => { if (m.type() === 'error' && !/401|Unauthorized|409|Conflict/.test(m.text())) problems.push(`console: ${m.text()}`); });

let n = 0, failed = 0;
async function step(name, fn) {
  n++;
  try {
    await fn();
    console.log(`ok ${n} - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok ${n} - ${name}`);
    console.log(`# ${String(e.stack || e).split('\n').join('\n# ')}`);
  }
}
function expect(cond, what) { if (!cond) throw new Error(what); }

// The entry @name of the zip @zip (stored or deflated), from its local header.
function zipEntry(zip, name) {
  for (let at = 0; at + 30 <= zip.length;) {
    if (zip.readUInt32LE(at) !== 0x04034b50) break;
    const method = zip.readUInt16LE(at + 8), size = zip.readUInt32LE(at + 18);
    const nameLen = zip.readUInt16LE(at + 26), extraLen = zip.readUInt16LE(at + 28);
    const entry = zip.subarray(at + 30, at + 30 + nameLen).toString('utf8');
    const data = zip.subarray(at + 30 + nameLen + extraLen, at + 30 + nameLen + extraLen + size);
    if (entry === name) return method === 8 ? inflateRawSync(data) : data;
    at += 30 + nameLen + extraLen + size;
  }
  throw new Error(`no ${name} in the zip`);
}

// Nothing from a caption ran or became an element, on whatever page is showing.
async function noInjection(where) {
  const injected = await page.locator('img[src="x"]').count();
  expect(injected === 0, `${where}: the caption's <img> became an element`);
  expect(problems.length === 0, `${where}: ${problems.join('; ')}`);
}

// axe-core on each page: no serious or critical finding. Its script is given to the page
// through the DevTools protocol (the page's CSP would refuse it as a script tag).
const axeSource = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
async function axeFindings(on = page) {
  await on.evaluate(axeSource);
  const found = await on.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  return found;
}

await step('the login page, and a wrong password', async () => {
  await page.goto(url);
  await page.locator('#login-view').waitFor();
  await page.fill('#username', 'editor');
  await page.fill('#password', 'wrong');
  await page.click('#login-form button[type=submit]');
  await page.locator('#login-error', { hasText: 'wrong user name or password' }).waitFor();
  problems.length = 0; // the 401 of the wrong password is expected
});

await step('log in and see the newest photos', async () => {
  await page.fill('#password', 'desk password');
  await page.click('#login-form button[type=submit]');
  await page.locator('#search-view').waitFor();
  await page.locator('#grid .card').first().waitFor();
  expect(await page.locator('#grid .card').count() === 4, 'four photos');
  expect((await page.textContent('#who')) === 'editor (editor)', 'the user and the role are shown');
  expect(/4 photos/.test(await page.textContent('#summary')), 'the total is shown');
  // the thumbnails load (lazily, and a server under ASan answers slowly: waited for)
  await page.waitForFunction(() => {
    const imgs = [...document.querySelectorAll('#grid img')];
    return imgs.length === 4 && imgs.every((i) => i.complete && i.naturalWidth > 0);
  }, null, { timeout: 20000 });
  expect(await page.locator('#facets').textContent().then((t) => t.includes('Distributor')), 'facet counts are shown');
});

await step('search by caption words, with the words marked', async () => {
  await page.fill('#q', 'zurich');
  await page.press('#q', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('#grid .card').length === 1);
  const marked = await page.locator('#grid mark').first().textContent();
  expect(marked === 'Zürich', `the match is marked (${marked})`);
});

await step('search by date range', async () => {
  await page.fill('#q', '');
  await page.fill('#from', '2024-11-01');
  await page.fill('#to', '2025-01-31');
  await page.click('#search-form button[type=submit]');
  await page.waitForFunction(() => /2 photos/.test(document.querySelector('#summary').textContent));
  await page.fill('#from', '');
  await page.fill('#to', '');
});

await step('open a photo: its restrictions cannot be missed', async () => {
  await page.goto(`${url}#/search?q=riverton`);
  await page.locator('#grid .card').first().waitFor();
  await page.locator('#grid .card').first().click();
  await page.locator('#photo-view .restrictions').waitFor();
  const text = await page.locator('#photo-view .restrictions').textContent();
  expect(text.includes('EDITORIAL USE ONLY'), 'editorial only shown');
  expect(/MANDATORY CREDIT/.test(text), 'mandatory credit shown');
  expect(/Embargo ended|EMBARGOED/.test(text), 'the embargo shown');
  await page.locator('#preview').waitFor();
  expect(await page.locator('#preview').evaluate((i) => i.complete && i.naturalWidth > 0), 'the preview loads');
});

await step('correct a caption (to markup), see the history with the difference', async () => {
  await page.goto(`${url}#/search?q=council`);
  await page.locator('#grid .card').first().click();
  await page.locator('#photo-view dl.fields', { hasText: 'city council' }).waitFor(); // this photo's page
  await page.fill('#edit-caption', `${XSS} Members of the city council vote on the new budget in Zürich. (AP Photo/Marco Keller)`);
  const count = await page.locator('#editor .count').first().textContent();
  expect(/\d+ \/ 2000 bytes/.test(count), `live byte count (${count})`);
  await page.click('#editor button[type=submit]');
  await page.locator('#editor .saved', { hasText: 'version 2' }).waitFor();
  const history = await page.locator('#history').textContent();
  expect(history.includes('Version 2') && history.includes('by editor'), 'the new version, by whom');
  expect(await page.locator('#history ins').count() > 0, 'the new words are marked');
  expect(await page.locator('#history del').count() > 0, 'the old words are marked');
  expect((await page.locator('#photo-view dl.fields').textContent()).includes(XSS), 'the caption shows as text');
  await noInjection('photo page');
});

await step('the markup caption is text in search results too', async () => {
  await page.goto(`${url}#/search?q=budget`);
  await page.locator('#grid .card').first().waitFor();
  expect((await page.locator('#grid .card .caption').first().textContent()).includes(XSS), 'as text');
  await noInjection('search page');
  await page.goto(`${url}#/search?q=onerror`);
  await page.locator('#grid .card').first().waitFor();
  await noInjection('search for the markup');
});

await step('keyboard: arrows move through the results, Enter opens, / searches', async () => {
  await page.goto(`${url}#/search`);
  await page.locator('#grid .card').nth(3).waitFor();
  await page.locator('body').click({ position: { x: 5, y: 200 } });
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const selected = await page.locator('#grid .card.selected').getAttribute('data-index');
  expect(selected === '1', `the second card is selected (${selected})`);
  const id = await page.locator('#grid .card.selected').getAttribute('data-id');
  await page.keyboard.press('Enter');
  await page.waitForFunction((want) => location.hash === `#/photo/${want}`, id);
  await page.locator('#photo-view dl.fields').waitFor();
  await page.keyboard.press('/');
  expect(await page.evaluate(() => document.activeElement.id) === 'q', 'the search box has the focus');
});

await step('upload a photo, see its result, and find it', async () => {
  await page.goto(`${url}#/upload`);
  await page.locator('#upload-view').waitFor();
  await page.setInputFiles('#files', join(samples, 'harbour.jpg'));
  const link = page.locator('#uploads a', { hasText: 'added' });
  await link.waitFor();
  expect(await page.locator('#uploads progress').evaluate((p) => p.value === 100), 'the progress is full');
  await page.goto(`${url}#/search?q=tromso`);
  await page.waitForFunction(() => document.querySelectorAll('#grid .card').length === 1);
  // a file that is not a photo comes back rejected, with the reason
  await page.goto(`${url}#/upload`);
  await page.setInputFiles('#files', { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a photo') });
  await page.locator('#uploads .rejected', { hasText: 'not an image' }).waitFor();
  await noInjection('upload page');
});

await step('make an article', async () => {
  await page.goto(`${url}#/articles`);
  await page.locator('#articles-view').waitFor();
  await page.fill('#new-slug', 'council-budget');
  await page.fill('#new-headline', 'Zürich council passes the budget');
  await page.click('#new-article button[type=submit]');
  await page.waitForFunction(() => /^#\/article\/\d+$/.test(location.hash));
  await page.locator('#article-view h1', { hasText: 'council-budget' }).waitFor();
  await page.goto(`${url}#/articles`);
  await page.locator('#article-list a', { hasText: 'council-budget' }).waitFor();
});

let articleUrl = '';
await step('attach two photos from the search grid', async () => {
  await page.goto(`${url}#/search?q=council OR valdemoro`);
  await page.waitForFunction(() => document.querySelectorAll('#grid .card').length === 2);
  await page.locator('#grid .pick-box').nth(0).check();
  await page.locator('#grid .pick-box').nth(1).check();
  await page.locator('#picked-count', { hasText: '2 photos chosen' }).waitFor();
  expect(/#\/search/.test(page.url()), 'choosing does not open the photo');
  await page.waitForFunction(() => document.querySelector('#picked-article').options.length > 0);
  await page.selectOption('#picked-article', { label: 'council-budget — Zürich council passes the budget' });
  await page.click('#picked-attach');
  const link = page.locator('#picked-status a', { hasText: '2 attached' });
  await link.waitFor();
  articleUrl = await link.getAttribute('href');
  await link.click();
  await page.waitForFunction(() => document.querySelectorAll('#placements .placement').length === 2);
  await noInjection('article page');
  const captions = await page.locator('#placements .placed-caption').evaluateAll((t) => t.map((e) => e.value));
  expect(captions.some((c) => c.includes(XSS)), 'the markup caption is text in its field');
  expect(await page.locator('#placements .placement').first().locator('.role').inputValue() === 'lead', 'the first is the lead');
  expect(await page.locator('#package').count() === 1, 'the package can be downloaded');
});

await step('reorder the photos by dragging', async () => {
  await page.setViewportSize({ width: 1280, height: 1100 }); // both in view: a drag does not scroll
  const before = await page.locator('#placements .placement').evaluateAll((li) => li.map((e) => e.dataset.id));
  await page.locator('#placements .placement').nth(1).locator('.handle').dragTo(page.locator('#placements .placement').nth(0).locator('.handle'));
  await page.waitForFunction((first) => document.querySelector('#placements .placement').dataset.id !== first, before[0]);
  const after = await page.locator('#placements .placement').evaluateAll((li) => li.map((e) => e.dataset.id));
  expect(after[0] === before[1] && after[1] === before[0], `the order is swapped (${before} -> ${after})`);
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('#placements .placement').length === 2);
  const kept = await page.locator('#placements .placement').evaluateAll((li) => li.map((e) => e.dataset.id));
  expect(kept.join() === after.join(), 'the order is kept');
  await page.setViewportSize({ width: 1280, height: 720 });
});

await step('an unsaved caption survives a change to another photo', async () => {
  const second = page.locator('#placements .placement').nth(1);
  await second.locator('.placed-caption').fill('A draft caption, not saved yet');
  await second.locator('[role=status]', { hasText: 'Not saved yet' }).waitFor();
  await page.evaluate(() => { document.querySelector('#placements .placement').dataset.old = '1'; });
  await page.locator('#placements .placement').first().locator('.role').selectOption('gallery');
  await page.waitForFunction(() => {
    const first = document.querySelector('#placements .placement');
    return first && !first.dataset.old && first.querySelector('.role').value === 'gallery';
  });
  const kept = await page.locator('#placements .placed-caption').nth(1).inputValue();
  expect(kept === 'A draft caption, not saved yet', `the draft is kept (${kept})`);
  await page.locator('#placements .placement').first().locator('.role').selectOption('lead');
  await page.waitForFunction(() => document.querySelector('#placements .placement .role').value === 'lead');
});

await step('edit a per-use caption; the photo keeps its own', async () => {
  const first = page.locator('#placements .placement').first();
  const id = await first.getAttribute('data-id');
  const own = await page.evaluate((pid) => fetch(`/api/photos/${pid}`).then((r) => r.json()).then((p) => p.caption), id);
  const mine = 'Zürich councillors vote on the 2025 budget. Ünïcode ✓';
  await first.locator('.placed-caption').fill(mine);
  const count = await first.locator('.count').first().textContent();
  expect(/^\d+ \/ 2000 bytes/.test(count), `live byte count (${count})`);
  await first.locator('.save').click();
  await page.locator('#placements .placement').first().locator('.saved', { hasText: 'Saved' }).waitFor();
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('#placements .placement').length === 2);
  expect(await page.locator('#placements .placed-caption').first().inputValue() === mine, 'the caption is kept');
  const still = await page.evaluate((pid) => fetch(`/api/photos/${pid}`).then((r) => r.json()).then((p) => p.caption), id);
  expect(still === own, 'the photo caption is unchanged');
});

await step('download the package', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#package')]);
  expect(download.suggestedFilename() === 'council-budget.zip', `the file name (${download.suggestedFilename()})`);
  const zip = readFileSync(await download.path());
  expect(zip.length > 1000 && zip.subarray(0, 2).toString() === 'PK', 'a zip');
  expect(zip.includes(Buffer.from('article.json')), 'with article.json');
  expect(zip.includes(Buffer.from('Zürich councillors vote on the 2025 budget.')), 'with the caption as placed');
  await noInjection('article page after the download');
});

await step('a crop drawn on the preview and a profile: shown, delivered as drawn, then taken off', async () => {
  const first = page.locator('#placements .placement').first();
  await first.locator('.crop-editor summary').click();
  // an aspect chosen from the keyboard: the largest centred square
  await first.locator('.crop-editor select[aria-label="Aspect of the crop"]').selectOption('1:1');
  await first.locator('.crop-editor select[aria-label="Output profile"]').selectOption('social');
  await first.locator('.save-crop').click();
  await page.locator('#placements .placement').first().locator('.output', { hasText: 'cropped 1:1' }).waitFor();
  // drawn freely with the pointer
  const again = page.locator('#placements .placement').first();
  if (!(await again.locator('.crop-editor').evaluate((d) => d.open))) await again.locator('.crop-editor summary').click();
  await again.locator('.crop-editor select[aria-label="Aspect of the crop"]').selectOption('free');
  await again.locator('.crop-frame img').evaluate((i) => (i.complete && i.naturalWidth ? true : new Promise((r) => { i.onload = r; })));
  await again.locator('.crop-frame').scrollIntoViewIfNeeded();
  const frame = await again.locator('.crop-frame').boundingBox();
  await page.mouse.move(frame.x + frame.width * 0.1, frame.y + frame.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(frame.x + frame.width * 0.6, frame.y + frame.height * 0.7, { steps: 5 });
  await page.mouse.up();
  expect(await again.locator('.crop-box').isVisible(), 'the crop is drawn');
  if (process.env.PHOTODESK_SCREENSHOTS) {
    await page.screenshot({ path: join(process.env.PHOTODESK_SCREENSHOTS, 'crop-desktop.png') });
  }
  await again.locator('.save-crop').click();
  await page.locator('#placements .placement').first().locator('.output', { hasText: 'cropped freely' }).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#package')]);
  const manifest = zipEntry(readFileSync(await download.path()), 'article.json').toString('utf8');
  expect(manifest.includes('"profile": "social"'), `delivered with its profile: ${manifest}`);
  expect(manifest.includes('"crop": "0.1'), 'delivered with its crop');
  const axe = await axeFindings();
  expect(axe.length === 0, `axe with the crop editor open: ${axe.join('; ')}`);
  // taken off again: the whole picture, the package's profile
  const last = page.locator('#placements .placement').first();
  if (!(await last.locator('.crop-editor').evaluate((d) => d.open))) await last.locator('.crop-editor summary').click();
  await last.locator('.crop-editor button', { hasText: 'Whole picture' }).click();
  await last.locator('.crop-editor select[aria-label="Output profile"]').selectOption('');
  await last.locator('.save-crop').click();
  await page.locator('#placements .placement').first().locator('.output', { hasText: 'the whole picture' }).waitFor();
});

await step('the photo page lists its article and can attach it', async () => {
  const first = await page.locator('#placements .placement').first().getAttribute('data-id');
  await page.goto(`${url}#/photo/${first}`);
  await page.locator('#photo-articles a', { hasText: 'council-budget' }).waitFor();
  expect(await page.locator('#attach-photo').count() === 1, 'an attach button');
  // and where and when it went: the package downloaded above
  await page.locator('#photo-deliveries li', { hasText: 'council-budget' }).first().waitFor();
});

await step('an embargoed photo: the package waits; delivered under embargo knowingly, and recorded', async () => {
  const { article, harbour, was } = await page.evaluate(async () => {
    const { csrf } = await fetch('/api/me').then((r) => r.json());
    const send = (method, url, body) => fetch(url, {
      method, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify(body),
    }).then((r) => r.json());
    const id = (await fetch('/api/photos?q=riverton').then((r) => r.json())).results[0].id;
    const photo = await fetch(`/api/photos/${id}`).then((r) => r.json());
    await send('PATCH', `/api/photos/${id}`, { version: photo.version, special_instructions: 'EMBARGOED UNTIL 0001 GMT JUNE 5, 2099' });
    const a = await send('POST', '/api/articles', { slug: 'bridge-embargo' });
    await send('POST', `/api/articles/${a.id}/photos`, { photo_id: id });
    return { article: a.id, harbour: id, was: photo.special_instructions || '' };
  });
  await page.goto(`${url}#/article/${article}`);
  await page.locator('#package-under-embargo').waitFor();
  expect(await page.locator('#package').count() === 0, 'no plain download while embargoed');
  dialogs.push('accept');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#package-under-embargo')]);
  const zip = readFileSync(await download.path());
  expect(zip.subarray(0, 2).toString() === 'PK', 'a zip');
  expect(zip.includes(Buffer.from('DELIVERED UNDER EMBARGO by editor')), 'the files say so, and who');
  await page.locator('#delivery-list li', { hasText: 'under embargo' }).waitFor();
  await noInjection('article page after a delivery under embargo');
  await page.evaluate(async ({ id, text }) => {
    const { csrf } = await fetch('/api/me').then((r) => r.json());
    const photo = await fetch(`/api/photos/${id}`).then((r) => r.json());
    await fetch(`/api/photos/${id}`, {
      method: 'PATCH', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ version: photo.version, special_instructions: text }),
    });
  }, { id: harbour, text: was });
});

await step('two editors on one photo: a change elsewhere merges, a clash shows both', async () => {
  const other = await browser.newContext();
  const page2 = await other.newPage();
  page2.on('pageerror', (e) => problems.push(`second page error: ${e.message}`));
  await page2.goto(url);
  await page2.fill('#username', 'second');
  await page2.fill('#password', 'second password');
  await page2.click('#login-form button[type=submit]');
  await page2.locator('#search-view').waitFor();
  const id = await page.evaluate(() => fetch('/api/photos?q=valdemoro').then((r) => r.json()).then((r) => r.results[0].id));
  for (const p of [page, page2]) {
    await p.goto(`${url}#/photo/${id}`);
    await p.locator('#photo-view dl.fields', { hasText: 'Valdemoro' }).waitFor();
  }
  // the second starts typing a caption; the first saves a headline: the second's page
  // says at once that the photo changed, and keeps what was typed; saved, no clash
  const caption2 = 'Firefighters work to contain a brush fire near Valdemoro, Spain, Sunday, Aug. 11, 2024. REUTERS/Lucía Romero';
  await page2.fill('#edit-caption', caption2);
  await page.fill('#edit-headline', 'Spain Wildfire');
  await page.click('#editor button[type=submit]');
  await page.locator('#editor .saved').waitFor();
  await page2.locator('#changed-meanwhile', { hasText: 'Changed meanwhile' }).waitFor();
  expect(await page2.inputValue('#edit-caption') === caption2, 'what the second typed is kept');
  // the first starts on the caption too, before the second saves: a clash to come
  const caption1 = 'Firefighters battle a brush fire near Valdemoro, Spain. REUTERS/Lucía Romero';
  await page.fill('#edit-caption', caption1);
  await page2.click('#editor button[type=submit]');
  await page2.locator('#editor .saved', { hasText: 'meanwhile' }).waitFor();
  expect(await page2.inputValue('#edit-headline') === 'Spain Wildfire', 'the other change is in the form');
  await page.locator('#changed-meanwhile').waitFor();
  await page.click('#editor button[type=submit]');
  await page.locator('#editor .conflict').waitFor();
  expect(await page.inputValue('#edit-caption') === caption1, 'the editor\'s own text is kept');
  const theirs = await page.locator('#editor .theirs .text').first().textContent();
  expect(theirs === caption2, `theirs is shown beside it (${theirs})`);
  await page.screenshot({ path: join(work, 'conflict.png'), fullPage: true });
  // saved over theirs, on purpose
  await page.click('#editor button[type=submit]');
  await page.locator('#editor .saved').waitFor();
  const now = await page.evaluate((pid) => fetch(`/api/photos/${pid}`).then((r) => r.json()), id);
  expect(now.caption === caption1 && now.headline === 'Spain Wildfire', 'both changes are there');
  const last = now.versions[now.versions.length - 1];
  expect(last.user === 'editor', 'the history names who saved last');
  await other.close();
});

await step('the wire re-sends a corrected photo: the page says so, the correction applies again', async () => {
  // the council photo, corrected earlier on this page, sent again with the wire's own text
  const original = readFileSync(join(samples, 'council.jpg'));
  const from = Buffer.from('vote on the new budget');
  const at = original.indexOf(from);
  expect(at > 0, 'the sample holds its caption');
  const resent = Buffer.from(original);
  Buffer.from('vote on the new tariff').copy(resent, at);
  writeFileSync(join(work, 'council-resent.jpg'), resent);
  const out = photodesk(['ingest', '--json', join(work, 'council-resent.jpg')]);
  expect(JSON.parse(out).status === 'updated', `a re-send (${out})`);
  const id = JSON.parse(out).id;
  await page.goto(`${url}#/photo/${id}`);
  await page.locator('#photo-view .wire-resent').waitFor();
  const notice = await page.locator('#photo-view .wire-resent').textContent();
  expect(notice.includes('after editor') && notice.includes('tariff'), `the notice (${notice})`);
  expect((await page.inputValue('#edit-caption')).includes('tariff'), 'the wire\'s text is the photo\'s now');
  await noInjection('photo page with the wire notice');
  await page.click('#apply-again');
  await page.locator('#editor .saved').waitFor();
  expect(await page.locator('#photo-view .wire-resent').count() === 0, 'the notice is gone');
  expect(!/\bnull\b/.test(await page.locator('#editor').textContent()), 'no stray "null" in the editor');
  expect((await page.inputValue('#edit-caption')).includes(XSS), 'the correction is back');
});

await step('a long history pages: the newest first, older ones on demand', async () => {
  const id = await page.evaluate(() => fetch('/api/photos?q=tromso').then((r) => r.json()).then((r) => r.results[0].id));
  await page.evaluate(async (pid) => {
    const { csrf } = await fetch('/api/me').then((r) => r.json());
    for (let i = 0; i < 60; i++) {
      await fetch(`/api/photos/${pid}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify({ headline: `Norway Fishing ${i}` }),
      });
    }
  }, id);
  await page.goto(`${url}#/articles`);
  await page.goto(`${url}#/photo/${id}`);
  await page.locator('#older-versions').waitFor();
  expect(await page.locator('#history > li').count() === 50, 'the newest 50 versions');
  await page.click('#older-versions');
  await page.waitForFunction(() => document.querySelectorAll('#history > li').length === 61);
  expect(await page.locator('#older-versions').count() === 0, 'no more to show');
  expect((await page.locator('#history > li').last().textContent()).includes('Version 1,'), 'down to the first');
});

await step('late answers are dropped: the last photo and the last search asked for win', async () => {
  const ids = await page.evaluate(() => fetch('/api/photos').then((r) => r.json()).then((r) => r.results.map((x) => x.id)));
  const [slow, fast] = ids;
  const fastCaption = await page.evaluate((id) => fetch(`/api/photos/${id}`).then((r) => r.json()).then((p) => p.caption), fast);
  // the first photo's answer comes late: after the second photo's page is up
  await page.route(new RegExp(`/api/photos/${slow}$`), async (r) => { await new Promise((ok) => setTimeout(ok, 1500)); await r.continue(); });
  await page.goto(`${url}#/photo/${slow}`);
  await page.goto(`${url}#/photo/${fast}`);
  await page.locator('#edit-caption').waitFor();
  await page.waitForTimeout(2000);
  expect(await page.inputValue('#edit-caption') === fastCaption, 'the page shows the photo asked for last');
  await page.unroute(new RegExp(`/api/photos/${slow}$`));
  // a search that answers late does not add its photos to the next one's
  await page.route(/\/api\/photos\?.*q=council/, async (r) => { await new Promise((ok) => setTimeout(ok, 1500)); await r.continue(); });
  await page.goto(`${url}#/search?q=council`);
  await page.goto(`${url}#/search?q=zurich`);
  await page.waitForFunction(() => document.querySelectorAll('#grid .card').length === 1);
  await page.waitForTimeout(2000);
  expect(await page.locator('#grid .card').count() === 1, 'only the last search\'s photos');
  expect((await page.locator('#grid .card').textContent()).includes('Zürich'), 'the last search\'s photo');
  await page.unroute(/\/api\/photos\?.*q=council/);
});

await step('the live wire: new photos for the open search, a kill on an open article', async () => {
  await page.goto(`${url}#/search`);
  await page.locator('#grid .card').first().waitFor();
  const before = await page.locator('#grid .card').count();
  // a photo arrives (a CLI ingest beside the server): the page offers it, one click shows it
  const made = spawnSync('vips', ['gaussnoise', join(work, 'arrived.jpg'), '400', '300'], { encoding: 'utf8' });
  expect(made.status === 0, `vips made a photo (${made.stderr})`);
  photodesk(['ingest', join(work, 'arrived.jpg')]);
  await page.locator('#new-photos', { hasText: 'new photo' }).waitFor({ timeout: 10000 });
  await page.click('#new-photos');
  await page.waitForFunction((n) => document.querySelectorAll('#grid .card').length > n, before);
  await page.locator('#new-photos').waitFor({ state: 'hidden' }); // the offer is gone once taken

  // the wire kills a photo placed in the open article: shown there, no reload
  const articles = await page.evaluate(() => fetch('/api/articles').then((r) => r.json()));
  const article = articles.articles.find((a) => a.slug === 'council-budget');
  await page.goto(`${url}#/article/${article.id}`);
  await page.locator('#placements .placement').first().waitFor();
  await page.evaluate(() => { window.notReloaded = true; });
  expect(await page.locator('#article-view .restriction.stop').count() === 0, 'nothing killed yet');
  const resent = readFileSync(join(work, 'council-resent.jpg'));
  const killed = Buffer.from(resent.toString('latin1').split('EDITORIAL USE ONLY').join('MANDATORY KILL    '), 'latin1');
  writeFileSync(join(work, 'council-killed.jpg'), killed);
  const out = JSON.parse(photodesk(['ingest', '--json', join(work, 'council-killed.jpg')]));
  expect(out.status === 'updated', `a re-send (${out.status})`);
  await page.locator('#article-view .restriction.stop', { hasText: 'killed photo' }).waitFor({ timeout: 10000 });
  expect(await page.evaluate(() => window.notReloaded === true), 'the page was not reloaded');
  await noInjection('article page after a kill');
});

await step('one picture from three agencies: one card, and the other copies on its page', async () => {
  photodesk(['ingest', ...['pool-ap.jpg', 'pool-reuters.jpg', 'pool-afp.jpg'].map((f) => join(samples, f))]);
  await page.goto(`${url}#/search?q=marchetti`);
  await page.locator('#grid .card .sources', { hasText: '3 copies' }).waitFor();
  expect(await page.locator('#grid .card').count() === 1, 'one card for the three copies');
  const sources = await page.locator('#grid .card .sources').textContent();
  expect(['AP', 'Reuters', 'AFP'].every((a) => sources.includes(a)), `the agencies are named (${sources})`);
  await page.locator('#grid .card').first().click();
  await page.locator('#same-picture li').first().waitFor();
  expect(await page.locator('#same-picture li').count() === 2, 'the two other copies are listed');
  await noInjection('photo page with its other copies');
  // the desk subscribes to AFP: its copy is the card; the others are marked on its page
  photodesk(['agencies', 'AFP']);
  await page.goto(`${url}#/search?q=marchetti&sort=arrived`);
  await page.locator('#grid .card .meta', { hasText: 'via AFP' }).waitFor();
  expect((await page.locator('#desk-agencies').textContent()).includes('AFP'), 'the desk\'s agencies are shown');
  await page.locator('#grid .card').first().click();
  await page.locator('#same-picture li', { hasText: 'NOT A DESK AGENCY' }).first().waitFor();
  expect(await page.locator('#same-picture li', { hasText: 'NOT A DESK AGENCY' }).count() === 2, 'AP and Reuters are not the desk\'s');
  photodesk(['agencies', '--clear']);
});

await step('a picture made with generative AI: found by the filter, labelled, placed only knowingly', async () => {
  photodesk(['ingest', join(samples, 'illustration.jpg')]);
  await page.goto(`${url}#/search`);
  await page.selectOption('#made', 'ai');
  // the unfiltered grid shows the new AI picture too: wait for the filtered answer
  const filtered = page.waitForResponse((r) => r.url().includes('/api/photos?') && r.url().includes('made=ai'));
  await page.click('#search-form button[type=submit]');
  await filtered;
  await page.locator('#grid .card .badge', { hasText: 'AI-GENERATED' }).waitFor();
  expect(await page.locator('#grid .card').count() === 1, 'the filter leaves the one AI picture');
  expect(await page.locator('#grid .card .badge', { hasText: 'CONTENT CREDENTIALS' }).count() === 1, 'its content credentials are marked');
  expect(page.url().includes('made=ai'), 'the filter is in the address');
  await page.locator('#grid .card').first().click();
  await page.locator('#provenance').waitFor();
  const said = await page.locator('#provenance').textContent();
  expect(said.includes('Created using generative AI') && said.includes('not verified') && said.includes('Veltria Imaging Model'),
    `the provenance panel (${said})`);
  expect(await page.locator('#c2pa-warning').count() === 1, 'the editor warns that a correction breaks the manifest');
  await page.locator('#attach-article option').first().waitFor({ state: 'attached' });
  await page.click('#attach-photo');
  await page.locator('#confirm-synthetic').waitFor();
  expect((await page.locator('#confirm-synthetic').textContent()).includes('generative AI'), 'the server says why it asks');
  await page.click('#confirm-synthetic-yes');
  await page.locator('.photo-articles [role=status] a', { hasText: 'placed knowingly' }).waitFor();
  const article = await page.locator('#attach-article').inputValue();
  const placed = await page.evaluate((a) => fetch(`/api/articles/${a}`).then((r) => r.json()), article);
  const pl = placed.placements.find((x) => x.made === 'ai');
  expect(pl && pl.made_confirmed === 'ai' && pl.placed_by === 'editor', 'the confirmation is recorded with the placement');
  await noInjection('photo page of an AI picture');
});

await step('picks: keys 0-5 and 6-9 on the grid and the photo page, seen by the desk, filtered by', async () => {
  await page.goto(`${url}#/search?q=zurich`);
  await page.locator('#grid .card').first().waitFor();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('4');
  await page.locator('#grid .card.selected .stars', { hasText: '★★★★' }).waitFor();
  await page.keyboard.press('6');
  await page.locator('#grid .card.selected .label-chip.label-red').waitFor();
  const id = await page.locator('#grid .card.selected').getAttribute('data-id');
  // another editor sees it
  const seen = JSON.parse(photodesk(['pick', '--json', id]));
  expect(seen.pick.rating === 4 && seen.pick.label === 'red' && seen.pick.by === 'editor', `the pick is the desk's (${JSON.stringify(seen)})`);
  // on the photo page: a star button, then 6 again clears red
  await page.keyboard.press('Enter');
  await page.locator('#pick-controls').waitFor();
  await page.click('#pick-controls button[aria-label="2 stars"]');
  await page.locator('#pick-controls button[aria-label="2 stars"][aria-pressed="true"]').waitFor();
  await page.keyboard.press('6');
  await page.locator('#pick-controls .label-chip.label-red[aria-pressed="false"]').waitFor();
  const setBy = await page.locator('#pick-controls').textContent();
  expect(setBy.includes('set by editor'), 'who set it');
  expect(/\d{1,2}:\d{2}.*(UTC|GMT)/.test(setBy), `when, in local time with its zone named (${setBy})`);
  // the filter
  photodesk(['pick', '--rating', '5', id]);
  await page.goto(`${url}#/search`);
  await page.selectOption('#rating', '5');
  const rated = page.waitForResponse((r) => r.url().includes('/api/photos?') && r.url().includes('rating=5'));
  await page.click('#search-form button[type=submit]');
  await rated;
  await page.locator('#grid .card .stars', { hasText: '★★★★★' }).waitFor();
  expect(await page.locator('#grid .card').count() === 1, 'the 5-star photo alone');
  expect(page.url().includes('rating=5'), 'the filter is in the address');
  await noInjection('search by rating');
});

await step('another editor\'s pick shows on the open contact sheet and photo page at once', async () => {
  await page.goto(`${url}#/search?sort=arrived`);
  await page.locator('#grid .card').nth(2).waitFor();
  const id = await page.evaluate(() => document.querySelectorAll('#grid .card')[2].dataset.id);
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await other.goto(url);
  await other.fill('#username', 'second');
  await other.fill('#password', 'second password');
  await other.click('#login-form button[type=submit]');
  await other.locator('#grid .card').first().waitFor();
  await other.evaluate(async (pid) => {
    const { csrf } = await fetch('/api/me').then((r) => r.json());
    await fetch(`/api/photos/${pid}/pick`, { method: 'PUT', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ rating: 4, label: 'green' }) });
  }, id);
  await page.locator(`#grid .card[data-id="${id}"] .card-pick .stars`, { hasText: '★★★★' }).waitFor({ timeout: 5000 });
  await page.goto(`${url}#/photo/${id}`);
  await page.locator('#pick-controls .label-chip.on', { hasText: 'green' }).waitFor();
  await other.evaluate(async (pid) => {
    const { csrf } = await fetch('/api/me').then((r) => r.json());
    await fetch(`/api/photos/${pid}/pick`, { method: 'PUT', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ rating: 0, label: null }) });
  }, id);
  await page.waitForFunction(() => !document.querySelector('#pick-controls .label-chip.on'), null, { timeout: 5000 });
  await otherContext.close();
});

await step('choosing photos: a shift-click range, shift-arrows, select all, Esc; two compared side by side', async () => {
  await page.goto(`${url}#/search?sort=arrived`);
  await page.locator('#grid .card').nth(4).waitFor();
  const cards = page.locator('#grid .card');
  await cards.nth(0).locator('.pick-box').check();
  await cards.nth(3).click({ modifiers: ['Shift'] });
  expect(await page.locator('#grid .pick-box:checked').count() === 4, 'shift-click chose the four cards from the first');
  expect(/^#\/search/.test(await page.evaluate(() => location.hash)), 'a shift-click opens no photo');
  expect((await page.textContent('#picked-count')).startsWith('4 photos'), 'the bar counts them');
  await page.keyboard.press('Escape');
  expect(await page.locator('#grid .pick-box:checked').count() === 0, 'Esc clears the choice');
  await cards.nth(1).focus();
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  expect(await page.locator('#grid .pick-box:checked').count() === 3, 'shift-arrows grow the range');
  await page.keyboard.press('Control+a');
  expect(await page.locator('#grid .pick-box:checked').count() === await cards.count(), 'Ctrl+A chooses every card');
  await page.click('#picked-clear');
  await cards.nth(0).locator('.pick-box').check();
  await cards.nth(1).locator('.pick-box').check();
  expect(await page.isEnabled('#picked-compare'), 'two can be compared');
  await page.click('#picked-compare');
  await page.locator('#compare figure').nth(1).waitFor();
  expect(await page.locator('#compare figure').count() === 2, 'side by side');
  await page.waitForFunction(() => [...document.querySelectorAll('#compare img')].every((i) => i.complete && i.naturalWidth > 0));
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => location.hash.startsWith('#/search'));
  await page.click('#picked-clear');
});

await step('lightboxes: made on their page, filled from the grid, opened as a search, a photo taken out', async () => {
  await page.goto(`${url}#/lightboxes`);
  await page.fill('#new-lightbox-name', 'Front page');
  await page.click('#new-lightbox button[type=submit]');
  await page.locator('#lightbox-list a', { hasText: 'Front page' }).waitFor();
  await page.goto(`${url}#/search?sort=arrived`);
  await page.locator('#grid .card').nth(1).waitFor();
  await page.locator('#grid .card').nth(0).locator('.pick-box').check();
  await page.locator('#grid .card').nth(1).locator('.pick-box').check();
  await page.locator('#picked-lightbox option', { hasText: 'Front page' }).waitFor({ state: 'attached' });
  await page.selectOption('#picked-lightbox', { label: 'Front page (0)' });
  await page.click('#picked-to-lightbox');
  await page.locator('#picked-status', { hasText: '2 added' }).waitFor();
  await page.click('#picked-clear');
  await page.goto(`${url}#/lightboxes`);
  await page.locator('#lightbox-list tr', { hasText: 'Front page' }).locator('td', { hasText: /^2$/ }).waitFor();
  await page.click('#lightbox-list a:has-text("Front page")');
  await page.waitForFunction(() => document.querySelectorAll('#grid .card').length === 2);
  expect((await page.textContent('#filters')).includes('Lightbox: Front page'), 'the lightbox is named above its photos');
  await page.locator('#grid .card').nth(0).locator('.pick-box').check();
  await page.click('#picked-from-lightbox');
  await page.waitForFunction(() => document.querySelectorAll('#grid .card').length === 1);
  const boxes = await page.evaluate(() => fetch('/api/lightboxes').then((r) => r.json()));
  expect(boxes.lightboxes[0].photos === 1 && boxes.lightboxes[0].created_by === 'editor', 'kept for the desk, with who made it');
  await page.click('#picked-clear');
});

await step('saved searches: the search on screen saved, run again from the list', async () => {
  await page.goto(`${url}#/search?q=council`);
  await page.locator('#grid .card').first().waitFor();
  await page.fill('#save-name', 'Council');
  await page.click('#save-search button[type=submit]');
  await page.locator('#saved-list a', { hasText: 'Council' }).waitFor();
  await page.goto(`${url}#/search?sort=arrived`);
  await page.locator('#grid .card').nth(2).waitFor();
  await page.click('#saved-list a:has-text("Council")');
  await page.waitForFunction(() => document.querySelector('#q').value === 'council');
  await page.waitForFunction(() => document.querySelectorAll('#grid .card').length >= 1);
});

await step('filters by a click: the photographer, city and country facets, a photo\'s fields', async () => {
  await page.goto(`${url}#/search?sort=arrived`);
  await page.locator('#grid .card').nth(5).waitFor(); // this search's, not the one before's
  await page.locator('#facets h2', { hasText: 'City' }).waitFor();
  const city = page.locator('#facets h2:has-text("City") + ul li:has(button)').first();
  const name = await city.locator('button').textContent();
  const count = Number((await city.locator('span').last().textContent()).replace(/\D/g, ''));
  await city.locator('button').click();
  await page.locator('#filters .chip', { hasText: `City: ${name}` }).waitFor();
  await page.waitForFunction((n) => document.querySelector('#summary').textContent.startsWith(`${n} photo`), count);
  await page.click(`#filters .chip button[aria-label="Remove the filter City: ${name}"]`);
  await page.waitForFunction(() => !document.querySelector('#filters .chip'));
  const photographer = page.locator('#facets h2:has-text("Photographer") + ul li button').first();
  const who = await photographer.textContent();
  await photographer.click();
  await page.locator('#filters .chip', { hasText: `Photographer: ${who}` }).waitFor();
  // on a photo's page: its city is a link to the photos taken there
  const id = await page.evaluate(() => fetch('/api/photos?q=tromso').then((r) => r.json()).then((r) => r.results[0].id));
  await page.goto(`${url}#/photo/${id}`);
  await page.click('#photo-view dd a.filter-link:has-text("Tromsø")');
  await page.locator('#filters .chip', { hasText: 'City: Tromsø' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#grid .card').length >= 1);
});

await step('a photo\'s page: the camera panel and GPS, similar frames, full screen, the picture kept in view', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const ids = await page.evaluate(() => fetch('/api/photos?q=tromso').then((r) => r.json()).then((r) => r.results.map((x) => x.id)));
  const other = await page.evaluate(() => fetch('/api/photos?q=council').then((r) => r.json()).then((r) => r.results[0]));
  const id = ids[0];
  // the similar frames as the server would give them (the API's own test makes real ones)
  await page.route(`**/api/photos/${id}/similar`, (r) => r.fulfill({
    contentType: 'application/json',
    body: JSON.stringify({ similar: [{ id: other.id, distance: 9, picture: other.thumb, headline: 'Next frame', caption: null, credit_line: null, date_created: null }] }),
  }));
  await page.goto(`${url}#/photo/${id}`);
  await page.locator('#camera').waitFor();
  const cam = await page.textContent('#camera');
  for (const want of ['Canon EOS R5', 'RF24-105mm F4 L IS USM', '1/500', 'f/5.6', '200', '70 mm', '69.64960, 18.95600'])
    expect(cam.includes(want), `the camera panel has ${want} (${cam})`);
  await page.locator(`#similar a[href="#/photo/${other.id}"]`).waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('#similar img')].every((i) => i.complete && i.naturalWidth > 0));
  await page.unroute(`**/api/photos/${id}/similar`);
  expect(await page.evaluate(() => getComputedStyle(document.querySelector('.photo-picture')).position) === 'sticky',
    'the picture stays in view beside the editor');
  await page.click('#full-screen');
  await page.waitForFunction(() => document.fullscreenElement && document.fullscreenElement.id === 'preview-box');
  await page.evaluate(() => document.exitFullscreen());
});

await step('code replacements: =kel= and =kel#2= become the desk\'s names as they are typed', async () => {
  const id = await page.evaluate(() => fetch('/api/photos?q=council').then((r) => r.json()).then((r) => r.results[0].id));
  await page.goto(`${url}#/photo/${id}`);
  await page.locator('#edit-special_instructions').waitFor();
  await page.fill('#edit-special_instructions', '');
  await page.keyboard.type('Photo of =kel=; =kel#2= asked for it; =nope= stays.');
  const got = await page.inputValue('#edit-special_instructions');
  expect(got === 'Photo of Zürich city councillor Marco Keller; Keller asked for it; =nope= stays.', `expanded as typed (${got})`);
  const count = await page.locator('#edit-special_instructions + .count').textContent();
  expect(count.startsWith(`${new TextEncoder().encode(got).length} /`), `the byte count follows (${count})`);
  // the caption checks as one types: a weekday that does not fit the date
  await page.fill('#edit-caption', 'Council members vote in Zürich, Switzerland, Tuesday, Nov. 4, 2024. (AP Photo/Marco Keller)');
  await page.locator('#live-checks li', { hasText: 'Tuesday' }).waitFor();
  await page.fill('#edit-caption', 'Council members vote in Zürich, Switzerland, Monday, Nov. 4, 2024. (AP Photo/Marco Keller)');
  await page.locator('#live-checks li', { hasText: 'no problems found' }).waitFor();
  dialogs.push('accept'); // left without saving, on purpose
  await page.evaluate(() => { location.hash = '#/articles'; });
  await page.locator('#articles-view').waitFor();
});

await step('unsaved caption edits: leaving asks first; staying keeps them', async () => {
  const id = await page.evaluate(() => fetch('/api/photos?q=tromso').then((r) => r.json()).then((r) => r.results[0].id));
  await page.goto(`${url}#/photo/${id}`);
  await page.locator('#edit-headline').waitFor();
  await page.fill('#edit-headline', 'Not saved yet');
  dialogs.push('dismiss');
  await page.evaluate(() => { location.hash = '#/articles'; });
  await page.waitForFunction((pid) => location.hash === `#/photo/${pid}`, id);
  expect(await page.inputValue('#edit-headline') === 'Not saved yet', 'the edit is still there');
  expect(!(await page.isVisible('#articles-view')), 'the page stayed');
  dialogs.push('accept');
  await page.evaluate(() => { location.hash = '#/articles'; });
  await page.locator('#articles-view').waitFor();
  expect(dialogs.length === 0, 'both times it asked');
});

await step('roles: an admin adds a viewer in the page; the viewer looks and is offered no change; disabled, logged out', async () => {
  photodesk(['user', 'add', 'chief', '--role', 'admin'], 'chief password\n');
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await admin.goto(url);
  await admin.fill('#username', 'chief');
  await admin.fill('#password', 'chief password');
  await admin.click('#login-form button[type=submit]');
  await admin.locator('#users-link').waitFor();
  await admin.click('#users-link');
  await admin.fill('#new-user-name', 'vera');
  await admin.selectOption('#new-user-role', 'viewer');
  await admin.fill('#new-user-password', 'just looking');
  await admin.click('#new-user button[type=submit]');
  await admin.locator('#user-list tr', { hasText: 'vera' }).waitFor();
  expect(!(await page.isVisible('#users-link')), 'an editor is not offered the users');
  for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
    await admin.setViewportSize(viewport);
    const found = await axeFindings(admin);
    expect(found.length === 0, `axe on the users page at ${viewport.width} px: ${found.join('; ')}`);
    const wide = await admin.evaluate(() => document.documentElement.scrollWidth);
    expect(wide <= viewport.width, `the users page is ${wide} px wide`);
  }

  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await viewer.goto(url);
  await viewer.fill('#username', 'vera');
  await viewer.fill('#password', 'just looking');
  await viewer.click('#login-form button[type=submit]');
  await viewer.locator('#grid .card').first().waitFor();
  expect((await viewer.textContent('#who')) === 'vera (viewer)', 'the role is shown');
  expect(!(await viewer.isVisible('#upload-link')), 'no upload for a viewer');
  const id = await viewer.evaluate(() => fetch('/api/photos?q=tromso').then((r) => r.json()).then((r) => r.results[0].id));
  await viewer.goto(`${url}#/photo/${id}`);
  await viewer.locator('#photo-view dl.fields').first().waitFor();
  expect(await viewer.locator('#editor').count() === 0, 'no caption editor');
  expect(await viewer.locator('#pick-controls button').count() === 0, 'no pick buttons');
  expect(!(await viewer.isVisible('#attach-photo')), 'no attaching');
  const before = await viewer.evaluate((pid) => fetch(`/api/photos/${pid}`).then((r) => r.json()).then((p) => p.pick.rating), id);
  await viewer.keyboard.press('5');
  await viewer.waitForTimeout(300);
  const after = await viewer.evaluate((pid) => fetch(`/api/photos/${pid}`).then((r) => r.json()).then((p) => p.pick.rating), id);
  expect(before === after, 'a key changes no pick');

  // disabled by the admin: the viewer's next request goes back to the login
  const row = admin.locator('#user-list tr', { hasText: 'vera' });
  await row.locator('button', { hasText: 'Disable' }).click();
  await admin.locator('#user-list tr', { hasText: 'vera' }).locator('td', { hasText: 'disabled by chief' }).waitFor();
  await viewer.goto(`${url}#/articles`);
  await viewer.locator('#login-view').waitFor();
  if (process.env.PHOTODESK_SCREENSHOTS) {
    await admin.setViewportSize({ width: 1440, height: 900 });
    await admin.screenshot({ path: join(process.env.PHOTODESK_SCREENSHOTS, 'users-desktop.png'), fullPage: true });
    await admin.setViewportSize({ width: 390, height: 844 });
    await admin.screenshot({ path: join(process.env.PHOTODESK_SCREENSHOTS, 'users-phone.png'), fullPage: true });
  }
  await adminContext.close();
  await viewerContext.close();
});

// The sheet's first screen: 60 cards and the thumbnails in view. How fast is measured by
// bench/page/run (bench/README.md), not here.
await step('60 cards on the small sheet, every thumbnail in view decoded', async () => {
  const made = join(work, 'rally');
  mkdirSync(made, { recursive: true });
  const r = spawnSync(process.env.PHOTODESK_MAKE_PHOTOS, [made, '60'], { encoding: 'utf8' });
  expect(r.status === 0, `make-photos: ${r.stderr}`);
  photodesk(['ingest', made]);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.evaluate(() => localStorage.setItem('photodesk.sheet', 's'));
  await page.goto(`${url}#/articles`);
  await page.locator('#articles-view').waitFor();
  await page.evaluate(() => { location.hash = '#/search?q=rally&sort=arrived'; });
  await page.waitForFunction(() => {
    const imgs = [...document.querySelectorAll('#grid .card img')];
    const inView = imgs.filter((i) => i.getBoundingClientRect().top < window.innerHeight);
    return imgs.length >= 60 && inView.length > 0 && inView.every((i) => i.complete && i.naturalWidth > 0);
  }, null, { timeout: 30000 });
  // the small sheet puts more than one row of cards in view
  const rows = await page.evaluate(() => new Set([...document.querySelectorAll('#grid .card')]
    .filter((c) => c.getBoundingClientRect().top < window.innerHeight)
    .map((c) => Math.round(c.getBoundingClientRect().top))).size);
  expect(rows >= 2, `${rows} row(s) of cards in view`);
});

await step('a batch edit of 20 photos with a template and a code: previewed, applied as one batch, undone', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${url}#/search?q=rally&sort=arrived`);
  await page.locator('#grid .card').nth(19).waitFor();
  await page.locator('#grid .card').nth(0).locator('.pick-box').check();
  await page.locator('#grid .card').nth(19).click({ modifiers: ['Shift'] });
  expect(await page.locator('#grid .pick-box:checked').count() === 20, '20 chosen');
  const ids = await page.evaluate(() => [...document.querySelectorAll('#grid .card')].slice(0, 20).map((c) => Number(c.dataset.id)));
  await page.click('#picked-edit');
  await page.locator('#batch .batch-value').first().waitFor();
  await page.selectOption('#batch .batch-field >> nth=0', 'special_instructions');
  await page.selectOption('#batch .batch-op >> nth=0', 'set');
  await page.fill('#batch .batch-value >> nth=0', 'Pictured: =kel=, frame {seq:2}');
  await page.click('#batch-add');
  await page.locator('#batch-edits .edit-row').nth(1).waitFor();
  await page.selectOption('#batch .batch-field >> nth=1', 'caption');
  await page.selectOption('#batch .batch-op >> nth=1', 'replace');
  await page.locator('#batch-edits .edit-row').nth(1).locator('.batch-find').fill('Riverton');
  await page.fill('#batch .batch-value >> nth=1', 'Riverton, Veltria');
  // kept as the desk's template, the rows cleared, and the template used again
  await page.fill('#batch-template-name', 'Rally');
  await page.click('#batch-save-template');
  await page.locator('#batch-status', { hasText: 'Template "Rally" saved' }).waitFor();
  await page.click('#batch-edits .edit-row:has(.batch-field) button[aria-label^="Remove"] >> nth=1');
  await page.click('#batch-edits .edit-row:has(.batch-field) button[aria-label^="Remove"] >> nth=0');
  expect(await page.locator('#batch .batch-field').count() === 0, 'the rows are gone');
  await page.selectOption('#batch-template', { label: 'Rally (2)' });
  await page.click('#batch-use');
  await page.locator('#batch .batch-field').nth(1).waitFor();
  expect(await page.inputValue('#batch .batch-value >> nth=0') === 'Pictured: =kel=, frame {seq:2}', 'the template fills the rows');
  expect(await page.isDisabled('#batch-apply'), 'nothing can be applied before a preview');
  await page.click('#batch-preview');
  await page.locator('#batch-preview-table').waitFor();
  const rows = await page.locator('#batch-preview-table tbody tr').count();
  expect(rows >= 40, `each photo's two fields previewed (${rows} rows)`);
  const table = await page.textContent('#batch-preview-table');
  expect(table.includes('Pictured: Zürich city councillor Marco Keller, frame 01'), 'the code and the variable in the preview');
  expect(table.includes('in Riverton, Veltria, Sunday'), 'the replacement previewed');
  const before = await page.evaluate((id) => fetch(`/api/photos/${id}`).then((r) => r.json()), ids[19]);
  expect(!before.special_instructions, 'nothing saved by the preview');
  await page.click('#batch-apply');
  await page.locator('#batch-status', { hasText: '20 changed' }).waitFor();
  const after = await page.evaluate((id) => fetch(`/api/photos/${id}`).then((r) => r.json()), ids[19]);
  expect(after.special_instructions === 'Pictured: Zürich city councillor Marco Keller, frame 20', `saved (${after.special_instructions})`);
  expect(after.version === before.version + 1, `a version of its own (${before.version} -> ${after.version})`);
  await page.screenshot({ path: join(work, 'batch.png'), fullPage: false });
  if (process.env.PHOTODESK_SCREENSHOTS) {
    await page.screenshot({ path: join(process.env.PHOTODESK_SCREENSHOTS, 'batch-desktop.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#batch').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(process.env.PHOTODESK_SCREENSHOTS, 'batch-phone.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
  }
  await page.click('#batch-undo');
  await page.locator('#batch-status', { hasText: 'Undone: 20' }).waitFor();
  const undone = await page.evaluate((id) => fetch(`/api/photos/${id}`).then((r) => r.json()), ids[19]);
  expect(!undone.special_instructions && undone.caption.includes('in Riverton, Sunday'), 'back as it was');
  await page.click('#batch-close');
  await page.click('#picked-clear');
});

await step('the desk page: a code file imported and downloaded; an admin\'s ingest rule amends an upload', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${url}#/desk`);
  await page.locator('#codes-list tr', { hasText: 'kel' }).waitFor();
  expect(!(await page.isVisible('#new-rule')), 'an editor is offered no rule form');
  await page.check('#codes-merge');
  await page.setInputFiles('#codes-file', {
    name: 'desk-codes.txt', mimeType: 'text/plain',
    buffer: Buffer.from('\ufeff// added by the desk\r\nbvb\tBorussia Dortmund\tDortmund\r\nevil\t<img src=x onerror=alert(1)>\r\n'),
  });
  await page.click('#codes-import button[type=submit]');
  await page.locator('#codes-status', { hasText: 'desk-codes.txt: the desk has' }).waitFor();
  await page.fill('#codes-filter', 'dortmund');
  await page.waitForFunction(() => document.querySelectorAll('#codes-list tr').length === 1);
  expect((await page.textContent('#codes-list')).includes('Borussia Dortmund · Dortmund'), 'the new code listed with its forms');
  await page.fill('#codes-filter', '');
  await page.locator('#codes-list tr', { hasText: 'kel' }).waitFor(); // merged: the desk's codes kept
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#codes-export')]);
  const file = readFileSync(await download.path(), 'utf8');
  expect(file.includes('bvb\tBorussia Dortmund\tDortmund\n') && file.includes('kel\t'), 'the downloaded file holds both');
  await noInjection('desk page');

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  admin.on('dialog', (d) => d.accept()); // removing the rule asks first
  await admin.goto(url);
  await admin.fill('#username', 'chief');
  await admin.fill('#password', 'chief password');
  await admin.click('#login-form button[type=submit]');
  await admin.locator('#desk-link').waitFor();
  await admin.click('#desk-link');
  await admin.locator('#rule-template option', { hasText: 'Rally' }).waitFor({ state: 'attached' });
  await admin.fill('#rule-name', 'Riverton rallies');
  await admin.selectOption('#rule-template', 'Rally');
  await admin.fill('#rule-credit', '*dana ruiz*');
  await admin.click('#new-rule button[type=submit]');
  await admin.locator('#rules-list tr', { hasText: 'Riverton rallies' }).waitFor();
  expect((await admin.textContent('#rules-list')).includes('credit *dana ruiz*'), 'the rule says when it applies');
  // a new rally photo uploaded by the editor comes in with the template applied
  const more = join(work, 'rally-more');
  mkdirSync(more, { recursive: true });
  const made = spawnSync(process.env.PHOTODESK_MAKE_PHOTOS, [more, '61'], { encoding: 'utf8' });
  expect(made.status === 0, `make-photos: ${made.stderr}`);
  await page.goto(`${url}#/upload`);
  await page.setInputFiles('#files', join(more, 'rally-061.jpg'));
  await page.locator('#uploads a', { hasText: 'added' }).waitFor();
  const id = Number((await page.getAttribute('#uploads a', 'href')).split('/').pop());
  const photo = await page.evaluate((pid) => fetch(`/api/photos/${pid}`).then((r) => r.json()), id);
  expect(photo.version === 2, `the rule's version (${photo.version})`);
  expect(photo.special_instructions === 'Pictured: Zürich city councillor Marco Keller, frame 01', `the template applied (${photo.special_instructions})`);
  expect(photo.caption.includes('in Riverton, Veltria, Sunday'), 'the template\'s replacement too');
  expect(photo.versions.some((v) => v.user === 'rule Riverton rallies'), 'the version is the rule\'s');
  await page.goto(`${url}#/photo/${id}`);
  await page.locator('#photo-view', { hasText: 'rule Riverton rallies' }).waitFor();
  // the rule removed by the admin
  await admin.click('#rules-list tr:has-text("Riverton rallies") button');
  await admin.locator('#rules-list', { hasText: 'No rules' }).waitFor();
  for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
    await admin.setViewportSize(viewport);
    const found = await axeFindings(admin);
    expect(found.length === 0, `axe on the desk page at ${viewport.width} px: ${found.join('; ')}`);
    if (process.env.PHOTODESK_SCREENSHOTS) {
      await admin.screenshot({ path: join(process.env.PHOTODESK_SCREENSHOTS, `desk-${viewport.width > 400 ? 'desktop' : 'phone'}.png`), fullPage: true });
    }
  }
  await adminContext.close();
});

await step('delivery targets: an admin adds a folder on the desk page; an editor delivers an article there', async () => {
  const drop = join(work, 'cms-drop');
  mkdirSync(drop);
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  admin.on('pageerror', (e) => problems.push(`admin page error: ${e.message}`));
  await admin.goto(url);
  await admin.fill('#username', 'chief');
  await admin.fill('#password', 'chief password');
  await admin.click('#login-form button[type=submit]');
  await admin.locator('#search-view').waitFor();
  await admin.goto(`${url}#/desk`);
  await admin.locator('#targets-list', { hasText: 'No targets' }).waitFor();
  await admin.fill('#target-name', 'CMS drop');
  await admin.fill('#target-where', 'relative/folder');
  await admin.click('#new-target button[type=submit]');
  await admin.locator('#target-status.error', { hasText: 'not an absolute path' }).waitFor();
  await admin.fill('#target-where', drop);
  await admin.click('#new-target button[type=submit]');
  await admin.locator('#targets-list tr', { hasText: 'CMS drop' }).waitFor();
  // and a profile of the desk's own, which the article page then offers
  await admin.fill('#profile-name', 'Tabloid');
  await admin.fill('#profile-edge', '3000');
  await admin.fill('#profile-quality', '92');
  await admin.click('#new-profile button[type=submit]');
  await admin.locator('#profiles-list tr', { hasText: 'tabloid' }).waitFor();
  expect((await admin.textContent('#profiles-list')).includes('3000 px on the long edge'), 'the profile listed with its size');
  await page.goto(`${url}#/desk`);
  await page.locator('#targets-list tr', { hasText: 'CMS drop' }).waitFor();
  expect(!(await page.isVisible('#new-target')), 'an editor is offered no target form');
  // the editor delivers an article with photos to it
  const article = await page.evaluate(async () => {
    const { csrf } = await fetch('/api/me').then((r) => r.json());
    const send = (method, url, body) => fetch(url, {
      method, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify(body),
    }).then((r) => r.json());
    const id = (await fetch('/api/photos?q=valdemoro').then((r) => r.json())).results[0].id;
    const a = await send('POST', '/api/articles', { slug: 'spain-wildfire' });
    await send('POST', `/api/articles/${a.id}/photos`, { photo_id: id });
    return a.id;
  });
  await page.goto(`${url}#/article/${article}`);
  await page.locator('#deliver-target option', { hasText: 'CMS drop' }).waitFor({ state: 'attached' });
  await page.locator('select[aria-label="Output profile"] option', { hasText: 'tabloid, 3000 px' }).first().waitFor({ state: 'attached' });
  await page.click('#deliver');
  await page.locator('.deliver-to [role=status]', { hasText: 'Delivered to CMS drop' }).waitFor();
  const made = readdirSync(drop);
  expect(made.length === 1 && !made[0].startsWith('.'), `one package in the folder: ${made}`);
  const files = readdirSync(join(drop, made[0]));
  expect(files.includes('article.json') && files.filter((f) => f.endsWith('.jpg')).length >= 1, `its files: ${files}`);
  await page.locator('#delivery-list li', { hasText: 'CMS drop' }).waitFor();
  expect((await page.textContent('#delivery-list')).includes(join(drop, made[0])), 'where it went is listed');
  await noInjection('article page after a delivery to a target');
  for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
    await page.setViewportSize(viewport);
    const found = await axeFindings(page);
    expect(found.length === 0, `axe on the article page at ${viewport.width} px: ${found.join('; ')}`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(wide <= viewport.width, `the article page fits ${viewport.width} px (${wide})`);
    if (process.env.PHOTODESK_SCREENSHOTS) {
      await page.screenshot({ path: join(process.env.PHOTODESK_SCREENSHOTS, `deliver-${viewport.width > 400 ? 'desktop' : 'phone'}.png`), fullPage: true });
      await admin.setViewportSize(viewport);
      await admin.screenshot({ path: join(process.env.PHOTODESK_SCREENSHOTS, `targets-${viewport.width > 400 ? 'desktop' : 'phone'}.png`), fullPage: true });
    }
  }
  await page.setViewportSize({ width: 1280, height: 720 });
  // removed by the admin: the article keeps its delivery
  admin.on('dialog', (d) => d.accept());
  await admin.click('#targets-list tr:has-text("CMS drop") button');
  await admin.locator('#targets-list', { hasText: 'No targets' }).waitFor();
  await adminContext.close();
});

await step('keyboard: Tab reaches the grid, each card has a name, the arrows move from there', async () => {
  await page.goto(`${url}#/search?sort=arrived`);
  await page.locator('#grid .card').nth(2).waitFor();
  await page.focus('#q');
  // Tab from the search box: through the form and the menu to "Skip to the results"
  // (before the saved searches and the counts), which takes the focus to the cards
  let onCard = false;
  for (let i = 0; i < 40 && !onCard; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement.id === 'to-results')) await page.keyboard.press('Enter');
    onCard = await page.evaluate(() => document.activeElement.classList.contains('card'));
  }
  expect(onCard, 'Tab reaches a card');
  const name = await page.evaluate(() => document.activeElement.getAttribute('aria-label'));
  expect(name && name.length > 5, `the card has a name (${name})`);
  await page.keyboard.press('ArrowRight');
  expect(await page.evaluate(() => document.activeElement.dataset.index) === '1', 'the arrow moved to the next card');
  const inTabOrder = await page.locator('#grid .card[tabindex="0"]').count();
  expect(inTabOrder === 1, `one card in the Tab order (${inTabOrder})`);
});

await step('the contact sheet: three sizes, cells of one size, the small one holds 40 and more at 1440 x 900', async () => {
  await page.setViewportSize({ width: 1440, height: 900 });
  try {
    await page.goto(`${url}#/search?sort=arrived`);
    await page.locator('#grid .card').nth(5).waitFor();
    await page.click('#sheet-size button[data-size="s"]');
    const fit = await page.evaluate(() => {
      const grid = document.getElementById('grid');
      const cards = [...grid.children];
      const first = cards[0].getBoundingClientRect();
      const heights = new Set(cards.map((c) => Math.round(c.getBoundingClientRect().height)));
      const widths = new Set(cards.map((c) => Math.round(c.getBoundingClientRect().width)));
      const gap = parseFloat(getComputedStyle(grid).rowGap);
      const columns = getComputedStyle(grid).gridTemplateColumns.split(' ').length;
      const rows = Math.floor((window.innerHeight - first.top + gap) / (first.height + gap));
      return { columns, rows, heights: [...heights], widths: [...widths] };
    });
    expect(fit.heights.length === 1 && fit.widths.length === 1, `one cell size (${JSON.stringify(fit)})`);
    expect(fit.columns * fit.rows >= 40, `${fit.columns} x ${fit.rows} cells above the fold`);
    // the choice is kept
    await page.reload();
    await page.locator('#grid.size-s .card').first().waitFor();
    await page.click('#sheet-size button[data-size="l"]');
    expect(await page.locator('#grid.size-l').count() === 1, 'the large size');
    await page.click('#sheet-size button[data-size="m"]');
  } finally {
    await page.setViewportSize({ width: 1280, height: 720 });
  }
});

await step('a photo\'s page: arrows to the next and previous result, z for the loupe, Esc back', async () => {
  await page.goto(`${url}#/search?sort=arrived`);
  await page.locator('#grid .card').nth(3).waitFor();
  const ids = await page.locator('#grid .card').evaluateAll((cards) => cards.map((c) => c.dataset.id));
  await page.locator('#grid .card').nth(1).click();
  await page.waitForURL(`**#/photo/${ids[1]}`);
  await page.locator('#preview').waitFor();
  await page.keyboard.press('ArrowRight');
  await page.waitForURL(`**#/photo/${ids[2]}`);
  await page.locator(`#photo-view[data-id="${ids[2]}"] #preview`).waitFor();
  await page.keyboard.press('ArrowLeft');
  await page.waitForURL(`**#/photo/${ids[1]}`);
  await page.locator(`#photo-view[data-id="${ids[1]}"] #preview`).waitFor();
  await page.keyboard.press('z');
  await page.locator('#preview-box.zoomed').waitFor();
  await page.waitForFunction(() => document.getElementById('preview').complete);
  const shown = await page.evaluate(() => {
    const img = document.getElementById('preview');
    return { natural: img.naturalWidth, width: img.getBoundingClientRect().width, src: img.src };
  });
  expect(shown.src.includes('/web') && Math.abs(shown.width - shown.natural) < 2, `the web rendition at 100 % (${JSON.stringify(shown)})`);
  await page.keyboard.press('Escape');
  await page.locator('#preview-box:not(.zoomed)').waitFor();
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => location.hash.startsWith('#/search'), null, { timeout: 5000 })
    .catch(async () => { throw new Error(`Esc left the page at ${await page.evaluate(() => location.hash)}`); });
  await page.locator('#search-view:not([hidden]) #grid .card.selected').waitFor({ timeout: 5000 })
    .catch(async () => { throw new Error(`selected: ${await page.evaluate(() => [...document.querySelectorAll('#grid .card')].filter((c) => c.classList.contains('selected')).length)}, search hidden: ${await page.evaluate(() => document.getElementById('search-view').hidden)}`); });
  expect(await page.locator('#grid .card.selected').getAttribute('data-id') === ids[1], 'back on the results, at the photo last shown');
});

await step('Back from a photo returns to the same results, at the same place, the same card selected', async () => {
  await page.setViewportSize({ width: 900, height: 480 });
  try {
    await page.goto(`${url}#/search?sort=arrived`);
    await page.locator('#grid .card').nth(5).waitFor();
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
    const chosen = await page.locator('#grid .card.selected').getAttribute('data-id');
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(scrolled > 0, 'the page scrolled to the selected card');
    let searched = 0;
    const count = (r) => { if (r.url().includes('/api/photos?')) searched++; };
    page.on('request', count);
    await page.keyboard.press('Enter');
    await page.locator('#photo-view:not([hidden]) #pick-controls').waitFor();
    await page.goBack();
    await page.locator('#search-view:not([hidden]) #grid .card.selected').waitFor();
    page.off('request', count);
    expect(await page.locator('#grid .card.selected').getAttribute('data-id') === chosen, 'the same card is selected');
    const back = await page.evaluate(() => window.scrollY);
    expect(Math.abs(back - scrolled) < 5, `the same place (${back} after ${scrolled})`);
    expect(searched === 0, `the results were kept, not fetched again (${searched} searches)`);
  } finally {
    await page.setViewportSize({ width: 1280, height: 720 });
  }
});

await step('a phone (390 x 844): no page scrolls sideways, the picture comes first', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    const id = await page.evaluate(() => fetch('/api/photos?q=zurich').then((r) => r.json()).then((j) => j.results[0].id));
    const article = await page.evaluate(() => fetch('/api/articles').then((r) => r.json()).then((j) => j.articles[0].id));
    const harbour = await page.evaluate(() => fetch('/api/photos?q=tromso').then((r) => r.json()).then((j) => j.results[0].id));
    const two = await page.evaluate(() => fetch('/api/photos?limit=2').then((r) => r.json()).then((j) => j.results.map((x) => x.id).join(',')));
    for (const hash of ['#/search', `#/photo/${id}`, `#/photo/${harbour}`, '#/articles', `#/article/${article}`, '#/upload',
      '#/lightboxes', `#/compare/${two}`, '#/desk']) {
      await page.goto(`${url}${hash}`);
      await page.waitForLoadState('networkidle');
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      if (wide > 390) {
        // which elements reach past the screen's edge, for the failure to name them
        const past = await page.evaluate(() => [...document.querySelectorAll('body *')]
          .filter((e) => e.getClientRects().length
            && (e.getBoundingClientRect().right > 391 || e.scrollWidth > e.clientWidth + 1))
          .slice(-6).map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${[...e.classList].map((c) => `.${c}`).join('')}`
            + ` (${Math.round(e.getBoundingClientRect().width)} px: "${(e.textContent || '').trim().slice(0, 40)}")`));
        expect(false, `${hash} is ${wide} px wide on a 390 px screen: ${past.join('; ')}`);
      }
    }
    await page.goto(`${url}#/photo/${id}`);
    await page.locator('#preview').waitFor();
    const order = await page.evaluate(() => {
      const pic = document.querySelector('#preview').getBoundingClientRect().top;
      const fields = document.querySelector('#photo-view dl.fields').getBoundingClientRect().top;
      return pic < fields;
    });
    expect(order, 'the picture is above the fields');
  } finally {
    await page.setViewportSize({ width: 1280, height: 720 });
  }
});

await step('accessibility: axe-core finds nothing serious on any page, desktop and phone', async () => {
  const id = await page.evaluate(() => fetch('/api/photos?q=zurich').then((r) => r.json()).then((j) => j.results[0].id));
  const ai = await page.evaluate(() => fetch('/api/photos?made=ai').then((r) => r.json()).then((j) => j.results[0].id));
  const article = await page.evaluate(() => fetch('/api/articles').then((r) => r.json()).then((j) => j.articles[0].id));
  const harbour = await page.evaluate(() => fetch('/api/photos?q=tromso').then((r) => r.json()).then((j) => j.results[0].id));
  const two = await page.evaluate(() => fetch('/api/photos?limit=2').then((r) => r.json()).then((j) => j.results.map((x) => x.id).join(',')));
  const problems = [];
  for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
    await page.setViewportSize(viewport);
    for (const hash of ['#/search', `#/photo/${id}`, `#/photo/${ai}`, `#/photo/${harbour}`, '#/articles', `#/article/${article}`,
      '#/upload', '#/lightboxes', `#/compare/${two}`, '#/desk']) {
      await page.goto(`${url}${hash}`);
      await page.waitForLoadState('networkidle');
      for (const f of await axeFindings()) problems.push(`${viewport.width} px ${hash}: ${f}`);
    }
  }
  // the dark theme, as the system asks for it
  await page.setViewportSize({ width: 1440, height: 900 });
  const light = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  await page.emulateMedia({ colorScheme: 'dark' });
  try {
    for (const hash of ['#/search', `#/photo/${id}`, `#/photo/${ai}`, `#/article/${article}`]) {
      await page.goto(`${url}${hash}`);
      await page.waitForLoadState('networkidle');
      for (const f of await axeFindings()) problems.push(`dark ${hash}: ${f}`);
    }
    const dark = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(dark !== light, `the dark theme applies (${dark} after ${light})`);
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 720 });
  }
  expect(problems.length === 0, problems.join('\n# '));
});

// PHOTODESK_SCREENSHOTS=DIR: each page at desktop and phone sizes, to look at.
if (process.env.PHOTODESK_SCREENSHOTS) {
  await step('screenshots of every page, desktop and phone', async () => {
    const dir = process.env.PHOTODESK_SCREENSHOTS;
    mkdirSync(dir, { recursive: true });
    const id = await page.evaluate(() => fetch('/api/photos?q=zurich').then((r) => r.json()).then((j) => j.results[0].id));
    const pool = await page.evaluate(() => fetch('/api/photos?q=marchetti').then((r) => r.json()).then((j) => j.results[0].id));
    const ai = await page.evaluate(() => fetch('/api/photos?made=ai').then((r) => r.json()).then((j) => j.results[0].id));
    const harbour = await page.evaluate(() => fetch('/api/photos?q=tromso').then((r) => r.json()).then((j) => j.results[0].id));
    const two = await page.evaluate(() => fetch('/api/photos?limit=3').then((r) => r.json()).then((j) => j.results.map((x) => x.id).join(',')));
    const pages = { search: '#/search', photo: `#/photo/${id}`, pool: `#/photo/${pool}`, ai: `#/photo/${ai}`,
      camera: `#/photo/${harbour}`, articles: '#/articles', upload: '#/upload', lightboxes: '#/lightboxes',
      compare: `#/compare/${two}`, desk: '#/desk' };
    for (const [size, viewport] of Object.entries({ desktop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } })) {
      await page.setViewportSize(viewport);
      for (const [name, hash] of Object.entries(pages)) {
        await page.goto(`${url}${hash}`);
        await page.waitForLoadState('networkidle');
        if (hash.startsWith('#/photo/')) await page.locator('#photo-view #pick-controls').waitFor();
        if (hash.startsWith('#/compare/')) await page.locator('#compare figure').first().waitFor();
        await page.screenshot({ path: join(dir, `${name}-${size}.png`), fullPage: true });
      }
    }
    // the small contact sheet, and the dark theme, at desktop size
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${url}#/search`);
    await page.locator('#grid .card').first().waitFor();
    await page.click('#sheet-size button[data-size="s"]');
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(dir, 'search-small-desktop.png'), fullPage: false });
    await page.click('#sheet-size button[data-size="m"]');
    await page.emulateMedia({ colorScheme: 'dark' });
    for (const name of ['search', 'photo']) {
      await page.goto(`${url}${pages[name]}`);
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: join(dir, `${name}-dark.png`), fullPage: false });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 720 });
  });
}

await step('log out', async () => {
  await page.click('#logout');
  await page.locator('#login-view').waitFor();
  const status = await page.evaluate(() => fetch('/api/me').then((r) => r.status));
  expect(status === 401, 'the session is gone');
  problems.length = 0;
});

await step('nothing from a caption ran, on any page', async () => {
  expect(problems.length === 0, problems.join('; '));
});

await browser.close();
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
const left = existsSync(join(library, 'tmp')) ? readdirSync(join(library, 'tmp')) : [];
n++;
if (left.length === 0) console.log(`ok ${n} - the server stopped and left nothing in tmp/`);
else { failed++; console.log(`not ok ${n} - left in tmp/: ${left.join(', ')}`); }
rmSync(work, { recursive: true, force: true });
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
