// The body of `version` (its help: version.ts).
import type {RunOf} from '../cli/command-io.js';
import {userAgent} from '../version.js';
import type Version from './version.js';

export const runVersionCommand: RunOf<typeof Version> = async (_input, io) => {
  // oclif's user agent: kubectl-configsync/VERSION PLATFORM-ARCH node-NODEVERSION, as --version prints it.
  io.print(userAgent());
};
