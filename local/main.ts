/**
 * `npm start`  — boots the local stack, runs the demo on a fresh state, keeps serving until Ctrl-C.
 * `npm start -- --reset` — the same from a clean state.
 * `npm run demo` — boots a throwaway stack (.local/demo), runs the demo, exits 0 when every
 *                  confirmed demo reader got the report, 1 otherwise.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MissingJavaError } from './emulators.ts';
import { localPorts, stateDir } from './config.ts';
import { tickMsFromEnv } from './schedule.ts';
import { startLocalStack, type LocalStack } from './stack.ts';
import { runDemo, type DemoResult } from './demo.ts';

const samplePath = resolve('examples/sample-report.json');
const log = (line: string) => console.log(line);

function printSummary(stack: LocalStack, demo: DemoResult | null, serving: boolean): void {
  const lines = serving
    ? [
        '',
        'kawaraban local stack is running',
        `  SES inbox (every email sent):  ${stack.urls.inbox}`,
        `  subscribe page:                ${stack.urls.api}/`,
        `  HTTP API:                      ${stack.urls.api}`,
        `  S3 emulator:                   ${stack.urls.s3}  (bucket ${stack.env.UPLOAD_BUCKET})`,
        `  DynamoDB Local:                ${stack.urls.dynamo}`,
      ]
    : ['', 'kawaraban demo finished (the stack stops now; `npm start` keeps it running to look around)'];
  if (demo) {
    lines.push(
      '',
      `demo: report "${demo.reportId}" is ${demo.status}; sent to ${demo.delivered.length} of ${demo.confirmed} confirmed readers`,
      ...Object.entries(demo.subscriberStatus).map(([email, status]) =>
        `  ${email.padEnd(36)} ${status.padEnd(13)} ${demo.outcomes[email] ?? ''}`.trimEnd(),
      ),
      ...(demo.problems.length ? ['problems:', ...demo.problems.map((p) => `  - ${p}`)] : []),
    );
  }
  if (serving)
    lines.push(
      '',
      'try, in another terminal:',
      '  npx kawaraban report validate examples/invalid-report.json',
      `  npx kawaraban report status ${demo?.reportId ?? '<id>'}`,
      '  npx kawaraban report upload <file.json>',
    );
  console.log(lines.join('\n'));
}

async function main(): Promise<number> {
  // Node 20 is pinned on purpose (lockfile); the SDK's yearly reminder would only add noise.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseArgs({
    options: { reset: { type: 'boolean', default: false }, demo: { type: 'boolean', default: false } },
  });
  const demoOnly = values.demo;
  const dir = demoOnly ? join(stateDir(), 'demo') : stateDir();
  let tickMs: number;
  try {
    tickMs = tickMsFromEnv();
  } catch (err) {
    console.error(`kawaraban: ${(err as Error).message}`);
    return 1;
  }

  let stack: LocalStack;
  try {
    stack = await startLocalStack({ ports: localPorts(), dir, reset: values.reset || demoOnly, tickMs, log });
  } catch (err) {
    if (err instanceof MissingJavaError) {
      console.error(`kawaraban: ${err.message}`);
      return 1;
    }
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') {
      console.error(
        `kawaraban: a port is already in use (${(err as Error).message}). Stop the other process or set ` +
          'KAWARABAN_API_PORT / KAWARABAN_SES_PORT / KAWARABAN_S3_PORT / KAWARABAN_DYNAMODB_PORT.',
      );
      return 1;
    }
    throw err;
  }

  let demo: DemoResult | null = null;
  if (stack.fresh || demoOnly) {
    log('demo: fresh state, running the whole flow on the sample report…');
    demo = await runDemo(stack, samplePath, log);
  }
  printSummary(stack, demo, !demoOnly);

  if (demoOnly) {
    await stack.stop();
    return demo?.ok ? 0 : 1;
  }
  console.log('\nserving until Ctrl-C (state is kept in .local/; `npm start -- --reset` starts clean)');
  await new Promise<void>((resolveStop) => {
    const shutdown = () => resolveStop();
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  console.log('stopping…');
  await stack.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('kawaraban:', err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
