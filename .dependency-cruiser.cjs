// The layers of ../shared/DESIGN.md, enforced: `npm test` runs `depcruise` with this file and
// fails on any violation (scripts/test.mjs, step "Layers").
//
//   core/      pure domain code: imports no other folder of ours and no Node built-in
//   db/        the service: never imports cli/, electron/ or renderer/
//   renderer/  the React app: imports core/ and its own files only, and no Node built-in
//   electron/  the desktop shell: never imports cli/ or renderer/
//   cli/       the command line and browser mode: never imports electron/ or renderer/
//
// SQL outside db/ is checked by test/layers.test.ts (a dependency graph cannot see it).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'core/ is pure TypeScript: it imports nothing of ours outside core/.',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^(db|cli|electron|renderer|scripts|test|e2e)/' },
    },
    {
      name: 'core-no-node',
      comment: 'core/ uses no Node API (no I/O); it runs the same in the renderer.',
      severity: 'error',
      from: { path: '^core/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'renderer-only-core',
      comment: 'The renderer calls the API; it never reaches into db/, cli/ or electron/.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: '^(db|cli|electron|scripts|test|e2e)/' },
    },
    {
      name: 'renderer-no-node',
      comment: 'The renderer runs in a sandboxed page: no Node built-ins.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'db-below-transports',
      comment: 'db/ is the service: the transports (cli/, electron/) and the renderer sit above it.',
      severity: 'error',
      from: { path: '^db/' },
      to: { path: '^(cli|electron|renderer|scripts|e2e|test)/' },
    },
    {
      name: 'electron-not-cli',
      comment: 'The desktop shell and the command line are siblings: neither imports the other.',
      severity: 'error',
      from: { path: '^electron/' },
      to: { path: '^(cli|renderer|scripts)/' },
    },
    {
      name: 'cli-not-electron',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: '^(electron|renderer|scripts)/' },
    },
    {
      name: 'no-circular',
      comment: 'Modules of ours import each other in one direction only.',
      severity: 'error',
      from: { path: '^(core|db|cli|electron|renderer)/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: { path: '^(core|db|cli|electron|renderer)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
  },
};
