// `npm run schema:release -- <consumer> <version> [--date YYYY-MM-DD]`: freeze the version's SDL
// as its next release snapshot and regenerate its changelog. Refuses breaking changes.
import { relative } from 'node:path';
import { releaseVersion, ReleaseRefused } from '../src/contracts/release';
import { projectPath } from '../src/project-paths';

const args = process.argv.slice(2);
const dateAt = args.indexOf('--date');
const date = dateAt >= 0 ? args.splice(dateAt, 2)[1] : new Date().toISOString().slice(0, 10);
const [consumer, version] = args;
if (!consumer || !version || !date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
  process.stderr.write('usage: npm run schema:release -- <consumer> <version> [--date YYYY-MM-DD]\n');
  process.exit(2);
}
try {
  const release = await releaseVersion(projectPath('schema'), consumer, version, date);
  process.stdout.write(`released ${consumer} ${version} as ${relative(process.cwd(), release.file)}\n`);
} catch (error) {
  if (!(error instanceof ReleaseRefused)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
