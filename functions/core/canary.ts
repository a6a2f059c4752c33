/**
 * The canary (README "Sending", The canary): a report to a large audience first goes to a small
 * random sample of it, waits for bounce and complaint events, and the reputation guard judges
 * that sample before anyone else is sent. The rules live here; the step that runs them is
 * functions/core/use-cases/canary-step.ts.
 *
 * The sample is every reader whose keyed hash (SHA-256 of reportId and subscriber id) falls
 * under `size ÷ audience`: uniform and independent of address, shard or sign-up order, the same
 * for every run of one report (a crash or a pause picks the same readers again) and different
 * for the next report, so no one is always the one sent first. It costs one hash per reader read,
 * no list to keep. Its size is only expected (binomial): ±2·√size around `size`.
 */
import { createHash } from 'node:crypto';
import type { CanarySkip, GuardWindow } from './report.ts';
import { reputationProblem, type ReputationGuard } from './reputation.ts';
import { parseEnv } from './env-settings.ts';
import * as z from './zod.ts';

export interface CanarySettings {
  /** Off: no report has a canary unless its file asks for one (`"canary": true`). */
  enabled: boolean;
  /** Audiences above this get a canary (unless the report says `"canary": false`). */
  minAudience: number;
  /** The sample's share of the audience, before the bounds. */
  share: number;
  minSize: number;
  maxSize: number;
  /** How long after the sample is sent the guard judges it. */
  waitMs: number;
  /** Readers per audience page while the sample is picked (larger pages: fewer reads for a sparse sample). */
  pageSize: number;
}

export const CANARY_DEFAULTS = {
  enabled: true,
  minAudience: 1000,
  share: 0.01,
  minSize: 50,
  maxSize: 1000,
  waitMinutes: 30,
} as const;

const CANARY_PAGE_SIZE = 1000;

const count = (min: number, dflt: number) => z._default(z.coerce.number().check(z.int(), z.gte(min)), dflt);

const envSchema = z
  .object({
    CANARY_ENABLED: z._default(z.enum(['true', 'false']), String(CANARY_DEFAULTS.enabled) as 'true'),
    CANARY_MIN_AUDIENCE: count(0, CANARY_DEFAULTS.minAudience),
    CANARY_SHARE: z._default(z.coerce.number().check(z.gt(0), z.lt(1)), CANARY_DEFAULTS.share),
    CANARY_MIN_SIZE: count(1, CANARY_DEFAULTS.minSize),
    CANARY_MAX_SIZE: count(1, CANARY_DEFAULTS.maxSize),
    // A day at most: the sample's readers would otherwise wait for the rest for days.
    CANARY_WAIT_MINUTES: z._default(
      z.coerce.number().check(z.gte(0), z.lte(24 * 60)),
      CANARY_DEFAULTS.waitMinutes,
    ),
  })
  .check(
    z.refine((e) => e.CANARY_MIN_SIZE <= e.CANARY_MAX_SIZE, {
      message: 'CANARY_MIN_SIZE must not be above CANARY_MAX_SIZE',
      path: ['CANARY_MIN_SIZE'],
    }),
  );

/** The canary settings from the environment, checked when a function loads (a bad value names itself). */
export function loadCanarySettings(env: Record<string, string | undefined> = process.env): CanarySettings {
  const e = parseEnv(envSchema, env, 'kawaraban canary settings are invalid');
  return {
    enabled: e.CANARY_ENABLED === 'true',
    minAudience: e.CANARY_MIN_AUDIENCE,
    share: e.CANARY_SHARE,
    minSize: e.CANARY_MIN_SIZE,
    maxSize: e.CANARY_MAX_SIZE,
    waitMs: Math.round(e.CANARY_WAIT_MINUTES * 60_000),
    pageSize: CANARY_PAGE_SIZE,
  };
}

export const defaultCanarySettings: CanarySettings = loadCanarySettings({});

/**
 * The sample's target size for `audience` readers, or why there is none. `requested`: the
 * report's own `"canary"` (true forces one, even on a small audience; false refuses one).
 */
export function canaryPlan(
  audience: number,
  s: CanarySettings,
  requested?: boolean,
): { size: number; fraction: number } | { skip: CanarySkip } {
  if (requested === false) return { skip: 'report' };
  if (requested !== true) {
    if (!s.enabled) return { skip: 'off' };
    if (audience <= s.minAudience) return { skip: 'small' };
  }
  const wanted = Math.round(audience * s.share);
  const size = Math.min(audience, Math.max(s.minSize, Math.min(s.maxSize, wanted)));
  // Nobody to send to first (an empty audience), or the sample would be everyone: no canary.
  if (size <= 0 || size >= audience) return { skip: 'small' };
  return { size, fraction: size / audience };
}

/** Where a reader falls in [0, 1) for this report: uniform, the same every time, unrelated between reports. */
export function samplePoint(reportId: string, subscriberId: string): number {
  const h = createHash('sha256').update(reportId).update('\0').update(subscriberId).digest();
  // 48 bits: exact in a double, far finer than any share.
  return h.readUIntBE(0, 6) / 2 ** 48;
}

export const inSample = (reportId: string, subscriberId: string, fraction: number): boolean =>
  samplePoint(reportId, subscriberId) < fraction;

/**
 * Fewer events of a kind than this never fail a sample: below 1,000 readers a single complaint
 * is already over 0.1 %, and one annoyed reader should not hold a bulletin from everyone else
 * (the guard's own reasoning for its minimum of 1,000 sends).
 */
export const CANARY_MIN_EVENTS = 2;

/**
 * The guard's verdict on the sample: its rates against the guard's limits. The guard's minimum
 * sends do not apply (the sample's size was chosen to be enough), `CANARY_MIN_EVENTS` does.
 * Null: the rest may go. `since`: the guard's window after a person resumed a guard pause.
 */
export function canaryProblem(counts: GuardWindow, g: ReputationGuard, since?: GuardWindow): string | null {
  const sent = counts.sent - (since?.sent ?? 0);
  if (sent <= 0) return null;
  const bounced = counts.bounced - (since?.bounced ?? 0);
  const complained = counts.complained - (since?.complained ?? 0);
  const sampleGuard: ReputationGuard = {
    ...g,
    minSendsForBounceRate: bounced >= CANARY_MIN_EVENTS ? 1 : Number.POSITIVE_INFINITY,
    minSendsForComplaintRate: complained >= CANARY_MIN_EVENTS ? 1 : Number.POSITIVE_INFINITY,
  };
  const problem = reputationProblem(counts, sampleGuard, since);
  return problem && `canary sample: ${problem}`;
}
