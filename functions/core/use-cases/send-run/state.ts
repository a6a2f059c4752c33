/**
 * The state a send run's phases share, in one object (as listmonk's pipe.go holds a running
 * campaign's). Each phase keeps its own state to itself — the claim phase its place in the
 * audience, the settle phase its pages and marks — and what more than one phase reads or
 * writes is here:
 *
 * 1. What the run was given: its ports, settings, report, scope, deadline and tally.
 * 2. Its limits, set by the start phase: `rate`, `pacer` (which starts from the last
 *    admissions of the run before on its lane, `handOver`), `window`, `allowance` (rows it may
 *    still claim against the 24-hour budget: claims take from it, rows never sent give back)
 *    and the `rendered` output.
 * 3. The queue between claim and send: `ready` (claimed, waiting for room in the window) and
 *    `inFlight` (SendEmail calls not yet answered).
 * 4. Why it stops: `stop` (the first reason wins) and `failure` (a write or a send threw).
 * 5. The token of the run's stop gate, read before the report was last seen SENDING: every
 *    claim carries it, and DynamoDB refuses the claim once a pause or cancel replaced it.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { HandOver } from '../../hand-over.ts';
import type { InFlightWindow } from '../../in-flight.ts';
import type { SendPacer } from '../../pacing.ts';
import type { PauseKind, RenderedReport, ReportRecord } from '../../report.ts';
import type { DispatchDeps, DispatchSettings, ReportRunSummary } from '../dispatch-due.ts';
import type { PageProgress } from '../send-pages.ts';
import type { Recipient } from '../sending-ports.ts';
import { reportScope, type RunScope } from './scope.ts';

export type Stop =
  | { kind: 'quota' }
  | { kind: 'continues' }
  | { kind: 'lease-lost' }
  | { kind: 'pause'; reason: string; pauseKind?: PauseKind }
  | { kind: 'error'; reason: string };

/** A claimed row waiting for room in the window. */
export interface Claimed {
  recipient: Recipient;
  token: string;
  page: PageProgress;
}

export interface SendRunInput {
  deps: DispatchDeps;
  settings: DispatchSettings;
  owner: string;
  report: ReportRecord;
  /** Default: the whole report under its lease. */
  scope?: RunScope;
  /** Stop claiming at this time (epoch ms). */
  deadline: number;
  tally: ReportRunSummary;
  /**
   * The lane's last admissions, which the run's pacer starts from and then records (the caller
   * saves them with its lease release). Default: none (a lane of its own).
   */
  handOver?: HandOver;
}

export class RunState {
  readonly deps: DispatchDeps;
  readonly settings: DispatchSettings;
  readonly report: ReportRecord;
  readonly scope: RunScope;
  readonly tally: ReportRunSummary;
  /** Stop claiming at this time (epoch ms). */
  readonly deadline: number;
  readonly pageSize: number;
  readonly maxAttempts: number;
  readonly maxRejections: number;
  readonly newId: () => string;
  readonly stopwatch: () => number;
  readonly handOver: HandOver;

  // 2. Set by the start phase.
  rendered!: RenderedReport;
  pacer!: SendPacer;
  window!: InFlightWindow;
  /** This run's sends per second. */
  rate = 1;
  /** The rate all workers share (rate-shares.ts): this run's is its share of it. */
  totalRate = 1;
  allowance = 0;

  // 3. Between claim and send.
  readonly ready: Claimed[] = [];
  inFlight = 0;

  // 4. Why it stops.
  stop: Stop | null = null;
  failure: { error: unknown } | null = null;

  // 5. Set by the claim phase with each read of the report.
  gate: string | null = null;

  constructor(input: SendRunInput) {
    this.deps = input.deps;
    this.settings = input.settings;
    this.report = input.report;
    this.tally = input.tally;
    this.deadline = input.deadline;
    this.pageSize = input.settings.pageSize ?? 100;
    this.maxAttempts = input.settings.maxAttempts ?? 5;
    this.maxRejections = input.settings.maxConsecutiveRejections ?? 25;
    this.newId = input.deps.newId ?? randomUUID;
    this.stopwatch = input.deps.stopwatch ?? (() => performance.now());
    this.scope = input.scope ?? reportScope(input.deps, input.report, input.owner);
    this.handOver = input.handOver ?? new HandOver();
  }

  /** Records why the run stops, unless it already has a reason. */
  stopWith(stop: Stop): void {
    this.stop ??= stop;
  }

  fail(error: unknown): void {
    this.failure ??= { error };
  }

  /** Claimed rows are not sent once the run failed or must pause: their claims are dropped. */
  get halted(): boolean {
    return this.failure !== null || this.stop?.kind === 'pause' || this.stop?.kind === 'error';
  }

  pastDeadline(): boolean {
    return this.deps.clock.now().getTime() >= this.deadline;
  }

  /** Rows claimed and not yet answered. */
  get pending(): number {
    return this.ready.length + this.inFlight;
  }
}
