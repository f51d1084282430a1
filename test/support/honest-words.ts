// What a dry run's output may not say (#17, honest previews): that something was done.

/** Words that claim something was done. */
export const PAST_TENSE = /\b(removed|deleted|written|restored|restarted|created|updated|pruned|adopted|overwritten)\b/i;
/** Phrases that contain such a word and say the opposite: nothing was done. */
const NOTHING_DONE = [/nothing (was )?written/g, /nothing restarted yet/g, /being deleted/g];

/** The past-tense words a dry run's text claims, once the "nothing was done" phrases are set aside. */
export function claimsDone(text: string): string[] {
  let rest = text;
  for (const phrase of NOTHING_DONE) rest = rest.replace(phrase, '');
  // A legend defines the symbols (what "-" means), it claims nothing.
  return rest.split('\n').filter((line) => PAST_TENSE.test(line) && !line.startsWith('Legend:'));
}
