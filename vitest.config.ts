import { defineConfig } from 'vitest/config';

// The global setup runs in this process: keep the SDK's Node 20 reminder out of its output too.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export default defineConfig({
  // Tests run with NODE_ENV=production (like the functions), where React has no jsxDEV:
  // compile JSX for the production runtime.
  oxc: { jsx: { runtime: 'automatic', development: false } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        // CDK assertions need no emulator, so they don't wait for the global setup.
        test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'app',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: ['test/infra/**'],
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/setup-env.ts'],
        },
      },
    ],
  },
});
