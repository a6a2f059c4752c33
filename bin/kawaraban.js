#!/usr/bin/env node
// Runs the TypeScript CLI directly (no build step): tsx registers the loader for this process.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `kawaraban … | head`: the reader has all it wanted; stop quietly instead of an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });
}
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
