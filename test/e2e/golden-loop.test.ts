// The interactive loops as a user sees them, for the docs: `sync` of the example environments and
// a `fanout` that creates, updates and prunes, on a pseudo-terminal of 80 columns, drawn by a
// terminal emulator (xterm.js), with a frame at each prompt and the whole screen at the end.
// Compared with fixtures/golden/loop/; docs/sync.md and docs/fanout.md show these frames, never
// typed by hand.
// `npm run golden:update` rewrites the golden; the test only compares.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {missingTool} from '../support/requirements.js';
import {expectGolden} from '../support/golden.js';
import {environments, load, normalise} from './golden-support.js';
import {apply, configMap, createNamespaces, kubectl, runCli} from './support.js';
import {KEY, hasScript, runOnTerminal} from './terminal.js';

// Fixed names: what the screen shows must not vary between runs.
const staging = 'loop-staging';
const prod = 'loop-prod';
// The fanout: a source in loop-platform, teams chosen by a label of this test's own.
const platform = 'loop-platform';
const teamA = 'loop-team-a';
const teamB = 'loop-team-b';
const oldTeam = 'loop-old-team';
const TEAM = 'loop-team';
const state = mkdtempSync(join(tmpdir(), 'configsync-golden-loop-'));
const COLUMNS = 80;
let cleanup: (() => Promise<void>) | undefined;

/** The frames of the loop, in the order a user meets them. */
const FRAMES = ['the object picker', 'the key picker of configmap/checkout-config', 'the review and its question'];

describe.skipIf(missingTool(hasScript, 'script (util-linux), which gives the CLI a pseudo-terminal'))(
  'the interactive loop as a terminal draws it',
  () => {
    beforeAll(async () => {
      const namespaces = [staging, prod, platform, teamA, teamB, oldTeam];
      await kubectl(['--context', 'alpha', 'delete', 'namespace', ...namespaces, '--ignore-not-found', '--wait=true', '--timeout=120s']);
      cleanup = await createNamespaces('alpha', ...namespaces);
      await apply('alpha', load('staging', staging));
      await apply('alpha', load('prod', prod));
      // Copies made earlier in team-a and old-team; since then the source changed and old-team left the teams.
      await kubectl(['--context', 'alpha', 'label', 'namespace', teamA, oldTeam, `${TEAM}=a`]);
      await kubectl(['--context', 'alpha', 'label', 'namespace', teamB, `${TEAM}=b`]);
      await apply('alpha', configMap(platform, 'ca-bundle', {'ca.crt': 'CERT-2025'}));
      const first = await runCli(
        ['fanout', 'configmap/ca-bundle', '--context', 'alpha', '-n', platform, '--namespace-selector', `${TEAM}=a`, '--yes'],
        {
          env: {XDG_STATE_HOME: state},
        },
      );
      expect(first.code, first.stderr).toBe(0);
      await apply('alpha', configMap(platform, 'ca-bundle', {'ca.crt': 'CERT-2026'}));
      await kubectl(['--context', 'alpha', 'label', 'namespace', oldTeam, `${TEAM}=retired`, '--overwrite']);
    }, 180_000);
    afterAll(async () => {
      await cleanup?.();
      rmSync(state, {recursive: true, force: true});
    });

    it(`sync staging → prod at ${COLUMNS} columns: pick objects, pick keys, review, confirm, result`, async () => {
      const args = ['sync', `alpha/${staging}`, `alpha/${prod}`];
      const {code, frames, finalScreen, wrapped} = await runOnTerminal(
        args,
        [
          // Every object; in checkout-config, every key; in search-config, its one key.
          {waitFor: /Objects to sync[\s\S]*search-config/, frameFrom: '? Objects to sync', keys: ['a', KEY.enter]},
          {
            waitFor: /Keys of configmap\/checkout-config to write[\s\S]*LOG_LEVEL/,
            frameFrom: '? Keys of configmap/checkout-config',
            keys: [KEY.space, KEY.enter],
          },
          {waitFor: /Keys of configmap\/search-config to write[\s\S]*settings\.json/, keys: [KEY.space, KEY.enter]},
          {waitFor: /Write \d+ objects? to alpha\/[^?]+\?/, frameFrom: 'Sync plan:', keys: ['y', KEY.enter]},
        ],
        {XDG_STATE_HOME: state, KUBECTL_CONFIGSYNC_SALT: 'golden-output-salt', NO_COLOR: '1'},
        COLUMNS,
        environments,
      );
      expect(code, finalScreen).toBe(0);
      expect(frames).toHaveLength(FRAMES.length);
      const sections = [
        `$ kubectl configsync ${args.join(' ')}   # a terminal of ${COLUMNS} columns`,
        ...FRAMES.flatMap((name, i) => [`--- screen at ${name}`, frames[i]]),
        // What the answer leads to, as the screen shows it at the end.
        '--- screen at the result',
        finalScreen.slice(finalScreen.lastIndexOf('✔ Write')),
        `--- screen at the end (exit ${code})`,
        finalScreen,
      ];
      expectGolden(`loop/sync.${COLUMNS}.txt`, normalise(state, `${sections.join('\n')}\n`));
      // Nothing the loop printed was wider than the terminal: the terminal wrapped no line.
      expect(wrapped).toEqual([]);
    });

    it(`fanout to the teams at ${COLUMNS} columns: plan, question, result`, async () => {
      const args = ['fanout', 'configmap/ca-bundle', '--context', 'alpha', '-n', platform, '--namespace-selector', `${TEAM} in (a,b)`];
      const {code, frames, finalScreen, wrapped} = await runOnTerminal(
        args,
        [{waitFor: /Write \d+ changes\?/, frameFrom: 'Fanout of', keys: ['y', KEY.enter]}],
        {XDG_STATE_HOME: state, NO_COLOR: '1'},
        COLUMNS,
      );
      expect(code, finalScreen).toBe(0);
      const shown = args.map((word) => (/[\s()]/.test(word) ? `'${word}'` : word)).join(' ');
      const sections = [
        `$ kubectl configsync ${shown}   # a terminal of ${COLUMNS} columns`,
        '--- screen at the plan and its question',
        frames[0],
        '--- screen at the result',
        finalScreen.slice(finalScreen.lastIndexOf('✔ Write')),
        `--- screen at the end (exit ${code})`,
        finalScreen,
      ];
      expectGolden(`loop/fanout.${COLUMNS}.txt`, normalise(state, `${sections.join('\n')}\n`));
      expect(wrapped).toEqual([]);
      // What the plan said is what the cluster holds now.
      const copies = await kubectl([
        '--context',
        'alpha',
        'get',
        'configmap',
        '-A',
        '--field-selector',
        'metadata.name=ca-bundle',
        '-o',
        'jsonpath={range .items[*]}{.metadata.namespace}={.data.ca\\.crt} {end}',
      ]);
      expect(
        copies
          .trim()
          .split(' ')
          .filter((c) => c.startsWith('loop-'))
          .sort(),
      ).toEqual([`${platform}=CERT-2026`, `${teamA}=CERT-2026`, `${teamB}=CERT-2026`]);
    });
  },
);
