// The program's name and version, from package.json (bundled).
import pjson from '../package.json' with {type: 'json'};

export const PROGRAM_NAME = pjson.name;
export const VERSION = pjson.version;

/** What --version prints: name/version platform-arch node-version (oclif's user agent). */
export function userAgent(): string {
  return `${PROGRAM_NAME}/${VERSION} ${process.platform}-${process.arch} node-${process.version}`;
}
