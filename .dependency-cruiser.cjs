/**
 * dependency-cruiser configuration of the workspace: run by `pnpm lint:deps`
 * (part of `pnpm lint`). It fails on
 *  - any import cycle between files, type-only imports included;
 *  - an import that breaks the package table of ARCHITECTURE.md (`ALLOWED` below);
 *  - an import of another package other than through its public entries
 *    (the `exports` of its package.json), and an import of an example;
 *  - the layer rules inside a package (`LAYERS` below).
 *
 * Workspace imports resolve through package.json `exports` to `dist/`, so
 * `pnpm build` comes first (as for the type-check).
 *
 * To add a package: one line in `ALLOWED` (its folder and what it may import).
 * To add a subpath entry: declare it in the package's `exports`; nothing here.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/**
 * The package table: for each workspace folder (or a folder or file inside
 * one, a "scope"), which of our packages its code may import, by public
 * entry (`@sipbreakout/<pkg>` or `@sipbreakout/<pkg>/<subpath>`).
 * A file belongs to the longest key that is a prefix of its path.
 * `PACKAGES` stands for every entry of every package under packages/;
 * `ANYTHING` lifts the table for that scope (the deep-import and cycle rules
 * still hold). A folder listed here that does not exist yet is ignored.
 * The files of a package outside its `src/` (test/, bench/, fuzz/) may
 * import what any scope of the package may, and `TEST_SUPPORT` as well.
 */
const PACKAGES = 'packages/*';
const ANYTHING = '*';
const ALLOWED = {
  'packages/sip-core': [],
  'packages/b2bua': ['@sipbreakout/sip-core', '@sipbreakout/sip-core/clock', '@sipbreakout/sip-core/error-kit'],
  'packages/media': ['@sipbreakout/sip-core', '@sipbreakout/sip-core/clock', '@sipbreakout/sip-core/error-kit'],
  'packages/routing': ['@sipbreakout/sip-core/error-kit'],
  'packages/registrar': ['@sipbreakout/routing', '@sipbreakout/sip-core/clock', '@sipbreakout/sip-core/error-kit'],
  // The SIP REGISTER registrar (entry `@sipbreakout/registrar/sip`): also the SIP stack.
  'packages/registrar/src/sip': [
    '@sipbreakout/routing',
    '@sipbreakout/sip-core',
    '@sipbreakout/sip-core/clock',
    '@sipbreakout/sip-core/error-kit',
  ],
  'packages/grpc-api': [
    '@sipbreakout/routing',
    '@sipbreakout/registrar',
    '@sipbreakout/sip-core/clock',
    '@sipbreakout/sip-core/error-kit',
  ],
  'packages/web-terminal': ['@sipbreakout/grpc-api', '@sipbreakout/routing', '@sipbreakout/sip-core/clock'],
  // Its tests serve the Web Terminal beside the breakout API, whose server needs a registration store.
  'packages/web-terminal/test/support/terminal-server.ts': [
    '@sipbreakout/grpc-api',
    '@sipbreakout/registrar',
    '@sipbreakout/sip-core/clock',
  ],
  // The development PKI issues with sip-core's certificate authority (`/pki`).
  'packages/service-kit': [
    '@sipbreakout/sip-core',
    '@sipbreakout/sip-core/clock',
    '@sipbreakout/sip-core/error-kit',
    '@sipbreakout/sip-core/pki',
  ],
  'tools/test-peers': [PACKAGES],
  'examples/*': [PACKAGES],
  benches: [ANYTHING],
};

/** What test code of a package may import besides the package table. */
const TEST_SUPPORT = ['@sipbreakout/test-peers', '@sipbreakout/sip-core/testing'];

/** Layers inside a package: files under `from` never import files under `to`. */
const LAYERS = [
  {
    from: 'packages/sip-core/src/transport',
    to: 'packages/sip-core/src/transaction',
    why: 'the transport layer (RFC 3261 §18) is below the transaction layer (§17): what transactions need from it is declared in transport/',
  },
];

// ---------------------------------------------------------------------------
// Everything below is derived from ALLOWED, LAYERS and the package.json files.

