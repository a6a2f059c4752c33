/** The Lambda client (for starting dispatch workers and chaining runs), created once per module load. */
import { LambdaClient } from '@aws-sdk/client-lambda';

export const lambda = new LambdaClient({});
