// Where a run's time goes, for bench/startup.mjs: with KUBECTL_CONFIGSYNC_TIMING=1 the process
// prints one JSON line on stderr at exit, each phase's end in ms since the process started.
// Off (one environment read) otherwise.
const enabled = Boolean(process.env.KUBECTL_CONFIGSYNC_TIMING);
const marks: Record<string, number> = {};

export function markPhase(name: string): void {
  if (!enabled || name in marks) return;
  if (Object.keys(marks).length === 0) process.on('exit', () => process.stderr.write(`timing: ${JSON.stringify(marks)}\n`));
  marks[name] = Math.round(performance.now() * 10) / 10;
}
