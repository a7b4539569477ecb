#!/usr/bin/env node
// A township clinic's report inbox for the demo: listens where the demo region's webhooks point
// (http://127.0.0.1:8090/<clinic>/reports), checks each Standard Webhooks signature with that
// clinic's secret from the region file, prints the report and keeps it under .data/clinic-inbox/.
//
//   pnpm build && node scripts/clinic-inbox.mjs [--port 8090] [--region fixtures/region.demo.yaml]
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const { loadRegion } = await import(`${root}/packages/config/dist/index.js`);
// The delivery service signs with the standardwebhooks package; verify with the same library.
const { Webhook } = createRequire(`${root}/services/delivery/package.json`)('standardwebhooks');

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8090' },
    region: { type: 'string', default: path.join(root, 'fixtures/region.demo.yaml') },
    dir: { type: 'string', default: path.join(root, '.data/clinic-inbox') },
  },
});
const region = loadRegion(path.resolve(values.region));
const secrets = new Map(region.clinics.filter((c) => c.webhook).map((c) => [c.code, c.webhook.secret]));

const server = createServer((req, res) => {
  const clinic = /^\/([a-z0-9-]+)\/reports$/.exec(req.url ?? '')?.[1];
  const secret = clinic === undefined ? undefined : secrets.get(clinic);
  if (req.method !== 'POST' || secret === undefined) {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    let payload;
    try {
      payload = new Webhook(secret).verify(body, req.headers);
    } catch (error) {
      console.log(`${clinic}: REFUSED a request whose signature does not verify (${error.message})`);
      res.writeHead(401).end();
      return;
    }
    const { data } = payload;
    const folder = path.join(values.dir, clinic);
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      path.join(folder, `${data.studyInstanceUid}-v${data.report.version}.json`),
      `${JSON.stringify(payload, null, 2)}\n`,
    );
    console.log(
      `${clinic}: report for ${data.patientName} (${data.patientId}), ${data.priority}` +
        `${data.report.critical ? ', CRITICAL 危急值' : ''}, signed ${data.report.signedAt}` +
        ` by ${data.report.signedBy?.name?.zh ?? ''}: ${data.report.impression}`,
    );
    res.writeHead(204).end();
  });
});
server.listen(Number(values.port), '127.0.0.1', () => {
  console.log(`clinic inbox on http://127.0.0.1:${values.port}/<clinic>/reports for ${[...secrets.keys()].join(', ')}`);
});
