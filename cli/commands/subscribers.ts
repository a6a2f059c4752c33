/** `kawaraban subscribers …`: the list (count, export, import, show) and one reader (unsubscribe, delete). */
import type { Command } from 'commander';
import { type CommandKit, lower } from './kit.ts';

export function registerSubscriberCommands(program: Command, { t, lang, run }: CommandKit): void {
  const h = t.help.subscribers;
  const subscribers = program.command('subscribers').description(h.group);
  subscribers
    .command('unsubscribe')
    .argument('<email>', h.email)
    .option('--all-spellings', h.allSpellings)
    .description(h.unsubscribe)
    .action((email: string, opts: { allSpellings?: boolean }) =>
      run(async () => (await import('../subscribers.ts')).unsubscribeSubscriber(email, opts)),
    );
  subscribers
    .command('count')
    .option('--json', t.help.json)
    .description(h.count)
    .action((opts: { json?: boolean }) =>
      run(async () => (await import('../subscribers-count.ts')).printSubscriberCounts(opts)),
    );
  subscribers
    .command('show')
    .argument('<email>', h.email)
    .option('--json', t.help.json)
    .option('--reports <n>', h.reports)
    .option('--report <id>', h.reportId, (v: string, acc: string[]) => [...acc, v], [] as string[])
    .description(h.show)
    .action((email: string, opts: { json?: boolean; reports?: string; report: string[] }) =>
      run(async () => (await import('../subscribers-show.ts')).showSubscriber(email, opts)),
    );
  subscribers
    .command('export')
    .option('--out <file>', h.exportOut)
    .option('--status <status>', h.exportStatus)
    .option('--bom', h.bom)
    .description(h.export)
    .action((opts: { out?: string; status?: string; bom?: boolean }) =>
      run(async () =>
        (await import('../subscribers.ts')).exportSubscribers({ ...opts, status: lower(opts.status) }),
      ),
    );
  subscribers
    .command('delete')
    .argument('<email>', h.email)
    .option('--all-spellings', h.allSpellings)
    .description(h.delete)
    .action((email: string, opts: { allSpellings?: boolean }) =>
      run(async () => (await import('../subscribers.ts')).deleteSubscriber(email, opts)),
    );
  subscribers
    .command('import')
    .argument('<file>', h.importFile)
    .option('--source <text>', h.source)
    .option('--policy-version <version>', h.policyVersion)
    .option('--dry-run', h.dryRun)
    .option('--report <file>', h.importReport)
    .description(h.import)
    .action(
      (file: string, opts: { source?: string; policyVersion?: string; dryRun?: boolean; report?: string }) =>
        run(async () =>
          (await import('../subscribers-import.ts')).importSubscribersFile(file, { ...opts, lang }),
        ),
    );
}
