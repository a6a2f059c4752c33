/** The delivery ledger's rows `to#<email>` beside each report item: their states and shape. */

/**
 * claimed: the dispatcher owns this recipient and is about to call SES (or crashed doing so);
 * sent: SES accepted it; delivered / bounced / complained: what SES told us later;
 * failed: SES refused this one message for good.
 */
export const LEDGER_STATES = ['claimed', 'sent', 'delivered', 'bounced', 'complained', 'failed'] as const;
export type LedgerState = (typeof LEDGER_STATES)[number];

/** States in which SES has accepted the message: they count as sent. */
export const ACCEPTED_STATES: readonly LedgerState[] = ['sent', 'delivered', 'bounced', 'complained'];

export interface LedgerRow {
  reportId: string;
  email: string;
  state: LedgerState;
  subscriberId: string;
  /** Random per claim: only the claimant may mark the row sent, and a take-over replaces it. */
  claimToken: string;
  claimedAt: string;
  /** How many times a dispatcher has claimed this row (a take-over after a crash adds one). */
  attempts: number;
  sentAt?: string;
  messageId?: string;
  reason?: string;
  bounceType?: 'hard' | 'soft';
  updatedAt: string;
}

export const ledgerItemKey = (email: string) => `to#${email}`;
