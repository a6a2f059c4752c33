import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { encodeS3Key, matchesRenderFilter, s3EventsToRender } from '../../local/s3-events.ts';
import { simulatedEvent, simulatorOutcome } from '../../local/ses-simulator.ts';
import { toApiEvent } from '../../local/http-server.ts';
import { scheduledEvent } from '../../local/schedule.ts';
import { mailtoOf, receiptEventFor } from '../../local/inbound-mail.ts';
import { readUnsubscribeMail } from '../../functions/core/unsubscribe-mail.ts';

const fixture = (name: string) => JSON.parse(readFileSync(`test/fixtures/aws-events/${name}`, 'utf8'));

/** The set of key paths of a JSON value, to compare shapes with the real samples. */
function shape(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.length ? shape(value[0], `${prefix}[]`) : [`${prefix}[]`];
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [`${prefix}.${k}`, ...shape(v, `${prefix}.${k}`)]);
  return [];
}

describe('local S3 notifications', () => {
  it('apply the stack filters: everything under reports/ and drafts/ (a wrong suffix is refused by render, with a notice)', () => {
    expect(matchesRenderFilter('reports/2026-11-26-x.json')).toBe(true);
    expect(matchesRenderFilter('drafts/a.json')).toBe(true);
    expect(matchesRenderFilter('rendered/a/b.json')).toBe(false);
    expect(matchesRenderFilter('reports/a.txt')).toBe(true);
    expect(matchesRenderFilter('drafts/a.JSON')).toBe(true);
    expect(matchesRenderFilter('other/reports/a.json')).toBe(false);
  });

  it('encode keys the way real S3 events do', () => {
    const real = fixture('s3-objectcreated-put__aws-lambda-go-urlencoded-key.json');
    expect(encodeS3Key('Happy Face.jpg')).toBe(real.Records[0].s3.object.key.replace('%20', '+'));
    expect(decodeURIComponent(encodeS3Key('reports/年報 1.json').replace(/\+/g, ' '))).toBe(
      'reports/年報 1.json',
    );
  });

  it('hand only matching ObjectCreated records to the render handler, key encoded', async () => {
    const seen: unknown[] = [];
    const base = fixture('s3-objectcreated-put__lambda-docs.json').Records[0];
    const record = (eventName: string, bucket: string, key: string) => ({
      ...base,
      eventName,
      s3: { ...base.s3, bucket: { ...base.s3.bucket, name: bucket }, object: { ...base.s3.object, key } },
    });
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const feed = s3EventsToRender('uploads', async (e) => seen.push(e), done);
    feed({ Records: [record('ObjectRemoved:Delete', 'uploads', 'reports/a.json')] });
    feed({ Records: [record('ObjectCreated:Put', 'other', 'reports/a.json')] });
    feed({ Records: [record('ObjectCreated:Put', 'uploads', 'reports/a b.json')] });
    await finished;
    expect(seen).toHaveLength(1);
    expect((seen[0] as { Records: { s3: { object: { key: string } } }[] }).Records[0]!.s3.object.key).toBe(
      'reports/a+b.json',
    );
  });
});

describe('local SES mailbox simulator', () => {
  const mail = {
    messageId: 'local-1',
    from: 'news@example.jp',
    destination: { to: ['bounce@simulator.amazonses.com'] },
    subject: '件名',
    headers: [{ name: 'X-Kawaraban-Report', value: 'r-1' }],
    at: 1_700_000_000,
  };

  it('recognises simulator addresses, labels included', () => {
    expect(simulatorOutcome('bounce@simulator.amazonses.com')).toBe('bounce');
    expect(simulatorOutcome('complaint+demo@simulator.amazonses.com')).toBe('complaint');
    expect(simulatorOutcome('success@simulator.amazonses.com')).toBe('success');
    expect(simulatorOutcome('bounce@example.com')).toBeNull();
  });

  it.each([
    ['bounce', 'ses-eventpub-via-sns__bounce.json', 'Email Bounced'],
    ['complaint', 'ses-eventpub-via-sns__complaint.json', 'Email Complaint Received'],
    ['success', 'ses-eventpub-via-sns__delivery.json', 'Email Delivered'],
  ] as const)('publishes %s events shaped like the real SES record', (outcome, file, detailType) => {
    const event = simulatedEvent(mail, 'x@simulator.amazonses.com', outcome);
    expect(event['detail-type']).toBe(detailType);
    expect(event.source).toBe('aws.ses');
    const real = new Set(shape(fixture(file)));
    // Every field we publish exists in the real record (we may publish fewer, never invented ones).
    const ours = shape(event.detail).filter((p) => !p.startsWith('.mail.tags'));
    expect(ours.filter((p) => !real.has(p))).toEqual([]);
    expect(
      (event.detail as { mail: { headers: { name: string }[] } }).mail.headers.map((h) => h.name),
    ).toContain('X-Kawaraban-Report');
  });
});

