/**
 * The reputation guard (DESIGN §5): a report whose own bounce or complaint rate passes the
 * limit is paused before it hurts the account. SES reviews an account at a 5 % bounce rate and
 * a 0.1 % complaint rate, so those are the defaults.
 *
 * A rate means nothing on a handful of sends (one stale address among the first 20 is 5 %),
 * so each rate is judged only after a minimum number of sends:
 * - bounces after 200 sends: 5 % is then at least 10 bounces, a pattern rather than an accident,
 *   and a badly stale list is still caught within the first few hundred messages;
 * - complaints after 1,000 sends: below that a single "this is spam" click is already ≥ 0.1 %,
 *   and one annoyed reader should not stop a security bulletin to everyone else.
 * Each setting can be overridden from the environment (the names below), checked at load.
 */
import { parseEnv } from './env-settings.ts';
import * as z from './zod.ts';
import type { GuardWindow } from './report.ts';

export interface ReputationGuard {
  maxBounceRate: number;
  maxComplaintRate: number;
  minSendsForBounceRate: number;
  minSendsForComplaintRate: number;
}

const envSchema = z.object({
  REPUTATION_MAX_BOUNCE_RATE: z._default(z.coerce.number().check(z.gt(0), z.lte(1)), 0.05),
  REPUTATION_MAX_COMPLAINT_RATE: z._default(z.coerce.number().check(z.gt(0), z.lte(1)), 0.001),
  REPUTATION_MIN_SENDS_BOUNCE: z._default(z.coerce.number().check(z.int(), z.gte(1)), 200),
  REPUTATION_MIN_SENDS_COMPLAINT: z._default(z.coerce.number().check(z.int(), z.gte(1)), 1000),
});

export function loadReputationGuard(env: Record<string, string | undefined> = process.env): ReputationGuard {
  const e = parseEnv(envSchema, env, 'kawaraban reputation settings are invalid');
  return {
    maxBounceRate: e.REPUTATION_MAX_BOUNCE_RATE,
    maxComplaintRate: e.REPUTATION_MAX_COMPLAINT_RATE,
    minSendsForBounceRate: e.REPUTATION_MIN_SENDS_BOUNCE,
    minSendsForComplaintRate: e.REPUTATION_MIN_SENDS_COMPLAINT,
  };
}

export const defaultReputationGuard: ReputationGuard = loadReputationGuard({});

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

/**
 * Null while the report is healthy; otherwise the reason to pause it (for editors and logs).
 * With `since` (a resume after a guard pause), only what happened after it is judged, with the
 * same minimum samples. Bounces of earlier sends that arrive late still count in the window,
 * which errs toward pausing.
 */
export function reputationProblem(
  counts: GuardWindow,
  g: ReputationGuard,
  since?: GuardWindow,
): string | null {
  const sent = counts.sent - (since?.sent ?? 0);
  const bounced = Math.max(0, counts.bounced - (since?.bounced ?? 0));
  const complained = Math.max(0, counts.complained - (since?.complained ?? 0));
  const window = since ? ` since the resume` : '';
  if (sent >= g.minSendsForBounceRate && bounced / sent > g.maxBounceRate) {
    return `bounce rate${window} ${pct(bounced / sent)} (${bounced}/${sent}) is above ${pct(g.maxBounceRate)}`;
  }
  if (sent >= g.minSendsForComplaintRate && complained / sent > g.maxComplaintRate) {
    return `complaint rate${window} ${pct(complained / sent)} (${complained}/${sent}) is above ${pct(g.maxComplaintRate)}`;
  }
  return null;
}
