// Types of scripts/doc-goldens.mjs for the tests.
export function goldenExcerpt(golden: string): string;
export function docBlocks(markdown: string): Array<{golden: string; text: string}>;
export function fillDocBlocks(markdown: string, goldenDir: string): string;
export const DOC_FILES: string[];
