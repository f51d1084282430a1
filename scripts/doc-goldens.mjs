// Docs show command output copied from the golden files, never typed by hand: a block between
// <!-- golden:commands/NAME.txt --> and <!-- /golden --> holds that golden's command line and
// stdout. `npm run golden:update` rewrites the blocks; test/unit/doc-goldens.test.ts checks them.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';

const BLOCK = /(<!-- golden:(\S+) -->\n)[\s\S]*?(\n<!-- \/golden -->)/g;

/** The docs excerpt of a golden: its command line (without the width note) and its stdout. */
export function goldenExcerpt(golden) {
  const command = golden.split('\n', 1)[0].replace(/ {3}# COLUMNS=.*$/, '');
  const stdout = golden.slice(golden.indexOf('--- stdout\n') + '--- stdout\n'.length, golden.indexOf('--- stderr\n'));
  return `${command}\n${stdout}`.trimEnd();
}

/** Every golden block of a Markdown text: the golden's name and what the block holds now. */
export function docBlocks(markdown) {
  return [...markdown.matchAll(BLOCK)].map((m) => ({golden: m[2], text: m[0].slice(m[1].length, -m[3].length)}));
}

/** The Markdown with every golden block refilled from `goldenDir`. */
export function fillDocBlocks(markdown, goldenDir) {
  return markdown.replace(
    BLOCK,
    (_, open, name, close) => `${open}\`\`\`console\n${goldenExcerpt(readFileSync(join(goldenDir, name), 'utf8'))}\n\`\`\`${close}`,
  );
}

/** The Markdown files that may hold golden blocks. */
export const DOC_FILES = ['README.md', 'docs/diff.md', 'docs/sync.md', 'docs/restart.md', 'docs/fanout.md'];
