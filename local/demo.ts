/**
 * The newcomer's tour: subscribes demo readers through the real double opt-in path, uploads
 * the sample report, lets the dispatcher send it and checks that every confirmed reader got it.
 *
 * 1. POST /subscribe for each demo address
 * 2. read each confirmation email from the SES emulator, let the simulated SES events land,
 *    and POST the token to /confirm (bounce@/complaint@ are stopped by their events first)
 * 3. upload examples/sample-report.json to reports/<id>.json (sendAt dropped: send now)
 * 4. tick the dispatcher until the report is SENT
 * 5. let the simulator publish bounce/complaint events, then check every outcome
 * 6. two readers leave the two ways a mail client offers, from their newsletter's
 *    List-Unsubscribe header: a one-click POST, and a mail to the mailto (through the same
 *    handler SES receiving invokes on AWS)
 */
import { readFile } from 'node:fs/promises';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { dynamo as ddb } from '../functions/adapters/aws/dynamo.ts';
import { mailtoOf, receiptEventFor } from './inbound-mail.ts';
import type { LocalStack } from './stack.ts';

export const demoReaders = [
  'tanaka.hanako@example.co.jp',
  'security-team@example.jp',
  'analyst@example.com',
  'success@simulator.amazonses.com',
  'bounce@simulator.amazonses.com',
  'complaint@simulator.amazonses.com',
];

/** Readers who unsubscribe after the report, each the way their mail client would. */
export const demoLeavers = {
  'analyst@example.com': 'one-click',
  'security-team@example.jp': 'mailto',
} as const;

interface StoredEmail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