describe('local HTTP adapter', () => {
  function request(method: string, url: string, headers: Record<string, string>): IncomingMessage {
    const req = Readable.from([]) as unknown as IncomingMessage;
    Object.assign(req, {
      method,
      url,
      headers,
      httpVersion: '1.1',
      socket: { remoteAddress: '::ffff:127.0.0.1' },
    });
    return req;
  }

  it("builds an API Gateway v2 event with the real sample's shape", () => {
    const event = toApiEvent(
      request('POST', '/subscribe?lang=en&a=1&a=2', {
        'content-type': 'application/json',
        'user-agent': 'ua',
      }),
      Buffer.from('{"email":"a@example.com"}'),
      3000,
    );
    const real = new Set(shape(fixture('apigw-httpapi-v2__powertools-python.json')));
    // Header and query names are data, not shape.
    const isMapEntry = (p: string) => /^\.(headers|queryStringParameters)\./.test(p);
    expect(shape(event).filter((p) => !isMapEntry(p) && !real.has(p))).toEqual([]);
    expect(event.rawPath).toBe('/subscribe');
    expect(event.queryStringParameters).toEqual({ lang: 'en', a: '1,2' });
    expect(event.requestContext.http).toMatchObject({
      method: 'POST',
      sourceIp: '127.0.0.1',
      userAgent: 'ua',
    });
    expect(event.isBase64Encoded).toBe(false);
    expect(event.body).toBe('{"email":"a@example.com"}');
  });

  it('base64-encodes form bodies as HTTP APIs do', () => {
    const event = toApiEvent(
      request('POST', '/unsubscribe?token=x', { 'content-type': 'application/x-www-form-urlencoded' }),
      Buffer.from('List-Unsubscribe=One-Click'),
      3000,
    );
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body!, 'base64').toString()).toBe('List-Unsubscribe=One-Click');
  });
});

describe('local schedule', () => {
  it('emits the EventBridge scheduled event shape', () => {
    expect(shape(scheduledEvent()).sort()).toEqual(
      shape(fixture('eventbridge-scheduled-event__lambda-docs.json')).sort(),
    );
  });
});

describe('local SES receiving (the List-Unsubscribe mailto)', () => {
  const token = `${'A'.repeat(22)}${'b'.repeat(43)}`;
  const header = `<http://localhost:3000/unsubscribe?token=${token}>, <mailto:unsubscribe@example.jp?subject=unsubscribe-${token}>`;

  it('reads the mailto address and subject a mail client would use', () => {
    expect(mailtoOf(header)).toEqual({ to: 'unsubscribe@example.jp', subject: `unsubscribe-${token}` });
    expect(mailtoOf('<https://x.example/u>')).toBeNull();
  });

  it('builds a receipt event of the real sample’s shape, which the inbound use case reads as a token', () => {
    const event = receiptEventFor(mailtoOf(header)!, 'reader@example.com');
    const real = fixture('ses-receipt-lambda-action__ses-docs.json');
    expect(shape(event.Records[0]!.ses).sort()).toEqual(shape(real.Records[0].ses).sort());
    expect(readUnsubscribeMail(event.Records[0], 'unsubscribe@example.jp')).toEqual({ kind: 'token', token });
  });
});
