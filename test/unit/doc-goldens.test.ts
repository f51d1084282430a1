import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {DOC_FILES, docBlocks, goldenExcerpt} from '../../scripts/doc-goldens.mjs';
import {goldenDir} from '../support/golden.js';

const root = join(import.meta.dirname, '..', '..');

describe('command output in the docs', () => {
  const blocks = DOC_FILES.flatMap((file) => docBlocks(readFileSync(join(root, file), 'utf8')).map((block) => ({file, ...block})));

  it('is copied from the goldens the tests produce', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    for (const {file, golden, section, text} of blocks) {
      const path = join(goldenDir, golden);
      expect(existsSync(path), `${file}: fixtures/golden/${golden} does not exist`).toBe(true);
      expect(text, `${file}: the block of ${golden} differs from the golden; run npm run golden:update`).toBe(
        `\`\`\`console\n${goldenExcerpt(readFileSync(path, 'utf8'), section)}\n\`\`\``,
      );
    }
  });
});
