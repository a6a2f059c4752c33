/**
 * The DynamoDB operations the adapters use, as a port: one method per operation, inputs and
 * outputs exactly as `@aws-sdk/lib-dynamodb`'s document commands take and give them (plain
 * values in, plain values out; types only, so none of the SDK reaches a bundle). The one
 * implementation is lean/dynamo.ts; tests wrap it to inject faults (test/helpers/faulty-dynamo.ts).
 */
import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  TransactGetCommandInput,
  TransactGetCommandOutput,
  TransactWriteCommandInput,
  TransactWriteCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';

/** An SDK output without the SDK's per-call `$metadata` (no caller reads it). */
export type Output<T> = Omit<T, '$metadata'>;

// The legacy parameters (conditions before expressions existed) are left out: nothing uses them.
export type PutInput = Omit<PutCommandInput, 'Expected'>;
export type UpdateInput = Omit<UpdateCommandInput, 'Expected' | 'AttributeUpdates'>;
export type DeleteInput = Omit<DeleteCommandInput, 'Expected'>;
export type QueryInput = Omit<QueryCommandInput, 'KeyConditions' | 'QueryFilter'>;
export type ScanInput = Omit<ScanCommandInput, 'ScanFilter'>;

export interface Dynamo {
  get(input: GetCommandInput): Promise<Output<GetCommandOutput>>;
  put(input: PutInput): Promise<Output<PutCommandOutput>>;
  update(input: UpdateInput): Promise<Output<UpdateCommandOutput>>;
  delete(input: DeleteInput): Promise<Output<DeleteCommandOutput>>;
  query(input: QueryInput): Promise<Output<QueryCommandOutput>>;
  scan(input: ScanInput): Promise<Output<ScanCommandOutput>>;
  batchGet(input: BatchGetCommandInput): Promise<Output<BatchGetCommandOutput>>;
  batchWrite(input: BatchWriteCommandInput): Promise<Output<BatchWriteCommandOutput>>;
  transactGet(input: TransactGetCommandInput): Promise<Output<TransactGetCommandOutput>>;
  transactWrite(input: TransactWriteCommandInput): Promise<Output<TransactWriteCommandOutput>>;
}

/** The names of the port's operations, for decorators that wrap them all. */
export const DYNAMO_OPERATIONS = [
  'get',
  'put',
  'update',
  'delete',
  'query',
  'scan',
  'batchGet',
  'batchWrite',
  'transactGet',
  'transactWrite',
] as const satisfies readonly (keyof Dynamo)[];
