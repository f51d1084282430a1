import type {FanoutResult} from '../cli/apply-fanout.js';
import type {FanoutPlan} from '../core/fanout-plan.js';

export interface CopyStateCounts {
  in_sync: number;
  stale: number;
  failed: number;
  orphaned: number;
}

/**
 * What a pass left behind, copy by copy: unchanged or written → in sync; a create or update
 * not written (not leading, stopping) → stale; failed or unreadable → failed; a prune not
 * done → orphaned. Conflicts (objects that are not copies) are not copies and not counted.
 */
export function copyStates(plans: FanoutPlan[], results: Array<FanoutResult[] | undefined>): CopyStateCounts {
  const counts: CopyStateCounts = {in_sync: 0, stale: 0, failed: 0, orphaned: 0};
  plans.forEach((plan, p) =>
    plan.entries.forEach((entry, i) => {
      const outcome = results[p]?.[i]?.outcome;
      switch (entry.action) {
        case 'unchanged':
          counts.in_sync++;
          break;
        case 'create':
        case 'update':
          if (outcome === 'done') counts.in_sync++;
          else if (outcome === 'failed') counts.failed++;
          else counts.stale++;
          break;
        case 'prune':
          if (outcome !== 'done') counts.orphaned++;
          break;
        case 'error':
          counts.failed++;
          break;
        case 'conflict':
          break;
      }
    }),
  );
  return counts;
}
