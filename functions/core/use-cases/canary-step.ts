/**
 * canaryStep: the canary's part of a dispatcher run over a leased report, before its main send
 * (rules in functions/core/canary.ts; README "Sending", The canary).
 *
 * 1. decide (the first run): count the audience; over `minAudience` (or asked for by the report)
 *    the report gets a canary of `size` readers, else it is `skipped`. Recorded on the report.
 * 2. sending: one SendRun over the whole report, its pages narrowed to the sample, with large
 *    pages (the sample is sparse). When every shard is read and saved, the report waits until
 *    now + the wait, its cursor cleared for the main send. Pause, resume and cancel work as for
 *    any send; the sample is small, so it is never split among workers.
 * 3. waiting: before `until` the run ends, nothing sent (the lease is released by the caller).
 * 4. judge: at `until`, the guard's limits on the report's counts as they stand (the sample's:
 *    nobody else has it): over → PAUSED (reputation) with the verdict, in one write, and the
 *    editors told; else judged passed and the main send starts in this same run.
 *
 * The main send (single run or workers) leaves out of its pages every reader of the sample who
 * has a ledger row (`skipSample`): the ledger's claim would refuse a second copy anyway, but the
 * row would then be counted as sent a second time.
 */
import { canaryPlan, canaryProblem, inSample } from '../canary.ts';
import type { HandOver } from '../hand-over.ts';
import type { CanaryRecord, GuardWindow, ReportRecord } from '../report.ts';
import type { DispatchDeps, DispatchSettings, ReportRunSummary } from './dispatch-due.ts';
import { notify, reportScope, SendRun, type RunScope } from './send-run.ts';
import type { Recipient } from './sending-ports.ts';

/** The canary's writes on the report item, each conditional on the run's lease. */
export interface CanaryStore {
  /** Records the decision if none is recorded: the report as now stored, or null (lease lost, or decided already). */
  decide(reportId: string, owner: string, canary: CanaryRecord, now: Date): Promise<ReportRecord | null>;
  /** The sample is sent: waiting until `until`, the cursor removed. False when the lease was lost. */
  wait(reportId: string, owner: string, now: Date, until: Date): Promise<boolean>;
  /** Judged clean: the report as now stored, or null when the lease was lost. */
  pass(reportId: string, owner: string, counts: GuardWindow, now: Date): Promise<ReportRecord | null>;
  /** Judged over the guard: PAUSED (kind reputation) with the reason and the verdict, in one write. */
  fail(
    reportId: string,
    owner: string,
    counts: GuardWindow,
    reason: string,
    now: Date,
  ): Promise<ReportRecord | null>;
}

export type CanaryNext = { next: 'main'; report: ReportRecord } | { next: 'done' };

const DONE: CanaryNext = { next: 'done' };

export async function canaryStep(
  deps: DispatchDeps,
  settings: DispatchSettings,
  owner: string,
  leased: ReportRecord,
  deadline: number,
  tally: ReportRunSummary,
  /** The run's lane: the sample's pacer starts from it, and the main send from the sample's. */
  lane?: HandOver,
): Promise<CanaryNext> {
  const store = deps.canary;
  const s = settings.canary;
  if (!store || !s) return { next: 'main', report: leased };
  let report = leased;
  // 1. decide. A send begun before canaries existed goes on without one.
  if (!report.canary) {
    if (report.startedAt || report.cursor || report.parts) return { next: 'main', report };
    const audience = await deps.audience.countConfirmed();
    const plan = canaryPlan(audience, s, report.canaryRequested);
    const canary: CanaryRecord =
      'skip' in plan
        ? { phase: 'skipped', audience, skipped: plan.skip }
        : { phase: 'sending', audience, size: plan.size, fraction: plan.fraction };
    const decided = await store.decide(report.reportId, owner, canary, deps.clock.now());
    if (!decided) return lost(tally);
    report = decided;
    deps.log.info('dispatch: canary decided', { reportId: report.reportId, ...canary });
  }
  const phase = report.canary!.phase;
  if (phase === 'skipped' || phase === 'judged') return { next: 'main', report };
  // 2. sending.
  if (phase === 'sending') {
    const waiting = await sendSample(deps, settings, owner, report, deadline, tally, lane);
    if (!waiting) return DONE;
    const fresh = await deps.reports.get(report.reportId);
    if (!fresh) return lost(tally);
    report = fresh;
  }
  return judge(deps, settings, owner, report, tally);
}

