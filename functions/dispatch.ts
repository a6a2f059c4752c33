/**
 * Dispatch Lambda (contract 4), ticked by the EventBridge schedule: sends due reports
 * (functions/core/use-cases/dispatch-due.ts). Reserved concurrency 1 plus the lease keep two
 * runs off the same report. React-free: it only substitutes tokens into stored output.
 *
 * A report the account's rate needs several workers for is split into parts, each sent by a
 * worker (functions/dispatch-worker.ts): on AWS an asynchronous invocation of the worker
 * function, locally (this handler invoked outside the stack) a call in this process. A run
 * that ends with readers left starts the next one at once (on AWS by invoking itself; locally
 * in a loop), so no report waits for the next tick; the 24-hour quota's wait still holds.
 */
import { randomUUID } from 'node:crypto';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { dynamo } from './adapters/aws/dynamo.ts';
import { lambda } from './adapters/aws/lambda.ts';
import { secrets } from './adapters/aws/secrets.ts';
import { dispatchDeps, dispatchSettings } from './adapters/dispatch-wiring.ts';
import { dynamoPartStore } from './adapters/dynamo-part-store.ts';
import { unsubscribeKeyring } from './adapters/secret.ts';
import { withTelemetry } from './adapters/telemetry.ts';
import { inProcessLauncher, invokeSelf, lambdaLauncher, onLambda } from './adapters/worker-launcher.ts';
import { loadConfig } from './core/config.ts';
import { runBudget } from './core/run-limits.ts';
import { signingKey } from './core/unsubscribe-keys.ts';
import { dispatchDue, type DispatchSummary } from './core/use-cases/dispatch-due.ts';
import { runPart } from './dispatch-worker.ts';

const config = loadConfig();
const settings = dispatchSettings(config);
const workerFunction = config.sending.workerFunction;
const launcher =
  onLambda() && workerFunction
    ? lambdaLauncher(lambda, workerFunction)
    : inProcessLauncher((task) => runPart(task));
// maxAge 0: the ring is read at the start of every run (one read a minute), so mail sent after a
// rotation carries the new key id.
const keys = unsubscribeKeyring({ ...config, secretMaxAgeSeconds: 0 }, secrets);

export interface DispatchResult extends DispatchSummary {
  /** The most workers a report was split among in this run. */
  workers: number;
  /** Whether the next run was started at once because readers were left. */
  chained: boolean;
}

async function runOnce(remainingMs: number | undefined): Promise<DispatchSummary> {
  const deps = dispatchDeps(config, signingKey(await keys.get()));
  return dispatchDue(
    { ...deps, fanOut: { parts: dynamoPartStore(dynamo, config.tables.reports), launcher } },
    settings,
    { owner: randomUUID(), budgetMs: runBudget(config.sending.budgetMs, remainingMs) },
  );
}

/** Readers left in a report this run sent itself (not waiting for the 24-hour quota). */
const readersLeft = (s: DispatchSummary) =>
  s.reports.some((r) => r.outcome === 'continues' && r.workers === undefined);

export const handler = withTelemetry(
  async (event: ScheduledEvent, context?: Context): Promise<DispatchResult> => {
    let summary = await runOnce(context?.getRemainingTimeInMillis?.());
    let workers = Math.max(1, ...summary.reports.map((r) => r.workers ?? 1));
    let chained = false;
    if (readersLeft(summary)) {
      chained = true;
      if (onLambda()) await invokeSelf(lambda, event);
      else {
        // Locally there is no timeout to stay inside: the next runs follow in this process.
        while (readersLeft(summary)) {
          summary = await runOnce(undefined);
          workers = Math.max(workers, ...summary.reports.map((r) => r.workers ?? 1));
        }
      }
    }
    return { ...summary, workers, chained };
  },
);
