/**
 * The api function's confirmation email, rendered at synth for the deployed settings and put into
 * its bundle as a build-time constant (esbuild `define`), so the function itself carries no React.
 *
 * Rendering is asynchronous and CDK constructs are not, so a child process renders (this file run
 * as a script: settings on stdin, templates on stdout). It runs only when the stack is bundled.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ConfirmationSettings } from '../emails/confirmation-template.ts';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const thisFile = fileURLToPath(import.meta.url);

/** The bundle constant the api function reads (functions/http/confirmation-mail.ts). */
export function confirmationTemplatesDefine(settings: ConfirmationSettings): Record<string, string> {
  const json = execFileSync(process.execPath, ['--import', 'tsx', thisFile], {
    cwd: repoRoot,
    input: JSON.stringify(settings),
    env: { ...process.env, NODE_ENV: 'production' },
    maxBuffer: 16 * 1024 * 1024,
  }).toString('utf8');
  return { 'process.env.KAWARABAN_CONFIRMATION_TEMPLATES': JSON.stringify(json.trim()) };
}

async function main(): Promise<void> {
  const { renderConfirmationTemplates } = await import('../emails/render.ts');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const settings = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ConfirmationSettings;
  process.stdout.write(JSON.stringify(await renderConfirmationTemplates(settings)));
}

if (process.argv[1] === thisFile) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
