import { isTimeZone, minutesOfDay, PRIORITIES, ROLES, TITLES, WEEKDAYS } from '@telerad/core';
import { isSupportedCharset } from '@telerad/dicom';
import { z } from 'zod';
import { parseDuration } from './duration.js';

const code = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes');
const names = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();
const aeTitle = z
  .string()
  .regex(/^[\x20-\x5b\x5d-\x7e]{1,16}$/, 'a DICOM AE title: 1–16 printable ASCII characters, no backslash')
  .transform((v) => v.trim());
const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === null || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration such as 30m, 2h, 45s` });
    return z.NEVER;
  }
  return ms;
});
/** Standard Webhooks secrets are base64, conventionally prefixed whsec_. */
const webhookSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'a Standard Webhooks secret: whsec_ followed by base64');

const slaRule = z.object({ target: duration, limit: duration }).strict();

const timeZone = z.string().refine(isTimeZone, { message: 'an IANA time zone such as Asia/Shanghai' });
const clock = z.string().refine((v) => minutesOfDay(v) !== null, { message: 'a time of day "HH:MM", 00:00–23:59' });
const calendarDate = z.iso.date();
/** A weekly shift; an end at or before the start runs into the next day. */
export const weeklyShiftSchema = z
  .object({ days: z.array(z.enum(WEEKDAYS)).min(1), start: clock, end: clock })
  .strict();
/** A dated exception to the weekly pattern: that day's shift, or `off: true`. */
export const datedShiftSchema = z.union([
  z.object({ date: calendarDate, start: clock, end: clock }).strict(),
  z.object({ date: calendarDate, off: z.literal(true) }).strict(),
]);
const modality = z.string().regex(/^[A-Z]{2}$/, 'a DICOM modality code such as DX or CR');
const bodyPart = z.string().regex(/^[A-Z0-9 _]{1,16}$/, 'a DICOM Body Part Examined value such as CHEST');

export const regionSchema = z
  .object({
    region: z.object({ code, name: names }).strict(),
    aeTitle: aeTitle.default('TELERAD'),
    sla: z
      .object({
        warnAt: z.number().gt(0).lt(1).default(0.75),
        emergency: slaRule,
        outpatient: slaRule,
        inpatient: slaRule,
      })
      .strict(),
    /**
     * Expected reading time per modality (mean and spread), which routing projects queues with;
     * DX 6 ± 3 min and CR 7 ± 3.5 min unless given, 10 ± 5 min for a modality not listed.
     */
    readingTimes: z.record(modality, z.object({ mean: duration, sd: duration }).strict()).default({}),
    /** Shifts are written in this zone (a hospital may name its own). */
    timeZone: timeZone.default('Asia/Shanghai'),
    hospitals: z
      .array(
        z
          .object({
            code,
            name: names,
            timeZone: timeZone.optional(),
            /** Upper-level hospitals (上级医院) that take breached studies, in order. */
            fallback: z.array(code).default([]),
            /** Whether residents (住院医师) may report and sign alone; attending (主治医师) or above otherwise. */
            residentsMaySign: z.boolean().default(false),
          })
          .strict(),
      )
      .min(1),
    clinics: z
      .array(
        z
          .object({
            code,
            name: names,
            hospital: code,
            aeTitles: z.array(aeTitle).default([]),
            apiTokens: z.array(z.string().min(16, 'API tokens need at least 16 characters')).default([]),
            webhook: z.object({ url: z.url(), secret: webhookSecret }).strict().optional(),
            defaultPriority: z.enum(PRIORITIES).default('outpatient'),
            /** Assumed when a modality writes no or a wrong Specific Character Set (often GB18030). */
            defaultCharset: z
              .string()
              .refine(isSupportedCharset, {
                message: 'not a DICOM character set telerad decodes (e.g. GB18030, ISO_IR 192)',
              })
              .optional(),
          })
          .strict(),
      )
      .min(1),
    users: z
      .array(
        z
          .object({
            username: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case login name'),
            password: z.string().min(1),
            role: z.enum(ROLES),
            name: names,
            hospital: code.optional(),
            clinic: code.optional(),
            title: z.enum(TITLES).optional(),
            onDuty: z.boolean().default(false),
            /** Weekly shifts in the hospital's time zone; none at all means on shift at every hour. */
            shifts: z.array(weeklyShiftSchema).default([]),
            /** Dated exceptions: extra shifts, or days off. */
            shiftDates: z.array(datedShiftSchema).default([]),
            /** Cap on open studies (unopened plus the one being read). */
            maxOpen: z.number().int().positive().optional(),
            /** Modalities read; absent means every modality. */
            modalities: z.array(modality).min(1).optional(),
            /** Body parts read; absent means every body part. */
            bodyParts: z.array(bodyPart).min(1).optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict()
  .superRefine((region, ctx) => {
    const hospitals = new Set(region.hospitals.map((h) => h.code));
    const clinics = new Set(region.clinics.map((c) => c.code));
    region.hospitals.forEach((hospital, i) => {
      hospital.fallback.forEach((fallback, j) => {
        if (!hospitals.has(fallback) || fallback === hospital.code) {
          ctx.addIssue({
            code: 'custom',
            path: ['hospitals', i, 'fallback', j],
            message:
              fallback === hospital.code ? 'a hospital cannot fall back to itself' : `unknown hospital "${fallback}"`,
          });
        }
      });
    });
    region.clinics.forEach((clinic, i) => {
      if (!hospitals.has(clinic.hospital)) {
        ctx.addIssue({
          code: 'custom',
          path: ['clinics', i, 'hospital'],
          message: `unknown hospital "${clinic.hospital}"`,
        });
      }
    });
    region.users.forEach((user, i) => {
      if (user.role === 'radiologist' && (user.hospital === undefined || !hospitals.has(user.hospital))) {
        ctx.addIssue({
          code: 'custom',
          path: ['users', i, 'hospital'],
          message: 'a radiologist needs a known hospital',
        });
      }
      if (user.role === 'radiographer' && (user.clinic === undefined || !clinics.has(user.clinic))) {
        ctx.addIssue({ code: 'custom', path: ['users', i, 'clinic'], message: 'a radiographer needs a known clinic' });
      }
    });
    const seen = new Map<string, string>();
    for (const clinic of region.clinics) {
      for (const ae of clinic.aeTitles) {
        const other = seen.get(ae);
        if (other !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['clinics'],
            message: `AE title ${ae} is used by both ${other} and ${clinic.code}`,
          });
        }
        seen.set(ae, clinic.code);
      }
    }
  });

export type Region = z.infer<typeof regionSchema>;
export type RegionClinic = Region['clinics'][number];
export type RegionUser = Region['users'][number];
export type RegionHospital = Region['hospitals'][number];
