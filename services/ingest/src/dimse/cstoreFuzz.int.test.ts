import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createDxInstance } from '@telerad/dicom';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { type TempDir, tempDir, testConfig } from '@telerad/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type CStoreScp, startCStoreScp } from './startCStoreScp.js';

/**
 * Fuzzes the C-STORE SCP with hundreds of mutated real files (truncated, wrong element lengths, wrong
 * VRs, huge lengths, byte flips in the header, overwritten values, random bytes after a valid
 * preamble), sent by dcmtk's
 * storescu in batches of one association each. storescu must finish every batch (no hang), the SCP
 * must still answer C-ECHO (no crash), every file storescu sent must get a status and every failure an
 * error comment, and the index must hold exactly the instances that got success, each with its blob.
 *
 * storescu parses each file with dcmtk before sending it and re-encodes what it read: files dcmtk
 * cannot read are never sent ("Bad DICOM file"), and what reaches the SCP is dcmtk's normalized
 * encoding of the mutation. The wire-level fuzzing of lying bytes is the STOW-RS fuzz test's job
 * (services/web/src/stowFuzz.int.test.ts); this one drives the DIMSE path end to end.
 *
 * Reproduce with the seed it prints: CSTORE_FUZZ_SEED=<seed> CSTORE_FUZZ_CASES=<n> vitest run …/cstoreFuzz.
 */
const SEED = Number(process.env.CSTORE_FUZZ_SEED ?? 20_261_124);
const CASES = Number(process.env.CSTORE_FUZZ_CASES ?? 1000);
const BATCH = 50;
const BATCH_TIMEOUT_MS = 40_000;
/** A700 with this comment is what an unexpected exception answers: a bug, not a property of the input. */
const INTERNAL_COMMENT = /send it again/;

const missingTools = ['echoscu', 'storescu', 'dcmconv'].filter((tool) => spawnSync(tool, ['--version']).status !== 0);
const toolsMissing = `${missingTools.join(', ')} not found: apt-get install -y dcmtk (scripts/test.sh does)`;

interface Run {
  code: number | string;
  output: string;
}

/** Runs a dcmtk tool, killed after `timeoutMs` (code 'SIGKILL' then). */
function run(command: string, args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : (error.signal ?? (typeof error.code === 'number' ? error.code : -1));
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

/** mulberry32: small, seeded, good enough to pick mutations. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)] as T };
}
type Prng = ReturnType<typeof prng>;

// ── element headers of a Part 10 file, enough to aim mutations at them ─────────────────────────────

interface Header {
  tag: string;
  vrOffset: number | null;
  lengthOffset: number;
  lengthSize: 2 | 4;
  length: number;
  valueOffset: number;
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** Little endian only (the bases are); descends into sequences and items; stops where it cannot go on. */
function walk(bytes: Buffer, implicitDataset: boolean): Header[] {
  const out: Header[] = [];
  let at = 132;
  while (at + 8 <= bytes.length) {
    const group = bytes.readUInt16LE(at);
    const element = bytes.readUInt16LE(at + 2);
    const tag = `${group.toString(16).padStart(4, '0')}${element.toString(16).padStart(4, '0')}`;
    let h: Header;
    if (group === 0xfffe || (implicitDataset && group !== 0x0002)) {
      h = {
        tag,
        vrOffset: null,
        lengthOffset: at + 4,
        lengthSize: 4,
        length: bytes.readUInt32LE(at + 4),
        valueOffset: at + 8,
      };
    } else {
      const vr = bytes.toString('latin1', at + 4, at + 6);
      h = LONG_VRS.has(vr)
        ? {
            tag,
            vrOffset: at + 4,
            lengthOffset: at + 8,
            lengthSize: 4,
            length: bytes.readUInt32LE(at + 8),
            valueOffset: at + 12,
          }
        : {
            tag,
            vrOffset: at + 4,
            lengthOffset: at + 6,
            lengthSize: 2,
            length: bytes.readUInt16LE(at + 6),
            valueOffset: at + 8,
          };
      if (vr === 'SQ') {
        out.push(h);
        at = h.valueOffset;
        continue;
      }
    }
    out.push(h);
    // Into items and undefined-length values; over everything else.
    at = group === 0xfffe || h.length === 0xffffffff ? h.valueOffset : h.valueOffset + h.length;
  }
  return out;
}

// ── the corpus: real files with per-case UIDs, and their mutations ───────────────────────────────

/** Template UIDs of one fixed length, replaced in every case by UIDs of the same length. */
const TEMPLATE = (role: number) => `2.25.${role}${'0'.repeat(38)}`;
const caseUid = (role: number, caseNumber: number) =>
  `2.25.${role}${String(SEED).padStart(10, '0').slice(-10)}${String(caseNumber).padStart(6, '0')}${'7'.repeat(22)}`;

interface Base {
  name: string;
  bytes: Buffer;
  implicit: boolean;
}

function replaceAll(bytes: Buffer, from: string, to: string): void {
  const needle = Buffer.from(from, 'latin1');
  for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + needle.length)) {
    bytes.write(to, at, 'latin1');
  }
}

