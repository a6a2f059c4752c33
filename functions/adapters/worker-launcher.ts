import type { PartTask, WorkerLauncher } from '../core/use-cases/fan-out-ports.ts';
import type { LambdaPort } from './aws/lambda-port.ts';

/**
 * On AWS: an asynchronous invocation (`Event`) of the worker function; Lambda queues it and
 * retries a throttled one, so the dispatcher returns at once.
 */
export function lambdaLauncher(client: LambdaPort, functionName: string): WorkerLauncher {
  return {
    async launch(task) {
      await client.invoke({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: JSON.stringify(task),
      });
    },
  };
}

/** Locally (a handler invoked outside the stack): the worker runs in this process, to its end. */
export function inProcessLauncher(run: (task: PartTask) => Promise<unknown>): WorkerLauncher {
  return {
    async launch(task) {
      await run(task);
    },
  };
}

/** Whether this process is a Lambda function (the runtime sets the name), as opposed to a local run. */
export const onLambda = (): boolean => !!process.env.AWS_LAMBDA_FUNCTION_NAME;

/** Starts the next run of this same function at once (chaining), on AWS. */
export async function invokeSelf(client: LambdaPort, payload: unknown): Promise<void> {
  await client.invoke({
    FunctionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? '',
    InvocationType: 'Event',
    Payload: JSON.stringify(payload),
  });
}
