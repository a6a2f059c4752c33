/**
 * Dispatch worker Lambda: sends one part of a report (functions/core/use-cases/fan-out.ts),
 * started by the dispatcher with an asynchronous invocation. When readers are left in its part
 * at the end of its budget it starts the next run at once (invoking itself), so the part never
 * waits for the next tick. Locally the dispatcher calls `runPart` in-process.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { lambda } from './adapters/aws/lambda.ts';
import { secrets } from './adapters/aws/secrets.ts';
import { dynamo } from './adapters/aws/dynamo.ts';
import { dispatchDeps, dispatchSettings } from './adapters/dispatch-wiring.ts';
import { dynamoPartStore } from './adapters/dynamo-part-store.ts';
import { unsubscribeKeyring } from './adapters/secret.ts';
import { withTelemetry } from './adapters/telemetry.ts';
import { inProcessLauncher, invokeSelf, onLambda } from './adapters/worker-launcher.ts';
import { loadConfig } from './core/config.ts';
import { runBudget } from './core/run-limits.ts';
import { signingKey } from './core/unsubscribe-keys.ts';
import type { ReportRunSummary } from './core/use-cases/dispatch-due.ts';
import type { PartTask } from './core/use-cases/fan-out-ports.ts';
import { sendPart } from './core/use-cases/fan-out.ts';

const config = loadConfig();
const settings = dispatchSettings(config);
// maxAge 0, as in the dispatcher: mail sent after a rotation carries the new key id.
const keys = unsubscribeKeyring({ ...config, secretMaxAgeSeconds: 0 }, secrets);

function isPartTask(event: unknown): event is PartTask {
  const e = event as Partial<PartTask> | null;
  return (
    e?.kind === 'kawaraban.send-part' &&
    typeof e.reportId === 'string' &&
    Number.isInteger(e.part) &&
    e.part! >= 0 &&
    e.part! < 16
  );
}

async function runOnce(task: PartTask, remainingMs: number | undefined): Promise<ReportRunSummary> {
  const deps = dispatchDeps(config, signingKey(await keys.get()));
  const parts = dynamoPartStore(dynamo, config.tables.reports);
  // A worker never launches other workers.
  const launcher = inProcessLauncher(async () => undefined);
  return sendPart({ ...deps, parts, launcher }, settings, task, {
    owner: randomUUID(),
    budgetMs: runBudget(config.sending.budgetMs, remainingMs),
  });
}

/** Locally: the part's runs one after another until it is done or must wait. */
export async function runPart(task: PartTask): Promise<ReportRunSummary> {
  for (;;) {
    const summary = await runOnce(task, undefined);
    if (summary.outcome !== 'continues') return summary;
  }
}

export const handler = withTelemetry(async (event: unknown, context?: Context): Promise<ReportRunSummary> => {
  if (!isPartTask(event)) throw new Error('dispatch worker: not a part task');
  const summary = await runOnce(event, context?.getRemainingTimeInMillis?.());
  if (summary.outcome === 'continues' && onLambda()) await invokeSelf(lambda, event);
  return summary;
});
