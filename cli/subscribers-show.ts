/**
 * `kawaraban subscribers show <email> [--reports N] [--report <id>…] [--json]`: one reader.
 *
 * 1. Check the address as the form would (bad input: one line, exit 1).
 * 2. Look them up (functions/adapters/dynamo-reader-lookup.ts): row, other spellings of the
 *    mailbox, and each recent report's ledger state for any spelling.
 * 3. Print it (or JSON). Exit 0 when anything is known about the mailbox, 1 when nothing is.
 * The address is the operator's own input; nothing here is logged.
 */
import { checkEmail } from '../functions/core/email-address.ts';
import { jst, labelled } from './columns.ts';
import { cliLang } from './context.ts';
import { cliTexts } from './i18n/index.ts';
import { chooseTarget } from './target.ts';
import { cliDynamo } from './aws-config.ts';

export async function showSubscriber(
  raw: string,
  opts: { json?: boolean; reports?: string; report?: string[] },
): Promise<number> {
  const t = cliTexts[cliLang()];
  const m = t.show;
  const checked = checkEmail(raw);
  if (!checked.ok) {
    console.error(`kawaraban: ${t.common.badEmail(checked.problem)}`);
    return 1;
  }
  const recent = opts.reports === undefined ? 10 : Number(opts.reports);
  if (!Number.isInteger(recent) || recent < 1 || recent > 100) {
    console.error(`kawaraban: ${t.common.badNumber('--reports', opts.reports ?? '')}`);
    return 1;
  }
  await chooseTarget();
  const [dynamo, { lookUpReader }] = await Promise.all([
    cliDynamo(),
    import('../functions/adapters/dynamo-reader-lookup.ts'),
  ]);
  const tables = { subscribers: process.env.SUBSCRIBERS_TABLE!, reports: process.env.REPORTS_TABLE! };
  const view = await lookUpReader(dynamo, tables, checked.email, { recent, reportIds: opts.report ?? [] });
  const known =
    !!view.subscriber || view.otherSpellings.length > 0 || view.reports.some((r) => r.deliveries.length > 0);
  if (opts.json) {
    console.log(JSON.stringify(view, null, 2));
    return known ? 0 : 1;
  }

  const s = view.subscriber;
  const c = s?.consent;
  const l = m.labels;
  const lines = labelled([
    [l.email, view.email],
    [l.status, s ? s.status : view.erased ? m.erased : m.noRow],
    [l.locale, s?.locale],
    [l.created, s?.createdAt],
    [l.confirmed, s?.confirmedAt],
    [l.unsubscribed, s?.unsubscribedAt],
    [l.consent, c && m.consent(c.at, c.sourceIp, c.source, c.policyVersion, c.userAgent)],
    [l.signup, c?.signup && m.signup(c.signup.at, c.signup.sourceIp, c.signup.source)],
    [l.softBounces, s?.softBounces ? String(s.softBounces) : undefined],
    [l.spellings, view.otherSpellings.map((o) => `${o.email} (${o.status})`).join(', ') || m.none],
    [l.mailbox, view.mailboxSuppressed ? m.mailboxSuppressed : undefined],
  ]);
  for (const line of lines) console.log(line);
  console.log('');
  if (view.reports.length === 0) console.log(m.noReports);
  else {
    console.log(m.reportsHeading(view.reports.length));
    const width = Math.max(...view.reports.map((r) => r.reportId.length));
    for (const r of view.reports) {
      const head = `  ${r.reportId.padEnd(width)}  ${r.status.padEnd(9)}  ${r.sendAt ? jst(r.sendAt) : '-'.padEnd(20)}`;
      if (r.deliveries.length === 0) console.log(`${head}  ${m.notSent}`);
      for (const d of r.deliveries) {
        const spelled = d.email !== view.email ? ` (${d.email})` : '';
        const when = d.sentAt ?? d.updatedAt ?? '';
        console.log(`${head}  ${d.state}${spelled}  ${when}${d.reason ? `  ${d.reason}` : ''}`);
      }
    }
  }
  if (!known) console.error(`kawaraban: ${m.unknown}`);
  return known ? 0 : 1;
}
