// The two servers the read benchmarks compare, each a child process of a harness (./harness.mjs) on
// loopback, on its embedded defaults in the harness's temp dir: telerad's all-in-one and Debian's
// Orthanc with its DICOMweb plugin (and the GDCM plugin when installed, for JPEG 2000).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, waitFor } from './harness.mjs';
import { embeddedTeleradEnv, freePort } from './telerad.mjs';

export const clinicAuth = 'Bearer demo-token-clinic-a';

/** telerad's all-in-one (services/all-in-one/dist/main.js); answers once /healthz does. */
export async function startTelerad(harness) {
  const port = await freePort();
  const env = embeddedTeleradEnv({
    root: repoRoot,
    dataDir: path.join(harness.tmp, 'telerad'),
    httpPort: port,
    dicomPort: await freePort(),
    queuePrefix: 'bench',
  });
  const mainJs = path.join(repoRoot, 'services/all-in-one/dist/main.js');
  const started = harness.startChild('telerad', process.execPath, [mainJs], { cwd: repoRoot, env });
  const base = `http://127.0.0.1:${port}`;
  await waitFor('telerad', `${base}/healthz`, {}, started);
  return { name: 'telerad', base, web: `${base}/dicomweb`, headers: { authorization: clinicAuth }, ...started };
}

function pluginPath(pkg, pattern) {
  try {
    return execFileSync('dpkg', ['-L', pkg], { encoding: 'utf8' })
      .split('\n')
      .find((f) => pattern.test(f));
  } catch {
    return undefined;
  }
}

/**
 * Orthanc with a private config in the harness's temp dir (its storage and SQLite index there, one
 * registered user), or null — said on stderr — when it or its DICOMweb plugin is not installed.
 * The GDCM plugin (JPEG 2000) is loaded when installed, unless `withGdcm` is false; `needsGdcm` says on
 * stderr how to install it when it is missing.
 */
export async function startOrthanc(harness, { needsGdcm = false, withGdcm = true } = {}) {
  const binary = ['/usr/sbin/Orthanc', '/usr/bin/Orthanc'].find((f) => existsSync(f));
  const dicomweb = pluginPath('orthanc-dicomweb', /\/plugins\/[^/]*DicomWeb[^/]*\.so$/);
  if (binary === undefined || dicomweb === undefined) {
    console.error(
      'Orthanc or its DICOMweb plugin is not installed (`apt-get install -y orthanc orthanc-dicomweb`); measuring telerad alone',
    );
    return null;
  }
  const gdcm = withGdcm ? pluginPath('orthanc-gdcm', /\/plugins\/[^/]*Gdcm[^/]*\.so$/) : undefined;
  if (gdcm === undefined && needsGdcm) {
    console.error(
      "Orthanc's GDCM plugin is not installed: Orthanc will refuse the JPEG 2000 rows. Install it with `apt-get install -y orthanc-gdcm` (Debian) and run again",
    );
  }
  const dir = path.join(harness.tmp, 'orthanc');
  mkdirSync(dir);
  const port = await freePort();
  const dicomPort = await freePort();
  const password = randomBytes(12).toString('hex');
  // Only what a private instance needs; everything else stays on Orthanc's defaults (which in 1.10
  // include SyncStorageArea: true, an fsync per stored file, and the SQLite index).
  const config = {
    Name: 'telerad-bench',
    StorageDirectory: path.join(dir, 'storage'),
    IndexDirectory: path.join(dir, 'index'),
    HttpPort: port,
    DicomPort: dicomPort,
    DicomAet: 'ORTHANC',
    DicomCheckCalledAet: false,
    DicomAlwaysAllowStore: true, // any calling AE may store (Orthanc's default, stated)
    RemoteAccessAllowed: true,
    AuthenticationEnabled: true,
    RegisteredUsers: { bench: password },
    Plugins: gdcm === undefined ? [dicomweb] : [dicomweb, gdcm],
    DicomWeb: { Enable: true, Root: '/dicom-web/' },
  };
  const file = path.join(dir, 'orthanc.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  const started = harness.startChild('orthanc', binary, [file], { cwd: dir });
  const base = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Basic ${Buffer.from(`bench:${password}`).toString('base64')}` };
  await waitFor('orthanc', `${base}/system`, headers, started);
  const version = (await (await fetch(`${base}/system`, { headers })).json()).Version;
  return {
    name: 'orthanc',
    base,
    web: `${base}/dicom-web`,
    stowUrl: `${base}/dicom-web/studies`,
    headers,
    version,
    gdcm: gdcm !== undefined,
    dicomPort,
    calledAe: 'ORTHANC',
    ...started,
  };
}
