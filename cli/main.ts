/**
 * The `kawaraban` command.
 *
 * 1. Read `--lang` first (before commander), so help and every message come in one language;
 *    an unknown value is an error in both.
 * 2. Build the program with that language's texts: global options (`--lang`, `--stack`,
 *    `--version`), then each command group from cli/commands/ (one module per group).
 * 3. Run the command; its body sets the exit code (0 done, 1 refused or failed, 2 usage).
 *
 * Adding a command: write its help in cli/i18n/ja.ts and en.ts (same key), register it in the
 * group's cli/commands/<group>.ts with `.action((…) => run(async () => (await import('../x.ts')).f(…)))`.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Help, Option } from 'commander';
import { registerOpsCommands } from './commands/ops.ts';
import { registerReportCommands } from './commands/report.ts';
import { registerSecretsCommands } from './commands/secrets.ts';
import { registerSubscriberCommands } from './commands/subscribers.ts';
import { setCliContext } from './context.ts';
import { cliTexts, isCliLang, type CliLang } from './i18n/index.ts';
import { describeFailure } from './failure.ts';
import { resetTarget } from './target.ts';

const version = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** `--lang X` or `--lang=X` anywhere, else KAWARABAN_LANG, else ja; the raw value when it is not a language. */
export function langFromArgs(args: string[], env = process.env): CliLang | { unknown: string } {
  let value = env.KAWARABAN_LANG || 'ja';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (a === '--lang') value = args[i + 1] ?? '';
    else if (a.startsWith('--lang=')) value = a.slice('--lang='.length);
  }
  return isCliLang(value) ? value : { unknown: value };
}

export async function main(argv: string[]): Promise<number> {
  const args = argv.slice(2);
  const lang = langFromArgs(args);
  if (typeof lang !== 'string') {
    console.error(
      `kawaraban: ${cliTexts.ja.common.badLang(lang.unknown)} / ${cliTexts.en.common.badLang(lang.unknown)}`,
    );
    return 2;
  }
  const t = cliTexts[lang];
  const titles: Record<string, string> = {
    'Usage:': t.help.usage,
    'Arguments:': t.help.arguments,
    'Options:': t.help.options,
    'Commands:': t.help.commands,
    'Global Options:': t.help.globalOptions,
  };

  let exitCode = 0;
  const run = async (body: () => Promise<number>) => {
    exitCode = await body();
  };
  const program = new Command()
    .name('kawaraban')
    .description(t.help.program)
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({
      outputError: (text, write) =>
        write(t.usage.reduce((out, [pattern, to]) => out.replace(pattern, to), text)),
    })
    .configureHelp({ showGlobalOptions: true, styleTitle: (s) => titles[s] ?? Help.prototype.styleTitle(s) })
    .helpOption('-h, --help', t.help.helpOption)
    .helpCommand('help [command]', t.help.helpCommand)
    .version(version, '-V, --version', t.help.version)
    // Checked before commander runs (above); declared here for the help and so it parses anywhere.
    .addOption(new Option('--lang <lang>', t.help.lang))
    .addOption(new Option('--stack <prefix>', t.help.stack));
  program.hook('preAction', () => {
    const stack = (program.opts().stack as string | undefined) ?? process.env.KAWARABAN_STACK;
    setCliContext({ lang, stack: stack || undefined });
  });

  const kit = { lang, t, run };
  registerReportCommands(program, kit);
  registerSubscriberCommands(program, kit);
  registerSecretsCommands(program, kit);
  registerOpsCommands(program, kit);

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    console.error(`kawaraban: ${describeFailure(err, lang)}`);
    return 1;
  } finally {
    // One run, one target: what it put into process.env goes (tests run many commands in one process).
    resetTarget();
  }
  return exitCode;
}
