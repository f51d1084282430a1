// Starts the two local clusters once for the whole e2e run (or reuses running ones).
// If this run started them, it stops them at the end unless CONFIGSYNC_KEEP_CLUSTER is set.
import {clusterDown, clusterUp, isClusterRunning} from '../cluster/harness.mjs';

export default async function setup(): Promise<() => Promise<void>> {
  const wasRunning = await isClusterRunning();
  await clusterUp();
  return async () => {
    if (!wasRunning && !process.env.CONFIGSYNC_KEEP_CLUSTER) await clusterDown();
  };
}
