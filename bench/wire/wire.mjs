// bench/wire/wire.mjs: the wire arriving in a hot folder, measured against the page's
// view of it. Run by bench/wire/run, which makes the photos and says what it needs.
//
//   steady: one photo a second, written the ways FTP servers write (a temporary name
//           then a rename; slow chunks into the final name); for each, the time from
//           the file being complete (the rename, the last chunk's close) to the photo
//           answering GET /api/photos/ID, and to its event arriving on /api/events.
//   burst:  B files renamed into the hot folder at once; photos per second until the
//           last is committed, against `photodesk ingest` of the same files into an
//           empty library, one after the other in the same run.

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const bin = args.bin;
const photosDir = args.photos;
const work = args.work;
const steadyN = Number(args.steady || 60);
const burstN = Number(args.burst || 300);
const settle = Number(args.settle || 2);
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const now = () => performance.now();

const photos = readdirSync(photosDir).filter((f) => f.endsWith('.jpg')).sort().map((f) => join(photosDir, f));
if (photos.length < Math.max(steadyN, burstN)) throw new Error(`needs ${Math.max(steadyN, burstN)} photos in ${photosDir}`);

function pd(library, argv, input) {
  const r = spawnSync(bin, ['--library', library, ...argv], { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`photodesk ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function serve(library, hot) {
  const child = spawn(bin, ['--library', library, 'serve', '--listen', '127.0.0.1:0', '--quiet',
    '--watch', hot, '--settle', String(settle)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      const m = line.match(/(http:\/\/\S+)/);
      if (m) resolve(m[1]); else reject(new Error(line));
      lines.on('line', () => {});
    });
  });
  pd(library, ['user', 'add', 'bench'], 'bench password\n');
  const login = await fetch(`${url}api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: 'bench password' }) });
  const cookie = login.headers.get('set-cookie').split(';')[0];
  return { child, url, cookie };
}

// Every photo event's arrival time, by photo id.
function listen(s) {
  const heard = new Map();
  const ctl = new AbortController();
  (async () => {
    const res = await fetch(`${s.url}api/events`, { headers: { cookie: s.cookie }, signal: ctl.signal });
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += dec.decode(value, { stream: true });
      let cut;
      while ((cut = text.indexOf('\n\n')) >= 0) {
        const msg = text.slice(0, cut);
        text = text.slice(cut + 2);
        if (!msg.includes('event: photo')) continue;
        const m = msg.match(/"photo_id": (\d+)/);
        if (m && !heard.has(Number(m[1]))) heard.set(Number(m[1]), now());
      }
    }
  })().catch(() => {});
  return { heard, stop: () => ctl.abort() };
}

async function visible(s, id, until) {
  while (now() < until) {
    const r = await fetch(`${s.url}api/photos/${id}`, { headers: { cookie: s.cookie } });
    await r.arrayBuffer();
    if (r.status === 200) return now();
    await sleep(20);
  }
  return NaN;
}

const pct = (xs, p) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? v[Math.min(v.length - 1, Math.ceil(p / 100 * v.length) - 1)] : NaN;
};

// ---------------------------------------------------------------- steady

async function steady() {
  const dir = join(work, 'steady');
  rmSync(dir, { recursive: true, force: true });
  const library = join(dir, 'library');
  const hot = join(dir, 'hot');
  mkdirSync(hot, { recursive: true });
  const s = await serve(library, hot);
  const events = listen(s);
  await sleep(500);
  const toPage = [], toEvent = [];
  const completes = new Map();
  const waits = [];
  const start = now();
  for (let i = 0; i < steadyN; i++) {
    const due = start + i * 1000;
    if (due > now()) await sleep(due - now());
    const name = `steady-${String(i).padStart(4, '0')}.jpg`;
    if (i % 2 === 0) { // a temporary name, then the rename
      const tmp = join(hot, `.in.${name}.`);
      copyFileSync(photos[i], tmp);
      renameSync(tmp, join(hot, name));
    } else { // four chunks, 100 ms apart, into the final name
      const data = readFileSync(photos[i]);
      const fd = openSync(join(hot, name), 'w');
      for (let k = 0; k < 4; k++) {
        writeSync(fd, data, Math.floor(data.length * k / 4), Math.floor(data.length * (k + 1) / 4) - Math.floor(data.length * k / 4));
        if (k < 3) await sleep(100);
      }
      closeSync(fd);
    }
    const complete = now();
    const id = i + 1; // one at a time, into an empty library: ids in order
    completes.set(id, complete);
    waits.push(visible(s, id, complete + 30000).then((t) => { toPage.push((t - complete) / 1000); }));
  }
  await Promise.all(waits);
  await sleep(2000); // the last events
  for (const [id, complete] of completes) {
    const heardAt = events.heard.get(id);
    toEvent.push(heardAt ? (heardAt - complete) / 1000 : NaN);
  }
  events.stop();
  s.child.kill('SIGTERM');
  await new Promise((ok) => s.child.once('exit', ok));
  return { toPage, toEvent };
}

