#!/usr/bin/env node
// Drives a running telerad through one simulated day, the way `pnpm simulate` does in simulated
// time, and prints the same figures measured on the real system beside the simulator's.
//
//   pnpm build && node scripts/load.mjs --load fixtures/scenarios/morning-rush.yaml [--seed 1]
//     [--region fixtures/scenarios/region.sim.yaml] [--seconds-per-minute 1] [--image-size 256]
//
// It starts services/all-in-one/dist/main.js on its embedded defaults in a temp directory, with the
// region file's SLA limits and the load file's reading times compressed so that one simulated
// minute lasts `--seconds-per-minute` seconds. The day is the simulator's for that seed: the same
// studies (clinic, priority, modality, images, arrival) and the same drawn reading times.
//   - clinics send each study as real DICOM (synthetic DX/CR images) over STOW-RS at its arrival
//     and submit it (the SLA clock starts there);
//   - one reading bot per radiologist of the scenario logs in, sends the worklist heartbeat
//     (POST /api/presence), and while on duty opens the first study of its worklist (the order
//     the page shows), claims it, waits the study's drawn reading time, saves a report and signs;
//   - shifts and absences of the load file are applied through the roster API at their time.
// When every study is signed it reads the figures back from the system (the studies API and
// GET /api/sla/summary) and prints them with the simulator's, then one JSON line.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { embeddedTeleradEnv, freePort, killGroup, sleep } from './bench/lib/telerad.mjs';

const root = path.resolve(import.meta.dirname, '..');
const sim = await import(`${root}/packages/sim/dist/index.js`);
const { PRIORITIES } = await import(`${root}/packages/core/dist/index.js`);
const { parseDuration } = await import(`${root}/packages/config/dist/index.js`);
const { createDxInstance, newUid } = await import(`${root}/packages/dicom/dist/index.js`);
const YAML = createRequire(`${root}/packages/config/package.json`)('yaml');

const { values } = parseArgs({
  options: {
    load: { type: 'string' },
    region: { type: 'string', default: 'fixtures/scenarios/region.sim.yaml' },
    seed: { type: 'string', default: '1' },
    'seconds-per-minute': { type: 'string', default: '1' },
    'image-size': { type: 'string', default: '256' },
    'poll-ms': { type: 'string', default: '150' },
    keep: { type: 'boolean', default: false },
  },
});
if (values.load === undefined)
  throw new Error('--load FILE is required (a load file, e.g. fixtures/scenarios/quiet-day.yaml)');
const seed = Number(values.seed);
const secondsPerMinute = Number(values['seconds-per-minute']);
const imageSize = Number(values['image-size']);
const pollMs = Number(values['poll-ms']);
for (const [name, v] of [
  ['--seed', seed],
  ['--seconds-per-minute', secondsPerMinute],
  ['--image-size', imageSize],
  ['--poll-ms', pollMs],
]) {
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}: "${v}" is not a positive number`);
}
/** Real milliseconds per simulated millisecond. */
const scale = (secondsPerMinute * 1000) / 60_000;
const realMs = (simMs) => simMs * scale;
const scenarioMinutes = (ms) => ms / (secondsPerMinute * 1000);

// The day, exactly as the simulator draws it for this seed, and the simulator's figures for it.
const regionFile = path.resolve(values.region);
const loadFile = path.resolve(values.load);
const scenario = sim.readScenario(regionFile, loadFile);
const day = sim.generateStudies(scenario, seed);
const simulated = sim.toJson(sim.runSimulation(scenario, 'deadline-aware', seed));

// The region with its clock compressed: SLA limits and reading times scaled, one API token a clinic,
// and the scenario's radiologists on duty (the others off).
const regionDoc = YAML.parse(readFileSync(regionFile, 'utf8'));
const scaled = (text) => `${Math.max(1, Math.round(parseDuration(text) * scale))}ms`;
for (const p of PRIORITIES) {
  regionDoc.sla[p] = { target: scaled(regionDoc.sla[p].target), limit: scaled(regionDoc.sla[p].limit) };
}
regionDoc.readingTimes = Object.fromEntries(
  Object.entries(scenario.load.readingMinutes).map(([m, t]) => [
    m,
    { mean: `${Math.round(realMs(t.mean * 60_000))}ms`, sd: `${Math.round(realMs(t.sd * 60_000))}ms` },
  ]),
);
const clinicToken = new Map();
for (const clinic of regionDoc.clinics) {
  const token = `load-${clinic.code}-${randomBytes(8).toString('hex')}`;
  clinicToken.set(clinic.code, token);
  clinic.apiTokens = [...(clinic.apiTokens ?? []), token];
}
const cast = new Map(scenario.radiologists.map((r) => [r.username, r]));
for (const user of regionDoc.users) {
  if (user.role !== 'radiologist') continue;
  const r = cast.get(user.username);
  user.onDuty = r?.onDuty ?? false;
  if (r?.qualifications !== undefined) user.modalities = [...r.qualifications];
  if (r?.maxOpen !== undefined) user.maxOpen = r.maxOpen;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'telerad-load-'));
const regionPath = path.join(tmp, 'region.yaml');
writeFileSync(regionPath, YAML.stringify(regionDoc));

// telerad itself, as ./scripts/start.sh runs it.
let child = null;
const stop = () => killGroup(child, 'SIGTERM');
process.on('exit', stop);
process.on('SIGINT', () => process.exit(130));
const httpPort = await freePort();
const env = embeddedTeleradEnv({
  root,
  dataDir: path.join(tmp, 'data'),
  httpPort,
  dicomPort: await freePort(),
  queuePrefix: `load${process.pid}`,
});
env.TELERAD_REGION = regionPath;
const log = path.join(tmp, 'telerad.log');
const out = createWriteStream(log);
child = spawn(process.execPath, [path.join(root, 'services/all-in-one/dist/main.js')], {
  cwd: root,
  env,
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
});
child.stdout.pipe(out);
child.stderr.pipe(out);
const base = `http://127.0.0.1:${httpPort}`;
for (const startedAt = Date.now(); ; await sleep(200)) {
  if (child.exitCode !== null) throw new Error(`telerad exited during start-up:\n${readFileSync(log, 'utf8')}`);
  try {
    if ((await fetch(`${base}/healthz`)).ok) break;
  } catch {}
  if (Date.now() - startedAt > 120_000) throw new Error(`telerad did not start:\n${readFileSync(log, 'utf8')}`);
}

