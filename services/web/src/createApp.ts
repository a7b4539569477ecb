import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotFoundError } from '@telerad/core';
import { createImagingPool, type ImagingPool } from '@telerad/imaging';
import { createStowRouter, createTusRouter } from '@telerad/ingest';
import type { Renderer } from '@telerad/previews';
import { checkHealth, type Runtime } from '@telerad/runtime';
import express, { type Express } from 'express';
import { slaRoutes } from './api/slaRoutes.js';
import { studyRoutes } from './api/studyRoutes.js';
import { authenticate, principalOf } from './auth/authenticate.js';
import { loginRoutes } from './auth/loginRoute.js';
import { loadUserView } from './auth/userView.js';
import { corsForViewers } from './dicomweb/corsForViewers.js';
import { qidoRoutes } from './dicomweb/qidoRoutes.js';
import { renderedRoutes } from './dicomweb/renderedRoutes.js';
import { RenderService } from './dicomweb/renderService.js';
import { wadoRoutes } from './dicomweb/wadoRoutes.js';
import { eventStreamRoute, eventTicketRoute } from './events/eventsRoutes.js';
import { createStudyEventHub, type StudyEventHub } from './events/studyEventHub.js';
import { errorHandler } from './httpErrors.js';
import { interactivePriority } from './interactivePriority.js';
import { presenceRoutes } from './roster/presenceRoutes.js';
import { rosterRoutes } from './roster/rosterRoutes.js';

export type WebDeps = Pick<
  Runtime,
  'db' | 'store' | 'queues' | 'redis' | 'newRedis' | 'logger' | 'metrics' | 'config' | 'slaPolicy' | 'readingMinutes'
>;

/** The built browser app, next to this package's dist/ (services/web/dist-ui). */
const UI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist-ui');

export interface AppOptions {
  uiDir?: string;
  /**
   * The imaging worker pool for rendered and thumbnail requests. Without one, the app opens its own at
   * the first render; `closeApp` closes it.
   */
  imaging?: Renderer;
  /** Live study events of this process (one Redis subscription); without one, the app makes its own. */
  events?: StudyEventHub;
  /** Event stream heartbeat and sign-in re-check intervals (tests shorten them). */
  heartbeatMs?: number;
  recheckMs?: number;
}

/** Every HTTP route of telerad; `listen` is the caller's business (tests use supertest). */
export function createApp(deps: WebDeps, options: AppOptions = {}): Express {
  const events = options.events ?? createStudyEventHub(deps);
  const app = express();
  let ownPool: ReturnType<typeof createImagingPool> | undefined;
  let renderService: RenderService | undefined;
  const imaging = () => {
    if (options.imaging !== undefined) return options.imaging;
    ownPool ??= createImagingPool();
    return ownPool;
  };
  const framePool = (): ImagingPool => {
    const given = imaging();
    if ('decodeFrame' in given) return given as ImagingPool;
    ownPool ??= createImagingPool();
    return ownPool;
  };
  const renderer = () => {
    renderService ??= new RenderService(deps.store, imaging, { rewindowBytes: deps.config.rewindowCacheBytes });
    return renderService;
  };
  app.locals.closeImaging = async () => {
    await ownPool?.close();
    ownPool = undefined;
  };
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.get('/healthz', async (_req, res) => {
    const health = await checkHealth(deps);
    res.status(health.ok ? 200 : 503).json(health.body);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  app.use(interactivePriority());
  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use('/auth', loginRoutes({ db: deps.db, sessionTtlMs: deps.config.sessionTtlMs }));
  // The event stream authenticates itself: a header, or a one-use ticket for EventSource.
  api.use(
    eventStreamRoute(deps, events, {
      ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
      ...(options.recheckMs === undefined ? {} : { recheckMs: options.recheckMs }),
    }),
  );
  api.use(authenticate(deps.db));
  api.use(eventTicketRoute(deps));
  api.use('/uploads', createTusRouter(deps, { uploadDir: path.join(deps.config.dataDir, 'uploads') }));
  api.get('/me', async (_req, res) => {
    const principal = principalOf(res);
    if (principal.kind === 'clinic') {
      res.json({ clinic: { id: principal.clinicId, code: principal.clinicCode } });
      return;
    }
    res.json({ user: await loadUserView(deps.db, principal.userId) });
  });
  api.use(studyRoutes(deps));
  api.use(slaRoutes(deps));
  api.use(rosterRoutes(deps));
  api.use(presenceRoutes(deps));
  api.use((req) => {
    throw new NotFoundError(`no API route ${req.method} ${req.path}`);
  });
  app.use('/api', api);

  const dicomweb = express.Router();
  dicomweb.use(corsForViewers(deps.config.dicomwebCorsOrigins));
  dicomweb.use(authenticate(deps.db));
  dicomweb.use(renderedRoutes({ db: deps.db, metrics: deps.metrics, renderer }));
  dicomweb.use(createStowRouter(deps));
  dicomweb.use(qidoRoutes(deps));
  dicomweb.use(
    wadoRoutes({
      db: deps.db,
      store: deps.store,
      // Compressed frames asked for as application/octet-stream are decoded in the imaging workers.
      frameDecoder: { decodeFrame: (bytes, frame) => framePool().decodeFrame(bytes, frame) },
    }),
  );
  app.use('/dicomweb', dicomweb);

  const uiDir = options.uiDir ?? UI_DIR;
  if (existsSync(uiDir)) {
    app.use(express.static(uiDir, { index: false, maxAge: '1h' }));
    app.get(/^\/(?!api\/|dicomweb\/|healthz|metrics).*/, (_req, res) => {
      res.sendFile(path.join(uiDir, 'index.html'), { maxAge: 0 });
    });
  }

  app.use(errorHandler(deps.logger));
  return app;
}

/** Closes what the app opened for itself (its imaging pool, if it opened one). */
export async function closeApp(app: Express): Promise<void> {
  await (app.locals.closeImaging as (() => Promise<void>) | undefined)?.();
}