function instanceOf(base: Base, caseNumber: number): Buffer {
  const bytes = Buffer.from(base.bytes);
  for (const role of [1, 2, 3]) replaceAll(bytes, TEMPLATE(role), caseUid(role, caseNumber));
  return bytes;
}

const MUTATIONS = [
  'truncate',
  'wrong-length',
  'wrong-vr',
  'huge-length',
  'header-flips',
  'random-after-preamble',
  'random-after-meta',
  'wrong-value',
  'wrong-value',
  'valid',
] as const;
type Mutation = (typeof MUTATIONS)[number];

function writeLength(bytes: Buffer, h: Header, value: number): void {
  if (h.lengthSize === 2) bytes.writeUInt16LE(value & 0xffff, h.lengthOffset);
  else bytes.writeUInt32LE(value >>> 0, h.lengthOffset);
}

function mutate(base: Base, file: Buffer, kind: Mutation, r: Prng): Buffer {
  const headers = walk(file, base.implicit);
  const datasetHeaders = headers.filter((h) => !h.tag.startsWith('0002'));
  const pixel = headers.find((h) => h.tag === '7fe00010');
  const headerEnd = pixel?.valueOffset ?? file.length;
  switch (kind) {
    case 'truncate': {
      // Mostly inside the header, sometimes inside the pixel data.
      const at = r.next() < 0.7 ? 128 + r.int(headerEnd - 128) : headerEnd + r.int(file.length - headerEnd);
      return file.subarray(0, at);
    }
    case 'wrong-length': {
      const h = r.pick(datasetHeaders);
      const delta = r.pick([1, 2, 3, 4, 8, 16, -1, -2, -4, -8]);
      writeLength(file, h, r.next() < 0.2 ? 0 : Math.max(0, h.length + delta));
      return file;
    }
    case 'wrong-vr': {
      const explicit = datasetHeaders.filter((h) => h.vrOffset !== null);
      const h = r.pick(explicit.length > 0 ? explicit : datasetHeaders);
      if (h.vrOffset === null) {
        writeLength(file, h, r.int(0xffffffff));
        return file;
      }
      file.write(
        r.pick(['UL', 'US', 'SQ', 'OB', 'OW', 'UN', 'DS', 'FD', 'AT', 'XX', '\0\0', 'sq']),
        h.vrOffset,
        'latin1',
      );
      return file;
    }
    case 'huge-length': {
      const h = r.next() < 0.3 && pixel !== undefined ? pixel : r.pick(datasetHeaders);
      const value =
        h.lengthSize === 2
          ? r.pick([0xffff, 0xfffe, 0x8000])
          : r.pick([0xfffffff0, 0xfffffffe, 0x7fffffff, 0x80000000, h.length + 0x100000, h.length * 2 + 2]);
      writeLength(file, h, value);
      return file;
    }
    case 'header-flips': {
      const flips = 1 + r.int(8);
      for (let i = 0; i < flips; i++) {
        const at = 128 + r.int(headerEnd - 128);
        file[at] = (file[at] as number) ^ (1 << r.int(8));
      }
      return file;
    }
    case 'random-after-preamble': {
      const random = Buffer.alloc(r.int(4096));
      for (let i = 0; i < random.length; i++) random[i] = r.int(256);
      return Buffer.concat([file.subarray(0, 132), random]);
    }
    case 'random-after-meta': {
      const first = datasetHeaders[0];
      const metaEnd = first === undefined ? 132 : (first.vrOffset ?? first.lengthOffset) - 4;
      const random = Buffer.alloc(r.int(2048));
      for (let i = 0; i < random.length; i++) random[i] = r.int(256);
      return Buffer.concat([file.subarray(0, metaEnd), random]);
    }
    case 'wrong-value': {
      // A value of the same length overwritten (UIDs, image size, names…): dcmtk reads it, telerad must judge it.
      const small = datasetHeaders.filter((h) => h.length > 0 && h.length <= 64 && h.length !== 0xffffffff);
      const h = r.pick(small);
      const printable = r.next() < 0.6;
      for (let i = 0; i < h.length; i++) file[h.valueOffset + i] = printable ? 0x20 + r.int(95) : r.int(256);
      return file;
    }
    case 'valid':
      return file;
  }
}

