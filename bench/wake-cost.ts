/**
 * `npx tsx bench/wake-cost.ts`: what one event-loop wake-up, and one SendEmail, cost a Node
 * process in CPU on this machine, depending on how often it wakes. Nothing of the dispatcher's
 * own: the lean sending client (functions/adapters/aws/sesv2-sending.ts) against a loopback
 * server in another process that answers each SendEmail after 80 ± 40 ms.
 *
 * 1. Empty wake-ups: a timer to the next planned moment, at 14, 100 and 1,000 a second.
 * 2. Fixed synchronous work (JSON.stringify and SHA-256 of a 51 KB message: what a SendEmail
 *    did before its socket write), its own CPU only, at 14 a second and back to back.
 * 3. SendEmail, as big as the bundled sample's (28,000 characters of HTML, 5,300 of text),
 *    encoded per send: paced at 14 and 100 a second, each send on its own timer; in groups on
 *    one timer (14 a second in pairs, 7 or all 14 at a time; 100 a second 10 at a time); and
 *    back to back, 8 in flight. What a process that does nothing else costs per send: the floor
 *    under the dispatcher's CPU per recipient at each rate.
 * 4. The same SendEmail with its body joined from the part encoded once, as the dispatcher sent
 *    it before templates (functions/adapters/ses-send-body.ts): at 14 and 100 a second and back
 *    to back.
 * 5. The same newsletter naming its SES template (functions/adapters/ses-templates.ts), as the
 *    dispatcher sends it now: the reader's token and headers, ~1 KB instead of ~52 KB.
 * 6. Not built, measured for the next step: one SendBulkEmail body for 13 readers (their tokens
 *    and headers), once a second, per reader; posted through the same client (the loopback
 *    server answers any request alike), so it is what one call for 13 readers costs.
 *
 * Each measurement alternates with the others over `ROUNDS` rounds; printed: the median CPU ms
 * (user + system, process.cpuUsage) per wake-up or per send, and the spread.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendingSesClient } from '../functions/adapters/aws/sesv2-sending.ts';
import { sendEmailBody, sendEmailInput } from '../functions/adapters/ses-send-body.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SECONDS = Number(process.env.SECONDS ?? 6);

const SERVER = `
const http = require('node:http');
const s = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => setTimeout(() => {
    res.setHeader('content-type', 'application/json');
    res.end('{"MessageId":"m"}');
  }, 40 + Math.random() * 80));
});
s.listen(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'));`;

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/** CPU ms per call of `step`, called at `rate` a second for SECONDS, `group` at a time. */
async function paced(rate: number, group: number, step: () => Promise<unknown> | undefined): Promise<number> {
  const n = Math.max(group, Math.round(rate * SECONDS));
  const pending: Promise<unknown>[] = [];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const wait = t0 + (Math.floor(i / group) * group * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    const p = step();
    if (p) pending.push(p);
  }
  await Promise.all(pending);
  return cpuMs(process.cpuUsage(c0)) / n;
}

async function backToBack(n: number, inFlight: number, step: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const c0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < n) await step();
    }),
  );
  return cpuMs(process.cpuUsage(c0)) / n;
}

