/**
 * Local sending with a full inbox (issue 6, item 9): the local stack runs the SES emulator, the
 * mailbox simulator and the senders in one process, so whatever the simulator does to the
 * emulator's store competes with SendEmail. This fills the store with `--fill` mails, starts the
 * simulator as `npm start` does (every second), then sends `--sends` mails at `--concurrency`
 * in flight through the real SES adapter and prints sends per second.
 *
 *   npx tsx bench/local-inbox.ts [--fill 3000] [--sends 1500] [--concurrency 8]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { localCredentials, localRegion, startSes } from '../local/emulators.ts';
import { startSimulator } from '../local/ses-simulator.ts';
import { freePort } from '../local/ports.ts';
import { sesClient } from '../functions/adapters/aws/sesv2.ts';
import { sesMailer } from '../functions/adapters/ses-mailer.ts';

const { values } = parseArgs({
  options: {
    fill: { type: 'string', default: '3000' },
    sends: { type: 'string', default: '1500' },
    concurrency: { type: 'string', default: '8' },
  },
});
const fill = Number(values.fill);
const sends = Number(values.sends);
const concurrency = Number(values.concurrency);

/** A report-sized message: the store's cost grows with what it holds, not only how many. */
const html = `<html><body>${'<p>本文の段落です。https://example.jp/advisory を参照してください。</p>'.repeat(150)}</body></html>`;
const text = '本文の段落です。\n'.repeat(150);

async function sendMany(
  mailer: ReturnType<typeof sesMailer>,
  n: number,
  to: (i: number) => string,
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await mailer.send({ to: to(i), subject: `件名 ${i}`, html, text });
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - start;
}

const ses = await startSes({ port: await freePort() });
const client = sesClient({ endpoint: ses.url, region: localRegion, credentials: () => localCredentials });
const mailer = sesMailer(client, { from: 'bench <bench@example.jp>' });
let published = 0;
const simulator = startSimulator(
  ses.url,
  async () => ({ ok: true }),
  1000,
  () => published++,
);
try {
  // Every tenth mail goes to a simulator address, as a demo list with test readers would.
  const fillMs = await sendMany(mailer, fill, (i) =>
    i % 10 === 0 ? `success+${i}@simulator.amazonses.com` : `reader${i}@example.jp`,
  );
  await simulator.poll();
  const ms = await sendMany(mailer, sends, (i) => `late${i}@example.jp`);
  console.log(
    `inbox ${fill} mails (filled at ${Math.round((fill / fillMs) * 1000)}/s); then ${sends} sends at ${concurrency} in flight: ` +
      `${Math.round((sends / ms) * 1000)} sends/s; simulator events published: ${published}`,
  );
} finally {
  await simulator.stop();
  client.destroy();
  await ses.stop();
}
process.exit(0);
