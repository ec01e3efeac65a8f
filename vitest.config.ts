import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build.ts', 'test/support/servers.ts', 'test/support/chromium-notice.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each file gets its own database (a fresh PGlite, or a fresh schema on a server); files run in
    // parallel on the two cores, tests within a file in order.
    pool: 'forks',
    fileParallelism: true,
    env: { TZ: 'Pacific/Auckland' },
  },
});