export interface DemoResult {
  ok: boolean;
  reportId: string;
  title: string;
  status: string;
  confirmed: number;
  delivered: string[];
  missing: string[];
  subscriberStatus: Record<string, string>;
  /** What happened to readers who never got confirmed (the simulator's bounce/complaint). */
  outcomes: Record<string, string>;
  problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

async function inbox(stack: LocalStack): Promise<StoredEmail[]> {
  const res = await fetch(`${stack.urls.inbox}/store`);
  return ((await res.json()) as { emails: StoredEmail[] }).emails;
}

const CONFIRM_LINK = /\/confirm\?token=([A-Za-z0-9_-]+)/;

export async function runDemo(
  stack: LocalStack,
  samplePath: string,
  log: (l: string) => void,
): Promise<DemoResult> {
  const problems: string[] = [];
  const api = stack.urls.api;
  const readStatus = async (email: string) =>
    (await ddb.get({ TableName: stack.env.SUBSCRIBERS_TABLE, Key: { email }, ConsistentRead: true })).Item
      ?.status as string | undefined;
  const before = new Set((await inbox(stack)).map((m) => m.messageId));

  // 1-2. Double opt-in, through HTTP like a reader's browser. The SES simulator answers the
  // confirmation email too, exactly as SES does: bounce@ bounces and complaint@ complains before
  // they can confirm, so the demo lets those events land first and shows how they are handled.
  let confirmed = 0;
  const confirmedReaders: string[] = [];
  const outcomes: Record<string, string> = {};
  for (const email of demoReaders) {
    const res = await fetch(`${api}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ email }),
    });
    if (!res.ok) {
      problems.push(`subscribe ${email}: HTTP ${res.status}`);
      continue;
    }
    const token = await until(`the confirmation email to ${email}`, 15_000, async () => {
      const mail = (await inbox(stack)).find(
        (m) => !before.has(m.messageId) && m.destination.to.includes(email),
      );
      return mail ? (CONFIRM_LINK.exec(mail.body.text ?? mail.body.html ?? '')?.[1] ?? '') : undefined;
    });
    if (!token) {
      problems.push(`no confirmation link in the email to ${email}`);
      continue;
    }
    await stack.simulator.poll();
    const afterMail = await readStatus(email);
    if (afterMail === 'bounced' || afterMail === 'complained') {
      outcomes[email] =
        `confirmation email ${afterMail === 'bounced' ? 'bounced' : 'drew a complaint'}: never mailed again`;
      continue;
    }
    const confirm = await fetch(`${api}/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
    if (confirm.ok) {
      confirmed++;
      confirmedReaders.push(email);
    } else problems.push(`confirm ${email}: HTTP ${confirm.status}`);
  }
  log(`demo: ${confirmed}/${demoReaders.length} readers subscribed and confirmed through double opt-in`);

  // 3. Upload the sample as an editor would.
  const report = JSON.parse(await readFile(samplePath, 'utf8')) as {
    id: string;
    title: string;
    sendAt?: string;
  };
  delete report.sendAt;
  const s3 = new S3Client({ forcePathStyle: true });
  await s3.send(
    new PutObjectCommand({
      Bucket: stack.env.UPLOAD_BUCKET,
      Key: `reports/${report.id}.json`,
      Body: JSON.stringify(report, null, 2),
      ContentType: 'application/json',
    }),
  );
  s3.destroy();
  log(`demo: uploaded reports/${report.id}.json`);

  // 4. Tick until sent.
  const reportStatus = async () =>
    (
      await ddb.get({
        TableName: stack.env.REPORTS_TABLE,
        Key: { reportId: report.id, item: 'report' },
        ConsistentRead: true,
      })
    ).Item?.status as string | undefined;
  let status = 'MISSING';
  try {
    status = await until(`report ${report.id} to be sent`, 90_000, async () => {
      const s = await reportStatus();
      if (s === 'SENT' || s === 'REJECTED' || s === 'PAUSED' || s === 'CANCELED') return s;
      if (s) await stack.ticker.tick();
      return undefined;
    });
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
    status = (await reportStatus()) ?? 'MISSING';
  }

  // 5. Bounces and complaints come back as events; wait for them to land.
  const subscriberStatus: Record<string, string> = {};
  await stack.simulator.poll();
  for (const [email, want] of [
    ['bounce@simulator.amazonses.com', 'bounced'],
    ['complaint@simulator.amazonses.com', 'complained'],
  ] as const) {
    try {
      await until(`${email} to become ${want}`, 10_000, async () => {
        await stack.simulator.poll();
        return (await readStatus(email)) === want ? true : undefined;
      });
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  const sent = (await inbox(stack)).filter(
    (m) => !before.has(m.messageId) && m.subject.includes(report.title),
  );
  const delivered = demoReaders.filter((e) => sent.some((m) => m.destination.to.includes(e)));

  // 6. Leaving, from the newsletter itself.
  for (const [email, how] of Object.entries(demoLeavers)) {
    const header = sent
      .find((m) => m.destination.to.includes(email))
      ?.headers?.find((h) => h.name.toLowerCase() === 'list-unsubscribe')?.value;
    try {
      if (!header) throw new Error('no newsletter with a List-Unsubscribe header');
      await leave(stack, email, how, header);
      if ((await readStatus(email)) !== 'unsubscribed') throw new Error('still subscribed');
      outcomes[email] =
        how === 'one-click'
          ? 'left with one click (RFC 8058 POST to the List-Unsubscribe URL)'
          : 'left by mail (List-Unsubscribe mailto → the inbound-unsubscribe function)';
    } catch (err) {
      problems.push(
        `${email} could not unsubscribe by ${how}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  for (const email of demoReaders) subscriberStatus[email] = (await readStatus(email)) ?? 'missing';

  const missing = confirmedReaders.filter((e) => !delivered.includes(e));
  const leaked = delivered.filter((e) => !confirmedReaders.includes(e));
  if (status !== 'SENT') problems.push(`report status is ${status}, expected SENT`);
  if (missing.length) problems.push(`no report email for: ${missing.join(', ')}`);
  if (leaked.length) problems.push(`report sent to readers who never confirmed: ${leaked.join(', ')}`);
  return {
    ok: problems.length === 0 && confirmed > 0,
    reportId: report.id,
    title: report.title,
    status,
    confirmed,
    delivered,
    missing,
    subscriberStatus,
    outcomes,
    problems,
  };
}

/** What a mail client does with `List-Unsubscribe` when its reader asks to leave. */
async function leave(
  stack: LocalStack,
  email: string,
  how: 'one-click' | 'mailto',
  header: string,
): Promise<void> {
  if (how === 'one-click') {
    const url = /<(https?:[^>]+)>/.exec(header)?.[1];
    if (!url) throw new Error('no https URL in List-Unsubscribe');
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    if (res.status !== 200) throw new Error(`one-click POST answered HTTP ${res.status}`);
    return;
  }
  const mailto = mailtoOf(header);
  if (!mailto) throw new Error('no mailto in List-Unsubscribe');
  const { outcomes } = await stack.receiveMail(receiptEventFor(mailto, email));
  if (outcomes[0] !== 'unsubscribed')
    throw new Error(`the inbound function said ${outcomes.join(', ') || 'nothing'}`);
}
