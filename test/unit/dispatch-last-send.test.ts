/**
 * How a tick uses the account's last send (dispatch-due.ts, hand-over.ts step 5): a report that
 * another lane sent just before waits for that lane's second; its own lane's record costs
 * nothing; a record that cannot be read is taken as "someone sent just now". Virtual time.
 */
import { describe, expect, it } from 'vitest';
import { HANDOVER_SKEW_MS } from '../../functions/core/hand-over.ts';
import { WINDOW_GUARD_MS } from '../../functions/core/pacing.ts';
import { dispatchDue } from '../../functions/core/use-cases/dispatch-due.ts';
import type { LastSend } from '../../functions/core/use-cases/sending-ports.ts';
import { memorySending } from '../helpers/memory-sending.ts';

const WINDOW = 1000 + WINDOW_GUARD_MS;

/** When the tick's first newsletter went out, after the tick started (virtual ms). */
async function firstSendAfter(lastSend: LastSend): Promise<{ wait: number; noted: [string, number][] }> {
  const s = memorySending(5);
  const t0 = s.clock.now().getTime();
  let first: number | undefined;
  const send = s.deps.mailer.send.bind(s.deps.mailer);
  s.deps.mailer = {
    send: (m, o) => {
      first ??= s.clock.now().getTime();
      return send(m, o);
    },
  };
  const noted: [string, number][] = [];
  s.deps.lastSend = {
    read: () => lastSend.read(),
    note: async (lane, at) => void noted.push([lane, at]),
  };
  const out = await dispatchDue(s.deps, s.settings, { owner: 'o-1', budgetMs: 600_000 });
  expect(out.reports[0]?.outcome).toBe('sent');
  return { wait: first! - t0, noted };
}

describe('the last send across lanes, in a tick', () => {
  it("waits for another lane's last second; its own lane's record, or none, costs nothing", async () => {
    const clock = memorySending(0).clock.now().getTime();
    const other = await firstSendAfter({
      read: async () => ({ lane: 'another-report', at: clock - 200 }),
      note: async () => undefined,
    });
    expect(other.wait).toBe(WINDOW + HANDOVER_SKEW_MS - 200);
    const own = await firstSendAfter({
      read: async () => ({ lane: 'r-mem', at: clock - 200 }),
      note: async () => undefined,
    });
    expect(own.wait).toBe(0);
    const none = await firstSendAfter({ read: async () => null, note: async () => undefined });
    expect(none.wait).toBe(0);
    // The run records its own last admission under its lane.
    expect(none.noted).toHaveLength(1);
    expect(none.noted[0]![0]).toBe('r-mem');
  });

  it('takes a record it cannot read as a send just now: a window and the skew of waiting, not a risk', async () => {
    const failing = await firstSendAfter({
      read: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
      note: async () => undefined,
    });
    expect(failing.wait).toBe(WINDOW + HANDOVER_SKEW_MS);
  });
});
