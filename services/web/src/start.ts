import type { Server } from 'node:http';
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
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port ?? deps.config.httpPort, options.host ?? '0.0.0.0', () => resolve(s));
    s.once('error', reject);
  });
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
