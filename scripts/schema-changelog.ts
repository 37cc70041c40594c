// `npm run schema:changelog`: regenerate schema/{consumer}/CHANGELOG.md for every consumer.
import { loadManifest } from '../src/contracts/manifest';
import { writeChangelog } from '../src/contracts/release';
import { projectPath } from '../src/project-paths';

const schemaDir = projectPath('schema');
for (const consumer of Object.keys(loadManifest(schemaDir))) {
  await writeChangelog(schemaDir, consumer);
  process.stdout.write(`wrote schema/${consumer}/CHANGELOG.md\n`);
}
