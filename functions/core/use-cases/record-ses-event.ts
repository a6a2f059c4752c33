/**
 * recordSesEvent: what an SES event means for a subscriber, a ledger row and a report (DESIGN §7).
 *
 * Steps:
 * 1. Ignore kinds that change nothing (send, open, click, delivery delay…).
 * 2. For each recipient, apply the subscriber rule: permanent bounce → bounced; transient bounce →
 *    softBounces + 1, bounced after three in a row; complaint → complained; delivery → the run of
 *    soft bounces ends. Mail that belongs to no report (confirmations) stops here.
 *    A permanent bounce, a complaint, or the soft bounce that suppresses an address also marks
 *    its mailbox, so that sign-ups in any spelling of it get at most one confirmation a week.
 * 3. Move the recipient's ledger row and bump the report's counters in one transaction,
 *    conditional on the row's current state, so the same event twice changes nothing more.
 * Each actionable event is counted per recipient (HardBounces, SoftBounces, Complaints, …) before step 2.
 */
import { METRIC, noMetrics, type MetricName, type Metrics } from '../metrics.ts';
import type { Clock } from '../ports.ts';
import type { LedgerState } from '../report.ts';
import type { SesEvent, SesEventKind } from '../ses-event.ts';
import { addressKey, type RateLimitStore } from './rate-limits.ts';
import type { CountDelta, FeedbackChange, Ledger, SubscriberFeedback } from './sending-ports.ts';

/** Transient bounces in a row after which an address is treated as bounced. */
export const SOFT_BOUNCE_LIMIT = 3;

type Actionable = Exclude<SesEventKind, 'other'>;
type Move = { to: LedgerState; add: CountDelta };

/** Ledger moves per event kind, by the row's current state; a state not listed is left alone. */
const MOVES: Record<Actionable, Partial<Record<LedgerState, Move>>> = {
  delivery: {
    claimed: { to: 'delivered', add: { delivered: 1 } },
    sent: { to: 'delivered', add: { delivered: 1 } },
  },
  'hard-bounce': {
    claimed: { to: 'bounced', add: { bounced: 1 } },
    sent: { to: 'bounced', add: { bounced: 1 } },
    // An asynchronous bounce after the receiving server first accepted the message.
    delivered: { to: 'bounced', add: { bounced: 1, delivered: -1 } },
  },
  'soft-bounce': {
    claimed: { to: 'bounced', add: { softBounced: 1 } },
    sent: { to: 'bounced', add: { softBounced: 1 } },
  },
  complaint: {
    claimed: { to: 'complained', add: { complained: 1 } },
    sent: { to: 'complained', add: { complained: 1 } },
    // Counters mirror ledger states (as for a late hard bounce), so they do not depend on the
    // order the delivery and complaint events of one message arrive in.
    delivered: { to: 'complained', add: { complained: 1, delivered: -1 } },
  },
  reject: {
    claimed: { to: 'failed', add: { failed: 1 } },
    sent: { to: 'failed', add: { failed: 1 } },
  },
};

/** What each kind adds to, per recipient. */
const COUNTED: Record<Actionable, MetricName> = {
  'hard-bounce': METRIC.hardBounces,
  'soft-bounce': METRIC.softBounces,
  complaint: METRIC.complaints,
  delivery: METRIC.deliveries,
  reject: METRIC.rejects,
};

export interface SesEventDeps {
  ledger: Ledger;
  subscribers: SubscriberFeedback;
  mailboxes: Pick<RateLimitStore, 'markMailboxSuppressed'>;
  clock: Clock;
  softBounceLimit?: number;
  /** Optional: callers that count nothing (tools, most tests) leave it out. */
  metrics?: Metrics;
}

export interface SesEventOutcome {
  type: string;
  kind: SesEventKind;
  reportId: string | null;
  recipients: number;
  subscribers: Record<FeedbackChange, number>;
  ledger: { moved: number; unchanged: number; missing: number };
}

export async function recordSesEvent(deps: SesEventDeps, event: SesEvent): Promise<SesEventOutcome> {
  const outcome: SesEventOutcome = {
    type: event.type,
    kind: event.kind,
    reportId: event.reportId,
    recipients: event.recipients.length,
    subscribers: { changed: 0, suppressed: 0, unchanged: 0, unknown: 0 },
    ledger: { moved: 0, unchanged: 0, missing: 0 },
  };
  // 1. Nothing to do for the informational kinds.
  if (event.kind === 'other') return outcome;
  const kind: Actionable = event.kind;
  const now = deps.clock.now();
  (deps.metrics ?? noMetrics).count(COUNTED[kind], event.recipients.length);

  for (const email of event.recipients) {
    // 2. The subscriber.
    const change = await applyToSubscriber(deps, kind, email, event.eventId, now);
    outcome.subscribers[change]++;
    // Also when there is no row (erased, or never stored): the mailbox itself said no.
    if (kind === 'hard-bounce' || kind === 'complaint' || change === 'suppressed') {
      await deps.mailboxes.markMailboxSuppressed(addressKey(email), now);
    }
    // 3. The ledger row and the report counters.
    if (!event.reportId) continue;
    const moved = await moveLedgerRow(deps.ledger, kind, event.reportId, email, event, now);
    outcome.ledger[moved]++;
  }
  return outcome;
}

function applyToSubscriber(
  deps: SesEventDeps,
  kind: Actionable,
  email: string,
  eventId: string,
  now: Date,
): Promise<FeedbackChange> {
  switch (kind) {
    case 'hard-bounce':
      return deps.subscribers.hardBounce(email, now);
    case 'soft-bounce':
      return deps.subscribers.softBounce(email, eventId, deps.softBounceLimit ?? SOFT_BOUNCE_LIMIT, now);
    case 'complaint':
      return deps.subscribers.complaint(email, now);
    case 'delivery':
      return deps.subscribers.delivered(email);
    case 'reject':
      // SES refused this message (e.g. its content); nothing is known about the address.
      return Promise.resolve('unchanged');
  }
}

async function moveLedgerRow(
  ledger: Ledger,
  kind: Actionable,
  reportId: string,
  email: string,
  event: SesEvent,
  now: Date,
): Promise<'moved' | 'unchanged' | 'missing'> {
  // A lost race (the dispatcher marking the row sent at the same moment) is retried on a fresh read.
  for (let attempt = 0; attempt < 3; attempt++) {
    const row = await ledger.get(reportId, email);
    if (!row) return 'missing';
    const move = MOVES[kind][row.state];
    if (!move) return 'unchanged';
    const ok = await ledger.transition({
      reportId,
      email,
      from: row.state,
      to: move.to,
      add: move.add,
      reason: event.reason,
      bounceType: kind === 'hard-bounce' ? 'hard' : kind === 'soft-bounce' ? 'soft' : undefined,
      now,
    });
    if (ok) return 'moved';
  }
  return 'unchanged';
}
