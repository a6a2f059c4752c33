/**
 * A table as a function is bound to it, and the IAM statements that grant it: read or read/write
 * on the table and every index (bindTable), or exactly the item actions and indexes a function's
 * code calls (bindTableExactly, for the functions the internet or SES's feedback reaches).
 */
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { TableDef } from '../tables.ts';

/** A table together with the definition it was built from (for its index names) and its variable. */
export interface BoundTable {
  table: dynamodb.ITable;
  def: TableDef;
  envName: 'SUBSCRIBERS_TABLE' | 'REPORTS_TABLE';
}

export type TableAccess = 'read' | 'readwrite';

/** The DynamoDB item-level actions a function may be granted one by one (bindTableExactly). */
export type ItemAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:ConditionCheckItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:BatchWriteItem'
  | 'dynamodb:Scan';

// ConditionCheckItem is a read: it lets a transaction check a row it may not write.
const tableReadActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
];
const tableWriteActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/** Read or read/write on the table and on each of its indexes by name. */
export function tableStatement({ table, def }: BoundTable, access: TableAccess): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: access === 'readwrite' ? [...tableReadActions, ...tableWriteActions] : tableReadActions,
    resources: [table.tableArn, ...def.indexes.map((i) => `${table.tableArn}/index/${i.indexName}`)],
  });
}

/**
 * `item` on the table itself, and Query on the named indexes only; an index the table does not
 * have is a mistake in the stack, so it throws. (A transaction needs no action of its own: each of
 * its members is authorised as the single-item action it is.)
 */
export function exactTableStatements(
  { table, def }: BoundTable,
  grant: { item: ItemAction[]; query?: string[] },
): iam.PolicyStatement[] {
  const unknown = (grant.query ?? []).filter((name) => !def.indexes.some((i) => i.indexName === name));
  if (unknown.length) throw new Error(`${def.id} has no index ${unknown.join(', ')}`);
  const statements = [new iam.PolicyStatement({ actions: grant.item, resources: [table.tableArn] })];
  if (grant.query?.length) {
    statements.push(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: grant.query.map((name) => `${table.tableArn}/index/${name}`),
      }),
    );
  }
  return statements;
}
