/** Who put an object, as its S3 event says: AWS authenticated it, unlike anything in the object. */
import type { S3EventRecord } from 'aws-lambda';

/** The event's principal without the `AWS:` prefix: the same id STS GetCallerIdentity calls UserId. */
export function principalOf(record: Pick<S3EventRecord, 'userIdentity'>): string | undefined {
  const id = record.userIdentity?.principalId?.trim();
  return id ? id.replace(/^AWS:/, '') : undefined;
}