const ROOT = __dirname;
const WORKSPACE_GLOBS = ['packages/*', 'examples/*', 'tools/*', 'benches'];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exact = (file) => `^${escape(file)}$`;
/** Rule names must be unique: the reporter takes a rule's comment by its name. */
const slug = (...parts) =>
  parts
    .map((part) => part.replace(/^@sipbreakout\//, ''))
    .join('-')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/-$/, '');
const under = (dir) => `^${escape(dir)}(/|$)`;

function expand(glob) {
  if (!glob.endsWith('/*')) return fs.existsSync(path.join(ROOT, glob, 'package.json')) ? [glob] : [];
  const parent = glob.slice(0, -2);
  if (!fs.existsSync(path.join(ROOT, parent))) return [];
  return fs
    .readdirSync(path.join(ROOT, parent), { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(ROOT, parent, d.name, 'package.json')))
    .map((d) => `${parent}/${d.name}`)
    .sort();
}

/** Every workspace package: its folder, name, and the files its entries resolve to. */
const WORKSPACE = WORKSPACE_GLOBS.flatMap(expand).map((dir) => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8'));
  const entries = new Map();
  const exportsField = manifest.exports ?? (manifest.main ? { '.': manifest.main } : {});
  for (const [key, target] of Object.entries(exportsField)) {
    const specifier = key === '.' ? manifest.name : `${manifest.name}/${key.replace(/^\.\//, '')}`;
    const targets = typeof target === 'string' ? [target] : Object.values(target).filter((t) => typeof t === 'string');
    entries.set(
      specifier,
      targets.map((t) => path.posix.join(dir, t)),
    );
  }
  return { dir, name: manifest.name, entries };
});

const ENTRIES = new Map(WORKSPACE.flatMap((p) => [...p.entries]));
const PACKAGE_ENTRIES = WORKSPACE.filter((p) => p.dir.startsWith('packages/')).flatMap((p) => [...p.entries.keys()]);
const packageOf = (file) => WORKSPACE.find((p) => file === p.dir || file.startsWith(`${p.dir}/`));

/** The entry files that the specifiers allow, and the specifiers that do not exist (yet). */
function entryFiles(specifiers) {
  const list = specifiers.flatMap((s) => (s === PACKAGES ? PACKAGE_ENTRIES : [s]));
  return list.flatMap((s) => ENTRIES.get(s) ?? []);
}

/** The scopes of ALLOWED, expanded to existing folders and files, longest first. */
const SCOPES = Object.entries(ALLOWED)
  .flatMap(([key, allowed]) =>
    (key.endsWith('/*') ? expand(key) : [key])
      .filter((scope) => fs.existsSync(path.join(ROOT, scope)))
      .map((scope) => ({ scope, allowed })),
  )
  .sort((a, b) => b.scope.length - a.scope.length);

const WORKSPACE_PATH = `^(${WORKSPACE.map((p) => escape(p.dir)).join('|')})(/|$)`;

function tableRules() {
  const rules = [];
  for (const pkg of WORKSPACE) {
    const scopes = SCOPES.filter((s) => s.scope === pkg.dir || s.scope.startsWith(`${pkg.dir}/`));
    const own = scopes.find((s) => s.scope === pkg.dir);
    if (own === undefined) {
      rules.push({
        name: slug('package-table', pkg.dir),
        severity: 'error',
        comment: `${pkg.dir} has no line in the package table (ALLOWED in .dependency-cruiser.cjs): add one`,
        from: { path: under(pkg.dir) },
        to: { path: WORKSPACE_PATH, pathNot: under(pkg.dir) },
      });
      continue;
    }
    const inner = scopes.filter((s) => s !== own);
    const describe = (allowed) =>
      allowed.length === 0
        ? 'no package of ours'
        : allowed.map((a) => (a === PACKAGES ? 'any package (packages/*)' : a)).join(', ');
    // Code: each scope of src/ and the package's other files that are not tests.
    for (const { scope, allowed } of [...inner, own]) {
      if (allowed.includes(ANYTHING)) continue;
      const isFolder = fs.statSync(path.join(ROOT, scope)).isDirectory();
      const nested = inner
        .filter((s) => s.scope !== scope && s.scope.startsWith(`${scope}/`))
        .map((s) => under(s.scope));
      const notCode = scope === pkg.dir ? [`^${escape(pkg.dir)}/(test|bench|fuzz)/`] : [];
      rules.push({
        name: slug('package-table', scope),
        severity: 'error',
        comment: `${scope} may import only ${describe(allowed)} (ARCHITECTURE.md, package table)`,
        from: { path: isFolder ? under(scope) : exact(scope), pathNot: [...nested, ...notCode] },
        to: { path: WORKSPACE_PATH, pathNot: [under(pkg.dir), ...entryFiles(allowed).map(exact)] },
      });
    }
    // Tests, benchmarks, fuzzers: what any scope of the package may, and the test support.
    // Every scope the table declares for the package, present or not yet.
    const declared = Object.entries(ALLOWED).filter(
      ([key]) =>
        key === pkg.dir || key.startsWith(`${pkg.dir}/`) || (key.endsWith('/*') && expand(key).includes(pkg.dir)),
    );
    const union = [...new Set([...declared.flatMap(([, allowed]) => allowed), ...TEST_SUPPORT])];
    if (!union.includes(ANYTHING)) {
      rules.push({
        name: slug('package-table', pkg.dir, 'tests'),
        severity: 'error',
        comment: `tests of ${pkg.dir} may import only ${describe(union)} (ARCHITECTURE.md, package table)`,
        from: { path: `^${escape(pkg.dir)}/(test|bench|fuzz)/` },
        to: { path: WORKSPACE_PATH, pathNot: [under(pkg.dir), ...entryFiles(union).map(exact)] },
      });
    }
  }
  return rules;
}

