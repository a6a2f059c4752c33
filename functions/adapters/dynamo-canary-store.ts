/**
 * The canary's writes on the report item (`canary` map; functions/core/use-cases/canary-step.ts).
 * Each is conditional on the run's lease and on the phase it leaves, so a run that lost its
 * lease, or a write the client retries after losing its answer, never moves the canary twice.
 */
import type { Dynamo } from './aws/lean/dynamo-port.ts';
import { REPORT_ITEM } from '../core/report.ts';
import type { CanaryStore } from '../core/use-cases/canary-step.ts';
import { unlessConditionFails } from './dynamo-conflicts.ts';
import { fromItem } from './dynamo-report-store.ts';

export function dynamoCanaryStore(doc: Dynamo, table: string): CanaryStore {
  const key = (reportId: string) => ({ reportId, item: REPORT_ITEM });
  const names = { '#c': 'canary', '#status': 'status' };
  const phase = { '#phase': 'phase' };

  /** One conditional update under the lease of a SENDING report; the item after it, or null. */
  async function update(
    reportId: string,
    owner: string,
    expr: string,
    condition: string,
    values: Record<string, unknown>,
    extraNames: Record<string, string> = {},
  ) {
    const out = await unlessConditionFails(() =>
      doc.update({
        TableName: table,
        Key: key(reportId),
        UpdateExpression: expr,
        ConditionExpression: `leaseOwner = :owner AND #status = :sending AND ${condition}`,
        ExpressionAttributeNames: { ...names, ...extraNames },
        ExpressionAttributeValues: { ':owner': owner, ':sending': 'SENDING', ...values },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out?.Attributes ? fromItem(out.Attributes) : null;
  }

  const verdict = (verdict: 'passed' | 'failed', now: Date) => ({
    ':judged': 'judged',
    ':waiting': 'waiting',
    ':verdict': verdict,
    ':now': now.toISOString(),
  });

  return {
    decide: (reportId, owner, canary, now) =>
      update(reportId, owner, 'SET #c = :canary, updatedAt = :now', 'attribute_not_exists(#c)', {
        ':canary': canary,
        ':now': now.toISOString(),
      }),

    async wait(reportId, owner, now, until) {
      const out = await update(
        reportId,
        owner,
        // The main send starts again at the first shard; the ledger keeps the sample from a second copy.
        'SET #c.#phase = :waiting, #c.sentAt = :now, #c.#until = :until, updatedAt = :now REMOVE #cursor',
        '#c.#phase = :sampling',
        {
          ':waiting': 'waiting',
          ':sampling': 'sending',
          ':now': now.toISOString(),
          ':until': until.toISOString(),
        },
        { ...phase, '#until': 'until', '#cursor': 'cursor' },
      );
      return out !== null;
    },

    pass: (reportId, owner, counts, now) =>
      update(
        reportId,
        owner,
        'SET #c.#phase = :judged, #c.verdict = :verdict, #c.judgedAt = :now, #c.#counts = :counts, updatedAt = :now',
        '#c.#phase = :waiting',
        { ...verdict('passed', now), ':counts': counts },
        { ...phase, '#counts': 'counts' },
      ),

    fail: (reportId, owner, counts, reason, now) =>
      update(
        reportId,
        owner,
        // The pause the guard makes (as the report store's pause), with the verdict, in one write.
        'SET #status = :paused, pauseReason = :reason, pauseKind = :kind, #c.#phase = :judged, #c.verdict = :verdict, #c.judgedAt = :now, #c.#counts = :counts, #c.reason = :reason, updatedAt = :now REMOVE leaseOwner, leaseUntil',
        '#c.#phase = :waiting',
        {
          ...verdict('failed', now),
          ':counts': counts,
          ':reason': reason,
          ':paused': 'PAUSED',
          ':kind': 'reputation',
        },
        { ...phase, '#counts': 'counts' },
      ),
  };
}
