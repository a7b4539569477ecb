import { readdirSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources, so no build is needed to test.
const root = import.meta.dirname;
const alias = ['packages', 'services'].flatMap((group) =>
  readdirSync(path.join(root, group)).map((name) => ({
    find: new RegExp(`^@telerad/${name}$`),
    replacement: path.join(root, group, name, 'src/index.ts'),
  })),
);

export default defineConfig({
  resolve: { alias },
  test: {
    globalSetup: ['./scripts/test/globalSetup.ts'],
    include: [
      'packages/*/src/**/*.test.ts',
      'services/*/src/**/*.test.ts',
      'services/*/ui/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
