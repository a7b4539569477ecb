import { Router } from 'express';
import { bulkdataRoutes } from './bulkdataRoutes.js';
import { type FrameDeps, frameRoutes } from './frameRoutes.js';
import { metadataRoutes } from './metadataRoutes.js';
import { retrieveRoutes } from './retrieveRoutes.js';

/** WADO-RS (PS3.18 §10.4): retrieve, metadata, frames and bulkdata, one file per resource. */
export function wadoRoutes(deps: FrameDeps): Router {
  const router = Router();
  router.use(retrieveRoutes(deps));
  router.use(metadataRoutes(deps));
  router.use(frameRoutes(deps));
  router.use(bulkdataRoutes(deps));
  return router;
}
