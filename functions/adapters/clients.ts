/**
 * AWS clients, created once per module load. Endpoints come from the SDK's own
 * AWS_ENDPOINT_URL_* variables, so the same code talks to the emulators locally.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
// Path-style keeps bucket names out of DNS: required by the S3 emulator, harmless on AWS.
export const s3 = new S3Client({ forcePathStyle: !!process.env.AWS_ENDPOINT_URL_S3 });
export const sesv2 = new SESv2Client({});
export const secrets = new SecretsManagerClient({});
