import { PRIORITIES } from '@telerad/core';
import { z } from 'zod';

/** A time of day, HH:MM. */
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day such as 08:00 or 14:30');
const share = z.number().min(0);

const mix = z
  .object({ emergency: share.default(0), outpatient: share.default(0), inpatient: share.default(0) })
  .strict()
  .refine((m) => PRIORITIES.some((p) => m[p] > 0), 'at least one of emergency, outpatient, inpatient must be above 0');

const images = z.union([
  z.number().int().positive(),
  z
    .object({ min: z.number().int().positive(), max: z.number().int().positive() })
    .strict()
    .refine((r) => r.min <= r.max, 'min must not exceed max'),
]);

const arrival = z
  .object({
    clinic: z.string().min(1),
    /** Studies per hour: one rate for every hour, or one per hour of the day. */
    perHour: z.union([z.number().min(0), z.array(z.number().min(0)).min(1)]),
    mix,
    /** Share of each modality; default: the first modality of readingMinutes. */
    modalities: z.record(z.string(), share).optional(),
    imagesPerStudy: images.default(1),
  })
  .strict();

const readingTime = z
  .object({
    mean: z.number().positive(),
    sd: z.number().min(0),
    distribution: z.enum(['lognormal', 'normal']).default('lognormal'),
  })
  .strict();

const radiologist = z
  .object({
    username: z.string().min(1),
    onDuty: z.boolean().default(true),
    qualifications: z.array(z.string().min(1)).min(1).optional(),
    maxOpen: z.number().int().positive().optional(),
  })
  .strict();

const rosterEvent = z
  .object({
    at: clock,
    radiologist: z.string().min(1),
    onDuty: z.boolean().optional(),
    offDuty: z.boolean().optional(),
  })
  .strict()
  .refine((e) => (e.onDuty === undefined) !== (e.offDuty === undefined), 'give exactly one of onDuty or offDuty');

export const loadSchema = z
  .object({
    description: z.string().optional(),
    /** When the simulated day starts; events are times of the same day. */
    start: clock.default('08:00'),
    /** How long studies keep arriving; the simulation runs on until every study is read. */
    hours: z.number().int().positive().max(72),
    arrivals: z.array(arrival).min(1),
    readingMinutes: z
      .record(z.string().min(1), readingTime)
      .refine((r) => Object.keys(r).length > 0, 'name at least one modality'),
    /** Who reads, instead of the region's on-duty radiologists. */
    radiologists: z.array(radiologist).min(1).optional(),
    events: z.array(rosterEvent).default([]),
  })
  .strict()
  .superRefine((load, ctx) => {
    load.arrivals.forEach((a, i) => {
      if (Array.isArray(a.perHour) && a.perHour.length !== load.hours) {
        ctx.addIssue({
          code: 'custom',
          path: ['arrivals', i, 'perHour'],
          message: `${a.perHour.length} hourly rates for ${load.hours} hours`,
        });
      }
      for (const modality of Object.keys(a.modalities ?? {})) {
        if (load.readingMinutes[modality] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['arrivals', i, 'modalities', modality],
            message: `no readingMinutes for ${modality}`,
          });
        }
      }
      if (a.modalities !== undefined && !Object.values(a.modalities).some((w) => w > 0)) {
        ctx.addIssue({ code: 'custom', path: ['arrivals', i, 'modalities'], message: 'every share is 0' });
      }
    });
    load.events.forEach((e, i) => {
      if (e.at < load.start) {
        ctx.addIssue({
          code: 'custom',
          path: ['events', i, 'at'],
          message: `${e.at} is before the start ${load.start}`,
        });
      }
    });
  });

export type Load = z.infer<typeof loadSchema>;
export type LoadArrival = Load['arrivals'][number];
export type LoadReadingTime = Load['readingMinutes'][string];