/** CPU ms of `work` itself (not the wake-up around it), at `rate` a second or back to back (rate 0). */
async function ownCpu(rate: number, work: () => void): Promise<number> {
  const n = Math.round((rate || 100) * SECONDS);
  let used = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const wait = rate ? t0 + (i * 1000) / rate - performance.now() : 0;
    if (wait > 0) await sleep(wait);
    const c0 = process.cpuUsage();
    work();
    used += cpuMs(process.cpuUsage(c0));
  }
  return used / n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    server.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  try {
    const ses = sendingSesClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'ap-northeast-1',
      credentials: () => ({ accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' }),
    });
    // The bundled sample's size: 28,000 characters of HTML, 5,300 of text, 51.5 KB of JSON.
    const html = `<p>${'あいうえお kawaraban '.repeat(1800)}</p>`.slice(0, 28_000);
    const text = 'kawaraban text '.repeat(400).slice(0, 5_300);
    let i = 0;
    const send = () =>
      ses.sendEmail({
        FromEmailAddress: 'news@example.com',
        Destination: { ToAddresses: [`reader${i++}@example.com`] },
        Content: {
          Simple: {
            Subject: { Data: 'kawaraban' },
            Body: { Html: { Data: html }, Text: { Data: text } },
            Headers: [{ Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' }],
          },
        },
        ConfigurationSetName: 'kawaraban',
        EmailTags: [{ Name: 'reportId', Value: 'bench' }],
      });
    // The same message as the dispatcher sends it: its body joined from the part encoded once
    // (functions/adapters/ses-send-body.ts), the token in place of the placeholder.
    const part = { html: `${html}KAWARABAN_UNSUBSCRIBE_TOKEN`, text: `${text}KAWARABAN_UNSUBSCRIBE_TOKEN` };
    const sender = { from: 'news@example.com', configurationSet: 'kawaraban' };
    const joined = () => {
      const value = `token${i}`;
      const msg = {
        to: `reader${i++}@example.com`,
        subject: 'kawaraban',
        html: '',
        text: '',
        fill: { part, placeholder: 'KAWARABAN_UNSUBSCRIBE_TOKEN', value },
        tags: { reportId: 'bench' },
      };
      return ses.sendEmail(sendEmailInput(sender, msg), { body: () => sendEmailBody(sender, msg) });
    };
    // As ses-templates.ts sends it: the template's name, the reader's token and headers.
    const templated = () => {
      const token = `Tok${i}_abcdefghijklmnopqrstuvwxyz0123456789`;
      return ses.sendEmail({
        FromEmailAddress: 'news@example.com',
        Destination: { ToAddresses: [`reader${i++}@example.com`] },
        ConfigurationSetName: 'kawaraban',
        EmailTags: [
          { Name: 'reportId', Value: 'bench' },
          { Name: 'kind', Value: 'newsletter' },
        ],
        Content: {
          Template: {
            TemplateName: 'kawaraban-0123456789abcdef0123456789abcdef01234567',
            TemplateData: `{"token":"${token}"}`,
            Headers: [
              {
                Name: 'List-Unsubscribe',
                Value: `<https://news.example.jp/unsubscribe?token=${token}>, <mailto:u@example.jp?subject=unsubscribe-${token}>`,
              },
              { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
              { Name: 'X-Kawaraban-Report', Value: 'bench' },
            ],
          },
        },
      });
    };
    // The body of a SendBulkEmail naming the same template, for `n` readers.
    const bulk = (n: number) => () =>
      ses.sendEmail({
        FromEmailAddress: 'news@example.com',
        ConfigurationSetName: 'kawaraban',
        DefaultEmailTags: [{ Name: 'kind', Value: 'newsletter' }],
        DefaultContent: {
          Template: {
            TemplateName: 'kawaraban-0123456789abcdef0123456789abcdef01234567',
            TemplateData: '{}',
          },
        },
        BulkEmailEntries: Array.from({ length: n }, () => {
          const token = `Tok${i}_abcdefghijklmnopqrstuvwxyz0123456789`;
          return {
            Destination: { ToAddresses: [`reader${i++}@example.com`] },
            ReplacementEmailContent: {
              ReplacementTemplate: { ReplacementTemplateData: `{"token":"${token}"}` },
            },
            ReplacementHeaders: [
              { Name: 'List-Unsubscribe', Value: `<https://news.example.jp/unsubscribe?token=${token}>` },
            ],
          };
        }),
      } as never);
    const message = { html, text, to: 'reader@example.com' };
    const work = () => {
      createHash('sha256')
        .update(Buffer.from(JSON.stringify(message), 'utf8'))
        .digest('hex');
    };
    for (let k = 0; k < 500; k++) work();
    // Warm: compiled and connected, as a dispatcher is a few seconds into a send.
    await backToBack(300, 8, send);
    await backToBack(300, 8, joined);
    await backToBack(300, 8, templated);
    const cases: [string, () => Promise<number>][] = [
      ['empty wake-up, 14 a second', () => paced(14, 1, () => undefined)],
      ['empty wake-up, 100 a second', () => paced(100, 1, () => undefined)],
      ['empty wake-up, 1,000 a second', () => paced(1000, 1, () => undefined)],
      ['fixed work alone, 14 a second', () => ownCpu(14, work)],
      ['fixed work alone, back to back', () => ownCpu(0, work)],
      ['SendEmail, 14 a second, one timer each', () => paced(14, 1, send)],
      ['SendEmail, 14 a second, in pairs', () => paced(14, 2, send)],
      ['SendEmail, 14 a second, 7 at a time', () => paced(14, 7, send)],
      ['SendEmail, 14 a second, all 14 at once', () => paced(14, 14, send)],
      [
        'SendEmail joined from the part encoded once, 14 a second, one timer each',
        () => paced(14, 1, joined),
      ],
      ['SendEmail joined, 100 a second, one timer each', () => paced(100, 1, joined)],
      ['SendEmail joined, back to back, 8 in flight', () => backToBack(Math.round(100 * SECONDS), 8, joined)],
      ['SendEmail by template, 14 a second, one timer each', () => paced(14, 1, templated)],
      ['SendEmail by template, 100 a second, one timer each', () => paced(100, 1, templated)],
      [
        'SendEmail by template, back to back, 8 in flight',
        () => backToBack(Math.round(100 * SECONDS), 8, templated),
      ],
      [
        'SendBulkEmail for 13 readers, once a second, per reader',
        async () => (await paced(1, 1, bulk(13))) / 13,
      ],
      ['SendEmail, 100 a second, 10 at a time', () => paced(100, 10, send)],
      ['SendEmail, 100 a second, one timer each', () => paced(100, 1, send)],
      ['SendEmail, back to back, 8 in flight', () => backToBack(Math.round(100 * SECONDS), 8, send)],
    ];
    const results = new Map<string, number[]>(cases.map(([name]) => [name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, run] of cases) {
        results.get(name)!.push(await run());
        process.stderr.write('.');
      }
    }
    process.stderr.write('\n');
    process.stdout.write('| what | CPU ms each, median | spread |\n|---|---:|---:|\n');
    for (const [name, xs] of results) {
      process.stdout.write(
        `| ${name} | ${median(xs).toFixed(3)} | ${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)} |\n`,
      );
    }
  } finally {
    server.kill();
  }
}

await main();
