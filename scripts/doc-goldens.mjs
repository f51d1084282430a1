// Docs show command output copied from the golden files, never typed by hand: a block between
// <!-- golden:commands/NAME.txt --> and <!-- /golden --> holds that golden's command line and
// stdout; <!-- golden:loop/NAME.txt#SECTION --> holds one "--- screen at SECTION" frame of a
// terminal session (the first frame under the session's command line). `npm run golden:update` rewrites the blocks; test/unit/doc-goldens.test.ts checks them.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';

const BLOCK = /(<!-- golden:([^#\s]+)(?:#([^>]+?))? -->\n)[\s\S]*?(\n<!-- \/golden -->)/g;

/**
 * The docs excerpt of a golden: its command line (without the width note) and its stdout; or,
 * given a section, that frame of the terminal session.
 */
export function goldenExcerpt(golden, section) {
  if (section) {
    const marker = `--- screen at ${section}\n`;
    const start = golden.indexOf(marker);
    if (start < 0) throw new Error(`no section "${section}" in the golden`);
    const rest = golden.slice(start + marker.length);
    const end = rest.search(/^--- screen at /m);
    const frame = (end < 0 ? rest : rest.slice(0, end)).trimEnd();
    // The session's first frame is shown under the command that started it.
    const first = golden.search(/^--- screen at /m) === start;
    return first ? `${commandLine(golden)}\n${frame}` : frame;
  }
  const command = commandLine(golden);
  const stdout = golden.slice(golden.indexOf('--- stdout\n') + '--- stdout\n'.length, golden.indexOf('--- stderr\n'));
  return `${command}\n${stdout}`.trimEnd();
}

/** The golden's first line, the command that produced it, without the note on the terminal's width. */
function commandLine(golden) {
  return golden.split('\n', 1)[0].replace(/ {3}# (COLUMNS=|a terminal of ).*$/, '');
}

/** Every golden block of a Markdown text: the golden's name and what the block holds now. */
export function docBlocks(markdown) {
  return [...markdown.matchAll(BLOCK)].map((m) => ({golden: m[2], section: m[3], text: m[0].slice(m[1].length, -m[4].length)}));
}

/** The Markdown with every golden block refilled from `goldenDir`. */
export function fillDocBlocks(markdown, goldenDir) {
  return markdown.replace(
    BLOCK,
    (_, open, name, section, close) =>
      `${open}\`\`\`console\n${goldenExcerpt(readFileSync(join(goldenDir, name), 'utf8'), section)}\n\`\`\`${close}`,
  );
}

/** The Markdown files that may hold golden blocks. */
export const DOC_FILES = ['README.md', 'docs/diff.md', 'docs/sync.md', 'docs/restart.md', 'docs/fanout.md'];
