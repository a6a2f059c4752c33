/**
 * The DynamoDB document client, created once per module load: the lean client
 * (lean/dynamo.ts), so no function bundle carries the SDK's client stack. One file per service,
 * so a function bundles only the clients it uses; endpoints come from AWS_ENDPOINT_URL_DYNAMODB.
 */
import { leanDynamo } from './lean/dynamo.ts';

export type { Dynamo } from './lean/dynamo-port.ts';

export const dynamo = leanDynamo();