/** Step 2: the sample's run; true when it ended with the whole sample sent (the report now waits). */
async function sendSample(
  deps: DispatchDeps,
  settings: DispatchSettings,
  owner: string,
  report: ReportRecord,
  deadline: number,
  tally: ReportRunSummary,
  handOver: HandOver | undefined,
): Promise<boolean> {
  const { fraction = 0, audience } = report.canary!;
  const id = report.reportId;
  const waitMs = settings.canary!.waitMs;
  let waiting = false;
  const scope: RunScope = {
    ...reportScope(deps, report, owner),
    // The audience counted for the decision is the one recorded: no second count.
    async begin() {
      if (!report.cursor) await deps.reports.beginSending(id, owner, audience, deps.clock.now());
    },
    narrow: async (items) => items.filter((r) => inSample(id, r.id, fraction)),
    async finish(now) {
      waiting = await deps.canary!.wait(id, owner, now, new Date(now.getTime() + waitMs));
      return { finished: null, lost: !waiting };
    },
  };
  const sampleSettings = { ...settings, pageSize: settings.canary!.pageSize };
  await new SendRun({
    deps,
    settings: sampleSettings,
    owner,
    report,
    scope,
    deadline,
    tally,
    handOver,
  }).execute();
  if (waiting) tally.outcome = 'canary-wait';
  return waiting;
}

/** Steps 3–4: wait, or judge the sample. */
async function judge(
  deps: DispatchDeps,
  settings: DispatchSettings,
  owner: string,
  report: ReportRecord,
  tally: ReportRunSummary,
): Promise<CanaryNext> {
  const now = deps.clock.now();
  const until = Date.parse(report.canary!.until ?? '');
  if (now.getTime() < until) {
    tally.outcome = 'canary-wait';
    return DONE;
  }
  const { sent, bounced, complained } = report.counts;
  const counts = { sent, bounced, complained };
  const problem = canaryProblem(counts, settings.reputation, report.guardSince);
  const id = report.reportId;
  if (problem) {
    const paused = await deps.canary!.fail(id, owner, counts, problem, now);
    if (!paused) return lost(tally);
    tally.outcome = 'paused';
    tally.reason = problem;
    deps.log.info('dispatch: canary failed', { reportId: id, ...counts });
    await notify(deps, { kind: 'paused', reportId: id, title: report.title, reason: problem });
    return DONE;
  }
  const passed = await deps.canary!.pass(id, owner, counts, now);
  if (!passed) return lost(tally);
  deps.log.info('dispatch: canary passed', { reportId: id, ...counts });
  return { next: 'main', report: passed };
}

function lost(tally: ReportRunSummary): CanaryNext {
  tally.outcome = 'lease-lost';
  return DONE;
}

/**
 * The main send's scope with the sample left out of its pages, once the canary is judged: a
 * reader whose hash is under the fraction and who has a ledger row (sent, failed… in the
 * sample; a row still `claimed` is left to the claim, which takes it over). One ledger read per
 * sample reader met, about `size` in all. Other scopes are returned as they are.
 */
export function skipSample(deps: DispatchDeps, report: ReportRecord, scope: RunScope): RunScope {
  const c = report.canary;
  if (c?.phase !== 'judged' || !c.fraction) return scope;
  const { fraction } = c;
  const id = report.reportId;
  const narrow = async (items: Recipient[]): Promise<Recipient[]> => {
    const maybe = items.filter((r) => inSample(id, r.id, fraction));
    if (maybe.length === 0) return items;
    const rows = await Promise.all(maybe.map((r) => deps.ledger.get(id, r.email)));
    const had = new Set(maybe.filter((_, i) => rows[i] && rows[i]!.state !== 'claimed').map((r) => r.email));
    return had.size ? items.filter((r) => !had.has(r.email)) : items;
  };
  return { ...scope, narrow };
}
