import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function findPackageVersion(): string {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(candidate) as { name?: string; version?: string };
      if (pkg.name === 'payharness' && pkg.version) return pkg.version;
    } catch {
      // try the next layout (source vs dist)
    }
  }
  return '0.0.0';
}

export const VERSION = findPackageVersion();
