/**
 * One line of `kawaraban doctor`: which check, whether it passed, and the facts its message
 * shows (found values, the record to publish). Texts live in cli/i18n/{ja,en}.ts by id.
 */
export const AWS_CHECKS = [
  'identity',
  'dkim-dns',
  'mail-from-mx',
  'mail-from-spf',
  'dmarc',
  'production-access',
  'sending',
  'event-destination',
  'suppression',
  'receipt-rule-set',
  'api-domain',
  'secret',
] as const;
export const LOCAL_CHECKS = [
  'local-dynamodb',
  'local-bucket',
  'local-ses',
  'local-api',
  'local-config',
] as const;
export type CheckId = (typeof AWS_CHECKS)[number] | (typeof LOCAL_CHECKS)[number];

export type Facts = Record<string, string>;
export interface Check {
  id: CheckId;
  status: 'pass' | 'fail' | 'skip';
  facts: Facts;
}

export const pass = (id: CheckId, facts: Facts = {}): Check => ({ id, status: 'pass', facts });
export const fail = (id: CheckId, facts: Facts = {}): Check => ({ id, status: 'fail', facts });
export const skip = (id: CheckId, facts: Facts = {}): Check => ({ id, status: 'skip', facts });

/** Runs one check; an exception (access denied, network) is that check's failure, never the doctor's. */
export async function guarded(
  id: CheckId,
  body: () => Promise<Check>,
  reason: (err: unknown) => string,
  facts: Facts = {},
): Promise<Check> {
  try {
    return await body();
  } catch (err) {
    return fail(id, { ...facts, error: reason(err) });
  }
}
