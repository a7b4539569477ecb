import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Renderer } from '@telerad/previews';
import { closeApp, createApp, type WebDeps } from './createApp.js';
import { createStudyEventHub } from './events/studyEventHub.js';

export interface WebService {
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** Serves the app on `port` (0 picks a free one). */
export async function start(
  deps: WebDeps,
  options: { port?: number; host?: string; imaging?: Renderer; heartbeatMs?: number; recheckMs?: number } = {},
): Promise<WebService> {
  const events = createStudyEventHub(deps);
  const app = createApp(deps, {
    events,
    ...(options.imaging === undefined ? {} : { imaging: options.imaging }),
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    ...(options.recheckMs === undefined ? {} : { recheckMs: options.recheckMs }),
  });
  // Express 5's app.listen calls back on failure too; a plain server tells 'listening' from 'error'
  // (a port in use rejects with EADDRINUSE instead of starting a server that listens nowhere).
  const server: Server = createServer(app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? deps.config.httpPort, options.host ?? '0.0.0.0', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await closeApp(app);
    await events.close();
    throw error;
  }
  // Slow township uplinks: a study can take minutes to arrive, so no request timeout on uploads.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await closeApp(app);
      await events.close();
    },
  };
}
