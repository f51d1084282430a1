#!/usr/bin/env node
// npm run cluster:up / cluster:down (see harness.mjs).
//   up                       start the test control plane; last stdout line = kubeconfig path
//   down                     stop it and delete its state
//   build                    only build the testbed binary; prints its path
//   stop-apiserver  CLUSTER  stop one API server (fault tests)
//   start-apiserver CLUSTER  restart it
import {clusterDown, clusterUp, ensureTestbedBinary, startApiserver, stopApiserver} from './harness.mjs';

const [command, arg] = process.argv.slice(2);
try {
  switch (command) {
    case 'up': {
      const {kubeconfig, clusters} = await clusterUp();
      for (const [name, c] of Object.entries(clusters)) {
        process.stderr.write(`${name}: ${c.server}  audit log: ${c.auditLog}\n`);
      }
      process.stdout.write(`${kubeconfig}\n`);
      break;
    }
    case 'down':
      await clusterDown();
      break;
    case 'build':
      process.stdout.write(`${await ensureTestbedBinary()}\n`);
      break;
    case 'stop-apiserver':
    case 'start-apiserver':
      if (!arg) throw new Error(`usage: cli.mjs ${command} CLUSTER`);
      await (command === 'stop-apiserver' ? stopApiserver : startApiserver)(arg);
      break;
    default:
      process.stderr.write('usage: node test/cluster/cli.mjs up|down|build|stop-apiserver C|start-apiserver C\n');
      process.exitCode = 2;
  }
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
}
