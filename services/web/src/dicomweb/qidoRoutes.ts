import { NotAcceptableError } from '@telerad/core';
import type { DbHandle } from '@telerad/db';
import { type Request, type Response, Router } from 'express';
import { principalOf } from '../auth/authenticate.js';
import { describeAccept, parseAccept } from './acceptHeader.js';
import { dicomwebBase } from './dicomwebBase.js';
import type { QidoLevel, RetrieveUrls } from './qidoAttributes.js';
import { type QidoScope, qidoSearch } from './qidoSearch.js';
import { requireSeries, requireStudy } from './requireVisible.js';

const JSON_TYPES = new Set(['application/dicom+json', 'application/json', 'application/*', '*/*']);

/**
 * QIDO-RS (PS3.18 §10.6): studies, series and instances, across everything the caller may see or
 * within one study or series. A study or series the path names must exist (404) and be visible (403).
 */
export function qidoRoutes(deps: { db: DbHandle }): Router {
  const router = Router();
  const search = (level: QidoLevel) => async (req: Request, res: Response) => {
    const accepted = parseAccept(req.get('accept'));
    if (!accepted.some((m) => JSON_TYPES.has(m.type))) {
      throw new NotAcceptableError(
        `search results are served as application/dicom+json, which the Accept header (${describeAccept(accepted)}) does not allow`,
      );
    }
    const principal = principalOf(res);
    const params = req.params as { study?: string; series?: string };
    const scope: QidoScope = {};
    if (params.study !== undefined && params.series !== undefined) {
      const { study, series } = await requireSeries(deps.db, principal, params.study, params.series);
      scope.studyId = study.id;
      scope.seriesId = series.id;
    } else if (params.study !== undefined) {
      scope.studyId = (await requireStudy(deps.db, principal, params.study)).id;
    }
    const base = dicomwebBase(req);
    const urls: RetrieveUrls = {
      study: (r) => `${base}/studies/${r.study_instance_uid}`,
      series: (r) => `${base}/studies/${r.study_instance_uid}/series/${r.series_instance_uid}`,
      instance: (r) =>
        `${base}/studies/${r.study_instance_uid}/series/${r.series_instance_uid}/instances/${r.sop_instance_uid}`,
    };
    const result = await qidoSearch(deps.db, principal, level, scope, req.query, urls);
    if (result.warnings.length > 0) {
      res.set('Warning', result.warnings.map((w) => `299 telerad: ${w.replace(/"/g, "'")}`).join(', '));
    }
    res.type('application/dicom+json').send(JSON.stringify(result.body));
  };
  router.get('/studies', search('study'));
  router.get('/series', search('series'));
  router.get('/instances', search('instance'));
  router.get('/studies/:study/series', search('series'));
  router.get('/studies/:study/instances', search('instance'));
  router.get('/studies/:study/series/:series/instances', search('instance'));
  return router;
}
