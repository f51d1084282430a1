// Values whose bytes are easy to lose: each must come back byte for byte from every
// decode, diff, sync, fanout and undo. Shared by the unit and the end-to-end round trip.

export interface CorpusValue {
  /** A Kubernetes key naming the case. */
  key: string;
  bytes: Buffer;
  /** Valid UTF-8, so the tool handles it as text (otherwise as base64 bytes). */
  text: boolean;
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');
const raw = (...bytes: number[]) => Buffer.from(bytes);

export const BYTE_CORPUS: CorpusValue[] = [
  {key: 'bom', bytes: utf8('\ufeffhello'), text: true},
  {key: 'bom-only', bytes: raw(0xef, 0xbb, 0xbf), text: true},
  {key: 'bom-twice', bytes: utf8('\ufeff\ufeffx'), text: true},
  {key: 'invalid-utf8', bytes: raw(0xff, 0xfe, 0x00, 0x41), text: false},
  {key: 'truncated-utf8', bytes: raw(0x68, 0xc3), text: false},
  {key: 'lone-continuation', bytes: raw(0x80, 0x61), text: false},
  {key: 'overlong-slash', bytes: raw(0xc0, 0xaf), text: false},
  {key: 'encoded-surrogate', bytes: raw(0xed, 0xa0, 0x80), text: false},
  {key: 'crlf', bytes: utf8('a=1\r\nb=2\r\n'), text: true},
  {key: 'lone-cr', bytes: utf8('a\rb'), text: true},
  {key: 'nul', bytes: utf8('a\u0000b'), text: true},
  {key: 'nfc', bytes: utf8('caf\u00e9'), text: true},
  {key: 'nfd', bytes: utf8('cafe\u0301'), text: true},
  {key: 'zero-width', bytes: utf8('ab\u200bc'), text: true},
  {key: 'word-joiner', bytes: utf8('ab\u2060c'), text: true},
  {key: 'trailing-spaces', bytes: utf8('value   '), text: true},
  {key: 'trailing-newlines', bytes: utf8('value\n\n'), text: true},
  {key: 'tab', bytes: utf8('a\tb'), text: true},
  {key: 'empty', bytes: utf8(''), text: true},
  {key: 'replacement-char', bytes: utf8('\ufffd'), text: true},
  {key: 'noncharacter', bytes: raw(0xef, 0xbf, 0xbf), text: true},
  {key: 'astral', bytes: utf8('\u{1f511}'), text: true},
];

/** Pairs that look alike on screen but differ in their bytes. */
export const LOOKALIKES: Array<[string, string]> = [
  ['bom', 'plain'],
  ['nfc', 'nfd'],
  ['trailing-spaces', 'no-trailing-spaces'],
  ['crlf', 'lf'],
  ['zero-width', 'no-zero-width'],
];

export const LOOKALIKE_VALUES: Record<string, Buffer> = {
  bom: utf8('\ufeffhello'),
  plain: utf8('hello'),
  nfc: utf8('caf\u00e9'),
  nfd: utf8('cafe\u0301'),
  'trailing-spaces': utf8('value   '),
  'no-trailing-spaces': utf8('value'),
  crlf: utf8('a=1\r\nb=2\r\n'),
  lf: utf8('a=1\nb=2\n'),
  'zero-width': utf8('ab\u200bc'),
  'no-zero-width': utf8('abc'),
};
