/** Update-expression clauses shared by the report store and the ledger (both write report counters). */
import type { CountDelta } from '../core/use-cases/sending-ports.ts';

/** `ADD a :a, b :b` for the non-zero entries of a delta, with its values. */
export function addClause(add: CountDelta): { expr: string; values: Record<string, number> } {
  const parts: string[] = [];
  const values: Record<string, number> = {};
  for (const [name, n] of Object.entries(add)) {
    if (!n) continue;
    parts.push(`${name} :add_${name}`);
    values[`:add_${name}`] = n;
  }
  return { expr: parts.length ? ` ADD ${parts.join(', ')}` : '', values };
}

/** `, a = :x_a, …` for the defined entries of `fields` (to follow a SET), with its values. */
export function setClause(fields: Record<string, unknown>): {
  expr: string;
  values: Record<string, unknown>;
} {
  const defined = Object.entries(fields).filter(([, v]) => v !== undefined);
  return {
    expr: defined.map(([n]) => `, ${n} = :x_${n}`).join(''),
    values: Object.fromEntries(defined.map(([n, v]) => [`:x_${n}`, v])),
  };
}