// ── storescu's debug log, one segment per file ──────────────────────────────────────────────────────

interface Outcome {
  file: string;
  /** 'unreadable': dcmtk could not read it, so storescu did not send it. */
  /**
   * 'refused-by-storescu': storescu's own refusal with its reason (no presentation context for a
   * mangled SOP class, no SOP Instance UID); 'aborted': the SCP dropped the association while this
   * file was being stored; 'after-abort': a later file of that association, never sent.
   */
  kind: 'answered' | 'unreadable' | 'refused-by-storescu' | 'aborted' | 'after-abort' | 'not-sent';
  sopInstanceUid?: string;
  status?: number;
  comment?: string;
  log: string;
}

function outcomes(output: string): Outcome[] {
  const segments = output.split(/^I: Sending file: /m).slice(1);
  return segments.map((segment) => {
    const file = segment.slice(0, segment.indexOf('\n')).trim();
    const log = segment.length > 3000 ? `${segment.slice(0, 3000)}…` : segment;
    const status = /DIMSE Status\s*:\s*0x([0-9a-f]{4})/i.exec(segment)?.[1];
    if (status !== undefined) {
      const uid = /OUTGOING DIMSE MESSAGE[\s\S]*?Affected SOP Instance UID\s*:\s*(\S*)/.exec(segment)?.[1];
      const comment = /\(0000,0902\) LO \[(.*)\]/.exec(segment)?.[1]?.trim();
      return {
        file,
        kind: 'answered',
        status: Number.parseInt(status, 16),
        log,
        ...(uid !== undefined ? { sopInstanceUid: uid } : {}),
        ...(comment !== undefined ? { comment } : {}),
      };
    }
    const uid = /OUTGOING DIMSE MESSAGE[\s\S]*?Affected SOP Instance UID\s*:\s*(.*)/.exec(segment)?.[1];
    const kind = /Bad DICOM file/.test(segment)
      ? 'unreadable'
      : /No presentation context for|No SOP Class or Instance UID in file|DIMSE: Command Build Failed/.test(segment)
        ? 'refused-by-storescu'
        : /Peer aborted Association/.test(segment)
          ? 'aborted'
          : /DIMSE Failed to send message|No Association|Association (?:Abort|Release)/.test(segment)
            ? 'after-abort'
            : 'not-sent';
    return { file, kind, log, ...(uid !== undefined ? { sopInstanceUid: uid } : {}) };
  });
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('C-STORE SCP fuzzed with mutated files through dcmtk storescu', () => {
  beforeEach(({ skip }) => skip(missingTools.length > 0, toolsMissing));

  let runtime: Runtime;
  let scp: CStoreScp;
  let dir: TempDir;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    if (missingTools.length > 0) return;
    const t = await testConfig({ database: 'postgres' });
    cleanup = t.cleanup;
    // CSTORE_FUZZ_DEBUG=1 shows the SCP's own log.
    runtime = await openRuntime(process.env.CSTORE_FUZZ_DEBUG ? { ...t.config, logLevel: 'debug' } : t.config);
    scp = await startCStoreScp(runtime, { port: 0, host: '127.0.0.1' });
    dir = await tempDir('cstore-fuzz');
  }, 60_000);

  afterAll(async () => {
    await scp?.stop();
    await runtime?.close();
    await cleanup?.();
    await dir?.remove();
  });

  test('hundreds of bad files: storescu finishes, the SCP lives, each failure has a reason, no partial rows', async () => {
    console.log(`C-STORE fuzz: seed ${SEED}, ${CASES} cases (CSTORE_FUZZ_SEED / CSTORE_FUZZ_CASES to change)`);
    const started = performance.now();
    const r = prng(SEED);

    // Bases: DX and CR in explicit VR little endian, and DX rewritten by dcmtk in implicit VR. Larger
    // than one P-DATA PDU (16 KB): see docs/benchmarks.md for what smaller instances currently get.
    // Fixed date and time too, so that a seed gives the same bytes on every run.
    const uids = {
      studyInstanceUid: TEMPLATE(1),
      seriesInstanceUid: TEMPLATE(2),
      sopInstanceUid: TEMPLATE(3),
      studyDate: '20261124',
      studyTime: '101500',
    };
    const dx = createDxInstance({ rows: 256, columns: 256, ...uids });
    const cr = createDxInstance({ rows: 240, columns: 200, modality: 'CR', ...uids });
    const dxFile = path.join(dir.path, 'base-dx.dcm');
    await writeFile(dxFile, dx);
    const implicitFile = path.join(dir.path, 'base-dx-implicit.dcm');
    const converted = await run('dcmconv', ['+ti', dxFile, implicitFile], 20_000);
    expect(converted.code, converted.output).toBe(0);
    const bases: Base[] = [
      { name: 'dx', bytes: dx, implicit: false },
      { name: 'cr', bytes: cr, implicit: false },
      { name: 'dx-implicit', bytes: await readFile(implicitFile), implicit: true },
    ];

    const cases = new Map<string, { mutation: Mutation; base: string; bytes: Buffer }>();
    for (let n = 0; n < CASES; n++) {
      const base = r.pick(bases);
      const mutation = r.pick(MUTATIONS);
      const bytes = mutate(base, instanceOf(base, n), mutation, r);
      const file = path.join(dir.path, `case-${String(n).padStart(4, '0')}-${base.name}-${mutation}.dcm`);
      await writeFile(file, bytes);
      cases.set(file, { mutation, base: base.name, bytes });
    }

    const files = [...cases.keys()];
    const all: Outcome[] = [];
    const problems: string[] = [];
    for (let i = 0; i < files.length; i += BATCH) {
      const batch = files.slice(i, i + BATCH);
      const sent = await run(
        'storescu',
        [
          '-d',
          '-nh',
          '-ta',
          '10',
          '-td',
          '20',
          '-aet',
          'CLINIC_A',
          '-aec',
          'TELERAD',
          '127.0.0.1',
          String(scp.port),
          ...batch,
        ],
        BATCH_TIMEOUT_MS,
      );
      if (sent.code === 'SIGKILL')
        problems.push(`storescu did not finish batch ${i / BATCH} in ${BATCH_TIMEOUT_MS} ms`);
      const got = outcomes(sent.output);
      const seen = new Set(got.map((o) => o.file));
      for (const file of batch) {
        if (!seen.has(file)) problems.push(`${path.basename(file)}: storescu never got to it (exit ${sent.code})`);
      }
      all.push(...got);
      // The SCP still answers between batches.
      const echo = await run('echoscu', ['-aet', 'CLINIC_A', '-aec', 'TELERAD', '127.0.0.1', String(scp.port)], 10_000);
      if (echo.code !== 0) problems.push(`C-ECHO failed after batch ${i / BATCH}: ${echo.output}`);
    }

    const succeeded = new Set<string>();
    const failed = new Map<string, Outcome>();
    const tally = new Map<string, number>();
    const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);
    for (const o of all) {
      const c = cases.get(o.file);
      const status = o.status === undefined ? o.kind : `0x${o.status.toString(16).padStart(4, '0')}`;
      count(`${c?.mutation ?? '?'} → ${status}`);
      if (o.kind === 'aborted') {
        // Every file gets a status; an SCP that drops the association instead is a bug.
        problems.push(
          `${path.basename(o.file)}: the SCP aborted the association instead of answering (UID ${JSON.stringify(o.sopInstanceUid)})`,
        );
        continue;
      }
      if (o.kind === 'after-abort') {
        problems.push(`${path.basename(o.file)}: not sent, the association was gone`);
        continue;
      }
      if (o.kind === 'not-sent') {
        problems.push(`${path.basename(o.file)}: no status and no reason in storescu's log:\n${o.log}`);
        continue;
      }
      if (o.kind !== 'answered') continue;
      if (o.sopInstanceUid === undefined) {
        problems.push(`${path.basename(o.file)}: answered, but no SOP Instance UID in storescu's log`);
        continue;
      }
      if (o.status === 0) succeeded.add(o.sopInstanceUid);
      else {
        failed.set(o.sopInstanceUid, o);
        if (o.comment === undefined || o.comment === '') {
          problems.push(`${path.basename(o.file)}: status 0x${o.status?.toString(16)} without an error comment`);
        }
        if (o.comment !== undefined && INTERNAL_COMMENT.test(o.comment)) {
          problems.push(`${path.basename(o.file)}: internal error (0x${o.status?.toString(16)} "${o.comment}")`);
        }
      }
      if (c?.mutation === 'valid' && o.status !== 0) {
        problems.push(`${path.basename(o.file)}: an unmutated file failed: 0x${o.status?.toString(16)} ${o.comment}`);
      }
    }

    // The index: exactly the instances that got success, each with its blob; no empty study.
    const rows = await runtime.db.db
      .selectFrom('instance')
      .select(['sop_instance_uid', 'sha256', 'size_bytes', 'blob_key', 'study_id'])
      .execute();
    const indexed = new Set(rows.map((row) => row.sop_instance_uid));
    for (const row of rows) {
      const blob = await runtime.store.getBuffer(row.blob_key).catch((error: unknown) => error as Error);
      if (blob instanceof Error) problems.push(`instance ${row.sop_instance_uid}: no blob (${blob.message})`);
      else {
        if (blob.length !== Number(row.size_bytes))
          problems.push(`instance ${row.sop_instance_uid}: blob is ${blob.length} bytes, row says ${row.size_bytes}`);
        if (sha256(blob) !== row.sha256) problems.push(`instance ${row.sop_instance_uid}: blob SHA-256 differs`);
      }
      if (!succeeded.has(row.sop_instance_uid)) {
        const f = failed.get(row.sop_instance_uid);
        problems.push(
          `instance ${row.sop_instance_uid} is indexed without a success` +
            (f ? `: ${path.basename(f.file)} got 0x${f.status?.toString(16)} "${f.comment}"` : ''),
        );
      }
    }
    for (const uid of succeeded) if (!indexed.has(uid)) problems.push(`instance ${uid} got success but is not indexed`);
    const studies = await runtime.db.db
      .selectFrom('study')
      .leftJoin('instance', 'instance.study_id', 'study.id')
      .select(({ fn }) => ['study.id', 'study.instance_count', fn.count<string>('instance.id').as('instances')])
      .groupBy(['study.id', 'study.instance_count'])
      .execute();
    for (const s of studies) {
      if (Number(s.instances) < 1) problems.push(`study ${s.id} has no instance`);
      if (Number(s.instances) !== Number(s.instance_count))
        problems.push(`study ${s.id}: instance_count ${s.instance_count}, ${s.instances} instances`);
    }

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const answered = all.filter((o) => o.kind === 'answered').length;
    console.log(
      `C-STORE fuzz: seed ${SEED}: ${all.length} files, ${answered} answered (${succeeded.size} success, ` +
        `${failed.size} failure), ${all.filter((o) => o.kind === 'unreadable').length} unreadable to storescu, ` +
        `${rows.length} indexed, ${seconds} s\n${[...tally]
          .sort()
          .map(([k, v]) => `  ${k}: ${v}`)
          .join('\n')}`,
    );
    expect(problems, `seed ${SEED}`).toEqual([]);
    expect(answered).toBeGreaterThan(0);
    expect(succeeded.size).toBeGreaterThan(0);
    expect(failed.size).toBeGreaterThan(0);
  }, 120_000);
});
