// `npm run schema:check` (part of `npm test`): released schema versions only change additively,
// every registered consumer operation still validates, and the changelogs are current.
import { checkContracts } from '../src/contracts/check';
import { projectPath } from '../src/project-paths';

const findings = await checkContracts({ schemaDir: projectPath('schema'), operationsDir: projectPath('operations') });
const label = { error: 'ERROR', warning: 'WARNING', note: 'ok' } as const;
for (const finding of findings) process.stdout.write(`${label[finding.level]}: ${finding.message}\n`);
const errors = findings.filter((finding) => finding.level === 'error').length;
process.stdout.write(errors === 0 ? 'schema:check passed\n' : `schema:check failed: ${errors} problem(s)\n`);
process.exitCode = errors === 0 ? 0 : 1;
