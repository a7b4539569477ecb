import { api } from './client';
import type {
  Priority,
  Report,
  ReportDraft,
  SlaSummary,
  StudyDetail,
  StudyList,
  StudyStatus,
  StudySummary,
  User,
} from './types';

export function login(username: string, password: string) {
  return api<{ token: string; user: User }>('/api/auth/login', {
    method: 'POST',
    body: { username, password },
    anonymous: true,
  });
}

export function fetchMe(signal?: AbortSignal) {
  return api<{ user: User }>('/api/me', signal ? { signal } : {});
}

export function fetchWorklist(signal?: AbortSignal) {
  return api<StudyList>('/api/worklist', signal ? { signal } : {});
}

export function fetchStudies(query: { status?: StudyStatus; limit?: number } = {}, signal?: AbortSignal) {
  const params = new URLSearchParams();
  if (query.status) params.set('status', query.status);
  if (query.limit) params.set('limit', String(query.limit));
  const qs = params.toString();
  return api<StudyList>(`/api/studies${qs ? `?${qs}` : ''}`, signal ? { signal } : {});
}

export function fetchStudy(id: string, signal?: AbortSignal) {
  return api<StudyDetail>(`/api/studies/${encodeURIComponent(id)}`, signal ? { signal } : {});
}

export function claimStudy(id: string) {
  return api<{ study: StudySummary }>(`/api/studies/${encodeURIComponent(id)}/claim`, { method: 'POST' });
}

export function releaseStudy(id: string) {
  return api<{ study: StudySummary }>(`/api/studies/${encodeURIComponent(id)}/release`, { method: 'POST' });
}

export function submitStudy(id: string) {
  return api<{ study: StudySummary }>(`/api/studies/${encodeURIComponent(id)}/submit`, { method: 'POST' });
}

export function saveReport(id: string, draft: ReportDraft) {
  return api<{ report: Report }>(`/api/studies/${encodeURIComponent(id)}/report`, { method: 'PUT', body: draft });
}

export function signReport(id: string) {
  return api<{ report: Report; study: StudySummary }>(`/api/studies/${encodeURIComponent(id)}/report/sign`, {
    method: 'POST',
  });
}

export function fetchSlaSummary(signal?: AbortSignal) {
  return api<SlaSummary>('/api/sla/summary', signal ? { signal } : {});
}

/** The assigned radiologist asks the clinic; the SLA clock stops until the clinic answers. */
export function holdStudy(id: string, reason: string) {
  return api<StudyDetail>(`/api/studies/${encodeURIComponent(id)}/hold`, { method: 'POST', body: { reason } });
}

/** The clinic answers (or the radiologist withdraws the question); the clock runs again. */
export function resumeStudy(id: string, answer: string) {
  return api<StudyDetail>(`/api/studies/${encodeURIComponent(id)}/resume`, { method: 'POST', body: { answer } });
}

/** The clinic raises the priority (never lowers it). */
export function raisePriority(id: string, priority: Priority) {
  return api<StudyDetail>(`/api/studies/${encodeURIComponent(id)}/priority`, { method: 'POST', body: { priority } });
}