/**
 * A public entry may reach (through any chain of its own files) only the
 * entries its scope allows: the main entry of the registrar must not load
 * the SIP stack through a file of its SIP entry.
 */
function entryReachRules() {
  const rules = [];
  for (const pkg of WORKSPACE) {
    for (const [specifier, targets] of pkg.entries) {
      // dist/x/index.js (or .d.ts) is built from src/x/index.ts.
      const sources = [
        ...new Set(
          targets
            .map((t) => t.replace(`${pkg.dir}/dist/`, `${pkg.dir}/src/`).replace(/\.d\.ts$|\.js$/, '.ts'))
            .filter((t) => t.endsWith('.ts') && fs.existsSync(path.join(ROOT, t))),
        ),
      ];
      for (const source of sources) {
        const scope = SCOPES.find((s) => source === s.scope || source.startsWith(`${s.scope}/`));
        if (scope === undefined || scope.allowed.includes(ANYTHING)) continue;
        rules.push({
          name: slug('entry-reach', specifier),
          severity: 'error',
          comment: `${specifier} (${source}) may load only ${scope.allowed.join(', ') || 'no package of ours'}: one of its files reaches another package`,
          from: { path: exact(source) },
          to: {
            reachable: true,
            path: WORKSPACE_PATH,
            pathNot: [under(pkg.dir), ...entryFiles(scope.allowed).map(exact)],
          },
        });
      }
    }
  }
  return rules;
}

function deepImportRules() {
  const rules = [];
  for (const pkg of WORKSPACE) {
    const entries = [...pkg.entries.values()].flat();
    rules.push({
      name: slug('no-deep-import', pkg.dir),
      severity: 'error',
      comment: `import ${pkg.name} through its public entries (${[...pkg.entries.keys()].join(', ') || 'none'}), never a file of ${pkg.dir}`,
      from: { pathNot: under(pkg.dir) },
      to: { path: under(pkg.dir), pathNot: entries.map(exact) },
    });
    rules.push({
      name: slug('no-relative-import', pkg.dir),
      severity: 'error',
      comment: `import ${pkg.name} by its name, not by a relative path into ${pkg.dir}`,
      from: { pathNot: under(pkg.dir) },
      to: { path: under(pkg.dir), dependencyTypes: ['local'] },
    });
    rules.push({
      name: slug('no-self-import', pkg.dir),
      severity: 'error',
      comment: `src/ of ${pkg.name} imports its own files by relative path, not through its built entries`,
      from: { path: `^${escape(pkg.dir)}/src/` },
      to: { path: `^${escape(pkg.dir)}/dist/` },
    });
  }
  return rules;
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'import cycle (type-only imports count): move what the files share to the file that should own it',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-example-import',
      severity: 'error',
      comment: 'only an example imports its own files: no package, tool or other example imports an example',
      from: { path: '^((?:examples|packages|tools)/[^/]+|benches)/' },
      to: { path: '^examples/', pathNot: '^$1/' },
    },
    {
      name: 'workspace-unresolvable',
      severity: 'error',
      comment:
        'a workspace import that does not resolve: the importing package.json does not declare the package, the entry is not in its `exports`, or `pnpm build` has not run',
      from: {},
      to: { couldNotResolve: true, path: '^@sipbreakout/' },
    },
    ...LAYERS.map((layer) => ({
      name: slug('layer', layer.from),
      severity: 'error',
      comment: `${layer.from} must not import ${layer.to}: ${layer.why}`,
      from: { path: under(layer.from) },
      to: { path: under(layer.to) },
    })),
    ...tableRules(),
    ...entryReachRules(),
    ...deepImportRules(),
  ],
  options: {
    // Workspace imports resolve to dist/: kept as dependencies, never cruised.
    doNotFollow: { path: ['(^|/)node_modules/', '(^|/)dist/'] },
    exclude: { path: ['(^|/)node_modules/', '(^|/)dist-[^/]+/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.d.ts', '.js', '.mjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
