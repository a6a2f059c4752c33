/** `kawaraban report …`: report files (schema, new, convert, validate, preview) and sent reports (upload, status, list, pause, resume, cancel). */
import type { Command } from 'commander';
import { type CommandKit, upper } from './kit.ts';

export function registerReportCommands(program: Command, { t, lang, run }: CommandKit): void {
  const h = t.help.report;
  const report = program.command('report').description(h.group);
  report
    .command('schema')
    .description(h.schema)
    .action(() => run(async () => (await import('../report-files.ts')).printSchema()));
  report
    .command('new')
    .argument('<id>', h.newId)
    .option('--out <file>', h.newOut)
    .description(h.new)
    .action((id: string, opts: { out?: string }) =>
      run(async () => (await import('../report-markdown.ts')).newReport(id, { out: opts.out, lang })),
    );
  report
    .command('convert')
    .argument('<file>', h.mdFile)
    .option('--out <file>', h.convertOut)
    .description(h.convert)
    .action((file: string, opts: { out?: string }) =>
      run(async () => (await import('../report-markdown.ts')).convertFile(file, { out: opts.out, lang })),
    );
  report
    .command('validate')
    .argument('<file>', h.file)
    .description(h.validate)
    .action((file: string) => run(async () => (await import('../report-files.ts')).validateFile(file, lang)));
  report
    .command('preview')
    .argument('<file>', h.file)
    .option('--out <dir>', h.out)
    .option('--serve', h.serve)
    .option('--port <port>', h.port, '3001')
    .description(h.preview)
    .action((file: string, opts: { out?: string; serve?: boolean; port: string }) =>
      run(async () => {
        if (opts.serve) return (await import('../preview/command.ts')).serveFile(file, opts.port, lang);
        if (!opts.out) {
          console.error(`kawaraban: ${h.outOrServe}`);
          return 2;
        }
        return (await import('../report-files.ts')).previewFile(file, opts.out, lang);
      }),
    );
  report
    .command('send-test')
    .argument('<file|id>', h.sendTestTarget)
    .requiredOption('--to <addresses>', h.to)
    .option('--locale <locale>', h.locale)
    .description(h.sendTest)
    .action((target: string, opts: { to: string; locale?: string }) =>
      run(async () => (await import('../report-send-test.ts')).sendTestCommand(target, opts)),
    );
  report
    .command('upload')
    .argument('<file>', h.file)
    .option('--draft', h.draft)
    .description(h.upload)
    .action((file: string, opts: { draft?: boolean }) =>
      run(async () => (await import('../report-remote.ts')).uploadFile(file, { draft: !!opts.draft })),
    );
  report
    .command('status')
    .argument('<id>', h.id)
    .option('--json', t.help.json)
    .option('--watch', h.watch)
    .option('--interval <seconds>', h.interval)
    .description(h.status)
    .action((id: string, opts: { json?: boolean; watch?: boolean; interval?: string }) =>
      run(async () => (await import('../report-remote.ts')).printStatus(id, opts)),
    );
  report
    .command('list')
    .option('--status <status>', h.listStatus)
    .option('--json', t.help.json)
    .description(h.list)
    .action((opts: { status?: string; json?: boolean }) =>
      run(async () => (await import('../report-remote.ts')).printReportList(upper(opts.status), opts)),
    );
  // Two-person approval (deployed with -c approval=true).
  report
    .command('approve')
    .argument('<id>', h.id)
    .option('--wait <seconds>', h.approveWait, '60')
    .description(h.approve)
    .action((id: string, opts: { wait: string }) =>
      run(async () => (await import('../report-approval.ts')).approveReportCli(id, opts)),
    );
  for (const action of ['pause', 'resume', 'cancel'] as const) {
    report
      .command(action)
      .argument('<id>', h.id)
      .description(h[action])
      .action((id: string) =>
        run(async () => (await import('../report-remote.ts')).controlReport(action, id)),
      );
  }
}
