import { execFileSync } from 'node:child_process';

// `npm run build` once, before any test file runs: the infra tests synthesise the stack from
// dist/lambda/ and the Lambda entry test runs dist/lambda.js. Built here, fresh, rather than by
// each file that needs it: scripts/build.mjs empties dist/ first, so files building it while
// others read it would race, and a dist/ left from an older checkout would be tested instead.
export default function buildOnce(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'pipe' });
}