async function call(p, { token, method = 'GET', body, headers = {}, ok = [] } = {}) {
  const r = await fetch(`${base}${p}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined || Buffer.isBuffer(body) ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: Buffer.isBuffer(body) ? body : JSON.stringify(body) }),
  });
  if (!r.ok && !ok.includes(r.status)) throw new Error(`${method} ${p} → ${r.status} ${await r.text()}`);
  const text = await r.text();
  return { status: r.status, json: text === '' ? null : JSON.parse(text) };
}
const login = async (username) =>
  (await call('/api/auth/login', { method: 'POST', body: { username, password: 'demo' } })).json.token;

const admin = await login('admin');
const botToken = new Map();
for (const r of scenario.radiologists) botToken.set(r.username, await login(r.username));

// Every study's DICOM, made before the clock starts so the clinics only send.
const runTag = randomBytes(3).toString('hex');
const sends = day.map((s, i) => {
  const studyInstanceUid = newUid();
  const patientId = `LOAD-${runTag}-${i}`;
  const files = Array.from({ length: s.images }, () =>
    createDxInstance({ studyInstanceUid, patientId, modality: s.modality, rows: imageSize, columns: imageSize }),
  );
  const boundary = `load-${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    ...files.flatMap((f) => [
      Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`),
      f,
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return { sim: s, studyInstanceUid, patientId, boundary, body, id: null };
});
const byUid = new Map(sends.map((s) => [s.studyInstanceUid, s]));

const loadAverageAtStart = os.loadavg();
const t0 = Date.now() + 1000;
const at = (simMs) => t0 + realMs(simMs);
const sleepUntil = (t) => sleep(Math.max(0, t - Date.now()));
let finished = false;

const onDuty = new Map(scenario.radiologists.map((r) => [r.username, r.onDuty]));
const idOf = new Map(scenario.radiologists.map((r) => [r.id, r.username]));
const counts = { takenFromColleague: 0, takenFromPool: 0, claimRefused: 0, claimLost: 0, signed: 0 };
const errors = [];

async function clinic(send) {
  await sleepUntil(at(send.sim.readyAt));
  const token = clinicToken.get(send.sim.clinic);
  await call(`/dicomweb/studies?priority=${send.sim.priority}`, {
    token,
    method: 'POST',
    body: send.body,
    headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${send.boundary}` },
  });
  const found = await call(`/api/studies?q=${encodeURIComponent(send.patientId)}`, { token });
  send.id = found.json.items.find((s) => s.studyInstanceUid === send.studyInstanceUid).id;
  await call(`/api/studies/${send.id}/submit`, { token, method: 'POST' });
}

async function heartbeat(username) {
  while (!finished) {
    if (onDuty.get(username)) await call('/api/presence', { token: botToken.get(username), method: 'POST' });
    await sleep(10_000);
  }
}

/** Per study, real ms a bot spends on the system rather than reading: from signing one study to opening the next when one was waiting, and saving plus signing. */
const overhead = { turnover: [], signing: [] };

async function bot(username) {
  const token = botToken.get(username);
  let signedAt = null;
  while (!finished) {
    if (!onDuty.get(username)) {
      signedAt = null;
      await sleep(pollMs);
      continue;
    }
    const list = await call('/api/worklist', { token });
    // The page lists the study open first, then the queue in reading order: take the first one.
    const item = list.json.items.find((s) => s.status !== 'reading' || s.assignedTo === username);
    if (item === undefined) {
      signedAt = null;
      await sleep(pollMs);
      continue;
    }
    const claimedAt = Date.now();
    if (item.status !== 'reading') {
      const claim = await call(`/api/studies/${item.id}/claim`, { token, method: 'POST', ok: [409] });
      if (claim.status === 409) {
        // another bot opened it first, or a more urgent study arrived since the list was read
        if (claim.json?.error?.code === 'more-urgent-study') counts.claimRefused++;
        else counts.claimLost++;
        continue;
      }
      if (item.assignedTo === null) counts.takenFromPool++;
      else if (item.assignedTo !== username) counts.takenFromColleague++;
    }
    if (signedAt !== null) overhead.turnover.push(Date.now() - signedAt);
    const send = byUid.get(item.studyInstanceUid);
    await sleep(Math.max(0, claimedAt + realMs(send?.sim.readingMs ?? 6 * 60_000) - Date.now()));
    const readEnd = Date.now();
    await call(`/api/studies/${item.id}/report`, {
      token,
      method: 'PUT',
      body: { findings: '双肺纹理清晰，心影不大。', impression: '胸部未见明显异常。', critical: false },
    });
    await call(`/api/studies/${item.id}/report/sign`, { token, method: 'POST' });
    signedAt = Date.now();
    overhead.signing.push(signedAt - readEnd);
    counts.signed++;
  }
}

async function roster() {
  for (const change of scenario.events) {
    await sleepUntil(at(change.at));
    const username = idOf.get(change.radiologistId);
    onDuty.set(username, change.onDuty);
    await call(`/api/admin/roster/${username}/duty`, { token: admin, method: 'PUT', body: { onDuty: change.onDuty } });
  }
}

const guard = (p) => p.catch((e) => errors.push(e.message));
const started = Date.now();
const workers = [
  ...scenario.radiologists.map((r) => guard(bot(r.username))),
  ...scenario.radiologists.map((r) => guard(heartbeat(r.username))),
  guard(roster()),
];
await Promise.all(sends.map((s) => guard(clinic(s))));
// The day ends when every study is signed (or, if something is stuck, 6 simulated hours later).
const giveUp = at(scenario.windowMs + 6 * 3_600_000);
while (counts.signed < sends.length && Date.now() < giveUp && errors.length === 0) await sleep(500);
finished = true;
await Promise.race([Promise.all(workers), sleep(15_000)]);
const loadAverageAtEnd = os.loadavg();

// The figures, from the system.
const listed = (await call('/api/studies?limit=500', { token: admin })).json.items;
const ours = new Map(sends.map((s) => [s.id, s]));
const rows = listed.filter((s) => ours.has(s.id));
const ms = (iso) => (iso === null ? null : Date.parse(iso));
const inTime = (s) => s.signedAt !== null && ms(s.signedAt) <= ms(s.deadlineAt);
const share = (part, whole) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);
const round1 = (v) => (v === null ? null : Math.round(v * 10) / 10);
const compliance = { overall: share(rows.filter(inTime).length, rows.length) };
const tatMinutes = {};
for (const p of PRIORITIES) {
  const mine = rows.filter((s) => s.priority === p);
  compliance[p] = share(mine.filter(inTime).length, mine.length);
  const tat = mine.filter((s) => s.signedAt !== null).map((s) => scenarioMinutes(ms(s.signedAt) - ms(s.readyAt)));
  tatMinutes[p] = { p50: round1(sim.percentile(tat, 0.5)), p95: round1(sim.percentile(tat, 0.95)) };
}
// Utilisation as the simulator counts it: reading time over on-duty time, within the arrival window.
const windowEnd = at(scenario.windowMs);
const within = (from, to) => Math.max(0, Math.min(to, windowEnd) - Math.max(from, t0));
const busy = rows.reduce(
  (sum, s) => sum + (s.claimedAt && s.signedAt ? within(ms(s.claimedAt), ms(s.signedAt)) : 0),
  0,
);
let dutyMs = 0;
for (const r of scenario.radiologists) {
  let since = r.onDuty ? t0 : null;
  for (const e of scenario.events.filter((x) => x.radiologistId === r.id)) {
    if (e.onDuty && since === null) since = at(e.at);
    if (!e.onDuty && since !== null) {
      dutyMs += within(since, at(e.at));
      since = null;
    }
  }
  if (since !== null) dutyMs += within(since, windowEnd);
}
const reassigned = {};
for (const s of rows)
  if (s.reassigned !== null) reassigned[s.reassigned.reason] = (reassigned[s.reassigned.reason] ?? 0) + 1;
