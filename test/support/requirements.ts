// A test that needs a tool this machine lacks is skipped with its reason printed. Under CI,
// where scripts/ci-tools.sh installs every such tool, a missing one fails the run instead:
// no test is skipped silently, and CI never passes with a skip it did not expect.

/** True when the test should be skipped; throws under CI. */
export function missingTool(present: boolean, what: string): boolean {
  if (present) return false;
  if (process.env.CI === 'true') throw new Error(`${what} is missing; scripts/ci-tools.sh installs it for CI`);
  process.stderr.write(`skipped: ${what} is missing on this machine (scripts/ci-tools.sh installs it)\n`);
  return true;
}
