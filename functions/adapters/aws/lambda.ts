/** The Lambda client (for starting dispatch workers and chaining runs), created once per module load: the lean one. */
import type { LambdaPort } from './lambda-port.ts';
import { leanLambda } from './lean/lambda.ts';

export const lambda: LambdaPort = leanLambda();
