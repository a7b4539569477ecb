import {
  compareUrgency,
  emergencyToTake,
  nextStudyFor,
  orderByUrgency,
  type QueuedStudy,
  type RoutingPolicy,
  type RoutingRadiologist,
  readingOrderOf,
  routeStudy,
  toQueued,
} from '@telerad/core';
import type { RosterChange, Scenario, SimRadiologist } from './buildScenario.js';
import type { SimStudy } from './generateStudies.js';

export interface SimOutcome {
  study: SimStudy;
  /** When the report was signed (ms from the start), null if nobody ever read it. */
  signedAt: number | null;
  /** Who read it. */
  readBy: string | null;
}

export interface SimRun {
  policy: RoutingPolicy;
  outcomes: SimOutcome[];
  /** Radiologist time spent reading, within the arrival window (ms). */
  busyMs: number;
  /** Radiologist time on duty, within the arrival window (ms). */
  onDutyMs: number;
  /** Studies moved off a radiologist who went off duty before opening them. */
  rerouted: number;
  /** Emergencies a free radiologist took from a colleague still reading (deadline-aware). */
  emergenciesTaken: number;
}

interface Reading {
  study: SimStudy;
  startedAt: number;
  /** What routing believes: start plus the modality's mean. */
  expectedEnd: number;
  /** What happens: start plus the study's drawn reading time. */
  endsAt: number;
}

interface Desk {
  spec: SimRadiologist;
  onDuty: boolean;
  onDutySince: number;
  queue: QueuedStudy[];
  reading: Reading | null;
}

/**
 * Runs one day in simulated time with the real routing policy: a study is routed when it arrives;
 * each radiologist reads their queue in the policy's order (most urgent first, or arrival order for
 * fifo), never interrupted; a radiologist going off duty finishes the study they have open and their
 * unopened studies are routed again; studies nobody can take wait and are retried whenever a
 * radiologist finishes or comes on duty. `studies` must be in arrival order (as generateStudies
 * returns them). Deterministic: no randomness here.
 */
export function simulate(scenario: Scenario, studies: readonly SimStudy[], policy: RoutingPolicy): SimRun {
  return new Simulation(scenario, studies, policy).run();
}

class Simulation {
  readonly #desks: Desk[];
  readonly #byId: Map<string, SimStudy>;
  readonly #outcomes = new Map<string, SimOutcome>();
  #now = 0;
  #pool: SimStudy[] = [];
  #lastAssigneeId: string | null = null;
  #busyMs = 0;
  #onDutyMs = 0;
  #rerouted = 0;
  #emergenciesTaken = 0;

