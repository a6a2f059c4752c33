/**
 * The `kawaraban` command. Each subcommand lives in its own module and is loaded only when
 * used, so `report validate` never pays for the AWS SDK.
 */
import { Command, CommanderError } from 'commander';

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name('kawaraban')
    .description('Newsletter pipeline for security reports: validate, preview, upload and track reports.')
    .exitOverride()
    .showHelpAfterError();

  const report = program.command('report').description('work with report files and sent reports');
  report
    .command('schema')
    .description('print the report format as JSON Schema')
    .action(async () => {
      exitCode = await (await import('./report-files.ts')).printSchema();
    });
  report
    .command('validate')
    .argument('<file>', 'report JSON file')
    .option('--lang <lang>', 'language of error messages (ja|en)', 'ja')
    .description('check a report file; exits 1 and lists every problem as "<json path>: <reason>"')
    .action(async (file: string, opts: { lang: string }) => {
      exitCode = await (await import('./report-files.ts')).validateFile(file, opts.lang === 'en' ? 'en' : 'ja');
    });
  report
    .command('preview')
    .argument('<file>', 'report JSON file')
    .requiredOption('--out <dir>', 'directory for <id>.html and <id>.txt')
    .option('--lang <lang>', 'language of the email chrome (ja|en)', 'ja')
    .description('render a report as it will be sent and write the HTML and text parts')
    .action(async (file: string, opts: { out: string; lang: string }) => {
      exitCode = await (await import('./report-files.ts')).previewFile(file, opts.out, opts.lang === 'en' ? 'en' : 'ja');
    });
  report
    .command('upload')
    .argument('<file>', 'report JSON file')
    .option('--draft', 'upload as a draft: a proof goes to the editors only')
    .description('validate, then upload to the bucket (refuses an invalid file without uploading)')
    .action(async (file: string, opts: { draft?: boolean }) => {
      exitCode = await (await import('./report-remote.ts')).uploadFile(file, { draft: !!opts.draft });
    });
  report
    .command('status')
    .argument('<id>', 'report id')
    .description('print a report\'s status and delivery counts')
    .action(async (id: string) => {
      exitCode = await (await import('./report-remote.ts')).printStatus(id);
    });
  report
    .command('list')
    .option('--status <status>', 'only reports in this status (SCHEDULED|SENDING|PAUSED|SENT|CANCELED)')
    .description('list reports, newest send time first, with status and counts (rejected uploads: see report status <id>)')
    .action(async (opts: { status?: string }) => {
      exitCode = await (await import('./report-remote.ts')).printReportList(opts.status);
    });
  report
    .command('pause')
    .argument('<id>', 'report id')
    .description('hold a SCHEDULED or SENDING report (a send under way stops before its next page); resume continues it')
    .action(async (id: string) => {
      exitCode = await (await import('./report-remote.ts')).controlReport('pause', id);
    });
  report
    .command('resume')
    .argument('<id>', 'report id')
    .description('let a PAUSED report send again: the next dispatcher run continues where it stopped (one paused before it started is SCHEDULED again)')
    .action(async (id: string) => {
      exitCode = await (await import('./report-remote.ts')).controlReport('resume', id);
    });
  report
    .command('cancel')
    .argument('<id>', 'report id')
    .description('stop a SCHEDULED, SENDING or PAUSED report for good (a send under way stops before its next page)')
    .action(async (id: string) => {
      exitCode = await (await import('./report-remote.ts')).controlReport('cancel', id);
    });

  const subscribers = program.command('subscribers').description('manage the subscriber list');
  subscribers
    .command('unsubscribe')
    .argument('<email>', 'the address')
    .description('stop mailing a reader who asked by hand (like their unsubscribe link; the consent record is kept)')
    .action(async (email: string) => {
      exitCode = await (await import('./subscribers.ts')).unsubscribeSubscriber(email);
    });
  subscribers
    .command('count')
    .description('how many subscribers are in each status (no addresses printed)')
    .action(async () => {
      exitCode = await (await import('./subscribers-count.ts')).printSubscriberCounts();
    });
  subscribers
    .command('export')
    .option('--out <file>', 'write the CSV to a file instead of stdout')
    .option('--status <status>', 'only subscribers with this status (pending|confirmed|unsubscribed|bounced|complained)')
    .option('--bom', 'start with a UTF-8 byte order mark, for Excel')
    .description('print every subscriber as CSV, with status and consent evidence')
    .action(async (opts: { out?: string; status?: string; bom?: boolean }) => {
      exitCode = await (await import('./subscribers.ts')).exportSubscribers(opts);
    });
  subscribers
    .command('delete')
    .argument('<email>', 'the address to erase')
    .description('erase a subscriber\'s personal data, keeping a hashed tombstone so imports cannot bring it back')
    .action(async (email: string) => {
      exitCode = await (await import('./subscribers.ts')).deleteSubscriber(email);
    });

  subscribers
    .command('import')
    .argument('<file>', 'CSV (UTF-8) with a header: email, consentAt (required); locale, consentSource')
    .option('--source <text>', 'consent source for rows without a consentSource, e.g. "legacy form 2023"')
    .option('--policy-version <version>', 'consent policy version to record (default: CONSENT_POLICY_VERSION or 1)')
    .option('--dry-run', 'validate and look up, print what would happen, write nothing')
    .option('--report <file>', 'write each line\'s outcome as CSV (line, email, outcome)')
    .option('--lang <lang>', 'language of messages (ja|en)', 'ja')
    .description('import readers who opted in at another tool as confirmed subscribers; validates the whole file first (any problem: nothing is written) and never brings back an unsubscribed, bounced, complained or erased address')
    .action(async (file: string, opts: { source?: string; policyVersion?: string; dryRun?: boolean; report?: string; lang: string }) => {
      exitCode = await (await import('./subscribers-import.ts')).importSubscribersFile(file, { ...opts, lang: opts.lang === 'en' ? 'en' : 'ja' });
    });

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    console.error(`kawaraban: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  return exitCode;
}
