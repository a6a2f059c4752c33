/** What the build injects into each bundle beyond NODE_ENV: the api function's confirmation email. */
import { renderConfirmationTemplates } from '../emails/render.ts';
import { loadConfig } from '../functions/core/config.ts';
import type { FunctionName } from '../infra/bundling.ts';

export async function bundleDefines(
  env: Record<string, string>,
): Promise<Partial<Record<FunctionName, Record<string, string>>>> {
  const templates = await renderConfirmationTemplates(loadConfig(env));
  return {
    api: { 'process.env.KAWARABAN_CONFIRMATION_TEMPLATES': JSON.stringify(JSON.stringify(templates)) },
  };
}
