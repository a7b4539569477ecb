import type { Request } from 'express';

/** The DICOMweb root as the caller reached it, e.g. `http://host:8080/dicomweb`, for URLs in answers. */
export function dicomwebBase(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
}
