// `npm run schema:check` (part of `npm test`): released schema versions only change additively,
// every registered consumer operation still validates, and the changelogs are current.
import { join } from 'node:path';
import { checkContracts } from '../src/contracts/check';
import { projectPath } from '../src/project-paths';

// `--root DIR` checks another checkout's schema/ and operations/ (the tests use a scratch copy).
const rootAt = process.argv.indexOf('--root');
const root = rootAt >= 0 ? process.argv[rootAt + 1] : undefined;
const findings = await checkContracts({
  schemaDir: root ? join(root, 'schema') : projectPath('schema'),
  operationsDir: root ? join(root, 'operations') : projectPath('operations'),
});
const label = { error: 'ERROR', warning: 'WARNING', note: 'ok' } as const;
for (const finding of findings) process.stdout.write(`${label[finding.level]}: ${finding.message}\n`);
const errors = findings.filter((finding) => finding.level === 'error').length;
process.stdout.write(errors === 0 ? 'schema:check passed\n' : `schema:check failed: ${errors} problem(s)\n`);
process.exitCode = errors === 0 ? 0 : 1;
