import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../../codegen';

describe('generated resolver types', () => {
  it('match the SDL: run `npm run codegen` after changing a schema', async () => {
    const outputs = await generate({ ...config, cwd: process.cwd() }, false);
    expect(outputs.map((output: { filename: string }) => output.filename).sort()).toEqual(Object.keys(config.generates).sort());
    for (const output of outputs) {
      const committed = readFileSync(output.filename, 'utf8');
      expect(committed, `${output.filename} is stale: run npm run codegen`).toBe(output.content);
    }
  }, 60_000);
});
