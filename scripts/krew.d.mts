// Types of scripts/krew.mjs for the tests.
export const KREW_API_VERSION: string;
export const SHA256_PLACEHOLDER: RegExp;
export function validateKrewManifest(doc: unknown, fileName: string, options?: {allowPlaceholders?: boolean}): string[];
export function archiveName(version: string, os: string, arch: string): string;
export function fillManifest(template: string, release: {version: string; baseUrl: string; sha256: Record<string, string>}): string;
