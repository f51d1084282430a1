#!/usr/bin/env node
// Renders the figures the hardening suites recorded during the last test run
// (.cache/reliability/*.json) into README.md between the reliability markers.
// Runs as npm's posttest, so the README shows what the tests measured, not what
// someone typed. Without recorded figures the README is left as it is.
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, '.cache', 'reliability');
const readme = join(root, 'README.md');
const START = '<!-- reliability:start -->';
const END = '<!-- reliability:end -->';

/** Suites in reading order, and what each figure means. */
const SUITES = {
  'bad-input': {
    file: 'test/e2e/hardening-input.test.ts',
    labels: {
      casesTried: 'bad-input cases tried',
      casesPassed: 'passed: exit code, one error line naming the problem, no stack trace, nothing written',
      writesDetected: 'cases that wrote anything',
    },
  },
  faults: {
    file: 'test/e2e/faults.test.ts',
    labels: {
      faultsInjected: 'faults injected (429, 5xx, lost answers, API server killed, SIGTERM)',
      faultsSurvived: 'faults survived (retried, or reported and converged on rerun)',
      killedMidRun: 'API server killed mid-run (sync, fanout)',
      targetsReported: 'targets reported as done, failed or not attempted',
      duplicateWrites: 'duplicate writes',
      lostWrites: 'lost writes',
    },
  },
  concurrency: {
    file: 'test/e2e/concurrency.test.ts',
    labels: {
      trials: 'trials (a competing writer between read and write)',
      conflictsInjected: 'conflicts injected',
      conflictsReported: 'conflicts reported',
      lostUpdates: 'lost updates',
    },
  },
  'write-safety': {
    file: 'test/e2e/write-safety.test.ts',
    labels: {
      dryRunPathsTested: 'dry-run paths tested (commands × mutating paths × client/server)',
      persistedChanges: 'changes persisted by a dry run',
      recreateFailuresInjected:
        'delete-and-create refusals provoked (create forbidden, admission policy with and without server dry run, finalizers)',
      objectsLost: 'objects lost',
    },
  },
  'crash-undo': {
    file: 'test/e2e/crash-undo.test.ts',
    labels: {
      killPointsTested: 'kill points tested (SIGKILL at a write boundary, then undo)',
      objectsTouched: 'objects the killed runs touched',
      objectsRestored: 'objects restored by undo',
      journalFailuresInjected: 'journal failures injected (full disk before and after the first write)',
      objectsLostToJournalFailures: 'objects lost to journal failures',
    },
  },
  'bounded-waits': {
    file: 'test/e2e/bounded-waits.test.ts',
    labels: {
      pluginStartsPerRun: 'exec credential plugin starts per run (one user, two clusters, one sync)',
      overshootAt1sMs: 'ms a run with --request-timeout 1s against a silent API server took beyond a healthy run plus 1 s (0: none)',
      requestTimeoutMs: '--request-timeout of the runs with one hung target (ms)',
      worstMsOneHung: 'worst time to fail with one hung target, whole process (ms; fanout to 3 contexts, diff of 3 locations)',
      healthyMsSameCommand: 'the same command without the hung target (ms)',
    },
    // Timings vary from run to run: the README states one run's figure, and a later run may not
    // exceed it by more than MEASURED_TOLERANCE (counts must match exactly).
    measured: ['overshootAt1sMs', 'worstMsOneHung', 'healthyMsSameCommand'],
  },
  secrets: {
    file: 'test/e2e/secrets-leak.test.ts',
    labels: {
      commandsRun: 'command runs with Secrets and debug output searched',
      needleForms:
        'forms searched for: values, base64, structured keys, SHA-1/SHA-256/SHA-512/MD5 (hex, base64) of values and canonical encodings',
      searches: 'searches (form × output, file or object metadata)',
      bytesScanned: 'bytes of output, files and object metadata searched',
      filesSearched: 'run journals (backups) searched for digests',
      objectsMetadataSearched: 'Secrets written (synced, copied, overwritten) whose metadata was searched',
      secretValueHits: 'secret values or derived forms found without --show-secrets',
      derivedHits: 'of which digests of Secret data',
      hitsWithShowSecrets: 'values found with --show-secrets (the search works)',
      backupFilesChecked: 'backup files checked',
      backupFilesNotPrivate: 'backup files not mode 0600 in a 0700 directory',
    },
    // Output holds paths (temporary directories, the clone's location), so its size varies by machine.
    measured: ['bytesScanned'],
  },
  'byte-exact': {
    file: 'test/e2e/byte-exact.test.ts',
    labels: {
      valuesCompared: 'values compared byte for byte with kubectl get -o json (diff, plan, sync, undo, fanout to both clusters)',
      byteMismatches: 'values not byte-identical after the round trip',
      diffPairsChecked: 'look-alike pairs diff told apart',
      commandsRun: 'sync, undo, fanout and status runs',
    },
  },
};

