/**
 * The confirmation counters the dispatcher's reserve reads, against DynamoDB Local: the busiest
 * of the last ten minutes and the last 24 hours, counted by the mailer that sends confirmations.
 */
import { describe, expect, it } from 'vitest';
import { createTestStack } from '../helpers/stack.ts';
import { doc } from '../helpers/audience.ts';
import { dynamoConfirmationLoad } from '../../functions/adapters/dynamo-send-load.ts';
import { countingMailer } from '../../functions/core/send-load.ts';

describe('dynamoConfirmationLoad', () => {
  it('counts per minute and per hour, reads the busiest recent minute and the last day, and expires its items', async () => {
    const stack = await createTestStack();
    const load = dynamoConfirmationLoad(doc, stack.env.SUBSCRIBERS_TABLE!);
    const now = new Date('2030-04-01T12:30:10Z');
    const at = (msAgo: number) => new Date(now.getTime() - msAgo);
    for (let i = 0; i < 6; i++) await load.record(at(2 * 60_000)); // 6 in one minute
    await load.record(at(5 * 60_000));
    await load.record(at(3 * 3_600_000)); // earlier today
    await load.record(at(30 * 3_600_000)); // yesterday: outside the day

    expect(await load.recent(now)).toEqual({ peakPerSecond: 6 / 60, last24h: 8 });
    const item = await doc.get({
      TableName: stack.env.SUBSCRIBERS_TABLE,
      Key: { email: 'load#confirm#h#2030-04-01T12' },
    });
    expect(item.Item?.expiresAt).toBe(Math.floor(at(2 * 60_000).getTime() / 1000) + 26 * 3600);
    expect(item.Item?.statusShard).toBeUndefined();
  });

  it('counts what the confirmation mailer sent, and a failed count never fails the send', async () => {
    const stack = await createTestStack();
    const load = dynamoConfirmationLoad(doc, stack.env.SUBSCRIBERS_TABLE!);
    const now = new Date('2030-04-02T08:00:00Z');
    const sent: string[] = [];
    const mailer = {
      send: async (m: { to: string }) => {
        sent.push(m.to);
        return { messageId: 'm' };
      },
    };
    const errors: unknown[] = [];
    const counted = countingMailer(
      mailer,
      load,
      () => now,
      (e) => errors.push(e),
    );
    await counted.send({ to: 'a@example.jp', subject: 's', html: 'h', text: 't' });
    await counted.send({ to: 'b@example.jp', subject: 's', html: 'h', text: 't' });
    expect((await load.recent(now)).last24h).toBe(2);

    const broken = countingMailer(
      mailer,
      { record: async () => Promise.reject(new Error('down')), recent: load.recent },
      () => now,
      (e) => errors.push(e),
    );
    await expect(broken.send({ to: 'c@example.jp', subject: 's', html: 'h', text: 't' })).resolves.toEqual({
      messageId: 'm',
    });
    expect(sent).toEqual(['a@example.jp', 'b@example.jp', 'c@example.jp']);
    expect(errors).toHaveLength(1);
  });
});
