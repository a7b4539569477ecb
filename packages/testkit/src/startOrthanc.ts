import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from './freePort.js';
import { tempDir } from './tempDir.js';

export interface OrthancInstall {
  binary: string;
  dicomWebPlugin: string;
}

/** Debian's Orthanc and its DICOMweb plugin, or why they are missing. */
export function findOrthanc(): OrthancInstall | { missing: string } {
  const binary = ['/usr/sbin/Orthanc', '/usr/bin/Orthanc'].find((f) => existsSync(f));
  if (binary === undefined) return { missing: 'Orthanc is not installed (apt-get install orthanc orthanc-dicomweb)' };
  let listed: string[] = [];
  try {
    listed = execFileSync('dpkg', ['-L', 'orthanc-dicomweb'], { encoding: 'utf8' }).split('\n');
  } catch {
    // Not a Debian package here: look where Debian puts it anyway.
  }
  const dicomWebPlugin =
    listed.find((f) => /\/plugins\/[^/]*DicomWeb[^/]*\.so$/.test(f)) ??
    ['/usr/share/orthanc/plugins/libOrthancDicomWeb.so'].find((f) => existsSync(f));
  if (dicomWebPlugin === undefined) {
    return { missing: 'the Orthanc DICOMweb plugin is not installed (apt-get install orthanc-dicomweb)' };
  }
  return { binary, dicomWebPlugin };
}

export interface Orthanc {
  url: string;
  /** Basic authentication for Orthanc's REST API. */
  headers: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A private Orthanc with the DICOMweb plugin, on free ports, its storage and SQLite index in a temp
 * directory. `dicomWebServers` becomes `DicomWeb.Servers` (remote DICOMweb servers it can pull from).
 */
export async function startOrthanc(
  install: OrthancInstall,
  options: { dicomWebServers?: Record<string, unknown> } = {},
): Promise<Orthanc> {
  const dir = await tempDir('orthanc');
  await mkdir(path.join(dir.path, 'storage'));
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const config = {
    Name: 'telerad-test',
    StorageDirectory: path.join(dir.path, 'storage'),
    IndexDirectory: dir.path,
    HttpPort: port,
    DicomPort: await freePort(),
    DicomAet: 'ORTHANC',
    RemoteAccessAllowed: true,
    AuthenticationEnabled: true,
    RegisteredUsers: { test: password },
    Plugins: [install.dicomWebPlugin],
    DicomWeb: { Enable: true, Root: '/dicom-web/', Servers: options.dicomWebServers ?? {} },
  };
  const configFile = path.join(dir.path, 'orthanc.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const logFile = path.join(dir.path, 'orthanc.log');
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(install.binary, [configFile], { cwd: dir.path, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Basic ${Buffer.from(`test:${password}`).toString('base64')}` };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    log.end();
    await dir.remove();
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const text = readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
      await stop();
      throw new Error(`Orthanc exited during start-up:\n${text}`);
    }
    try {
      if ((await fetch(`${url}/system`, { headers })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Orthanc did not answer ${url}/system within 60 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, headers, stop };
}
