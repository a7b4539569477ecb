import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The service's Prometheus metrics; one set per process, served at GET /metrics. */
export interface Metrics {
  registry: Registry;
  instancesReceived: Counter<'channel'>;
  instancesRejected: Counter<'channel' | 'reason'>;
  studiesReceived: Counter<'priority'>;
  studiesReady: Counter<'priority'>;
  studiesSigned: Counter<'priority'>;
  slaEvents: Counter<'priority' | 'kind'>;
  /** Unopened studies moved by the router: why (sla-warning, off-duty, off-shift, absent, escalation) and what became of them. */
  studyMoves: Counter<'reason' | 'outcome'>;
  readyToSignedMinutes: Histogram<'priority'>;
  deliveryAttempts: Counter<'channel' | 'outcome'>;
  /** Holds (clock pauses) begun and ended: hold, answered, image. */
  studyHolds: Counter<'event'>;
  priorityRaises: Counter<'from' | 'to'>;
  /** Live event streams (GET /api/events) open on this process. */
  eventStreams: Gauge;
  /** Render jobs: previews stored, or the instance marked unrenderable. */
  previews: Counter<'outcome'>;
  /** Render jobs put back for later because intake was busy. */
  previewDeferrals: Counter;
  /** rendered/thumbnail answers, by where they came from (stored, derived, rendered, cached). */
  renderSeconds: Histogram<'source'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'telerad_' });
  const registers = [registry];
  return {
    registry,
    instancesReceived: new Counter({
      name: 'telerad_instances_received_total',
      help: 'DICOM instances stored and indexed, by intake channel',
      labelNames: ['channel'],
      registers,
    }),
    instancesRejected: new Counter({
      name: 'telerad_instances_rejected_total',
      help: 'DICOM instances refused, by intake channel and reason',
      labelNames: ['channel', 'reason'],
      registers,
    }),
    studiesReceived: new Counter({
      name: 'telerad_studies_received_total',
      help: 'Studies first seen, by priority',
      labelNames: ['priority'],
      registers,
    }),
    studiesReady: new Counter({
      name: 'telerad_studies_ready_total',
      help: 'Studies complete and handed to the router, by priority',
      labelNames: ['priority'],
      registers,
    }),
    studiesSigned: new Counter({
      name: 'telerad_studies_signed_total',
      help: 'Studies whose final report was signed, by priority',
      labelNames: ['priority'],
      registers,
    }),
    slaEvents: new Counter({
      name: 'telerad_sla_events_total',
      help: 'SLA warnings and breaches, by priority',
      labelNames: ['priority', 'kind'],
      registers,
    }),
    studyMoves: new Counter({
      name: 'telerad_study_moves_total',
      help: 'Unopened studies moved by the router (re-routed, unassigned, escalated), by reason and outcome',
      labelNames: ['reason', 'outcome'],
      registers,
    }),
    readyToSignedMinutes: new Histogram({
      name: 'telerad_ready_to_signed_minutes',
      help: 'Turnaround from study ready to report signed, in minutes, by priority',
      labelNames: ['priority'],
      buckets: [5, 10, 15, 20, 25, 30, 45, 60, 90, 120, 180, 240],
      registers,
    }),
    deliveryAttempts: new Counter({
      name: 'telerad_delivery_attempts_total',
      help: 'Report delivery attempts, by channel and outcome',
      labelNames: ['channel', 'outcome'],
      registers,
    }),
    studyHolds: new Counter({
      name: 'telerad_study_holds_total',
      help: 'Clock pauses: studies put on hold (hold) and resumed by an answer (answered) or a new image (image)',
      labelNames: ['event'],
      registers,
    }),
    priorityRaises: new Counter({
      name: 'telerad_priority_raises_total',
      help: 'Priorities raised by clinics, from and to',
      labelNames: ['from', 'to'],
      registers,
    }),
    eventStreams: new Gauge({
      name: 'telerad_event_streams',
      help: 'Live event streams (server-sent events) open on this process',
      registers,
    }),
    previews: new Counter({
      name: 'telerad_previews_total',
      help: 'Render jobs finished: previews stored (rendered) or the instance marked unrenderable',
      labelNames: ['outcome'],
      registers,
    }),
    previewDeferrals: new Counter({
      name: 'telerad_preview_deferrals_total',
      help: 'Render jobs put back for later because intake was busy (they yield the cores to uploads)',
      registers,
    }),
    renderSeconds: new Histogram({
      name: 'telerad_render_seconds',
      help: 'WADO-RS rendered and thumbnail answers, in seconds, by source (stored, derived, rendered, cached)',
      labelNames: ['source'],
      buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 1.5, 3, 10],
      registers,
    }),
  };
}
