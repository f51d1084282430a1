// Types of scripts/doc-goldens.mjs for the tests.
export function goldenExcerpt(golden: string, section?: string): string;
export function docBlocks(markdown: string): Array<{golden: string; section?: string; text: string}>;
export function fillDocBlocks(markdown: string, goldenDir: string): string;
export const DOC_FILES: string[];
