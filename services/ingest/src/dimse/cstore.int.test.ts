import { execFile, spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createDxInstance, newUid, parseInstance, rewriteElements } from '@telerad/dicom';
import { openRuntime, type Runtime } from '@telerad/runtime';
import { createFsBlobStore } from '@telerad/storage';
import { type TempDir, tempDir, testConfig } from '@telerad/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { SPOOL_THRESHOLD_BYTES, spoolDirOf } from '../instanceBytes.js';
import { blobKeyOf } from '../storeInstance.js';
import { datasetOffset } from './part10File.js';
import { type CStoreScp, startCStoreScp } from './startCStoreScp.js';

interface Run {
  code: number;
  output: string;
}

/** Runs a dcmtk tool; never longer than `timeoutMs`, so a hung association fails the test. */
function run(command: string, args: string[], timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

const tools = ['echoscu', 'storescu', 'dcmconv', 'dcmcjpeg', 'dcmcjpls', 'gdcmconv'];
const missingTools = tools.filter((tool) => spawnSync(tool, ['--version']).status !== 0);
const toolsMissing = `${missingTools.join(', ')} not found: apt-get install -y dcmtk libgdcm-tools (scripts/test.sh does)`;

/** C-STORE SCP against real dcmtk peers, a real PostgreSQL, Redis and object store. */
describe('C-STORE SCP with dcmtk', () => {
  beforeEach(({ skip }) => skip(missingTools.length > 0, toolsMissing));

  let runtime: Runtime;
  let scp: CStoreScp;
  let dir: TempDir;
  let cleanup: () => Promise<void>;

  const storescu = (files: string[], options: { aet?: string; aec?: string; flags?: string[]; debug?: boolean } = {}) =>
    run('storescu', [
      options.debug ? '-d' : '-v',
      '-ta',
      '10',
      '-td',
      '15',
      '-aet',
      options.aet ?? 'CLINIC_A',
      '-aec',
      options.aec ?? 'TELERAD',
      ...(options.flags ?? []),
      '127.0.0.1',
      String(scp.port),
      ...files,
    ]);
  const write = async (name: string, bytes: Buffer) => {
    const file = path.join(dir.path, name);
    await writeFile(file, bytes);
    return file;
  };
  const instanceRow = (sopInstanceUid: string) =>
    runtime.db.db
      .selectFrom('instance')
      .select(['sop_instance_uid', 'transfer_syntax_uid', 'received_via', 'blob_key'])
      .where('sop_instance_uid', '=', sopInstanceUid)
      .executeTakeFirst();
  const studyRow = (studyInstanceUid: string) =>
    runtime.db.db
      .selectFrom('study')
      .innerJoin('clinic', 'clinic.id', 'study.clinic_id')
      .select(['clinic.code as clinic', 'study.priority', 'study.instance_count'])
      .where('study_instance_uid', '=', studyInstanceUid)
      .executeTakeFirst();

  beforeAll(async () => {
    const t = await testConfig({ database: 'postgres' });
    cleanup = t.cleanup;
    runtime = await openRuntime(t.config);
    scp = await startCStoreScp(runtime, { port: 0, host: '127.0.0.1' });
    dir = await tempDir('cstore');
  }, 60_000);

  afterAll(async () => {
    await scp?.stop();
    await runtime?.close();
    await cleanup?.();
    await dir?.remove();
  });

  test('port 0 picks a free port and C-ECHO succeeds', async () => {
    expect(scp.port).toBeGreaterThan(0);
    const echo = await run('echoscu', ['-aet', 'CLINIC_A', '-aec', 'TELERAD', '127.0.0.1', String(scp.port)]);
    expect(echo.output).toBe('');
    expect(echo.code).toBe(0);
  });

  test('two images of one study from CLINIC_A are stored and indexed for clinic-a at its default priority', async () => {
    const studyInstanceUid = newUid();
    const sopUids = [newUid(), newUid()];
    const files = await Promise.all(
      sopUids.map((sopInstanceUid, i) =>
        write(`study-${i}.dcm`, createDxInstance({ studyInstanceUid, sopInstanceUid, instanceNumber: i + 1 })),
      ),
    );
    const sent = await storescu(files);
    expect(sent.code, sent.output).toBe(0);
    for (const uid of sopUids) {
      expect(await instanceRow(uid)).toMatchObject({
        received_via: 'c-store',
        transfer_syntax_uid: '1.2.840.10008.1.2.1',
      });
    }
    expect(await studyRow(studyInstanceUid)).toEqual({ clinic: 'clinic-a', priority: 'outpatient', instance_count: 2 });

    // The same instance again is a success, not a second copy.
    const again = await storescu([files[0] as string]);
    expect(again.code, again.output).toBe(0);
    expect((await studyRow(studyInstanceUid))?.instance_count).toBe(2);
  });

  test('the called AE title TELERAD_STAT makes the study an emergency', async () => {
    const studyInstanceUid = newUid();
    const file = await write('stat.dcm', createDxInstance({ studyInstanceUid }));
    const sent = await storescu([file], { aec: 'TELERAD_STAT' });
    expect(sent.code, sent.output).toBe(0);
    expect(await studyRow(studyInstanceUid)).toMatchObject({ clinic: 'clinic-a', priority: 'emergency' });
  });

  test('an unknown calling AE title is rejected at association and nothing is stored', async () => {
    const sopInstanceUid = newUid();
    const file = await write('stranger.dcm', createDxInstance({ sopInstanceUid }));
    const sent = await storescu([file], { aet: 'STRANGER' });
    expect(sent.code).not.toBe(0);
    expect(sent.output).toMatch(/Calling AE Title Not Recognized/i);
    expect(await instanceRow(sopInstanceUid)).toBeUndefined();
    const echo = await run('echoscu', ['-aet', 'STRANGER', '-aec', 'TELERAD', '127.0.0.1', String(scp.port)]);
    expect(echo.code).not.toBe(0);
  });

  test('a called AE title other than ours is rejected', async () => {
    const sopInstanceUid = newUid();
    const file = await write('elsewhere.dcm', createDxInstance({ sopInstanceUid }));
    const sent = await storescu([file], { aec: 'ANY-SCP' });
    expect(sent.code).not.toBe(0);
    expect(sent.output).toMatch(/Called AE Title Not Recognized/i);
    expect(await instanceRow(sopInstanceUid)).toBeUndefined();
  });

  test('a file whose pixel data length lies gets a failure status with a reason; nothing is indexed', async () => {
    const sopInstanceUid = newUid();
    // Rows says 300 while the pixel data holds 256 rows.
    const lying = rewriteElements(createDxInstance({ sopInstanceUid }), ({ tag }) =>
      tag === 'x00280010' ? Buffer.from([44, 1]) : undefined,
    );
    const good = newUid();
    const files = [
      await write('lying.dcm', lying),
      await write('after-lying.dcm', createDxInstance({ sopInstanceUid: good })),
    ];
    const sent = await storescu(files, { flags: ['--no-halt'], debug: true });
    expect(sent.output).toMatch(/0xa900/i);
    expect(sent.output).toMatch(/pixel data length does not match the image size/);
    expect(await instanceRow(sopInstanceUid)).toBeUndefined();
    // The association goes on: the next image of the same send is stored.
    expect(await instanceRow(good)).toBeDefined();
  });

  test('a file without a Study Instance UID is refused as not matching its SOP class', async () => {
    const sopInstanceUid = newUid();
    const missing = rewriteElements(createDxInstance({ sopInstanceUid }), ({ tag }) =>
      tag === 'x0020000d' ? null : undefined,
    );
    const sent = await storescu([await write('no-study.dcm', missing)], { debug: true });
    expect(sent.output).toMatch(/0xa900/i);
    expect(sent.output).toMatch(/missing Study Instance UID/);
    expect(await instanceRow(sopInstanceUid)).toBeUndefined();
  });

  test.each([
    [64, 64],
    [128, 64],
    [40, 48],
  ])('a small %d × %d instance (one P-DATA PDU) is stored', async (rows, columns) => {
    const sopInstanceUid = newUid();
    const file = await write(`small-${rows}x${columns}.dcm`, createDxInstance({ sopInstanceUid, rows, columns }));
    const sent = await storescu([file]);
    expect(sent.code, sent.output).toBe(0);
    expect(await instanceRow(sopInstanceUid)).toMatchObject({ received_via: 'c-store' });
  });

  test('a dataset past the spool threshold is spooled to disk, stored byte for byte, and the spool file removed', async () => {
    const sopInstanceUid = newUid();
    const sentBytes = createDxInstance({ sopInstanceUid, rows: 3000, columns: 2500 });
    expect(sentBytes.length).toBeGreaterThan(SPOOL_THRESHOLD_BYTES * 8);
    const file = await write('large.dcm', sentBytes);
    const sent = await storescu([file]);
    expect(sent.code, sent.output).toBe(0);
    const row = await instanceRow(sopInstanceUid);
    expect(row).toMatchObject({ received_via: 'c-store', blob_key: blobKeyOf(parseInstance(sentBytes)) });
    const stored = await runtime.store.getBuffer(row?.blob_key ?? '');
    expect(stored.subarray(datasetOffset(stored)).equals(sentBytes.subarray(datasetOffset(sentBytes)))).toBe(true);
    expect(await readdir(spoolDirOf(runtime.config.dataDir))).toEqual([]);
  });

  test('an instance over TELERAD_MAX_INSTANCE_MB is refused with out of resources', async () => {
    const small = await startCStoreScp(
      { ...runtime, config: { ...runtime.config, maxInstanceBytes: 64 * 1024 } },
      { port: 0, host: '127.0.0.1' },
    );
    try {
      const sopInstanceUid = newUid();
      const file = await write('too-large.dcm', createDxInstance({ sopInstanceUid }));
      const sent = await run('storescu', [
        '-d',
        '-aet',
        'CLINIC_A',
        '-aec',
        'TELERAD',
        '127.0.0.1',
        String(small.port),
        file,
      ]);
      expect(sent.output).toMatch(/0xa700/i);
      expect(sent.output).toMatch(/instance larger than the 0.0625 MB limit/);
      expect(await instanceRow(sopInstanceUid)).toBeUndefined();
    } finally {
      await small.stop();
    }
  });

  test('while storage is down the answer is out of resources; sent again once it is back, the image is stored', async () => {
    const root = path.join(dir.path, 'objects-outage');
    const store = await createFsBlobStore(root);
    const outage = await startCStoreScp({ ...runtime, store }, { port: 0, host: '127.0.0.1' });
    try {
      await rm(root, { recursive: true });
      await writeFile(root, 'not a directory');
      const sopInstanceUid = newUid();
      const file = await write('outage.dcm', createDxInstance({ sopInstanceUid }));
      const send = () =>
        run('storescu', ['-d', '-aet', 'CLINIC_A', '-aec', 'TELERAD', '127.0.0.1', String(outage.port), file]);
      const refused = await send();
      expect(refused.output).toMatch(/0xa700/i);
      expect(refused.output).toMatch(/could not be stored now; send it again/);
      expect(await instanceRow(sopInstanceUid)).toBeUndefined();

      await rm(root);
      await mkdir(path.join(root, '.tmp'), { recursive: true });
      const stored = await send();
      expect(stored.code, stored.output).toBe(0);
      expect(await instanceRow(sopInstanceUid)).toBeDefined();
    } finally {
      await outage.stop();
    }
  });

  /**
   * How to make each transfer syntax from an explicit VR little endian file (dcmtk and gdcm, two
   * independent encoders), and how storescu proposes it: its own flags, `+C` to offer several
   * syntaxes in one presentation context, or a profile proposing that syntax alone where storescu
   * has no flag for it.
   */
  const syntaxes: Array<{ uid: string; name: string; convert: [string, string[]] | null; propose: string[] }> = [
    { uid: '1.2.840.10008.1.2', name: 'implicit VR LE', convert: ['dcmconv', ['+ti']], propose: ['-xi'] },
    { uid: '1.2.840.10008.1.2.1', name: 'explicit VR LE', convert: null, propose: ['-xe'] },
    { uid: '1.2.840.10008.1.2.2', name: 'explicit VR BE', convert: ['dcmconv', ['+tb']], propose: ['-xb', '+C'] },
    { uid: '1.2.840.10008.1.2.1.99', name: 'deflated', convert: ['dcmconv', ['+td']], propose: ['-xd'] },
    { uid: '1.2.840.10008.1.2.5', name: 'RLE', convert: ['gdcmconv', ['--rle']], propose: ['-xr', '+C'] },
    { uid: '1.2.840.10008.1.2.4.50', name: 'JPEG baseline', convert: ['dcmcjpeg', ['+eb']], propose: ['-xy'] },
    { uid: '1.2.840.10008.1.2.4.51', name: 'JPEG extended', convert: ['dcmcjpeg', ['+ee']], propose: ['-xx'] },
    {
      uid: '1.2.840.10008.1.2.4.57',
      name: 'JPEG lossless',
      convert: ['dcmcjpeg', ['+el']],
      propose: ['-xf', '', 'P57'],
    },
    {
      uid: '1.2.840.10008.1.2.4.70',
      name: 'JPEG lossless SV1',
      convert: ['gdcmconv', ['--jpeg']],
      propose: ['-xs', '+C'],
    },
    { uid: '1.2.840.10008.1.2.4.80', name: 'JPEG-LS lossless', convert: ['gdcmconv', ['--jpegls']], propose: ['-xt'] },
    { uid: '1.2.840.10008.1.2.4.81', name: 'JPEG-LS near-lossless', convert: ['dcmcjpls', ['+en']], propose: ['-xu'] },
    {
      uid: '1.2.840.10008.1.2.4.90',
      name: 'JPEG 2000 lossless',
      convert: ['gdcmconv', ['--j2k']],
      propose: ['-xv', '+C'],
    },
    {
      uid: '1.2.840.10008.1.2.4.91',
      name: 'JPEG 2000',
      convert: ['gdcmconv', ['--j2k', '--lossy', '-q', '50']],
      propose: ['-xw'],
    },
  ];
  /** A storescu profile for a syntax it has no flag for: DX in JPEG lossless process 14 (.57), alone. */
  const storescuConfig = [
    '[[TransferSyntaxes]]',
    '[Process14]',
    'TransferSyntax1 = 1.2.840.10008.1.2.4.57',
    '[[PresentationContexts]]',
    '[DxProcess14]',
    'PresentationContext1 = 1.2.840.10008.5.1.4.1.1.1.1\\Process14',
    '[[Profiles]]',
    '[P57]',
    'PresentationContexts = DxProcess14',
    '',
  ].join('\n');

  test.each(syntaxes)('$name ($uid) is stored byte for byte as sent', async ({ uid, name, convert, propose }) => {
    const slug = name.replace(/\W+/g, '-');
    const source = await write(`${slug}-source.dcm`, createDxInstance());
    const converted = path.join(dir.path, `${slug}-converted.dcm`);
    if (convert === null) await writeFile(converted, await readFile(source));
    else {
      const [tool, args] = convert;
      const made = await run(tool, [...args, source, converted]);
      expect(made.code, made.output).toBe(0);
    }
    // storescu re-serializes what it reads (dcmtk writes sequences with explicit lengths where gdcm
    // writes undefined ones); a file dcmtk wrote itself goes on the wire exactly as it is on disk.
    const file = path.join(dir.path, `${slug}.dcm`);
    const normalized = await run('dcmconv', [converted, file]);
    expect(normalized.code, normalized.output).toBe(0);
    const sentBytes = await readFile(file);
    const sentMeta = parseInstance(sentBytes);
    expect(sentMeta.transferSyntaxUid).toBe(uid);

    const configFile = await write('storescu.cfg', Buffer.from(storescuConfig));
    const sent = await storescu([file], { flags: propose.map((flag) => (flag === '' ? configFile : flag)) });
    expect(sent.code, sent.output).toBe(0);
    expect(sent.output).not.toMatch(/Converting transfer syntax: (.+) -> (?!\1)/);

    const row = await instanceRow(sentMeta.sopInstanceUid);
    expect(row).toMatchObject({ transfer_syntax_uid: uid, blob_key: blobKeyOf(sentMeta) });
    const stored = await runtime.store.getBuffer(row?.blob_key ?? '');
    expect(parseInstance(stored).transferSyntaxUid).toBe(uid);
    const storedDataset = stored.subarray(datasetOffset(stored));
    let sentDataset = sentBytes.subarray(datasetOffset(sentBytes));
    if (uid === '1.2.840.10008.1.2.1.99' && sentDataset.length % 2 === 1) {
      // DIMSE values have even lengths: storescu sends an odd deflated stream with one trailing NUL,
      // and that is what arrived; the deflate stream itself is the file's, byte for byte.
      sentDataset = Buffer.concat([sentDataset, Buffer.from([0])]);
    }
    expect(storedDataset.length).toBe(sentDataset.length);
    expect(storedDataset.equals(sentDataset)).toBe(true);
  });
});
