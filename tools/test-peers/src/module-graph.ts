/**
 * The static import graph of a built entry point, for tests that check what
 * an entry point loads (a lean entry must not pull in the SIP stack, `ws` or
 * `@peculiar/x509`) without loading it.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

/** What {@link staticImportGraph} found. */
export interface ModuleGraph {
  /** Every module file reached, the entry first, as real paths. */
  readonly files: readonly string[];
  /** Every bare specifier met (packages, their subpaths and `node:` builtins), as written, sorted. */
  readonly specifiers: readonly string[];
  /** The package names among {@link ModuleGraph.specifiers} (`@scope/name` or `name`, builtins left out), sorted. */
  readonly packages: readonly string[];
}

/** Options of {@link staticImportGraph}. */
export interface ModuleGraphOptions {
  /** Bare specifiers to follow into their package (by its `exports`); default: those of `@sipbreakout/` packages. */
  readonly follow?: (specifier: string) => boolean;
}

/**
 * Reads the ES module at `entry` and every module it imports statically
 * (`import`, `export … from`, and `import()` of a string literal), following
 * relative specifiers and the bare ones `follow` accepts; a package is
 * resolved from the `node_modules` folders above the importing file, through
 * the `import` (or `default`) condition of its `exports`.
 */
export function staticImportGraph(entry: string, options: ModuleGraphOptions = {}): ModuleGraph {
  const follow = options.follow ?? ((specifier: string) => specifier.startsWith('@sipbreakout/'));
  const files: string[] = [];
  const seen = new Set<string>();
  const specifiers = new Set<string>();
  const pending = [realpathSync(entry)];
  for (let file = pending.shift(); file !== undefined; file = pending.shift()) {
    if (seen.has(file)) continue;
    seen.add(file);
    files.push(file);
    const source = readFileSync(file, 'utf8');
    for (const { fileName: specifier } of ts.preProcessFile(source, true, true).importedFiles) {
      if (specifier.startsWith('.') || specifier.startsWith('/')) {
        pending.push(realpathSync(resolve(dirname(file), specifier)));
        continue;
      }
      specifiers.add(specifier);
      if (follow(specifier)) pending.push(resolvePackageEntry(specifier, dirname(file)));
    }
  }
  const sorted = [...specifiers].sort();
  const packages = [...new Set(sorted.filter((s) => !s.startsWith('node:')).map(packageName))].sort();
  return { files, specifiers: sorted, packages };
}

/** `@scope/name` or `name` of a bare specifier. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function resolvePackageEntry(specifier: string, from: string): string {
  const name = packageName(specifier);
  const subpath = `.${specifier.slice(name.length)}`;
  for (let directory = from; ; directory = dirname(directory)) {
    const root = join(directory, 'node_modules', name);
    if (existsSync(join(root, 'package.json'))) {
      const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        exports?: Record<string, unknown>;
      };
      const target = exportTarget(manifest.exports?.[subpath]);
      if (target === undefined) throw new Error(`${name} exports no ${subpath}`);
      return realpathSync(join(root, target));
    }
    if (dirname(directory) === directory) throw new Error(`${name} is not installed above ${from}`);
  }
}

function exportTarget(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (typeof entry !== 'object' || entry === null) return undefined;
  const conditions = entry as Record<string, unknown>;
  return exportTarget(conditions['import'] ?? conditions['default']);
}
