// Types of scripts/binary-format.mjs for the tests.
export const SEA_FUSE: string;
export const PLATFORMS: Record<
  string,
  {package: string; nodePath: string; os: string; arch: string; format: 'elf' | 'macho' | 'pe'; machine: number; executable: string}
>;
export function checkExecutable(file: Buffer, platformName: string, blob?: Buffer): string[];
export function readHeader(file: Buffer): {
  format: 'elf' | 'macho' | 'pe' | 'unknown';
  machine: number | undefined;
  segments: string[];
  signed?: boolean;
};
