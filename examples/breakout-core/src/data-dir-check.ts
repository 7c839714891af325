/**
 * The data folder (`dataDir`), checked without creating it: it must be a
 * folder the core can write in, or a path the core can create (its nearest
 * existing parent a folder it can write in).
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { KeyProblem } from './key-problem.js';

async function statOrUndefined(path: string): Promise<Awaited<ReturnType<typeof stat>> | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function writable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Throws the `ConfigError` of `dataDir` when the absolute `path` cannot be (or become) the data folder. */
export async function checkDataDir(path: string, problem: KeyProblem): Promise<void> {
  const shown = JSON.stringify(path);
  let existing = path;
  let found = await statOrUndefined(existing);
  while (found === undefined && dirname(existing) !== existing) {
    existing = dirname(existing);
    found = await statOrUndefined(existing);
  }
  if (found === undefined) throw problem('CONFIG_ERR_BAD_VALUE', 'dataDir', shown, 'cannot be created');
  if (existing === path) {
    if (!found.isDirectory()) throw problem('CONFIG_ERR_BAD_VALUE', 'dataDir', shown, 'is not a folder');
    if (!(await writable(path)))
      throw problem('CONFIG_ERR_BAD_VALUE', 'dataDir', shown, 'is a folder this process cannot write in');
    return;
  }
  if (!found.isDirectory())
    throw problem('CONFIG_ERR_BAD_VALUE', 'dataDir', shown, `cannot be created: ${existing} is not a folder`);
  if (!(await writable(existing)))
    throw problem(
      'CONFIG_ERR_BAD_VALUE',
      'dataDir',
      shown,
      `cannot be created: this process cannot write in ${existing}`,
    );
}
