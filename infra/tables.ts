/**
 * Table shapes, written once. The CDK stateful stack and the local runtime both build
 * their tables from these definitions, so the emulator never drifts from AWS.
 * No aws-cdk-lib import here: the local runtime and the tests load this file too.
 */
export type AttributeType = 'S' | 'N';
export interface KeyDef {
  name: string;
  type: AttributeType;
}
export interface IndexDef {
  indexName: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
  /** 'ALL' or 'KEYS_ONLY' — the narrowest projection each reader needs. */
  projection: 'ALL' | 'KEYS_ONLY';
}
export interface TableDef {
  /** Logical id in the stack and suffix of the local table name. */
  id: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
  indexes: IndexDef[];
  timeToLiveAttribute?: string;
}

/** Subscribers, keyed by normalised email (see functions/core/email-address.ts). */
export const subscribersTable: TableDef = {
  id: 'Subscribers',
  partitionKey: { name: 'email', type: 'S' },
  indexes: [
    // The dispatcher pages confirmed subscribers shard by shard: PK "confirmed#07".
    {
      indexName: 'byStatus',
      partitionKey: { name: 'statusShard', type: 'S' },
      sortKey: { name: 'email', type: 'S' },
      projection: 'ALL',
    },
    // Links carry the random subscriber id, never the address.
    { indexName: 'byId', partitionKey: { name: 'id', type: 'S' }, projection: 'KEYS_ONLY' },
  ],
  // Rate-limit counters live in this table under "rl#…" keys and expire on their own.
  timeToLiveAttribute: 'expiresAt',
};

/** Reports (item "report") and their delivery ledgers (items "to#<email>"). */
export const reportsTable: TableDef = {
  id: 'Reports',
  partitionKey: { name: 'reportId', type: 'S' },
  sortKey: { name: 'item', type: 'S' },
  indexes: [
    // Only the "report" item carries `status`, so this index is sparse: due reports only.
    {
      indexName: 'byStatus',
      partitionKey: { name: 'status', type: 'S' },
      sortKey: { name: 'sendAt', type: 'S' },
      projection: 'KEYS_ONLY',
    },
  ],
  // Upload receipts ("upload#…") expire on their own; report items and ledger rows never carry it.
  timeToLiveAttribute: 'expiresAt',
};

export const tableDefs = [subscribersTable, reportsTable] as const;

/**
 * Prefixes under the upload bucket: every object created under reports/ and drafts/ triggers the
 * render function (which refuses, with a notice, a name that does not end exactly in `.json`);
 * under approvals/, only `.json` objects do. archive/ is the published web archive.
 */
export const uploadPrefixes = {
  reports: 'reports/',
  drafts: 'drafts/',
  rendered: 'rendered/',
  approvals: 'approvals/',
  archive: 'archive/',
} as const;
export const uploadSuffix = '.json';