const summary = (
  await call(
    `/api/sla/summary?from=${encodeURIComponent(new Date(t0 - 60_000).toISOString())}&to=${encodeURIComponent(new Date().toISOString())}`,
    { token: admin },
  )
).json;
const meanMinutes = (xs) =>
  xs.length === 0 ? null : Math.round(scenarioMinutes(xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;
const overheadMinutes = { turnover: meanMinutes(overhead.turnover), signing: meanMinutes(overhead.signing) };
const measured = {
  policy: 'deadline-aware',
  studies: rows.length,
  compliance,
  tatMinutes,
  utilization: dutyMs === 0 ? null : Math.round((busy / dutyMs) * 1000) / 1000,
};

const pct = (v) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);
const line = (label, a, b) => `  ${label.padEnd(26)}${String(a).padStart(10)}${String(b).padStart(12)}`;
console.log(
  [
    `${path.basename(loadFile)}, seed ${seed}, 1 simulated minute = ${secondsPerMinute} s; load average ${loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')} → ${loadAverageAtEnd.map((x) => x.toFixed(2)).join(' ')} (${os.cpus().length} cores)`,
    line('', 'telerad', 'simulator'),
    line('studies', measured.studies, simulated.studies),
    line('compliance overall', pct(measured.compliance.overall), pct(simulated.compliance.overall)),
    ...PRIORITIES.map((p) => line(`  ${p}`, pct(measured.compliance[p]), pct(simulated.compliance[p]))),
    ...PRIORITIES.map((p) =>
      line(
        `p50 / p95 ${p} (min)`,
        `${measured.tatMinutes[p].p50 ?? '—'} / ${measured.tatMinutes[p].p95 ?? '—'}`,
        `${simulated.tatMinutes[p].p50 ?? '—'} / ${simulated.tatMinutes[p].p95 ?? '—'}`,
      ),
    ),
    line('utilisation', pct(measured.utilization), pct(simulated.utilization)),
    `  the system's SLA page: ${summary.rows.map((r) => `${r.priority} ${pct(r.compliance)} (${r.withinLimit}/${r.studies})`).join(', ')}`,
    `  moves: ${JSON.stringify(reassigned)} reassigned by the router; ${counts.takenFromColleague} taken from a colleague, ${counts.takenFromPool} studies opened before the router assigned them; claims refused: ${counts.claimRefused} past a more urgent study, ${counts.claimLost} already opened by another`,
    `  a bot's time on the system per study (scenario minutes, mean): ${overheadMinutes.turnover} from signing to opening the next, ${overheadMinutes.signing} saving and signing`,
    ...(errors.length === 0 ? [] : [`  errors: ${errors.slice(0, 5).join(' | ')}`]),
  ].join('\n'),
);
console.log(
  JSON.stringify({
    script: 'load',
    load: path.relative(root, loadFile),
    seed,
    secondsPerMinute,
    telerad: measured,
    simulator: simulated,
    slaSummary: summary.rows,
    moves: { reassigned, ...counts },
    overheadMinutes,
    loadAverage: { start: loadAverageAtStart, end: loadAverageAtEnd, cores: os.cpus().length },
    wallSeconds: Math.round((Date.now() - started) / 1000),
    errors: errors.length,
  }),
);
stop();
await sleep(1000);
if (!values.keep) rmSync(tmp, { recursive: true, force: true });
else console.log(`data and telerad.log kept in ${tmp}`);
process.exit(errors.length === 0 ? 0 : 1);
