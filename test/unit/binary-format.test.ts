import {describe, expect, it} from 'vitest';
import {checkExecutable, PLATFORMS, readHeader, SEA_FUSE} from '../../scripts/binary-format.mjs';

const injected = Buffer.from(`…${SEA_FUSE}:1…`);
const blob = Buffer.from('the blob: script, code cache, assets');

function elf(machine: number): Buffer {
  const header = Buffer.alloc(64);
  header.writeUInt32BE(0x7f454c46, 0);
  header[4] = 2; // 64-bit
  header[5] = 1; // little-endian
  header.writeUInt16LE(machine, 18);
  return Buffer.concat([header, Buffer.from('NODE_SEA_BLOB'), injected, blob]);
}

function machO(cpu: number, segment: string, signed = false): Buffer {
  const segmentCommand = Buffer.alloc(72);
  segmentCommand.writeUInt32LE(0x19, 0);
  segmentCommand.writeUInt32LE(72, 4);
  segmentCommand.write(segment, 8, 'latin1');
  const signature = Buffer.alloc(16);
  signature.writeUInt32LE(0x1d, 0);
  signature.writeUInt32LE(16, 4);
  const commands = signed ? [segmentCommand, signature] : [segmentCommand];
  const header = Buffer.alloc(32);
  header.writeUInt32LE(0xfeedfacf, 0);
  header.writeUInt32LE(cpu, 4);
  header.writeUInt32LE(commands.length, 16);
  return Buffer.concat([header, ...commands, injected, blob]);
}

function pe(machine: number, resource = true): Buffer {
  const file = Buffer.alloc(0x100);
  file.write('MZ', 0, 'latin1');
  file.writeUInt32LE(0x80, 0x3c);
  file.writeUInt32LE(0x00004550, 0x80);
  file.writeUInt16LE(machine, 0x84);
  return Buffer.concat([file, resource ? Buffer.from('NODE_SEA_BLOB', 'utf16le') : Buffer.alloc(0), injected, blob]);
}

describe('readHeader', () => {
  it('reads the format and machine of ELF, Mach-O and PE', () => {
    expect(readHeader(elf(0xb7))).toMatchObject({format: 'elf', machine: 0xb7});
    expect(readHeader(machO(0x01000007, 'NODE_SEA'))).toEqual({
      format: 'macho',
      machine: 0x01000007,
      segments: ['NODE_SEA'],
      signed: false,
    });
    expect(readHeader(machO(0x01000007, '__TEXT', true)).signed).toBe(true);
    expect(readHeader(pe(0x8664))).toMatchObject({format: 'pe', machine: 0x8664});
    expect(readHeader(Buffer.from('#!/bin/sh\n'))).toMatchObject({format: 'unknown'});
  });
});

describe('checkExecutable', () => {
  it('accepts each platform’s own executable with its blob', () => {
    expect(checkExecutable(elf(0x3e), 'linux-x64', blob)).toEqual([]);
    expect(checkExecutable(elf(0xb7), 'linux-arm64', blob)).toEqual([]);
    expect(checkExecutable(machO(0x01000007, 'NODE_SEA'), 'darwin-x64', blob)).toEqual([]);
    expect(checkExecutable(pe(0x8664), 'win-x64', blob)).toEqual([]);
  });

  it('refuses another architecture or format, a missing blob, an unset fuse', () => {
    expect(checkExecutable(elf(0x3e), 'linux-arm64')).toEqual(['expected machine 0xb7, found 0x3e']);
    expect(checkExecutable(pe(0x8664), 'linux-x64')).toEqual(['expected a elf executable, found pe']);
    expect(checkExecutable(machO(0x01000007, '__TEXT'), 'darwin-x64')).toEqual([
      'no NODE_SEA segment (the blob is not where Node looks for it on macOS)',
    ]);
    expect(checkExecutable(pe(0x8664, false), 'win-x64')).toEqual(['no NODE_SEA_BLOB resource']);
    const unset = Buffer.from(elf(0x3e).toString('latin1').replace(`${SEA_FUSE}:1`, `${SEA_FUSE}:0`), 'latin1');
    expect(checkExecutable(unset, 'linux-x64')).toEqual(['the sentinel fuse is not set: no blob was injected']);
    expect(checkExecutable(elf(0x3e), 'linux-x64', Buffer.from('another blob'))).toEqual(['the blob is not embedded byte for byte']);
  });

  it('knows the four release platforms and their krew names', () => {
    expect(Object.entries(PLATFORMS).map(([name, p]) => `${name}=${p.os}/${p.arch}:${p.executable}`)).toEqual([
      'linux-x64=linux/amd64:kubectl-configsync',
      'linux-arm64=linux/arm64:kubectl-configsync',
      'darwin-x64=darwin/amd64:kubectl-configsync',
      'win-x64=windows/amd64:kubectl-configsync.exe',
    ]);
  });
});
