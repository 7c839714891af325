import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The version of an installed peer package, read from its package.json. */
export function installedVersion(packageName: string): string {
  const manifest: unknown = require(`${packageName}/package.json`);
  if (
    typeof manifest === 'object' &&
    manifest !== null &&
    'version' in manifest &&
    typeof manifest.version === 'string'
  ) {
    return manifest.version;
  }
  return 'unknown';
}
