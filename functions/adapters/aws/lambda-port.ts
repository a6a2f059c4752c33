/**
 * The Lambda operation kawaraban uses (Invoke: the dispatcher starting its workers and chaining
 * its own runs), named and typed as the SDK names it (types only). One implementation: lean/lambda.ts.
 */
import type { InvokeCommandInput, InvokeCommandOutput } from '@aws-sdk/client-lambda';

export type InvokeInput = Pick<InvokeCommandInput, 'InvocationType'> & {
  FunctionName: string;
  Payload?: string | Uint8Array;
};

/** `StatusCode` 202 for an `Event` invocation (queued); `FunctionError` only for a synchronous one. */
export type InvokeOutput = Pick<InvokeCommandOutput, 'StatusCode' | 'FunctionError' | 'ExecutedVersion'> & {
  Payload: Uint8Array;
};

export interface LambdaPort {
  invoke(input: InvokeInput): Promise<InvokeOutput>;
}
