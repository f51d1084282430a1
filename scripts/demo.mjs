// `npm run demo`: start the local clusters, load the example staging and prod
// environments (fixtures/environments) with real drift, and diff them.
import {spawnSync} from 'node:child_process';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {clusterUp} from '../test/cluster/harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const environments = join(root, 'fixtures', 'environments');

const {kubeconfig} = await clusterUp();
const kubectl = (...args) => {
  const result = spawnSync('kubectl', ['--kubeconfig', kubeconfig, '--context', 'alpha', ...args], {encoding: 'utf8'});
  if (result.status !== 0) {
    process.stderr.write(result.stderr);
    process.exit(result.status ?? 1);
  }
};

process.stderr.write('Loading fixtures/environments/{staging,prod} into context "alpha"...\n');
for (const env of ['staging', 'prod']) kubectl('apply', '-f', join(environments, env, 'namespace.yaml'));
// Start from the fixtures exactly, even after an earlier demo synced something.
for (const env of ['staging', 'prod']) {
  for (const file of ['configmaps.yaml', 'secrets.yaml'])
    kubectl('delete', '--ignore-not-found', '--wait=false', '-f', join(environments, env, file));
  for (const file of ['configmaps.yaml', 'secrets.yaml']) kubectl('apply', '-f', join(environments, env, file));
}

const args = ['diff', 'staging', 'prod', '--context', 'alpha', '--kind', 'configmaps,secrets'];
process.stderr.write(
  `\n$ kubectl configsync ${args.join(' ')}   (KUBECONFIG=${kubeconfig}, rules: fixtures/environments/.configsync.yaml)\n\n`,
);
const diff = spawnSync(process.execPath, [join(root, 'bin', 'run.js'), ...args], {
  cwd: environments,
  env: {...process.env, KUBECONFIG: kubeconfig},
  stdio: 'inherit',
});
process.stderr.write(`\nexit code ${diff.status} (1 = differences found, as with kubectl diff)\n`);
process.stderr.write(
  `Try it yourself: export KUBECONFIG=${kubeconfig} PATH=${join(root, 'bin')}:${join(root, 'node_modules', '.bin')}:$PATH and run kubectl configsync diff staging prod\n`,
);
process.exit(diff.status === 0 || diff.status === 1 ? 0 : (diff.status ?? 1));
