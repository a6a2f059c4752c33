/**
 * The confirmation emails the api function sends share the account's SES quota with newsletters.
 * Their recent volume decides how much of the rate and of the 24-hour budget the dispatcher
 * leaves them: twice the busiest recent minute (at least one send a second, which also covers
 * editor notices and the buckets' one-token burst), and twice the last 24 hours (at least
 * DAILY_HEADROOM), so a large send can use the rest.
 */
import type { Mailer } from './ports.ts';

export interface ConfirmationLoad {
  /** One confirmation email went out. */
  record(now: Date): Promise<void>;
  /** Confirmations per second in the busiest of the last ten minutes, and in the last 24 hours. */
  recent(now: Date): Promise<{ peakPerSecond: number; last24h: number }>;
}

export interface QuotaReserve {
  /** Sends per second kept free. */
  rate: number;
  /** Sends kept free in the 24-hour budget. */
  daily: number;
}

export function reserveFor(
  load: { peakPerSecond: number; last24h: number },
  dailyFloor: number,
): QuotaReserve {
  return {
    rate: Math.max(1, Math.ceil(2 * load.peakPerSecond)),
    daily: Math.max(dailyFloor, Math.ceil(2 * load.last24h)),
  };
}

/** A mailer that records each message it sent (best effort: a lost count never fails the send). */
export function countingMailer(
  mailer: Mailer,
  load: ConfirmationLoad,
  now: () => Date,
  onError: (err: unknown) => void,
): Mailer {
  return {
    async send(message) {
      const out = await mailer.send(message);
      await load.record(now()).catch(onError);
      return out;
    },
  };
}
