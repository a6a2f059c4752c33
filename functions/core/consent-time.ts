/**
 * The consent time of an imported reader, as the old tool recorded it: a date or an RFC 3339
 * datetime with an offset, checked against the calendar.
 */

export type ConsentTime =
  | { ok: true; at: string; earliest: number }
  | { ok: false; problem: 'date-format' | 'date-not-real' | 'datetime-no-offset' };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// RFC 3339 (ISO 8601 with an offset): "T" or a space, seconds and fractions optional.
const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
const DATETIME_NO_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/;
// The earliest time zone (UTC+14): a date is in the future only once it has begun nowhere yet.
const EARLIEST_OFFSET_MS = 14 * 3_600_000;

/**
 * A consent time as the old tool recorded it. A date stays a date (no time is invented for it)
 * and counts as past once it has begun anywhere; a datetime is kept as the same instant in UTC.
 */
export function parseConsentTime(value: string): ConsentTime {
  const date = DATE.exec(value);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    if (!realDate(y, m, d)) return { ok: false, problem: 'date-not-real' };
    return { ok: true, at: value, earliest: Date.UTC(y, m - 1, d) - EARLIEST_OFFSET_MS };
  }
  const dt = DATETIME.exec(value);
  if (dt) {
    const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(dt[i]));
    const s = Number(dt[6] ?? 0);
    const ms = Number((dt[7] ?? '0').padEnd(3, '0').slice(0, 3));
    const offset = dt[8]!;
    const offsetMinutes =
      offset === 'Z'
        ? 0
        : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
    const offsetOk = offset === 'Z' || (Number(offset.slice(1, 3)) <= 23 && Number(offset.slice(4, 6)) <= 59);
    if (!realDate(y!, mo!, d!) || h! > 23 || mi! > 59 || s > 59 || !offsetOk)
      return { ok: false, problem: 'date-not-real' };
    const instant = Date.UTC(y!, mo! - 1, d!, h!, mi!, s, ms) - offsetMinutes * 60_000;
    return { ok: true, at: new Date(instant).toISOString(), earliest: instant };
  }
  return { ok: false, problem: DATETIME_NO_OFFSET.test(value) ? 'datetime-no-offset' : 'date-format' };
}

function realDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return y >= 1 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}