// ---------------------------------------------------------------- burst

async function burst() {
  const dir = join(work, 'burst');
  rmSync(dir, { recursive: true, force: true });
  const files = photos.slice(0, burstN);
  for (const f of files) readFileSync(f); // warm the page cache

  // photodesk ingest of the same files
  const lib2 = join(dir, 'ingest-library');
  mkdirSync(dir, { recursive: true });
  const t0 = now();
  pd(lib2, ['ingest', ...files]);
  const ingestSeconds = (now() - t0) / 1000;

  // the hot folder: the files staged on the same filesystem, renamed in at once
  const library = join(dir, 'library');
  const hot = join(dir, 'hot');
  const stage = join(dir, 'stage');
  mkdirSync(hot, { recursive: true });
  mkdirSync(stage, { recursive: true });
  files.forEach((f, i) => copyFileSync(f, join(stage, `burst-${String(i).padStart(4, '0')}.jpg`)));
  const s = await serve(library, hot);
  await sleep(500);
  const dropped = now();
  for (const name of readdirSync(stage)) renameSync(join(stage, name), join(hot, name));
  let done = NaN;
  while (now() - dropped < 3600 * 1000) {
    const r = await fetch(`${s.url}api/photos?limit=1`, { headers: { cookie: s.cookie } }).then((x) => x.json());
    if (r.total >= burstN) { done = now(); break; }
    await sleep(100);
  }
  s.child.kill('SIGTERM');
  await new Promise((ok) => s.child.once('exit', ok));
  const watchSeconds = (done - dropped) / 1000;
  return { ingestSeconds, watchSeconds };
}

const st = await steady();
const b = burstN > 0 ? await burst() : null;
const f2 = (x) => x.toFixed(2);
console.log(`\nsteady: ${steadyN} photos at 1/s, settle ${settle} s (half renamed into place, half written in 4 chunks 100 ms apart)\n`);
console.log('| from the file complete to | p50 (s) | p99 (s) | max (s) | target p99 (s) |');
console.log('|---|---|---|---|---|');
console.log(`| the photo in GET /api/photos/ID | ${f2(pct(st.toPage, 50))} | ${f2(pct(st.toPage, 99))} | ${f2(pct(st.toPage, 100))} | ${f2(settle + 1.5)} |`);
console.log(`| its event on /api/events | ${f2(pct(st.toEvent, 50))} | ${f2(pct(st.toEvent, 99))} | ${f2(pct(st.toEvent, 100))} | ${f2(settle + 1.5)} |`);
const missing = st.toEvent.filter((x) => !Number.isFinite(x)).length;
if (missing) console.log(`\n${missing} events not heard`);
if (!b) process.exit(0);
console.log(`\nburst: ${burstN} files renamed into the hot folder at once\n`);
console.log('| | seconds | photos/s |');
console.log('|---|---|---|');
console.log(`| photodesk ingest (same files, empty library) | ${f2(b.ingestSeconds)} | ${f2(burstN / b.ingestSeconds)} |`);
console.log(`| hot folder, drop to last committed (settle included) | ${f2(b.watchSeconds)} | ${f2(burstN / b.watchSeconds)} |`);
console.log(`\nhot folder / ingest: **${f2(b.ingestSeconds / b.watchSeconds)}x** (target at least 0.9x)`);
