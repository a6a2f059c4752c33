/** `kawaraban secrets …`: the keys that sign unsubscribe links (cli/secrets.ts). */
import type { Command } from 'commander';
import type { CommandKit } from './kit.ts';

export function registerSecretsCommands(program: Command, { t, lang, run }: CommandKit): void {
  const h = t.help.secrets;
  const secrets = program.command('secrets').description(h.group);
  secrets
    .command('rotate')
    .option('--keep-old-days <days>', h.keepOldDays)
    .option('--retire-old-now', h.retireOldNow)
    .description(h.rotate)
    .action((opts: { keepOldDays?: string; retireOldNow?: boolean }) =>
      run(async () => (await import('../secrets.ts')).rotateSecret({ ...opts, lang })),
    );
  secrets
    .command('keys')
    .description(h.keys)
    .action(() => run(async () => (await import('../secrets.ts')).printKeys(lang)));
}
