import { PRIORITIES, ROLES } from '@telerad/core';
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
    hospitals: z.array(z.object({ code, name: names }).strict()).min(1),
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
            title: z.enum(['resident', 'attending', 'associate-chief', 'chief']).optional(),
            onDuty: z.boolean().default(false),
          })
          .strict(),
      )
      .min(1),
  })
  .strict()
  .superRefine((region, ctx) => {
    const hospitals = new Set(region.hospitals.map((h) => h.code));
    const clinics = new Set(region.clinics.map((c) => c.code));
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
