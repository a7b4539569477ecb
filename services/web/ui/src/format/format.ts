import type { LocalizedName } from '../api/types';

/** The name in the interface language, falling back to the other one when it is missing. */
export function localName(name: LocalizedName | null | undefined, language: string): string {
  if (!name) return '';
  return language.startsWith('zh') ? name.zh || name.en : name.en || name.zh;
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function formatter(language: string, kind: 'full' | 'short' | 'time' | 'date'): Intl.DateTimeFormat {
  const key = `${language}|${kind}`;
  let f = dateTimeFormats.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions = { hour12: false };
    if (kind !== 'time') Object.assign(options, { month: '2-digit', day: '2-digit' });
    if (kind === 'full' || kind === 'date') options.year = 'numeric';
    if (kind !== 'date') Object.assign(options, { hour: '2-digit', minute: '2-digit' });
    if (kind === 'time') options.second = '2-digit';
    // The user's own time zone (Asia/Shanghai in the alliance); the API speaks UTC ISO 8601.
    f = new Intl.DateTimeFormat(language, options);
    dateTimeFormats.set(key, f);
  }
  return f;
}

/** "2025/05/06 09:12" style date and time in local time; empty for a missing value. */
export function formatDateTime(
  iso: string | null | undefined,
  language: string,
  kind: 'full' | 'short' | 'time' | 'date' = 'full',
): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : formatter(language, kind).format(date);
}

/** DICOM DA (YYYYMMDD) or ISO date (YYYY-MM-DD) to a Date at local midnight; null when unusable. */
export function parseDicomDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const match = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(value.trim());
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatDicomDate(value: string | null | undefined, language: string): string {
  const date = parseDicomDate(value);
  return date ? formatter(language, 'date').format(date) : '';
}

export type Age = { unit: 'years' | 'months' | 'days'; value: number };

/** Age at the examination, as radiology reports give it: years, or months / days for infants. */
export function ageAt(birthDate: string | null | undefined, at: string | null | undefined): Age | null {
  const birth = parseDicomDate(birthDate);
  const when = at ? new Date(at) : new Date();
  if (!birth || Number.isNaN(when.getTime()) || when < birth) return null;
  let months = (when.getFullYear() - birth.getFullYear()) * 12 + (when.getMonth() - birth.getMonth());
  if (when.getDate() < birth.getDate()) months--;
  if (months >= 24) return { unit: 'years', value: Math.floor(months / 12) };
  if (months >= 1) return { unit: 'months', value: months };
  return { unit: 'days', value: Math.floor((when.getTime() - birth.getTime()) / 86_400_000) };
}

/** Seconds as mm:ss, minutes allowed past 59 (an inpatient limit is 120 min). */
export function formatMinutesSeconds(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const minutes = Math.floor(s / 60);
  const seconds = s % 60;
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
}

export function formatBytes(bytes: number, language: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(language, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

export function formatPercent(fraction: number | null, language: string): string {
  if (fraction === null || Number.isNaN(fraction)) return '—';
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(fraction);
}

export function formatNumber(value: number | null, language: string): string {
  if (value === null) return '—';
  return new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(value);
}