  constructor(
    private readonly scenario: Scenario,
    private readonly studies: readonly SimStudy[],
    private readonly policy: RoutingPolicy,
  ) {
    this.#desks = scenario.radiologists.map((spec) => ({
      spec,
      onDuty: spec.onDuty,
      onDutySince: 0,
      queue: [],
      reading: null,
    }));
    this.#byId = new Map(studies.map((s) => [s.id, s]));
    for (const s of studies) this.#outcomes.set(s.id, { study: s, signedAt: null, readBy: null });
  }

  run(): SimRun {
    const events = this.scenario.events;
    let nextStudy = 0;
    let nextEvent = 0;
    for (;;) {
      const arrival = this.studies[nextStudy];
      const change = events[nextEvent];
      const finishing = this.#nextFinish();
      const t = Math.min(
        arrival?.readyAt ?? Number.POSITIVE_INFINITY,
        change?.at ?? Number.POSITIVE_INFINITY,
        finishing?.reading?.endsAt ?? Number.POSITIVE_INFINITY,
      );
      if (t === Number.POSITIVE_INFINITY) break;
      this.#now = t;
      if (change !== undefined && change.at === t) {
        nextEvent++;
        this.#changeRoster(change);
      } else if (finishing?.reading?.endsAt === t) {
        this.#finish(finishing);
      } else if (arrival !== undefined) {
        nextStudy++;
        this.#route(arrival);
      }
    }
    const end = Math.max(this.#now, this.scenario.windowMs);
    for (const desk of this.#desks) if (desk.onDuty) this.#closeShift(desk, end);
    return {
      policy: this.policy,
      outcomes: this.studies.map((s) => this.#outcomes.get(s.id) as SimOutcome),
      busyMs: this.#busyMs,
      onDutyMs: this.#onDutyMs,
      rerouted: this.#rerouted,
      emergenciesTaken: this.#emergenciesTaken,
    };
  }

  #nextFinish(): Desk | undefined {
    let best: Desk | undefined;
    let bestAt = Number.POSITIVE_INFINITY;
    for (const desk of this.#desks) {
      if (desk.reading !== null && desk.reading.endsAt < bestAt) {
        best = desk;
        bestAt = desk.reading.endsAt;
      }
    }
    return best;
  }

  #view(desk: Desk): RoutingRadiologist {
    const { spec, reading } = desk;
    return {
      id: spec.id,
      username: spec.username,
      onDuty: desk.onDuty,
      ...(spec.qualifications === undefined ? {} : { qualifications: spec.qualifications }),
      ...(spec.maxOpen === undefined ? {} : { maxOpen: spec.maxOpen }),
      queue: desk.queue,
      busyUntil: reading?.expectedEnd ?? 0,
      ...(reading === null ? {} : { reading: { studyId: reading.study.id, priority: reading.study.priority } }),
    };
  }

  /** Routes a study among its hospital's radiologists; true when someone took it. */
  #route(study: SimStudy): boolean {
    const desks = this.#desks.filter((d) => d.spec.hospital === study.hospital);
    const options = { readingMinutes: this.scenario.readingMinutes, lastAssigneeId: this.#lastAssigneeId };
    const decision = routeStudy(
      this.policy,
      study,
      desks.map((d) => this.#view(d)),
      this.#now,
      options,
    );
    const desk = desks.find((d) => d.spec.id === decision.assignee);
    if (desk === undefined) {
      this.#pool.push(study);
      return false;
    }
    this.#lastAssigneeId = desk.spec.id;
    desk.queue.push(toQueued(study, options));
    this.#startNext(desk);
    return true;
  }

  #startNext(desk: Desk): void {
    if (desk.reading !== null || !desk.onDuty) return;
    if (this.policy === 'deadline-aware') this.#takeWaitingEmergency(desk);
    const next = nextStudyFor(desk, this.#now, readingOrderOf(this.policy));
    const study = next === null ? undefined : this.#byId.get(next.studyId);
    if (next === null || study === undefined) return;
    desk.queue = desk.queue.filter((q) => q !== next);
    desk.reading = {
      study,
      startedAt: this.#now,
      expectedEnd: this.#now + next.expectedMinutes * 60_000,
      endsAt: this.#now + study.readingMs,
    };
  }

  /** deadline-aware: a free radiologist first takes an emergency waiting behind a colleague's read. */
  #takeWaitingEmergency(desk: Desk): void {
    const colleagues = this.#desks.filter((d) => d !== desk && d.onDuty && d.spec.hospital === desk.spec.hospital);
    const move = emergencyToTake(
      this.#view(desk),
      colleagues.map((d) => this.#view(d)),
      (q) => {
        const study = this.#byId.get(q.studyId);
        return study !== undefined && (desk.spec.qualifications?.includes(study.modality) ?? true);
      },
    );
    const from = colleagues.find((d) => d.spec.id === move?.fromId);
    if (move === null || from === undefined) return;
    from.queue = from.queue.filter((q) => q.studyId !== move.study.studyId);
    desk.queue.push(move.study);
    this.#emergenciesTaken++;
  }

  #finish(desk: Desk): void {
    const reading = desk.reading;
    if (reading === null) return;
    this.#outcomes.set(reading.study.id, { study: reading.study, signedAt: this.#now, readBy: desk.spec.username });
    this.#busyMs += this.#withinWindow(reading.startedAt, this.#now);
    desk.reading = null;
    this.#startNext(desk);
    this.#retryPool();
  }

  #changeRoster(change: RosterChange): void {
    const desk = this.#desks.find((d) => d.spec.id === change.radiologistId);
    if (desk === undefined || desk.onDuty === change.onDuty) return;
    if (change.onDuty) {
      desk.onDuty = true;
      desk.onDutySince = this.#now;
      this.#startNext(desk);
      this.#retryPool();
      return;
    }
    this.#closeShift(desk);
    desk.onDuty = false;
    const unopened = orderByUrgency(desk.queue);
    desk.queue = [];
    for (const q of unopened) {
      const study = this.#byId.get(q.studyId);
      if (study === undefined) continue;
      this.#rerouted++;
      this.#route(study);
    }
  }

  #closeShift(desk: Desk, at = this.#now): void {
    this.#onDutyMs += this.#withinWindow(desk.onDutySince, at);
  }

  #retryPool(): void {
    if (this.#pool.length === 0) return;
    const waiting = [...this.#pool].sort(compareUrgency);
    this.#pool = [];
    for (const study of waiting) this.#route(study);
  }

  #withinWindow(from: number, to: number): number {
    return Math.max(0, Math.min(to, this.scenario.windowMs) - Math.max(from, 0));
  }
}
