// page.mjs: the contact sheet's first screen, timed in Debian's chromium (headless,
// Playwright): from setting the address to 60 cards on the sheet with every thumbnail in
// view decoded. Run by bench/page/run, which sets PHOTODESK_BIN, PHOTODESK_MAKE_PHOTOS and
// PHOTODESK_SOURCE_ROOT.
//
//   node page.mjs [RUNS] [ROUNDS]      (default 5 runs of 5 rounds)
//
// Each run is a new browser context (an empty cache, a new login). Each round loads the
// page anew at the articles page and then sets the search's address, so the search is
// asked of the server every time; the first round fetches the thumbnails over HTTP, the
// others find them in the browser's cache (they are served immutable). Prints a line for
// each run and, last, the median of the runs' medians and the slowest first round.

import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const bin = process.env.PHOTODESK_BIN;
const makePhotos = process.env.PHOTODESK_MAKE_PHOTOS;
const root = process.env.PHOTODESK_SOURCE_ROOT;
const runs = Number(process.argv[2] || 5);
const rounds = Number(process.argv[3] || 5);
if (!bin || !makePhotos || !root || !(runs >= 1) || !(rounds >= 1)) {
  console.error('usage: PHOTODESK_BIN=... PHOTODESK_MAKE_PHOTOS=... PHOTODESK_SOURCE_ROOT=... node page.mjs [RUNS] [ROUNDS]');
  process.exit(2);
}
// playwright-core as the browser tests install it (npm ci in tests/browser)
const { chromium } = createRequire(join(root, 'tests/browser/package.json'))('playwright-core');

const work = mkdtempSync(join(tmpdir(), 'photodesk-page-'));
const library = join(work, 'library');
function photodesk(args, input) {
  const r = spawnSync(bin, ['--library', library, ...args], { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`photodesk ${args.join(' ')}: ${r.stderr}`);
}
const made = join(work, 'rally');
mkdirSync(made);
const r = spawnSync(makePhotos, [made, '60'], { encoding: 'utf8' });
if (r.status !== 0) throw new Error(`make-photos: ${r.stderr}`);
photodesk(['ingest', made]);
photodesk(['user', 'add', 'editor'], 'desk password\n');

const server = spawn(bin, ['--library', library, 'serve', '--listen', '127.0.0.1:0', '--quiet'],
  { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: server.stdout });
  lines.once('line', (line) => {
    const m = line.match(/(http:\/\/\S+)/);
    if (m) resolve(m[1]); else reject(new Error(`unexpected first line: ${line}`));
    lines.on('line', () => {});
  });
  server.once('exit', (code) => reject(new Error(`photodesk serve exited (${code})`)));
});

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const fmt = (t) => t.toFixed(0);
const medians = [];
const firsts = [];
try {
  for (let run = 1; run <= runs; run++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(url);
    await page.fill('#username', 'editor');
    await page.fill('#password', 'desk password');
    await page.click('#login-form button[type=submit]');
    await page.locator('#search-view').waitFor();
    await page.evaluate(() => localStorage.setItem('photodesk.sheet', 's'));
    const times = [];
    for (let round = 0; round < rounds; round++) {
      // the page loaded anew each round, so the search is asked of the server each time
      // (going back to the results on a loaded page shows them without asking)
      await page.goto('about:blank');
      await page.goto(`${url}#/articles`);
      await page.locator('#articles-view').waitFor();
      times.push(await page.evaluate(() => new Promise((done) => {
        const start = performance.now();
        location.hash = '#/search?q=rally&sort=arrived';
        const check = () => {
          const imgs = [...document.querySelectorAll('#grid .card img')];
          const inView = imgs.filter((i) => i.getBoundingClientRect().top < window.innerHeight);
          if (imgs.length >= 60 && inView.length > 0 && inView.every((i) => i.complete && i.naturalWidth > 0))
            done(performance.now() - start);
          else requestAnimationFrame(check);
        };
        check();
      })));
    }
    await context.close();
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor((rounds - 1) / 2)];
    medians.push(median);
    firsts.push(times[0]);
    console.log(`run ${run}: ${sorted.map(fmt).join(', ')} ms (sorted); median ${fmt(median)} ms, first (cold) ${fmt(times[0])} ms`);
  }
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(work, { recursive: true, force: true });
}
medians.sort((a, b) => a - b);
console.log(`median of the runs' medians ${fmt(medians[Math.floor((runs - 1) / 2)])} ms; slowest first round ${fmt(Math.max(...firsts))} ms`);