export function renderReliability(records) {
  const known = Object.keys(SUITES);
  const ordered = [...records].sort((a, b) => rank(known, a.suite) - rank(known, b.suite) || a.suite.localeCompare(b.suite));
  const lines = [
    'Produced by the test run (`npm test`): each hardening suite records its counts in `.cache/reliability/`,',
    'and `scripts/reliability-report.mjs` writes them here. See [docs/reliability.md](docs/reliability.md).',
    '',
    '| suite | figure | value |',
    '|---|---|---:|',
  ];
  for (const record of ordered) {
    const suite = SUITES[record.suite];
    const name = suite ? `${record.title} ([${suite.file.split('/').pop()}](${suite.file}))` : record.title;
    let first = true;
    for (const [key, value] of Object.entries(record.figures)) {
      lines.push(`| ${first ? name : ''} | ${suite?.labels[key] ?? key} | ${Number(value).toLocaleString('en-US')} |`);
      first = false;
    }
  }
  const dates = ordered.map((r) => r.recordedAt).sort();
  if (dates.length > 0)
    lines.push('', `Recorded between ${dates[0].slice(0, 16).replace('T', ' ')} and ${dates.at(-1).slice(0, 16).replace('T', ' ')} UTC.`);
  return lines.join('\n');
}

function rank(known, suite) {
  const index = known.indexOf(suite);
  return index < 0 ? known.length : index;
}

/**
 * How much worse than the README's figure a timing may be in a later run before CI fails: runs
 * differ by machine and load (the README's run may be on a quiet machine, CI's under two workers),
 * so only a run several times slower than stated fails.
 */
const MEASURED_TOLERANCE = 3;
const MEASURED_SLACK_MS = 1000;

/** The figures of the rendered table, keyed "title|label" (the first column repeats only once per suite). */
export function tableFigures(markdown) {
  const figures = new Map();
  let suite = '';
  for (const line of markdown.split('\n')) {
    const cells = /^\| (.*) \| (.*) \| ([\d,.-]+) \|$/.exec(line);
    if (!cells) continue;
    if (cells[1] !== '') suite = cells[1];
    figures.set(`${suite}|${cells[2]}`, Number(cells[3].replaceAll(',', '')));
  }
  return figures;
}

/** Differences between what this run produced and what the README states; empty when they agree. */
export function compareFigures(records, committedSection) {
  const produced = tableFigures(renderReliability(records));
  const committed = tableFigures(committedSection);
  const measured = new Set(
    records.flatMap((r) => (SUITES[r.suite]?.measured ?? []).map((key) => `${r.suite}:${SUITES[r.suite].labels[key] ?? key}`)),
  );
  const suiteOf = new Map(records.map((r) => [labelOf(r), r.suite]));
  const problems = [];
  for (const [key, value] of produced) {
    const [title, label] = key.split('|');
    const stated = committed.get(key);
    if (stated === undefined) {
      problems.push(`README lacks "${label}" (${title}); this run produced ${value}`);
      continue;
    }
    if (measured.has(`${suiteOf.get(title)}:${label}`)) {
      if (value > stated * MEASURED_TOLERANCE + MEASURED_SLACK_MS)
        problems.push(`"${label}": README states ${stated}, this run measured ${value}`);
    } else if (value !== stated) {
      problems.push(`"${label}": README states ${stated}, this run produced ${value}`);
    }
  }
  for (const key of committed.keys())
    if (!produced.has(key)) problems.push(`README states "${key.split('|')[1]}", which this run did not produce`);
  return problems;
}

function labelOf(record) {
  const suite = SUITES[record.suite];
  return suite ? `${record.title} ([${suite.file.split('/').pop()}](${suite.file}))` : record.title;
}

function readRecords() {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
}

/**
 * Writes the figures into README.md, or with --check (as CI runs it) fails when the README
 * states anything other than what this run produced. Only a run of every hardening suite
 * renders: one file run on its own leaves the README as it is.
 */
function main() {
  // CI checks rather than writes: a README that differs from the run fails the build.
  const check = process.argv.includes('--check') || process.env.CI === 'true';
  const records = readRecords();
  const missing = Object.entries(SUITES)
    .filter(([suite]) => !records.some((r) => r.suite === suite))
    .map(([, s]) => s.file);
  if (missing.length > 0) {
    process.stderr.write(`reliability-report: no figures from ${missing.join(', ')}; README.md left as it is\n`);
    if (check) process.exitCode = 1;
    return;
  }
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) {
    process.stderr.write(`reliability-report: README.md has no ${START} … ${END} markers\n`);
    process.exitCode = 1;
    return;
  }
  if (check) {
    const problems = compareFigures(records, text.slice(start, end));
    for (const problem of problems) process.stderr.write(`reliability-report: ${problem}\n`);
    if (problems.length > 0) {
      process.stderr.write(
        'reliability-report: the committed README does not state what this run produced; run `npm test` and commit README.md\n',
      );
      process.exitCode = 1;
    } else process.stderr.write(`reliability-report: README.md states what this run produced (${records.length} suites)\n`);
    return;
  }
  const next = `${text.slice(0, start + START.length)}\n${renderReliability(records)}\n${text.slice(end)}`;
  if (next !== text) writeFileSync(readme, next);
  process.stderr.write(`reliability-report: ${records.length} suites rendered into README.md\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
