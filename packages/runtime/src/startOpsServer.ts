import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkHealth } from './checkHealth.js';
import type { Runtime } from './openRuntime.js';

/**
 * `GET /healthz` and `GET /metrics` for a service without an HTTP API of its own (router, delivery),
 * so an orchestrator can probe it and Prometheus can scrape it like the web service.
 */
export async function startOpsServer(
  runtime: Pick<Runtime, 'db' | 'redis' | 'store' | 'metrics'>,
  port: number,
): Promise<{ port: number; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      void checkHealth(runtime).then((health) => {
        res.writeHead(health.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(health.body));
      });
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      void runtime.metrics.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': runtime.metrics.registry.contentType }).end(text);
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        error: { code: 'not-found', message: 'this service answers GET /healthz and GET /metrics only' },
      }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
