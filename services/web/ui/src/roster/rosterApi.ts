import { api } from '../api/client';
import type { LocalizedName, Priority, StudyStatus } from '../api/types';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export interface WeeklyShift {
  days: Weekday[];
  start: string;
  end: string;
}
export type DatedShift = { date: string; start: string; end: string } | { date: string; off: true };
export interface Shifts {
  weekly: WeeklyShift[];
  dated: DatedShift[];
}

export interface RosterRadiologist {
  username: string;
  name: LocalizedName;
  hospital: string;
  title: 'resident' | 'attending' | 'associate-chief' | 'chief' | null;
  onDuty: boolean;
  onShift: boolean;
  shiftEndsAt: string | null;
  present: boolean;
  lastSeenAt: string | null;
  open: number;
  unopened: number;
  maxOpen: number | null;
  modalities: string[] | null;
  bodyParts: string[] | null;
  shifts: Shifts;
}

export interface RosterHospital {
  code: string;
  name: LocalizedName;
  timeZone: string;
  residentsMaySign: boolean;
  fallback: string[];
}

export interface Roster {
  serverTime: string;
  hospitals: RosterHospital[];
  radiologists: RosterRadiologist[];
}

export interface RosterChange {
  shifts?: Shifts;
  maxOpen?: number | null;
  modalities?: string[] | null;
  bodyParts?: string[] | null;
}

export interface SlaAlert {
  id: string;
  kind: 'breach' | 'escalated' | 'not-escalated';
  detail: Record<string, unknown>;
  at: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  study: {
    id: string;
    priority: Priority;
    status: StudyStatus;
    deadlineAt: string | null;
    clinic: { code: string; name: LocalizedName };
    hospital: string;
  };
}

const path = (username: string) => `/api/admin/roster/${encodeURIComponent(username)}`;

export function fetchRoster(signal?: AbortSignal) {
  return api<Roster>('/api/admin/roster', signal ? { signal } : {});
}

export function setDuty(username: string, onDuty: boolean) {
  return api<Roster>(`${path(username)}/duty`, { method: 'PUT', body: { onDuty } });
}

export function changeRoster(username: string, change: RosterChange) {
  return api<Roster>(path(username), { method: 'PATCH', body: change });
}

export function fetchAlerts(signal?: AbortSignal) {
  return api<{ items: SlaAlert[] }>('/api/admin/alerts?limit=50', signal ? { signal } : {});
}

export function acknowledgeAlert(id: string) {
  return api<{ items: SlaAlert[] }>(`/api/admin/alerts/${encodeURIComponent(id)}/acknowledge`, { method: 'POST' });
}

export function sendHeartbeat() {
  return api<{ presentUntil: string }>('/api/presence', { method: 'POST' });
}
