/** `kawaraban target` and `kawaraban doctor`: what the CLI talks to, and whether the deployment is healthy. */
import type { Command } from 'commander';
import type { CommandKit } from './kit.ts';

export function registerOpsCommands(program: Command, { t, run }: CommandKit): void {
  program
    .command('target')
    .option('--json', t.help.json)
    .description(t.help.target)
    .action((opts: { json?: boolean }) =>
      run(async () => (await import('../target-command.ts')).printTarget(opts)),
    );
  program
    .command('doctor')
    .option('--json', t.help.json)
    .description(t.help.doctor)
    .action((opts: { json?: boolean }) =>
      run(async () => (await import('../doctor-command.ts')).runDoctorCommand(opts)),
    );
}
