/** Runs in every test worker before the test file loads: point the SDK at the emulators. */
import { inject } from 'vitest';
import { emulatorEnv } from '../local/emulators.ts';

Object.assign(
  process.env,
  emulatorEnv({ dynamo: inject('dynamoUrl'), ses: inject('sesUrl'), s3: inject('s3Url') }),
);
// Keep test output readable: Powertools logs only warnings and errors here.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
// No EMF lines in test output; the metrics tests switch them on before loading the handlers.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.NODE_ENV = 'production';
