// Starts the two local clusters once for the whole e2e run (or reuses running ones).
// If this run started them, it stops them at the end unless CONFIGSYNC_KEEP_CLUSTER is set.
import {rmSync} from 'node:fs';
import {clusterDown, clusterUp, isClusterRunning} from '../cluster/harness.mjs';
import {reliabilityDir} from '../support/reliability.js';

export default async function setup(): Promise<() => Promise<void>> {
  // Figures of an earlier run must never reach the README as if this run had produced them.
  rmSync(reliabilityDir, {recursive: true, force: true});
  const wasRunning = await isClusterRunning();
  await clusterUp();
  return async () => {
    if (!wasRunning && !process.env.CONFIGSYNC_KEEP_CLUSTER) await clusterDown();
  };
}
